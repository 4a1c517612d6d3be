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
import { bestAllowed, bilinear, cellFeatures, FEATURES, GLYPH_CLASSES, glyphLogits, shippedGlyphModel, type GlyphModel } from "./classify";
import { findMrz, type InkThreshold } from "./find";
import { allowedAt } from "./repair";
import { lineCells, LINE_CELLS } from "./segment";
import { validateTd3, type MrzCheck } from "./validate";

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
  /** A line's glyphs did not sit on a 44-position pitch grid, or a line-2 glyph was read without margin. */
  | { kind: "unreadable"; reason: "glyph-count" }
  /**
   * A line-2 glyph was read without margin. When both lines as read still pass every check,
   * `held` carries line 2 and a copy of its 44 margins for the session's cross-frame rule
   * (read.ts: frames reading the same line may pool their margins; the caller wipes the copy).
   */
  | { kind: "unreadable"; reason: "low-margin"; held?: { line2: string; margins: Float32Array } }
  | { kind: "bad-image" };

export type LinesReading =
  | { kind: "lines"; lines: [string, string]; margins: [Float32Array, Float32Array] }
  | { kind: "no-mrz"; reason: "no-text" | "no-mrz" | "one-line" }
  | { kind: "unreadable"; reason: "glyph-count" };

/**
 * Both lines' characters and per-glyph margins, before any threshold or validation. The finder runs
 * with the normal ink threshold first; only if that gives no two lines on a pitch grid does it run
 * once more with the `faint` one (find.ts: glyphs under a glare spot). The second pass changes only
 * which blobs are found; what is read is judged by the same rules.
 */
export function readMrzLines(g: Gray, model: GlyphModel = shippedGlyphModel()): LinesReading {
  const first = readMrzLinesWith(g, model, "normal");
  return first.kind === "lines" ? first : readMrzLinesWith(g, model, "faint");
}

function readMrzLinesWith(g: Gray, model: GlyphModel, ink: InkThreshold): LinesReading {
  const found = findMrz(g, ink);
  if (!found.found) return { kind: "no-mrz", reason: found.reason };
  const cells = found.lines.map(lineCells);
  const [c1, c2] = cells;
  if (!c1 || !c2) return { kind: "unreadable", reason: "glyph-count" };
  const sample = bilinear(g.width, g.height, g.data);
  const feat = new Float32Array(FEATURES), logits = new Float32Array(GLYPH_CLASSES.length), hidden = new Float32Array(model.hidden);
  const lines: string[] = [];
  const margins: Float32Array[] = [];
  [c1, c2].forEach((c, li) => {
    let text = "";
    const m = new Float32Array(LINE_CELLS);
    for (let k = 0; k < LINE_CELLS; k++) {
      const [x, y] = c.centres[k] ?? [0, 0];
      cellFeatures(sample, x, y, c.ux, c.uy, c.pitch, feat);
      const r = bestAllowed(glyphLogits(model, feat, logits, hidden), allowedAt(li === 0 ? 0 : 1, k));
      text += r.char;
      m[k] = r.margin;
    }
    lines.push(text);
    margins.push(m);
  });
  feat.fill(0);
  logits.fill(0);
  return { kind: "lines", lines: [lines[0] ?? "", lines[1] ?? ""], margins: [margins[0] ?? new Float32Array(0), margins[1] ?? new Float32Array(0)] };
}

/** Judge a lines reading: the margin rule on line 2, then every check (validate.ts). */
export function judgeLines(r: LinesReading, minMargin = MIN_MARGIN): FrameReading {
  if (r.kind !== "lines") return r;
  const v = validateTd3(r.lines[0], r.lines[1]);
  if (r.margins[1].some((m) => m < minMargin)) {
    return v.valid ? { kind: "unreadable", reason: "low-margin", held: { line2: v.line2, margins: Float32Array.from(r.margins[1]) } } : { kind: "unreadable", reason: "low-margin" };
  }
  return v.valid ? { kind: "valid", line1: v.line1, line2: v.line2, margins: Float32Array.from(r.margins[1]) } : { kind: "invalid", failed: v.failed };
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
