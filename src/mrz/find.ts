/**
 * Finds the two TD3 MRZ lines on a camera frame by content, not position: the MRZ is two parallel
 * rows of 44 evenly spaced glyphs with no word gaps (fillers `<` are printed glyphs too), which no
 * other text on a data page looks like. Steps, all on the grey frame:
 *
 * 1. adaptive threshold (darker than the local mean of a window about two glyphs wide; `faint`: a
 *    second, more sensitive pass the frame reader runs only when the first found no readable MRZ,
 *    for glyphs washed out by a glare spot or low light);
 * 2. 8-connected blobs of glyph size;
 * 3. blobs chained left to right (similar height, overlapping rows, gap ≤ GAP_K glyph heights);
 * 4. collinear chains merged across small breaks (a glare spot, a thumb edge);
 * 5. long chains (≥ MIN_BLOBS) fitted with a line (least squares); the pair that is parallel, one
 *    line pitch apart, of about the same length, is the MRZ.
 *
 * The 44 character positions on each line are then fitted by pitch (segment.ts). Pure (no node: import).
 */
import type { Gray } from "../image/image";

/** Glyph-size limits in frame pixels (a 1024-px frame with the 112 mm MRZ on ≥ 55 % of it). */
const MIN_H = 7;
const MAX_H = 48;
/** Largest gap between neighbouring glyphs, in glyph heights (OCR-B pitch ≈ 1.1 cap heights). */
const GAP_K = 1.1;
/** A chain this long can be an MRZ line (44 glyphs; some merge or break under blur and glare). */
const MIN_BLOBS = 28;

interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  n: number;
}

export interface MrzLineGeometry {
  /** centre of the line's first and last glyph (frame px) */
  readonly start: readonly [number, number];
  readonly end: readonly [number, number];
  /** median glyph height (frame px) */
  readonly glyphHeight: number;
  readonly blobs: number;
  /** the glyph boxes found on this line, left to right (frame px, inclusive) */
  readonly glyphs: readonly GlyphBox[];
}

export interface GlyphBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export type FindResult = { found: true; lines: [MrzLineGeometry, MrzLineGeometry]; angleDeg: number } | { found: false; reason: "no-text" | "no-mrz" | "one-line" };

/**
 * How much darker than its neighbourhood mean a pixel must be to count as ink: `v < mean·f − c`.
 * `normal` (14 % and 3 grey levels darker) keeps guilloche and hatching out; `faint` (5 % and 2
 * levels) also keeps the glyphs of a glare spot on the laminate, where ink and paper are both lifted
 * towards white (tuning frames, hard: `no-mrz`/`one-line` 13 → 1 of 300).
 */
export const INK_THRESHOLDS = { normal: { f: 0.86, c: 3 }, faint: { f: 0.95, c: 2 } } as const;
export type InkThreshold = keyof typeof INK_THRESHOLDS;

/** Pixels darker than their neighbourhood mean by a margin (integral image, window 2r+1). */
export function darkMask(g: Gray, r: number, ink: InkThreshold = "normal"): Uint8Array {
  const { f, c } = INK_THRESHOLDS[ink];
  const { width: w, height: h, data } = g;
  const W = w + 1;
  const integral = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x] ?? 0;
      integral[(y + 1) * W + x + 1] = (integral[y * W + x + 1] ?? 0) + row;
    }
  }
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - r), yb = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const xa = Math.max(0, x - r), xb = Math.min(w, x + r + 1);
      const sum = (integral[yb * W + xb] ?? 0) - (integral[ya * W + xb] ?? 0) - (integral[yb * W + xa] ?? 0) + (integral[ya * W + xa] ?? 0);
      const mean = sum / ((yb - ya) * (xb - xa));
      const v = data[y * w + x] ?? 0;
      if (v < mean * f - c) mask[y * w + x] = 1;
    }
  }
  integral.fill(0);
  return mask;
}

