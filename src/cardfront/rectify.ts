/**
 * Perspective rectification: a homography from the canonical card raster to the photo, then
 * bilinear sampling of any canonical box at any scale. Pure.
 */
import type { Gray } from "../image/image";

export type Point = readonly [number, number];
/** TL, TR, BR, BL in photo pixels. */
export type Quad = readonly [Point, Point, Point, Point];
/** 3×3 row-major, h[8] = 1. */
export type Homography = readonly number[];

/** The homography taking the rectangle (0,0)-(w,h) to `quad`, or null when the quad is degenerate. */
export function homographyFromRect(w: number, h: number, quad: Quad): Homography | null {
  const src: Point[] = [[0, 0], [w, 0], [w, h], [0, h]];
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i] as Point;
    const [u, v] = quad[i] as Point;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const s = solve(a, b);
  return s ? [...s, 1] : null;
}

/** Gaussian elimination with partial pivoting; null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[p]?.[c] ?? 0)) p = r;
    const pr = m[p];
    const cr = m[c];
    if (!pr || !cr || Math.abs(pr[c] ?? 0) < 1e-12) return null;
    m[p] = cr;
    m[c] = pr;
    for (let r = 0; r < n; r++) {
      const row = m[r];
      if (r === c || !row) continue;
      const f = (row[c] ?? 0) / (pr[c] ?? 1);
      for (let k = c; k <= n; k++) row[k] = (row[k] ?? 0) - f * (pr[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

export function apply(hm: Homography, x: number, y: number): Point {
  const w = (hm[6] ?? 0) * x + (hm[7] ?? 0) * y + (hm[8] ?? 1);
  return [((hm[0] ?? 0) * x + (hm[1] ?? 0) * y + (hm[2] ?? 0)) / w, ((hm[3] ?? 0) * x + (hm[4] ?? 0) * y + (hm[5] ?? 0)) / w];
}

/**
 * Sample the canonical box (bx, by, bw, bh) — canonical pixel units — into a new image `scale` times
 * larger, reading the photo through `hm` with bilinear interpolation (outside the photo reads white).
 */
export function sampleBox(src: Gray, hm: Homography, box: { x: number; y: number; w: number; h: number }, scale: number): Gray {
  const w = Math.round(box.w * scale);
  const h = Math.round(box.h * scale);
  const out = new Uint8Array(w * h);
  const W = src.width;
  const d = src.data;
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const [u, v] = apply(hm, box.x + (i + 0.5) / scale, box.y + (j + 0.5) / scale);
      const x0 = Math.floor(u - 0.5);
      const y0 = Math.floor(v - 0.5);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= W || y0 + 1 >= src.height) {
        out[j * w + i] = 255;
        continue;
      }
      const fx = u - 0.5 - x0;
      const fy = v - 0.5 - y0;
      const p = y0 * W + x0;
      const top = (d[p] ?? 0) * (1 - fx) + (d[p + 1] ?? 0) * fx;
      const bot = (d[p + W] ?? 0) * (1 - fx) + (d[p + W + 1] ?? 0) * fx;
      out[j * w + i] = Math.round(top * (1 - fy) + bot * fy);
    }
  }
  return { width: w, height: h, data: out };
}
