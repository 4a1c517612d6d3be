/**
 * Our own glyph classifier for the MRZ font. ICAO Doc 9303 part 3 fixes the MRZ typeface: OCR-B
 * size 1 (ISO 1073-2), so a recogniser built for OCR-B is built to the specification, not to our page
 * generator. It is trained by `npm run train:mrz` (scripts/mrzpage/train-glyphs.ts) on glyphs rendered
 * from Debian's `fonts-ocr-b` with augmentation, and shipped as the small data file
 * `glyph-model.json` (a 2-layer perceptron, int8 weights): production needs no font and no engine.
 *
 * One glyph = one cell of the line: the window one character pitch wide and WIN_H pitches tall,
 * centred on the glyph position the segmentation fitted (segment.ts), sampled along the line's own
 * axis (so the ±10° of rotation on the tray is undone here) into CELL_W × CELL_H values, contrast
 * normalised (zero mean, unit spread, ink positive). The training script cuts its samples with this
 * same function, so what the model sees in training and in service is the same.
 *
 * Pure (no node: import). The feature buffers belong to the caller, who wipes them.
 */
import model from "./glyph-model.json";

/** The TD3 alphabet: digits, capitals, the filler. Index = class id. */
export const GLYPH_CLASSES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
export const CELL_W = 12;
export const CELL_H = 16;
export const FEATURES = CELL_W * CELL_H;
/** The cell window in character pitches (OCR-B cap height ≈ 0.89 pitch). */
export const WIN_W = 1.0;
export const WIN_H = 1.35;

/** Grey value (0–255) at a point of the source image (sub-pixel, any coordinates). */
export type Sampler = (x: number, y: number) => number;

/** Bilinear sampler over a grey image (edge pixels repeat outside it). */
export function bilinear(width: number, height: number, data: Uint8Array | Float32Array): Sampler {
  return (x, y) => {
    const xc = Math.min(width - 1.001, Math.max(0, x)), yc = Math.min(height - 1.001, Math.max(0, y));
    const x0 = Math.floor(xc), y0 = Math.floor(yc);
    const fx = xc - x0, fy = yc - y0;
    const i = y0 * width + x0;
    const a = data[i] ?? 0, b = data[i + 1] ?? 0, c = data[i + width] ?? 0, d = data[i + width + 1] ?? 0;
    return a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + c * (1 - fx) * fy + d * fx * fy;
  };
}

/**
 * The cell's features into `out` (length FEATURES): the window centred at (cx, cy), `pitch` source
 * px per character, the line's direction (ux, uy) (unit vector, left to right). Each value averages
 * 2×2 sub-samples. Returns false for a flat cell (no contrast at all: nothing printed or glare).
 */
export function cellFeatures(sample: Sampler, cx: number, cy: number, ux: number, uy: number, pitch: number, out: Float32Array): boolean {
  const sw = (WIN_W * pitch) / CELL_W, sh = (WIN_H * pitch) / CELL_H;
  let sum = 0;
  for (let j = 0; j < CELL_H; j++) {
    for (let i = 0; i < CELL_W; i++) {
      let acc = 0;
      for (let q = 0; q < 2; q++) {
        const v = (j + 0.25 + 0.5 * q - CELL_H / 2) * sh;
        for (let p = 0; p < 2; p++) {
          const u = (i + 0.25 + 0.5 * p - CELL_W / 2) * sw;
          acc += sample(cx + u * ux - v * uy, cy + u * uy + v * ux);
        }
      }
      const val = acc / 4;
      out[j * CELL_W + i] = val;
      sum += val;
    }
  }
  const mean = sum / FEATURES;
  let ss = 0;
  for (let k = 0; k < FEATURES; k++) {
    const d = (out[k] ?? 0) - mean;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / FEATURES);
  const spread = Math.max(sd, 6);
  for (let k = 0; k < FEATURES; k++) out[k] = (mean - (out[k] ?? 0)) / spread;
  return sd >= 2;
}

/** A trained model: FEATURES → hidden (ReLU) → classes, weights dequantised to float. */
export interface GlyphModel {
  readonly hidden: number;
  readonly w1: Float32Array; // hidden × FEATURES
  readonly b1: Float32Array;
  readonly w2: Float32Array; // classes × hidden
  readonly b2: Float32Array;
}

