/**
 * Find the card on the tray: the largest bright region after Otsu's threshold on a ~512 px wide copy,
 * rough corners from its extreme points, then each side refitted as a straight line through the
 * region's boundary (middle 70 % of the side, outliers such as a thumb over the edge trimmed) and the
 * corners taken as the lines' intersections. Pure.
 *
 * Measured on the generated tune split (132 frames at 1024 × 768, incl. thumbs over corners): every
 * card found, corner error ≤ 1.4 px. A bright region under 10 % of the frame is "no-card".
 */
import { CARD_MM } from "./layout";
import { downscale, otsu, type Gray } from "../image/image";
import type { Point, Quad } from "./rectify";

export type LocateResult = { ok: true; quad: Quad } | { ok: false; reason: "no-card" | "card-not-fully-visible" | "not-card-shaped" };

export function locateCard(g: Gray): LocateResult {
  const f = Math.max(1, Math.round(g.width / 512));
  const s = downscale(g, f);
  const t = otsu(s.data);
  const comp = largestComponent(s, t);
  s.data.fill(0);
  if (!comp || comp.area < s.width * s.height * 0.1) return { ok: false, reason: "no-card" };
  const { mask, w, h } = comp;
  let approx: Point[] | null = extremeCorners(mask, w, h);
  // Two passes: the extreme points can sit on a thumb over a corner; the second pass takes each
  // side's range from the first pass's line intersections instead.
  for (let pass = 0; pass < 2 && approx; pass++) approx = fitCorners(mask, w, h, approx);
  if (!approx) return { ok: false, reason: "not-card-shaped" };
  const corners: Point[] = approx.map(([x, y]) => [(x + 0.5) * f, (y + 0.5) * f]);
  const quad = corners as unknown as Quad;
  if (corners.some(([x, y]) => x < 1 || y < 1 || x > g.width - 2 || y > g.height - 2)) return { ok: false, reason: "card-not-fully-visible" };
  if (!cardShaped(quad)) return { ok: false, reason: "not-card-shaped" };
  return { ok: true, quad };
}

function fitCorners(mask: Uint8Array, w: number, h: number, approx: readonly Point[]): Point[] | null {
  const lines: Line[] = [];
  for (let side = 0; side < 4; side++) {
    const pts = boundaryPoints(mask, w, h, approx[side] as Point, approx[(side + 1) % 4] as Point, side);
    const line = robustFit(pts, side % 2 === 0);
    if (!line) return null;
    lines.push(line);
  }
  const corners: Point[] = [];
  for (let i = 0; i < 4; i++) {
    const p = intersect(lines[(i + 3) % 4] as Line, lines[i] as Line);
    if (!p) return null;
    corners.push(p);
  }
  return corners;
}

function largestComponent(s: Gray, t: number): { mask: Uint8Array; w: number; h: number; area: number } | null {
  const { width: w, height: h, data } = s;
  const label = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  let best = 0;
  let bestArea = 0;
  let next = 0;
  for (let i = 0; i < w * h; i++) {
    if (label[i] !== 0 || (data[i] ?? 0) <= t) continue;
    next++;
    let area = 0;
    let sp = 0;
    stack[sp++] = i;
    label[i] = next;
    while (sp > 0) {
      const p = stack[--sp] ?? 0;
      area++;
      const x = p % w;
      const nb = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w];
      for (const q of nb) {
        if (q >= 0 && q < w * h && label[q] === 0 && (data[q] ?? 0) > t) {
          label[q] = next;
          stack[sp++] = q;
        }
      }
    }
    if (area > bestArea) {
      bestArea = area;
      best = next;
    }
  }
  if (best === 0) return null;
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) if (label[i] === best) mask[i] = 1;
  return { mask, w, h, area: bestArea };
}

function extremeCorners(mask: Uint8Array, w: number, h: number): Point[] {
  let tl: Point = [0, 0], tr: Point = [0, 0], br: Point = [0, 0], bl: Point = [0, 0];
  let mTl = Infinity, mTr = -Infinity, mBr = -Infinity, mBl = Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      const s = x + y, d = x - y;
      if (s < mTl) { mTl = s; tl = [x, y]; }
      if (s > mBr) { mBr = s; br = [x, y]; }
      if (d > mTr) { mTr = d; tr = [x, y]; }
      if (d < mBl) { mBl = d; bl = [x, y]; }
    }
  }
  return [tl, tr, br, bl];
}

