/** A guidance picture: trusted SVG markup bundled at build time (never fetched), with a text alternative. */
export function Picture({ svg, label, class: cls, active }: { svg: string; label: string; class?: string; active?: string }) {
  return (
    <div
      class={`picture ${cls ?? ""}`.trim()}
      role="img"
      aria-label={label}
      data-active={active}
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
