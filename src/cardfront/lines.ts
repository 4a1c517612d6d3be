/**
 * Find what is printed on a rectified card front, without assuming where: the text lines and the
 * portrait. Steps, all on the canonical raster (layout.ts CANON, 10 px/mm):
 *
 * 1. `rectifyCard`: the whole card sampled once through the homography (bilinear).
 * 2. `inkMask`: adaptive threshold — a pixel is ink when it is darker than the mean of its
 *    (2r+1)² neighbourhood by a margin (integral image, so the cost does not depend on r). This
 *    survives the background gradient, glare haze and low light that defeat one global threshold.
 *    Straight runs ≥ 5 mm (frames, rules) are erased so text touching a frame stays text.
 * 3. `blobs`: 8-connected components of the ink, with their boxes and areas.
 * 4. `findPortrait`: the portrait is the large non-text region: solid blobs far larger than any
 *    character, clustered; the card's biggest such cluster is the photo.
 * 5. `groupLines`: character-sized blobs chained left to right into lines (vertical overlap, a gap
 *    below ~1.6 glyph heights, similar heights so a small label does not join a large value).
 *
 * Sizes are physical (millimetres × PX_PER_MM) and deliberately wide: a card's fonts are 1.6–4 mm,
 * and nothing here depends on where a field is. Pure; every buffer is the caller's to wipe.
 */
import type { Gray } from "../image/image";
import { CANON, PX_PER_MM } from "./layout";
import type { Homography } from "./rectify";

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Blob extends Box {
  readonly area: number;
}

export interface TextLine extends Box {
  /** Number of blobs chained into the line (≈ characters; a kanji may count several). */
  readonly parts: number;
}

export interface CardLayout {
  readonly lines: TextLine[];
  /** The portrait's box, or null when no large non-text region was found. */
  readonly portrait: Box | null;
}

/** The analysis raster: 5 px/mm is enough to see 1.6 mm print as blobs, and a quarter of the work of
 *  the canonical 10 px/mm. Results are returned in canonical pixels. */
export const ANALYSIS_PX_PER_MM = 5;
const MM = ANALYSIS_PX_PER_MM;

/** The whole card at `pxPerMm` (default: the analysis raster, 5 px/mm), sampled from the photo
 *  through `hm` (which maps canonical 10 px/mm coordinates to the photo). */
export function rectifyCard(src: Gray, hm: Homography, pxPerMm = MM): Gray {
  const k0 = PX_PER_MM / pxPerMm;
  const w = Math.round(CANON.width / k0);
  const h = Math.round(CANON.height / k0);
  const out = new Uint8Array(w * h);
  const W = src.width;
  const H = src.height;
  const d = src.data;
  const [a = 0, b = 0, c = 0, dd = 0, e = 0, f = 0, g = 0, k = 0, l = 1] = hm;
  for (let j = 0; j < h; j++) {
    const y = (j + 0.5) * k0;
    for (let i = 0; i < w; i++) {
      const x = (i + 0.5) * k0;
      const z = g * x + k * y + l;
      const u = (a * x + b * y + c) / z - 0.5;
      const v = (dd * x + e * y + f) / z - 0.5;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= W || y0 + 1 >= H) {
        out[j * w + i] = 255;
        continue;
      }
      const fx = u - x0;
      const fy = v - y0;
      const p = y0 * W + x0;
      const p0 = d[p] ?? 0;
      const p1 = d[p + 1] ?? 0;
      const p2 = d[p + W] ?? 0;
      const p3 = d[p + W + 1] ?? 0;
      const top = p0 + (p1 - p0) * fx;
      const bot = p2 + (p3 - p2) * fx;
      out[j * w + i] = (top + (bot - top) * fy + 0.5) | 0;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Ink mask (1 = ink): darker than the local mean by `max(minDiff, rel × mean)`. The window is
 * 2r+1 = 3.1 mm, about one character, so a character's own ink lowers its mean only partly.
 */
export function inkMask(g: Gray, r = Math.round(1.5 * MM), rel = 0.12, minDiff = 10): Uint8Array {
  const { width: w, height: h, data } = g;
  const iw = w + 1;
  const integral = new Float64Array(iw * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x] ?? 0;
      integral[(y + 1) * iw + x + 1] = (integral[y * iw + x + 1] ?? 0) + row;
    }
  }
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const s = (integral[y1 * iw + x1] ?? 0) - (integral[y0 * iw + x1] ?? 0) - (integral[y1 * iw + x0] ?? 0) + (integral[y0 * iw + x0] ?? 0);
      const mean = s / ((x1 - x0) * (y1 - y0));
      const v = data[y * w + x] ?? 0;
      if (v < mean - Math.max(minDiff, rel * mean)) mask[y * w + x] = 1;
    }
  }
  integral.fill(0);
  eraseRules(mask, w, h, Math.round(5 * MM));
  return mask;
}

