/**
 * Damage to a chip front image, for the acceptance check "not sure rather than wrong on degraded
 * images": speckle noise, blur re-thresholded (strokes thicken or break), cut lines (a white or
 * black band across the card, half of the time across the birth row), stains (a black blot, half of
 * the time on the birth row). Applied to the bitmap at the chip's resolution, before G4 encoding.
 */
import type { Bitmap } from "./render";
import { CHIP_PX_PER_MM } from "./render";

export type Degradation = "none" | "noise" | "blur" | "cut" | "stain";
export const DEGRADATIONS: readonly Degradation[] = ["noise", "blur", "cut", "stain"];

export function degrade(b: Bitmap, kind: Degradation, r: () => number, birthRowMm: number): Bitmap {
  const { width: w, height: h } = b;
  const d = Uint8Array.from(b.data);
  const mm = CHIP_PX_PER_MM;
  const rowY = () => (r() < 0.5 ? Math.round((birthRowMm - 1 + r() * 1.5) * mm) : Math.floor(r() * h));
  if (kind === "noise") {
    const p = 0.005 + r() * 0.025;
    for (let i = 0; i < d.length; i++) if (r() < p) d[i] = 255 - (d[i] ?? 255);
  } else if (kind === "blur") {
    const rad = 1 + Math.floor(r() * 2);
    const t = 70 + r() * 120;
    const src = Uint8Array.from(d);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -rad; dy <= rad; dy++) for (let dx = -rad; dx <= rad; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          s += src[yy * w + xx] ?? 255;
          n++;
        }
        d[y * w + x] = s / n < t ? 0 : 255;
      }
    }
  } else if (kind === "cut") {
    const thick = 1 + Math.floor(r() * 3);
    const colour = r() < 0.7 ? 255 : 0;
    if (r() < 0.75) {
      const y0 = rowY();
      for (let y = y0; y < Math.min(h, y0 + thick); y++) for (let x = 0; x < w; x++) d[y * w + x] = colour;
    } else {
      const x0 = Math.floor(r() * w * 0.5);
      for (let y = 0; y < h; y++) for (let x = x0; x < Math.min(w, x0 + thick); x++) d[y * w + x] = colour;
    }
  } else if (kind === "stain") {
    const cx = Math.floor(r() * w * 0.6);
    const cy = rowY();
    const rx = (1.5 + r() * 3) * mm;
    const ry = (1 + r() * 2.5) * mm;
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(h, cy + ry); y++)
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(w, cx + rx); x++)
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1 && r() < 0.9) d[y * w + x] = 0;
  }
  return { width: w, height: h, data: d };
}
