/**
 * One camera frame → one MRZ reading, with our own OCR-B glyph classifier (classify.ts) and no
 * OCR engine: decode to grey (src/image/decode.ts), find the two lines by content (find.ts), put the
 * 44 character positions of each line on the fitted pitch grid (segment.ts), classify every cell
 * among the characters its field type allows (repair.ts `allowedAt`), then validate (validate.ts).
 *
 * Sure or nothing, per glyph: every position of line 2 (the line the key comes from) must be read
 * with a softmax margin ≥ MIN_MARGIN over the runner-up, else the frame is `unreadable/low-margin`
 * and counts for nothing. There is no search over look-alikes to make a check digit pass.
 * Every buffer made here is wiped before returning; the text is only in the returned reading.
 */
import type { Frame } from "../camera/camera";
import { decodeFrame } from "../image/decode";
import { wipeGray, type Gray } from "../image/image";
import { bestAllowed, bilinear, cellFeatures, FEATURES, GLYPH_CLASSES, glyphLogits, shippedGlyphModel, type GlyphModel, type GlyphRead } from "./classify";
import { findMrz } from "./find";
import { allowedAt } from "./repair";
import { lineCells, lineCellsLeftPart, LINE_CELLS, type LineCells } from "./segment";
import { validateTd3, validateTd3Left, type MrzCheck } from "./validate";

/**
 * Smallest softmax margin (best minus runner-up among the allowed classes) of every line-2 glyph.
 * Chosen on the TUNING families only (bench:mrz, src/mrz/README.md).
 */
export const MIN_MARGIN = 0.5;

export type FrameReading =
  /** `margins`: a copy of line 2's 44 glyph margins (read.ts pools them; the caller wipes the copy). */
  | { kind: "valid"; line1: string; line2: string; margins: Float32Array }
  | { kind: "invalid"; failed: MrzCheck[] }
  | { kind: "no-mrz"; reason: "no-text" | "no-mrz" | "one-line" }
  /**
   * Only the first `visible` (28 … 43) positions of both lines were seen (the right end hidden) and
   * they pass every check whose glyphs are all visible (validate.ts `validateTd3Left`), line 1 starts
   * with a `P` read as such among all classes, and every visible line-2 glyph has its margin. The
   * strings are the visible parts; `margins` a copy of line 2's visible margins (the caller wipes it).
   * The session counts such a frame only together with another frame (read.ts).
   */
  | { kind: "left-part"; line1: string; line2: string; visible: number; margins: Float32Array }
  /** A line's glyphs did not sit on a 44-position pitch grid (nor on its first 28 … 43 positions). */
  | { kind: "unreadable"; reason: "glyph-count" }
  /** Only a left part of the lines was seen and it failed: no `P` anchor, a glyph without margin, or a check. */
  | { kind: "unreadable"; reason: "hidden-end"; failed: ("anchor" | "margin" | MrzCheck)[] }
  /**
   * A line-2 glyph was read without margin. When both lines as read still pass every check,
   * `held` carries line 2 and a copy of its 44 margins for the session's cross-frame rule
   * (read.ts: frames reading the same line may pool their margins; the caller wipes the copy).
   */
  | {
      kind: "unreadable";
      reason: "low-margin";
      held?: { line2: string; margins: Float32Array };
      /**
       * Whole line 2 as read (valid or not), each glyph's runner-up class and a copy of the margins:
       * read.ts lets such a frame vouch for another frame's valid line (`Vouched`); the caller wipes it.
       */
      torn?: { line2: string; runnersUp: string; margins: Float32Array };
    }
  | { kind: "bad-image" };

export type LinesReading =
  /**
   * `visible`: positions 0 … visible − 1 of both lines were read (44; fewer when the line's right end
   * was hidden, segment.ts `lineCellsLeftPart`): the strings and margins hold those positions only.
   * `lineStart` (partial lines only): line 1's first glyph read among ALL classes, not only the `P`
   * its field allows (the left anchor, `judgeLines`).
   */
  | { kind: "lines"; lines: [string, string]; margins: [Float32Array, Float32Array]; visible: number; lineStart?: GlyphRead; runnersUp?: string }
  | { kind: "no-mrz"; reason: "no-text" | "no-mrz" | "one-line" }
  | { kind: "unreadable"; reason: "glyph-count" };

/**
 * Both lines' characters and per-glyph margins, before any threshold or validation. The finder runs
 * with the normal ink threshold first; only if that gives no two lines on a 44-position pitch grid
 * does it run once more with the `faint` one (find.ts: glyphs under a glare spot). Only if neither
 * gives a whole line are the lines read as far as they are visible (the first pass whose lines are
 * both the first n ≥ MIN_VISIBLE positions of one grid, segment.ts `lineCellsLeftPart`). The second
 * pass changes only which blobs are found; what is read is judged by the same rules.
 */