/**
 * Erase straight ink runs of at least `len` pixels along rows and columns: frame edges and rules.
 * No glyph on a card has a straight stroke that long (the largest print, a 4 mm name, +10 %, is
 * under 5 mm), and text touching a frame would otherwise join it into one non-character blob.
 */
function eraseRules(mask: Uint8Array, w: number, h: number, len: number): void {
  const runs: [number, number, number][] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; ) {
      if (mask[y * w + x] !== 1) {
        x++;
        continue;
      }
      let e = x;
      while (e < w && mask[y * w + e] === 1) e++;
      if (e - x >= len) runs.push([y * w + x, e - x, 1]);
      x = e;
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; ) {
      if (mask[y * w + x] !== 1) {
        y++;
        continue;
      }
      let e = y;
      while (e < h && mask[e * w + x] === 1) e++;
      if (e - y >= len) runs.push([y * w + x, e - y, w]);
      y = e;
    }
  }
  for (const [start, n, step] of runs) for (let k = 0; k < n; k++) mask[start + k * step] = 0;
}

/** 8- (or 4-) connected components of a 0/1 mask. */
export function blobs(mask: Uint8Array, w: number, h: number, eight = true): Blob[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const out: Blob[] = [];
  for (let start = 0; start < w * h; start++) {
    if (mask[start] !== 1 || seen[start] === 1) continue;
    let sp = 0;
    stack[sp++] = start;
    seen[start] = 1;
    let x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0;
    while (sp > 0) {
      const p = stack[--sp] ?? 0;
      const x = p % w;
      const y = (p - x) / w;
      area++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w || (!eight && dx !== 0 && dy !== 0)) continue;
          const q = yy * w + xx;
          if (mask[q] === 1 && seen[q] === 0) {
            seen[q] = 1;
            stack[sp++] = q;
          }
        }
      }
    }
    out.push({ x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, area });
  }
  seen.fill(0);
  return out;
}

/** Character-sized: up to 5.5 mm tall and 9 mm wide (a 4 mm name, +10 %, is the largest print on a
 *  card; a frame around a 3.2 mm line is taller). */
const CHAR_MAX_H = 5.5 * MM;
const CHAR_MAX_W = 9 * MM;
/** Smaller than this is noise or a dot. */
const MIN_AREA = 3;

function isChar(b: Blob): boolean {
  // A rule (a frame edge, an underline) is thin and long: at least 2 mm and 8 × its thickness.
  const rule = Math.max(b.w, b.h) >= 2 * MM && Math.max(b.w, b.h) >= 8 * Math.min(b.w, b.h);
  // A frame's corner piece is tall and nearly empty.
  const corner = b.h >= 4 * MM && b.area < 0.3 * b.w * b.h;
  return !rule && !corner && b.h <= CHAR_MAX_H && b.w <= CHAR_MAX_W && b.area >= MIN_AREA && b.h >= 0.5 * MM;
}

/** Least share of its box a portrait region must fill. 0.3 until 2026-12-06; lowered for portraits whose
 *  light background is no darker than the paper (only head and shoulders are dark). Chosen with
 *  scripts/cardface/sides.ts on the tuning frames (held-out never run): fronts "unknown" 0.3 → 0.25 →
 *  0.2: compact 261 → 50 → 43 of 2,972, the four other tuning families 51 → 35 (0.25); backs taken for
 *  fronts 0 → 0 → 1 (of 72 compact backs; 0 of 288 others at 0.25): 0.25, which keeps every back. */
