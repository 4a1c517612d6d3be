/**
 * Which side of the card faces the camera, decided from layout alone, before any OCR: the back (the
 * number side) must never be read for text. Front = a portrait in the photo box (large smooth dark
 * areas: few black/white transitions per row); back = a QR code at the right (many transitions per
 * row). Both 0° and 180° placements are tried. Pure.
 *
 * Measured on generated cards (tune split): front photo box 1–4 transitions per row, back QR box
 * 9–14; thresholds sit between with room on both sides.
 */
import { BACK, FRONT, CANON, boxPx } from "./layout";
import { otsu, type Gray } from "./image";
import { homographyFromRect, sampleBox, type Homography, type Quad } from "./rectify";

export type Side =
  | { side: "front"; hm: Homography; rotated: boolean }
  | { side: "back" }
  | { side: "unknown" };

const FRONT_MAX_TRANSITIONS = 5.5;
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

export function classifySide(g: Gray, quad: Quad): Side {
  const orientations: { quad: Quad; rotated: boolean }[] = [
    { quad, rotated: false },
    { quad: [quad[2], quad[3], quad[0], quad[1]], rotated: true },
  ];
  let back = false;
  for (const o of orientations) {
    const hm = homographyFromRect(CANON.width, CANON.height, o.quad);
    if (!hm) continue;
    const photo = sampleBox(g, hm, boxPx(FRONT.photo), 0.5);
    const qr = sampleBox(g, hm, boxPx(BACK.qr), 0.5);
    const p = texture(photo);
    const q = texture(qr);
    photo.data.fill(0);
    qr.data.fill(0);
    if (q.transitions >= BACK_MIN_TRANSITIONS && q.darkShare > 0.25) back = true;
    else if (p.darkShare >= 0.12 && p.darkShare <= 0.8 && p.transitions > 0 && p.transitions <= FRONT_MAX_TRANSITIONS) return { side: "front", hm, rotated: o.rotated };
  }
  return back ? { side: "back" } : { side: "unknown" };
}
