/**
 * The 44 character positions of one MRZ line, by pitch, not by counting blobs. Every TD3 position
 * holds a printed glyph (fillers too) at one fixed character pitch (Doc 9303 part 3: 10 characters
 * per inch, second-hand [2nd]), so the positions are `phase + k · pitch` along the line's fitted
 * axis, k = 0…43. Blur merges neighbouring glyphs into one blob (runs of `<` first) and noise splits
 * one into two, so the blob count is not the glyph count; the centres of the blobs that are one glyph
 * wide still sit on the grid. Steps:
 *
 * 1. axis and extent from the finder: the first and last glyph centres of BOTH lines (they share the
 *    left margin and the pitch), so the first pitch guess is extent / 43;
 * 2. the blobs at most about one pitch wide are put on the grid (k = nearest position) and pitch and
 *    phase re-fitted by least squares, three rounds with a shrinking tolerance;
 * 3. accepted only if the grid explains the blobs: ≥ MIN_COVERED of the 44 positions hold a
 *    one-glyph blob within the tolerance, none falls off the ends, the residuals are small and the
 *    pitch did not drift from the extent's (a lost first or last glyph would make it 42 pitches,
 *    which drifts across the line and fails here). Otherwise null (`glyph-count`).
 *
 * The cross-axis position follows a straight line fitted to the same blobs. Pure.
 */
import { KEY_END } from "./check";
import type { MrzLineGeometry } from "./find";

export const LINE_CELLS = 44;
/** Positions that must hold a one-glyph blob on the fitted grid. */
const MIN_COVERED = 26;
/** Largest RMS residual of the kept blob centres, in pitches. */
const MAX_RMS = 0.12;

export interface LineCells {
  /** the 44 glyph centres (frame px), left to right */
  readonly centres: readonly (readonly [number, number])[];
  /** character pitch in frame px */
  readonly pitch: number;
  /** unit vector along the line, left to right */
  readonly ux: number;
  readonly uy: number;
  /** positions that held a one-glyph blob */
  readonly covered: number;
  /** positions 0 … visible − 1 lie on the finder's extent (44, or fewer for `lineCellsLeftPart`) */
  readonly visible: number;
}

/** The 44 positions of a line whose extent (the finder's first and last glyph) is the whole line. */
export function lineCells(line: MrzLineGeometry): LineCells | null {
  return gridOf(line, LINE_CELLS);
}

/**
 * Fewest leading positions a line may show when its right end is hidden: the access key's fields end
 * at TD3 position 28 (index 27, the expiry's check digit); what follows (optional data, its check
 * digit, the composite check digit) is not part of the key.
 */
export const MIN_VISIBLE = KEY_END;

/**
 * For a line that `lineCells` refused: the grid of a line whose extent holds only its first `n`
 * positions (its right end hidden by a thumb or a glare spot), for the largest n in 43…MIN_VISIBLE
 * whose grid explains the blobs AND puts the extent's last glyph exactly n − 1 fitted pitches from
 * its first (within EXTENT_TOL pitches: the extent decides n, not a guess). The centres are the
 * grid's 44 positions, those from `visible` on extrapolated; whether the extent starts at position 1
 * (rather than a hidden left end) this cannot know: the caller's checks decide that (frame.ts).
 */
export function lineCellsLeftPart(line: MrzLineGeometry): LineCells | null {
  for (let n = LINE_CELLS - 1; n >= MIN_VISIBLE; n--) {
    const c = gridOf(line, n);
    if (c) return c;
  }
  return null;
}

/** Largest distance, in pitches, of the extent's last glyph from the grid position n − 1 (partial lines). */
const EXTENT_TOL = 0.25;

function gridOf(line: MrzLineGeometry, cells: number): LineCells | null {
  const [sx, sy] = line.start;
  const dx = line.end[0] - sx, dy = line.end[1] - sy;
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return null;
  const ux = dx / len, uy = dy / len;
  const p0 = len / (cells - 1);
  const minCovered = Math.ceil((MIN_COVERED * cells) / LINE_CELLS);
  // blob centres in line coordinates (u along, v across)
  const pts = line.glyphs
    .filter((b) => b.x1 - b.x0 + 1 <= 1.05 * p0 + 2)
    .map((b) => {
      const cx = (b.x0 + b.x1) / 2 - sx, cy = (b.y0 + b.y1) / 2 - sy;
      return { u: cx * ux + cy * uy, v: -cx * uy + cy * ux };
    });
  let phase = 0, pitch = p0;
  let kept: { u: number; v: number; k: number }[] = [];
  for (const tol of [0.35, 0.25, 0.2]) {
    kept = [];
    for (const p of pts) {
      const k = Math.round((p.u - phase) / pitch);
      if (Math.abs((p.u - phase) / pitch - k) <= tol) kept.push({ ...p, k });
    }
    if (kept.length < minCovered) return null;
    const n = kept.length;
    let sk = 0, su = 0, skk = 0, sku = 0;
    for (const q of kept) {
      sk += q.k;
      su += q.u;
      skk += q.k * q.k;
      sku += q.k * q.u;
    }
    const den = n * skk - sk * sk;
    if (den <= 0) return null;
    pitch = (n * sku - sk * su) / den;
    phase = (su - pitch * sk) / n;
  }
  if (kept.some((q) => q.k < 0 || q.k >= cells)) return null;
  const covered = new Set(kept.map((q) => q.k)).size;
  if (covered < minCovered || Math.abs(pitch - p0) > 0.03 * p0) return null;
  // a partial line: the extent's first and last glyphs are grid positions 0 and cells − 1
  if (cells < LINE_CELLS && (Math.abs(phase / pitch) > EXTENT_TOL || Math.abs((len - phase) / pitch - (cells - 1)) > EXTENT_TOL)) return null;
  let ss = 0;
  for (const q of kept) ss += ((q.u - phase - q.k * pitch) / pitch) ** 2;
  if (Math.sqrt(ss / kept.length) > MAX_RMS) return null;
  // across the axis: v = c0 + c1·u (least squares over the kept blobs)
  let su = 0, sv = 0, suu = 0, suv = 0;
  for (const q of kept) {
    su += q.u;
    sv += q.v;
    suu += q.u * q.u;
    suv += q.u * q.v;
  }
  const n = kept.length;
  const den = n * suu - su * su;
  const c1 = den === 0 ? 0 : (n * suv - su * sv) / den;
  const c0 = (sv - c1 * su) / n;
  const centres: [number, number][] = [];
  for (let k = 0; k < LINE_CELLS; k++) {
    const u = phase + k * pitch, v = c0 + c1 * u;
    centres.push([sx + u * ux - v * uy, sy + u * uy + v * ux]);
  }
  return { centres, pitch, ux, uy, covered, visible: cells };
}
