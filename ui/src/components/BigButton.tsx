import type { ComponentChildren } from "preact";

export type ButtonKind = "primary" | "secondary" | "quiet" | "danger";

interface Props {
  kind?: ButtonKind;
  onPress: () => void;
  children: ComponentChildren;
  disabled?: boolean;
  pressed?: boolean;
  label?: string;
  lang?: string;
  class?: string;
  testId?: string;
}

/** Every tappable thing on the kiosk: at least 48 px high and wide, no hover-only styling. */
export function BigButton(p: Props) {
  const cls = ["btn", `btn-${p.kind ?? "secondary"}`, p.class ?? ""].join(" ").trim();
  return (
    <button
      type="button"
      class={cls}
      onClick={p.onPress}
      disabled={p.disabled}
      aria-pressed={p.pressed}
      aria-label={p.label}
      lang={p.lang}
      data-testid={p.testId}
    >
      {p.children}
    </button>
  );
}