/** The model file's shape (written by scripts/mrzpage/train-glyphs.ts). */
export interface GlyphModelFile {
  readonly format: "mynaguard-mrz-glyphs/1";
  readonly classes: string;
  readonly cell: readonly [number, number];
  readonly window: readonly [number, number];
  readonly hidden: number;
  /** int8 weights (base64), one scale per output row */
  readonly w1: string;
  readonly s1: readonly number[];
  readonly b1: readonly number[];
  readonly w2: string;
  readonly s2: readonly number[];
  readonly b2: readonly number[];
  readonly trainedOn: string;
}

function int8Rows(b64: string, rows: number, cols: number, scales: readonly number[]): Float32Array {
  const bin = atob(b64);
  if (bin.length !== rows * cols || scales.length !== rows) throw new Error("glyph model: bad weight shape");
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scales[r] ?? 0;
    for (let c = 0; c < cols; c++) {
      const byte = bin.charCodeAt(r * cols + c);
      out[r * cols + c] = (byte > 127 ? byte - 256 : byte) * s;
    }
  }
  return out;
}

/** Parse and check a model file (its alphabet and cell geometry must be this module's). */
export function parseGlyphModel(f: GlyphModelFile): GlyphModel {
  if (f.format !== "mynaguard-mrz-glyphs/1" || f.classes !== GLYPH_CLASSES || f.cell[0] !== CELL_W || f.cell[1] !== CELL_H || f.window[0] !== WIN_W || f.window[1] !== WIN_H) {
    throw new Error("glyph model: wrong format, alphabet or cell geometry (run npm run train:mrz)");
  }
  const n = GLYPH_CLASSES.length;
  if (f.b1.length !== f.hidden || f.b2.length !== n) throw new Error("glyph model: bad bias shape");
  return { hidden: f.hidden, w1: int8Rows(f.w1, f.hidden, FEATURES, f.s1), b1: Float32Array.from(f.b1), w2: int8Rows(f.w2, n, f.hidden, f.s2), b2: Float32Array.from(f.b2) };
}

let shipped: GlyphModel | null = null;
/** The model shipped with the code (src/mrz/glyph-model.json), parsed once. */
export function shippedGlyphModel(): GlyphModel {
  shipped ??= parseGlyphModel(model as unknown as GlyphModelFile);
  return shipped;
}

/** Class scores (logits) of one cell into `logits` (length GLYPH_CLASSES.length); `hidden` is scratch. */
export function glyphLogits(m: GlyphModel, x: Float32Array, logits: Float32Array, hidden = new Float32Array(m.hidden)): Float32Array {
  for (let h = 0; h < m.hidden; h++) {
    let s = m.b1[h] ?? 0;
    const row = h * FEATURES;
    for (let k = 0; k < FEATURES; k++) s += (m.w1[row + k] ?? 0) * (x[k] ?? 0);
    hidden[h] = s > 0 ? s : 0;
  }
  for (let c = 0; c < GLYPH_CLASSES.length; c++) {
    let s = m.b2[c] ?? 0;
    const row = c * m.hidden;
    for (let h = 0; h < m.hidden; h++) s += (m.w2[row + h] ?? 0) * (hidden[h] ?? 0);
    logits[c] = s;
  }
  hidden.fill(0);
  return logits;
}

export interface GlyphRead {
  readonly char: string;
  /** probability of the best allowed class minus the runner-up's, among the allowed classes (0–1) */
  readonly margin: number;
  /** the runner-up among the allowed classes ("" when only one class is allowed) */
  readonly runnerUp: string;
}

/**
 * The best class among `allowed` (the characters the field type permits at this position, e.g.
 * digits only in a date) with its softmax margin over the runner-up among the same classes.
 */
export function bestAllowed(logits: Float32Array, allowed: string): GlyphRead {
  let max = -Infinity;
  for (const ch of allowed) max = Math.max(max, logits[GLYPH_CLASSES.indexOf(ch)] ?? -Infinity);
  let z = 0, p1 = -1, p2 = -1, best = "?", second = "";
  for (const ch of allowed) z += Math.exp((logits[GLYPH_CLASSES.indexOf(ch)] ?? -Infinity) - max);
  for (const ch of allowed) {
    const p = Math.exp((logits[GLYPH_CLASSES.indexOf(ch)] ?? -Infinity) - max) / z;
    if (p > p1) {
      if (p1 > p2) {
        p2 = p1;
        second = best;
      }
      p1 = p;
      best = ch;
    } else if (p > p2) {
      p2 = p;
      second = ch;
    }
  }
  return { char: best, margin: p1 - Math.max(0, p2), runnerUp: second };
}
