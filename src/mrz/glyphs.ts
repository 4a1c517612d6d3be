/**
 * Tells the MRZ filler `<` from letters and digits by its shape, on the glyph's own box in the grey
 * frame. The general-purpose `eng` model, even restricted to A–Z 0–9 `<`, reads runs of `<` as K, L
 * or C (measured on generated OCR-B pages: most filler runs came back wrong), and no OCR-B model is
 * packaged for npm, so the fillers are found here and erased before the engine reads the rest.
 *
 * The chevron's left edge, row by row, is a V: far right at the top and bottom rows, at the far left
 * in the middle; and the middle rows, near the vertex, are only as wide as the stroke.
 * No letter or digit of the MRZ alphabet has that (C, G, O, S start near the left at
 * their top and bottom rows; J, Y, V, X, Z and digits fail at the top or bottom or middle). Mistakes
 * here are caught later: a letter taken for `<` or a `<` left for the engine changes a field that a
 * check digit covers (line 2), or fails the count of glyphs the engine must read. Pure.
 */
import { otsu, type Gray } from "../image/image";
import type { GlyphBox } from "./find";

/** The left-edge profile's thresholds (fractions of the box width). */
const EDGE_FAR = 0.42;
const EDGE_NEAR = 0.2;
const MIDDLE_WIDTH = 0.52;
/** The chevron is about 0.8 as wide as tall in OCR-B; a 1 or I is far narrower. */
const MIN_ASPECT = 0.55;

export function isFiller(g: Gray, b: GlyphBox): boolean {
  const f = fillerFeatures(g, b);
  return f !== null && (b.x1 - b.x0 + 1) / (b.y1 - b.y0 + 1) >= MIN_ASPECT && f.top > EDGE_FAR && f.bottom > EDGE_FAR && f.middle < EDGE_NEAR && f.widest < MIDDLE_WIDTH;
}

/** The left-edge profile at the top, bottom and middle, and the widest middle row (box-width fractions). */
export function fillerFeatures(g: Gray, b: GlyphBox): { top: number; bottom: number; middle: number; widest: number } | null {
  const x0 = Math.max(0, b.x0 - 1), x1 = Math.min(g.width - 1, b.x1 + 1);
  const y0 = Math.max(0, b.y0), y1 = Math.min(g.height - 1, b.y1);
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  if (w < 3 || h < 5) return null;
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = g.data[(y0 + y) * g.width + x0 + x] ?? 0;
  const t = otsu(px);
  const left: number[] = [];
  const right: number[] = [];
  for (let y = 0; y < h; y++) {
    let l = -1;
    let r = -1;
    for (let x = 0; x < w; x++) {
      if ((px[y * w + x] ?? 255) <= t) {
        if (l < 0) l = x;
        r = x;
      }
    }
    left.push(l < 0 ? 1 : l / w);
    right.push(r < 0 ? 0 : (r + 1) / w);
  }
  px.fill(0);
  const band = Math.max(1, Math.round(h * 0.22));
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  const top = mean(left.slice(0, band));
  const bottom = mean(left.slice(h - band));
  const middle = Math.min(...left.slice(Math.floor(h * 0.35), Math.ceil(h * 0.65)));
  // …and near the vertex a row is only the stroke: the middle rows are narrow (OCR-B's 4 has the same
  // left edge, but its stem starts at mid-height, far right of the diagonal; 6, 0, H, N are wide).
  let widest = 0;
  for (let y = Math.floor(h * 0.4); y < Math.ceil(h * 0.6); y++) widest = Math.max(widest, (right[y] ?? 0) - (left[y] ?? 1));
  return { top, bottom, middle, widest };
}