export const PORTRAIT_MIN_FILL = 0.25;

/**
 * The portrait: the large region darker than the paper around it. The card is cut into 1 mm cells;
 * a cell is dark when its mean is below 88 % of the brightest cell within 12 mm (the paper there,
 * so gradients, glare and low light cancel out). Eroded by 2 cells (text lines disappear), the
 * portrait is the biggest 4-connected region left that is at least 12 × 14 mm once grown back,
 * upright (height ≥ 0.7 × width) and mostly filled; text, even a dense address block, leaves
 * nothing or a wide, low region instead.
 */
export function findPortrait(card: Gray): Box | null {
  const cw = Math.floor(card.width / MM);
  const ch = Math.floor(card.height / MM);
  const mean = new Float32Array(cw * ch);
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let s = 0;
      for (let y = cy * MM; y < (cy + 1) * MM; y++) for (let x = cx * MM; x < (cx + 1) * MM; x++) s += card.data[y * card.width + x] ?? 0;
      mean[cy * cw + cx] = s / (MM * MM);
    }
  }
  const reach = 12;
  const rowMax = new Float32Array(cw * ch);
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let m = 0;
      for (let k = Math.max(0, cx - reach); k <= Math.min(cw - 1, cx + reach); k++) m = Math.max(m, mean[cy * cw + k] ?? 0);
      rowMax[cy * cw + cx] = m;
    }
  }
  const dark = new Uint8Array(cw * ch);
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let m = 0;
      for (let k = Math.max(0, cy - reach); k <= Math.min(ch - 1, cy + reach); k++) m = Math.max(m, rowMax[k * cw + cx] ?? 0);
      if ((mean[cy * cw + cx] ?? 0) < 0.88 * m) dark[cy * cw + cx] = 1;
    }
  }
  // Erode by 2 cells: text lines (≤ 4 cells tall) vanish, even where a long line runs into the
  // photo; the portrait keeps its core.
  const core = new Uint8Array(cw * ch);
  const e = 2;
  for (let cy = e; cy < ch - e; cy++) {
    for (let cx = e; cx < cw - e; cx++) {
      let all = 1;
      for (let dy = -e; dy <= e && all; dy++) for (let dx = -e; dx <= e; dx++) if (dark[(cy + dy) * cw + cx + dx] !== 1) { all = 0; break; }
      core[cy * cw + cx] = all;
    }
  }
  // The cores of one portrait (hair, face, shoulders) can be split by a lighter band: cluster cores
  // within 8 cells of each other (text is gone after the erosion, so nothing else joins).
  const clusters: Blob[] = [];
  for (const r of blobs(core, cw, ch, false)) {
    if (r.area < 4) continue;
    let c: Blob = r;
    for (let i = clusters.length - 1; i >= 0; i--) {
      const o = clusters[i];
      if (o && boxGap(o, c) <= 8) {
        c = { ...union(o, c), area: o.area + c.area };
        clusters.splice(i, 1);
      }
    }
    clusters.push(c);
  }
  let best: Blob | null = null;
  for (const r of clusters) {
    const fill = r.area / (r.w * r.h);
    if (r.w >= 12 - 2 * e && r.h >= 14 - 2 * e && r.h + 2 * e >= 0.7 * (r.w + 2 * e) && fill >= PORTRAIT_MIN_FILL && (!best || r.area > best.area)) best = r;
  }
  if (best) best = { x: Math.max(0, best.x - e), y: Math.max(0, best.y - e), w: best.w + 2 * e, h: best.h + 2 * e, area: best.area };
  mean.fill(0);
  rowMax.fill(0);
  dark.fill(0);
  core.fill(0);
  const k = PX_PER_MM;
  return best ? { x: best.x * k, y: best.y * k, w: best.w * k, h: best.h * k } : null;
}