export function readMrzLines(g: Gray, model: GlyphModel = shippedGlyphModel()): LinesReading {
  let failed: LinesReading | null = null;
  let part: [LineCells, LineCells] | null = null;
  for (const ink of ["normal", "faint"] as const) {
    const found = findMrz(g, ink);
    if (!found.found) {
      failed = { kind: "no-mrz", reason: found.reason };
      continue;
    }
    const [l1, l2] = found.lines;
    const c1 = lineCells(l1), c2 = lineCells(l2);
    if (c1 && c2) return readCells(g, model, c1, c2);
    if (!part) {
      const p1 = lineCellsLeftPart(l1), p2 = lineCellsLeftPart(l2);
      if (p1 && p2 && p1.visible === p2.visible) part = [p1, p2];
    }
    failed = { kind: "unreadable", reason: "glyph-count" };
  }
  return part ? readCells(g, model, part[0], part[1]) : (failed ?? { kind: "unreadable", reason: "glyph-count" });
}

function readCells(g: Gray, model: GlyphModel, c1: LineCells, c2: LineCells): LinesReading {
  const visible = Math.min(c1.visible, c2.visible);
  const sample = bilinear(g.width, g.height, g.data);
  const feat = new Float32Array(FEATURES), logits = new Float32Array(GLYPH_CLASSES.length), hidden = new Float32Array(model.hidden);
  const lines: string[] = [];
  const margins: Float32Array[] = [];
  let lineStart: GlyphRead | undefined;
  let runnersUp = "";
  [c1, c2].forEach((c, li) => {
    let text = "";
    const m = new Float32Array(visible);
    for (let k = 0; k < visible; k++) {
      const [x, y] = c.centres[k] ?? [0, 0];
      cellFeatures(sample, x, y, c.ux, c.uy, c.pitch, feat);
      glyphLogits(model, feat, logits, hidden);
      const r = bestAllowed(logits, allowedAt(li === 0 ? 0 : 1, k));
      if (li === 0 && k === 0 && visible < LINE_CELLS) lineStart = bestAllowed(logits, GLYPH_CLASSES);
      text += r.char;
      if (li === 1) runnersUp += r.runnerUp || "?";
      m[k] = r.margin;
    }
    lines.push(text);
    margins.push(m);
  });
  feat.fill(0);
  logits.fill(0);
  return {
    kind: "lines",
    lines: [lines[0] ?? "", lines[1] ?? ""],
    margins: [margins[0] ?? new Float32Array(0), margins[1] ?? new Float32Array(0)],
    visible,
    runnersUp,
    ...(lineStart ? { lineStart } : {}),
  };
}

/** Judge a lines reading: the margin rule on line 2, then every check (validate.ts). */
export function judgeLines(r: LinesReading, minMargin = MIN_MARGIN): FrameReading {
  if (r.kind !== "lines") return r;
  if (r.visible < LINE_CELLS) return judgeLeftPart(r, minMargin);
  const v = validateTd3(r.lines[0], r.lines[1]);
  if (r.margins[1].some((m) => m < minMargin)) {
    const torn = r.runnersUp?.length === LINE_CELLS ? { torn: { line2: r.lines[1], runnersUp: r.runnersUp, margins: Float32Array.from(r.margins[1]) } } : {};
    return v.valid
      ? { kind: "unreadable", reason: "low-margin", held: { line2: v.line2, margins: Float32Array.from(r.margins[1]) }, ...torn }
      : { kind: "unreadable", reason: "low-margin", ...torn };
  }
  return v.valid ? { kind: "valid", line1: v.line1, line2: v.line2, margins: Float32Array.from(r.margins[1]) } : { kind: "invalid", failed: v.failed };
}

/**
 * A left part (the lines' right ends hidden). Which end is hidden the grid cannot tell (segment.ts),
 * so the part must prove it starts at position 1: line 1's first glyph is the document code's `P`
 * read among ALL classes with margin (on an MRZ missing its left end the first visible glyph of
 * line 1 is the type letter, a state code or a name letter), and line 2 passes its field checks
 * at the positions that assumes. Every visible line-2 glyph must have its margin (no pooling here).
 */
function judgeLeftPart(r: Extract<LinesReading, { kind: "lines" }>, minMargin: number): FrameReading {
  const failed: ("anchor" | "margin" | MrzCheck)[] = [];
  if (r.lineStart?.char !== "P" || r.lineStart.margin < minMargin) failed.push("anchor");
  if (r.margins[1].some((m) => m < minMargin)) failed.push("margin");
  const v = validateTd3Left(r.lines[0], r.lines[1]);
  if (!v.valid) failed.push(...v.failed);
  if (!v.valid || failed.length > 0) return { kind: "unreadable", reason: "hidden-end", failed };
  return { kind: "left-part", line1: v.line1, line2: v.line2, visible: r.visible, margins: Float32Array.from(r.margins[1]) };
}

export interface FrameOptions {
  readonly model?: GlyphModel;
  /** Test seam: change the lines read before they are judged (e.g. spoil one character). */
  readonly alter?: (r: LinesReading) => LinesReading;
}

export async function readMrzFrame(frame: Frame, o: FrameOptions = {}): Promise<FrameReading> {
  const decoded = await decodeFrame(frame);
  if (!decoded.ok) return { kind: "bad-image" };
  const g = decoded.image;
  try {
    const read = readMrzLines(g, o.model);
    const r = o.alter ? o.alter(read) : read;
    const out = judgeLines(r);
    if (r.kind === "lines") {
      r.margins[0].fill(0);
      r.margins[1].fill(0);
    }
    return out;
  } finally {
    wipeGray(g);
  }
}
