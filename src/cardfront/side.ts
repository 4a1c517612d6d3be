/**
 * Which side of the card faces the camera, decided from layout alone, before any OCR: the back (the
 * number side) must never be read for text. Front = a portrait in the photo box (large smooth dark
 * areas: few black/white transitions per row); back = a QR code at the right (many transitions per
 * row). Both 0° and 180° placements are tried. Pure.
 *
 * Measured on the generated tune splits after the 3 × 3 blur (moderate 132 frames, hard 42): front
 * portrait ≤ 1.6 (moderate) / ≤ 5.1 (hard, low light) transitions per row, front QR box ≤ 2.3; back QR
 * box ≥ 10.3. Thresholds: back at ≥ 7 in the QR box, front at ≤ 6.5 in the photo box.
 * Even a back taken for a front (its QR washed out by glare) is never read for the number: no box the
 * pipeline crops (layout.ts FRONT) overlaps the back's number band, and the back's other boxes do not
 * parse as the three fields, so the answer is "unsure".
 */
import { BACK, FRONT, CANON, boxPx, type BoxMm } from "./layout";
import { boxBlur, otsu, type Gray } from "../image/image";
import { homographyFromRect, sampleBox, type Homography, type Quad } from "./rectify";

export type Side =
  | { side: "front"; hm: Homography; rotated: boolean }
  | { side: "back" }
  | { side: "unknown" };

const FRONT_MAX_TRANSITIONS = 6.5;
const BACK_MIN_TRANSITIONS = 7;
const MIN_CONTRAST = 40;

export interface BoxTexture {
  /** Mean black/white transitions per row (0 for a region with too little contrast). */
  transitions: number;
  /** Share of the region in the dark class. */
  darkShare: number;
}

export function texture(g: Gray): BoxTexture {
  const t = otsu(g.data);
  let sd = 0, nd = 0, sb = 0, nb = 0;
  for (const v of g.data) {
    if (v > t) { sb += v; nb++; } else { sd += v; nd++; }
  }
  if (nd === 0 || nb === 0 || sb / nb - sd / nd < MIN_CONTRAST) return { transitions: 0, darkShare: 0 };
  let changes = 0;
  for (let y = 0; y < g.height; y++) {
    let prev = (g.data[y * g.width] ?? 0) > t;
    for (let x = 1; x < g.width; x++) {
      const cur = (g.data[y * g.width + x] ?? 0) > t;
      if (cur !== prev) changes++;
      prev = cur;
    }
  }
  return { transitions: changes / g.height, darkShare: nd / g.data.length };
}

/** Texture of a box sampled at 5 px/mm after a 3 × 3 box blur: sensor noise in low light otherwise
 *  flips pixels around the threshold (tune-hard: up to 13 transitions per row on a portrait); the
 *  QR modules (0.84 mm ≈ 4 px) survive the blur. */
function smoothTexture(g: Gray, hm: Homography, box: BoxMm): BoxTexture {
  const raw = sampleBox(g, hm, boxPx(box), 0.5);
  const smooth = boxBlur(raw, 1);
  const t = texture(smooth);
  raw.data.fill(0);
  smooth.data.fill(0);
  return t;
}

export function classifySide(g: Gray, quad: Quad): Side {
  const orientations: { quad: Quad; rotated: boolean }[] = [
    { quad, rotated: false },
    { quad: [quad[2], quad[3], quad[0], quad[1]], rotated: true },
  ];
  let back = false;
  let best: { hm: Homography; rotated: boolean; transitions: number } | null = null;
  for (const o of orientations) {
    const hm = homographyFromRect(CANON.width, CANON.height, o.quad);
    if (!hm) continue;
    const p = smoothTexture(g, hm, FRONT.photo);
    const q = smoothTexture(g, hm, BACK.qr);
    if (q.transitions >= BACK_MIN_TRANSITIONS && q.darkShare > 0.25) back = true;
    else if (p.darkShare >= 0.12 && p.darkShare <= 0.8 && p.transitions > 0 && p.transitions <= FRONT_MAX_TRANSITIONS) {
      // Both placements can pass (text where the portrait would be, upside down): the portrait is
      // the smoother of the two.
      if (!best || p.transitions < best.transitions) best = { hm, rotated: o.rotated, transitions: p.transitions };
    }
  }
  if (best && !back) return { side: "front", hm: best.hm, rotated: best.rotated };
  return back ? { side: "back" } : { side: "unknown" };
}