/** 8-connected components of the mask (bounding boxes and sizes). The mask is consumed (zeroed). */
export function blobsOf(mask: Uint8Array, w: number, h: number): Blob[] {
  const out: Blob[] = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1) continue;
    let sp = 0;
    stack[sp++] = start;
    mask[start] = 0;
    const b: Blob = { x0: w, y0: h, x1: -1, y1: -1, n: 0 };
    while (sp > 0) {
      const p = stack[--sp] ?? 0;
      const x = p % w, y = (p - x) / w;
      b.n++;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (mask[q] === 1) {
            mask[q] = 0;
            stack[sp++] = q;
          }
        }
      }
    }
    out.push(b);
  }
  return out;
}

const bh = (b: Blob) => b.y1 - b.y0 + 1;
const bw = (b: Blob) => b.x1 - b.x0 + 1;
const cyOf = (b: Blob) => (b.y0 + b.y1) / 2;
const cxOf = (b: Blob) => (b.x0 + b.x1) / 2;

function isGlyph(b: Blob): boolean {
  const h = bh(b), w = bw(b);
  if (h < MIN_H || h > MAX_H || w > 1.6 * h) return false;
  const fill = b.n / (h * w);
  return fill > 0.08 && fill < 0.85;
}

/** Chains of glyph blobs, left to right. */
function chains(glyphs: Blob[]): Blob[][] {
  glyphs.sort((a, b) => a.x0 - b.x0);
  const next = new Int32Array(glyphs.length).fill(-1);
  const hasPrev = new Uint8Array(glyphs.length);
  for (let i = 0; i < glyphs.length; i++) {
    const a = glyphs[i] as Blob;
    const ha = bh(a);
    let best = -1;
    let bestD = Infinity;
    for (let j = i + 1; j < glyphs.length; j++) {
      const b = glyphs[j] as Blob;
      if (b.x0 - a.x1 > GAP_K * ha) break;
      if (b.x0 <= a.x0 + 1) continue;
      const hb = bh(b);
      if (hb > 1.6 * ha || ha > 1.6 * hb) continue;
      if (Math.abs(cyOf(a) - cyOf(b)) > 0.45 * Math.max(ha, hb)) continue;
      const d = cxOf(b) - cxOf(a) + 2 * Math.abs(cyOf(a) - cyOf(b));
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (best >= 0 && hasPrev[best] === 0) {
      next[i] = best;
      hasPrev[best] = 1;
    }
  }
  const out: Blob[][] = [];
  for (let i = 0; i < glyphs.length; i++) {
    if (hasPrev[i] === 1) continue;
    const c: Blob[] = [];
    for (let k = i; k >= 0; k = next[k] ?? -1) c.push(glyphs[k] as Blob);
    out.push(c);
  }
  return out;
}

interface Fit {
  blobs: Blob[];
  /** y = a + b·x through the blob centres */
  a: number;
  b: number;
  x0: number;
  x1: number;
  h: number;
}

function median(v: number[]): number {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function fit(blobs: Blob[]): Fit {
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const bl of blobs) {
    const x = cxOf(bl), y = cyOf(bl);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const n = blobs.length;
  const den = n * sxx - sx * sx;
  const b = den === 0 ? 0 : (n * sxy - sx * sy) / den;
  const a = (sy - b * sx) / n;
  return { blobs, a, b, x0: Math.min(...blobs.map((q) => q.x0)), x1: Math.max(...blobs.map((q) => q.x1)), h: median(blobs.map(bh)) };
}

/** Merge chains that lie on one line with a small gap (a glyph lost to glare or noise). */
function mergeCollinear(cs: Blob[][]): Blob[][] {
  const fits = cs.filter((c) => c.length >= 4).map(fit).sort((p, q) => p.x0 - q.x0);
  const used = new Uint8Array(fits.length);
  const out: Blob[][] = [];
  for (let i = 0; i < fits.length; i++) {
    if (used[i]) continue;
    let cur = fits[i] as Fit;
    used[i] = 1;
    for (let j = i + 1; j < fits.length; j++) {
      if (used[j]) continue;
      const f = fits[j] as Fit;
      const gap = f.x0 - cur.x1;
      if (gap < -cur.h || gap > 3.5 * cur.h) continue;
      if (f.h > 1.4 * cur.h || cur.h > 1.4 * f.h) continue;
      const yPred = cur.a + cur.b * cxOf(f.blobs[0] as Blob);
      if (Math.abs(yPred - cyOf(f.blobs[0] as Blob)) > 0.4 * cur.h) continue;
      cur = fit([...cur.blobs, ...f.blobs]);
      used[j] = 1;
    }
    out.push(cur.blobs);
  }
  return out;
}

/** Find the MRZ's two lines on a grey frame (`ink`: which threshold, above). */
export function findMrz(g: Gray, ink: InkThreshold = "normal"): FindResult {
  const mask = darkMask(g, 12, ink);
  const blobs = blobsOf(mask, g.width, g.height);
  const glyphs = blobs.filter(isGlyph);
  if (glyphs.length < MIN_BLOBS) return { found: false, reason: "no-text" };
  const lines = mergeCollinear(chains(glyphs))
    .filter((c) => c.length >= MIN_BLOBS)
    .map(fit)
    // evenly spaced: the span is about (count − 1) pitches of ≈ 1.1 glyph heights, not far more
    .filter((f) => f.x1 - f.x0 < 2.2 * f.h * 44 && f.x1 - f.x0 > 0.7 * f.h * 30);
  if (lines.length === 0) return { found: false, reason: "no-mrz" };
  let best: { top: Fit; bottom: Fit; score: number } | null = null;
  for (const p of lines) {
    for (const q of lines) {
      if (p === q) continue;
      const xm = (Math.max(p.x0, q.x0) + Math.min(p.x1, q.x1)) / 2;
      const dy = q.a + q.b * xm - (p.a + p.b * xm);
      const h = (p.h + q.h) / 2;
      if (dy < 1.3 * h || dy > 2.8 * h) continue; // q is the line under p, one line pitch down
      if (Math.abs(Math.atan(p.b) - Math.atan(q.b)) > (2.5 * Math.PI) / 180) continue;
      const overlap = Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0);
      if (overlap < 0.8 * Math.max(p.x1 - p.x0, q.x1 - q.x0)) continue;
      const score = p.blobs.length + q.blobs.length;
      if (!best || score > best.score) best = { top: p, bottom: q, score };
    }
  }
  if (!best) return { found: false, reason: "one-line" };
  const slope = (best.top.b * best.top.blobs.length + best.bottom.b * best.bottom.blobs.length) / (best.top.blobs.length + best.bottom.blobs.length);
  // Both lines hold 44 glyphs at the same pitch from the same left margin: a glyph lost at one
  // line's end (glare, a thumb) is taken from the other line's extent.
  const firstX = Math.min(...[best.top, best.bottom].map((f) => cxOf(f.blobs.reduce((m, q) => (q.x0 < m.x0 ? q : m)))));
  const lastX = Math.max(...[best.top, best.bottom].map((f) => cxOf(f.blobs.reduce((m, q) => (q.x1 > m.x1 ? q : m)))));
  const geo = (f: Fit): MrzLineGeometry => {
    const at = (x: number): [number, number] => [x, f.a + f.b * x];
    const glyphs = [...f.blobs].sort((p, q) => cxOf(p) - cxOf(q)).map((q) => ({ x0: q.x0, y0: q.y0, x1: q.x1, y1: q.y1 }));
    return { start: at(firstX), end: at(lastX), glyphHeight: f.h, blobs: f.blobs.length, glyphs };
  };
  return { found: true, lines: [geo(best.top), geo(best.bottom)], angleDeg: (Math.atan(slope) * 180) / Math.PI };
}
