/**
 * Which side of the card faces the camera, decided from the picture alone, before any OCR: the back
 * (the number side) must never be read for text. Front = a portrait, found by content wherever it is
 * printed (lines.ts findPortrait: the large region darker than the paper, then few black/white
 * transitions per row); back = a QR code (many transitions per row). Both 0° and 180° placements are
 * tried; see classifySide. Pure.
 *
 * Thresholds (measured on the earlier generated tune splits after the 3 × 3 blur, moderate 132 frames,
 * hard 42): front portrait ≤ 1.6 (moderate) / ≤ 5.1 (hard, low light) transitions per row; back QR
 * ≥ 10.3. Back at ≥ 7, front at ≤ 6.5.
 * Measured on the tuning families (scripts/cardface/sides.ts, 25 sessions × 4 frames + 4 backs per
 * family and difficulty, every group moved up to ±8 mm): the fixed photo box took 22 of 1,193 fronts
 * for backs, 15 "unknown", and 1 of 192 backs for a front; the portrait found by content takes 0
 * fronts for backs, 17 "unknown", 0 backs for fronts (2 "unknown").
 * Even a back taken for a front would not be read as sure: the three fields are found by content
 * (find.ts) and a back has no date line ending in 生 or まで有効.
 */
import { BACK, CANON, PX_PER_MM, boxPx, type BoxMm } from "./layout";
import { boxBlur, otsu, wipeGray, type Gray } from "../image/image";
import { ANALYSIS_PX_PER_MM, findPortrait, rectifyCard, type Box } from "./lines";
import { homographyFromRect, sampleBox, type Homography, type Quad } from "./rectify";

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

/**
 * Which side is up, and for a front the orientation, the card rectified at the analysis raster
 * (lines.ts, 5 px/mm) and its portrait, so the caller does not redo them. For each of the two
 * placements (0°, 180°) the card is rectified once and its large non-text region is found by
 * content (lines.ts findPortrait), not looked for in a fixed box:
 * - a front has a smooth region (the portrait: ≤ FRONT_MAX_TRANSITIONS per row) whose centre is in
 *   the card's right half (the My Number card's photo side; fields may move, the photo does not
 *   cross the card) — the half is what tells 0° from 180°, since the region is found in both;
 * - a back has a QR code: a region (found, or the fixed QR box of layout.ts BACK.qr) with many
 *   transitions per row and a dark share near half.
 * A smooth portrait outranks the fixed QR box (a front's code and text can fill that box when the
 * fields moved); a textured found region is a back whatever else is seen. A card with neither is
 * "unknown" and nothing is read.
 */
export type SideOf =
  | { side: "front"; hm: Homography; rotated: boolean; card: Gray; portrait: Box }
  | { side: "back" }
  | { side: "unknown" };

export function classifySide(g: Gray, quad: Quad): SideOf {
  const orientations: { quad: Quad; rotated: boolean }[] = [
    { quad, rotated: false },
    { quad: [quad[2], quad[3], quad[0], quad[1]], rotated: true },
  ];
  let qrBox = false;
  let qrFound = false;
  let best: { hm: Homography; rotated: boolean; card: Gray; portrait: Box; transitions: number } | null = null;
  for (const o of orientations) {
    const hm = homographyFromRect(CANON.width, CANON.height, o.quad);
    if (!hm) continue;
    const q = smoothTexture(g, hm, BACK.qr);
    if (isQr(q)) qrBox = true;
    const card = rectifyCard(g, hm);
    const region = findPortrait(card);
    const t = region ? regionTexture(card, region) : null;
    if (region && t && isQr(t)) qrFound = true;
    const right = region !== null && region.x + region.w / 2 > CANON.width / 2;
    if (region && t && right && isPortrait(t) && (!best || t.transitions < best.transitions)) {
      if (best) wipeGray(best.card);
      best = { hm, rotated: o.rotated, card, portrait: region, transitions: t.transitions };
    } else wipeGray(card);
  }
  if (best && !qrFound) return { side: "front", hm: best.hm, rotated: best.rotated, card: best.card, portrait: best.portrait };
  if (best) wipeGray(best.card);
  return qrFound || qrBox ? { side: "back" } : { side: "unknown" };
}

const isQr = (t: BoxTexture) => t.transitions >= BACK_MIN_TRANSITIONS && t.darkShare > 0.25;
const isPortrait = (t: BoxTexture) => t.darkShare >= 0.12 && t.darkShare <= 0.8 && t.transitions > 0 && t.transitions <= FRONT_MAX_TRANSITIONS;

/** Texture of a region (canonical pixels) of the card rectified at the analysis raster, after the
 *  same 3 × 3 blur as smoothTexture. */
function regionTexture(card: Gray, r: Box): BoxTexture {
  const k = ANALYSIS_PX_PER_MM / PX_PER_MM;
  const x0 = Math.max(0, Math.round(r.x * k));
  const y0 = Math.max(0, Math.round(r.y * k));
  const w = Math.min(card.width - x0, Math.round(r.w * k));
  const h = Math.min(card.height - y0, Math.round(r.h * k));
  if (w < 3 || h < 3) return { transitions: 0, darkShare: 0 };
  const raw = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) raw.set(card.data.subarray((y0 + y) * card.width + x0, (y0 + y) * card.width + x0 + w), y * w);
  const img = { width: w, height: h, data: raw };
  const smooth = boxBlur(img, 1);
  const t = texture(smooth);
  raw.fill(0);
  smooth.data.fill(0);
  return t;
}