/** Boundary points of one side (0 top, 1 right, 2 bottom, 3 left), scanning inwards from outside. */
function boundaryPoints(mask: Uint8Array, w: number, h: number, a: Point, b: Point, side: number): Point[] {
  const pts: Point[] = [];
  const horizontal = side % 2 === 0;
  const from = horizontal ? Math.min(a[0], b[0]) : Math.min(a[1], b[1]);
  const to = horizontal ? Math.max(a[0], b[0]) : Math.max(a[1], b[1]);
  const lo = Math.round(from + (to - from) * 0.15);
  const hi = Math.round(from + (to - from) * 0.85);
  for (let k = lo; k <= hi; k++) {
    if (side === 0) { for (let y = 0; y < h; y++) if (mask[y * w + k]) { pts.push([k, y - 0.5]); break; } }
    else if (side === 2) { for (let y = h - 1; y >= 0; y--) if (mask[y * w + k]) { pts.push([k, y + 0.5]); break; } }
    else if (side === 3) { for (let x = 0; x < w; x++) if (mask[k * w + x]) { pts.push([x - 0.5, k]); break; } }
    else { for (let x = w - 1; x >= 0; x--) if (mask[k * w + x]) { pts.push([x + 0.5, k]); break; } }
  }
  return pts;
}

/** A line as `v = a·u + b`; for horizontal sides u = x, v = y; for vertical sides u = y, v = x. */
interface Line { a: number; b: number; horizontal: boolean }

function fit(pts: readonly Point[], horizontal: boolean): Line | null {
  if (pts.length < 8) return null;
  let su = 0, sv = 0, suu = 0, suv = 0;
  for (const [x, y] of pts) {
    const u = horizontal ? x : y, v = horizontal ? y : x;
    su += u; sv += v; suu += u * u; suv += u * v;
  }
  const n = pts.length;
  const den = n * suu - su * su;
  if (Math.abs(den) < 1e-9) return null;
  const a = (n * suv - su * sv) / den;
  return { a, b: (sv - a * su) / n, horizontal };
}

/**
 * A line through most of the points: the best of deterministic two-point candidates by inlier count
 * (a thumb or a glare patch over part of the edge is outvoted as long as it covers less than half of
 * it), refitted by least squares on its inliers.
 */
function robustFit(pts: readonly Point[], horizontal: boolean): Line | null {
  const n = pts.length;
  if (n < 8) return null;
  const uv = (p: Point) => (horizontal ? p : ([p[1], p[0]] as const));
  let best: Point[] = [];
  for (const gap of [Math.floor(n / 2), Math.floor(n / 3), Math.floor(n / 5)]) {
    for (let i = 0; i + gap < n; i += Math.max(1, Math.floor(n / 24))) {
      const [u1, v1] = uv(pts[i] as Point);
      const [u2, v2] = uv(pts[i + gap] as Point);
      if (u2 === u1) continue;
      const a = (v2 - v1) / (u2 - u1);
      const b = v1 - a * u1;
      const inliers = pts.filter((p) => {
        const [u, v] = uv(p);
        return Math.abs(v - (a * u + b)) <= 1.5;
      });
      if (inliers.length > best.length) best = inliers;
    }
  }
  if (best.length < Math.max(8, n * 0.4)) return null;
  return fit(best, horizontal);
}

function intersect(p: Line, q: Line): Point | null {
  // horizontal: y = a x + b ; vertical: x = a y + b
  const h = p.horizontal ? p : q;
  const v = p.horizontal ? q : p;
  if (h === v || !h.horizontal || v.horizontal) return null;
  const den = 1 - h.a * v.a;
  if (Math.abs(den) < 1e-9) return null;
  const y = (h.a * v.b + h.b) / den;
  return [v.a * y + v.b, y];
}

function cardShaped(q: Quad): boolean {
  const d = (p: Point, r: Point) => Math.hypot(p[0] - r[0], p[1] - r[1]);
  const top = d(q[0], q[1]), bottom = d(q[3], q[2]), left = d(q[0], q[3]), right = d(q[1], q[2]);
  const ratio = (top + bottom) / (left + right);
  const want = CARD_MM.width / CARD_MM.height;
  return Math.abs(ratio / want - 1) < 0.2 && Math.abs(top / bottom - 1) < 0.2 && Math.abs(left / right - 1) < 0.2;
}