/** Chain character blobs into lines. Blobs inside `exclude` (the portrait) are left out. */
export function groupLines(all: readonly Blob[], exclude: Box | null): TextLine[] {
  const chars = all.filter((b) => isChar(b) && !(exclude && inside(b, exclude))).sort((a, b) => a.x - b.x);
  // Strokes of one character (a kanji is often several blobs) first merge into glyph boxes:
  // boxes that overlap horizontally and vertically, or touch.
  const lines: { x: number; y: number; x1: number; y1: number; parts: number; hs: number[]; typical: number }[] = [];
  for (const b of chars) {
    const bx1 = b.x + b.w;
    const by1 = b.y + b.h;
    let bestI = -1;
    let bestGap = Infinity;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (!l) continue;
      const lh = l.typical;
      const overlap = Math.min(l.y1, by1) - Math.max(l.y, b.y);
      // Vertical: the blob shares at least half of the smaller height with the line.
      if (overlap < 0.5 * Math.min(l.y1 - l.y, b.h)) continue;
      // Similar heights (a small label or a tall frame edge does not join a value), except small
      // stroke pieces of a glyph (dots, short strokes).
      const piece = b.h <= 0.6 * lh && b.w <= 0.8 * lh;
      if (!piece && (b.h > 1.6 * lh || lh > 1.6 * b.h)) continue;
      const gap = b.x - l.x1;
      // Up to 1.6 glyph heights: a full-width space between 年 and a padded " 1月" must not split a date.
      if (gap > 1.6 * lh || gap < -lh * 2) continue;
      if (gap < bestGap) {
        bestGap = gap;
        bestI = i;
      }
    }
    const l = bestI >= 0 ? lines[bestI] : undefined;
    if (l) {
      l.x = Math.min(l.x, b.x);
      l.y = Math.min(l.y, b.y);
      l.x1 = Math.max(l.x1, bx1);
      l.y1 = Math.max(l.y1, by1);
      l.parts++;
      l.hs.push(b.h);
      // The typical height is that of the tallest half of the parts (glyphs, not their strokes).
      const sorted = [...l.hs].sort((p, q) => q - p);
      l.typical = sorted[Math.floor((sorted.length - 1) / 4)] ?? b.h;
    } else lines.push({ x: b.x, y: b.y, x1: bx1, y1: by1, parts: 1, hs: [b.h], typical: b.h });
  }
  return lines.map((l) => ({ x: l.x, y: l.y, w: l.x1 - l.x, h: l.y1 - l.y, parts: l.parts }));
}

/** Everything the recogniser needs from one card rectified at the analysis scale; boxes come back
 *  in canonical pixels (layout.ts PX_PER_MM). `knownPortrait`: the portrait when the caller has
 *  already found it on this card (side.ts does), so it is not searched twice. */
export function analyseCard(card: Gray, knownPortrait?: Box | null): CardLayout {
  const mask = inkMask(card);
  const all = blobs(mask, card.width, card.height);
  mask.fill(0);
  const portrait = knownPortrait === undefined ? findPortrait(card) : knownPortrait;
  const k = PX_PER_MM / MM;
  const inPortrait = portrait ? { x: portrait.x / k, y: portrait.y / k, w: portrait.w / k, h: portrait.h / k } : null;
  const lines = groupLines(all, inPortrait)
    .filter((l) => l.h >= 1 * MM)
    .map((l) => ({ x: l.x * k, y: l.y * k, w: l.w * k, h: l.h * k, parts: l.parts }));
  return { lines, portrait };
}

export function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** Distance between two boxes (0 when they touch or overlap). */
export function boxGap(a: Box, b: Box): number {
  const dx = Math.max(0, Math.max(a.x, b.x) - Math.min(a.x + a.w, b.x + b.w));
  const dy = Math.max(0, Math.max(a.y, b.y) - Math.min(a.y + a.h, b.y + b.h));
  return Math.hypot(dx, dy);
}

function inside(b: Box, o: Box): boolean {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  return cx >= o.x && cx <= o.x + o.w && cy >= o.y && cy <= o.y + o.h;
}
