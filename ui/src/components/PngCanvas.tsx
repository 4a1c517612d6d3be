import { useEffect, useRef } from "preact/hooks";

/**
 * Draws a PNG given as base64 onto a canvas: no URL (not even data:) is created, so nothing can be
 * fetched or cached; on unmount the bitmap is closed and the canvas emptied.
 */
export function PngCanvas({ base64, label, class: cls }: { base64: string; label: string; class?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let cancelled = false;
    let bitmap: ImageBitmap | null = null;
    const canvas = ref.current;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    createImageBitmap(new Blob([bytes], { type: "image/png" }))
      .then((b) => {
        bitmap = b;
        if (cancelled || !canvas) return b.close();
        canvas.width = b.width;
        canvas.height = b.height;
        canvas.getContext("2d")?.drawImage(b, 0, 0);
        b.close();
        canvas.dataset["drawn"] = "1";
      })
      .catch(() => {
        if (canvas) canvas.dataset["drawn"] = "error";
      });
    return () => {
      cancelled = true;
      bitmap?.close();
      if (canvas) {
        canvas.width = 0;
        canvas.height = 0;
      }
    };
  }, [base64]);
  return <canvas ref={ref} class={cls} role="img" aria-label={label} />;
}
