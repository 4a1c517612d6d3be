/**
 * The OCR port on tesseract.js 7 (WASM, in worker threads), fully offline: traineddata comes from the
 * @tesseract.js-data/{jpn,eng} npm packages (`4.0.0_best_int`, gzip), `cacheMethod: "none"` so nothing
 * is written to disk. Two persistent workers, created once by {@link createTesseractOcr}:
 *
 * - jpn best_int, PSM 7 (one line), whitelist of digits + 明治大正昭和平成令元年月日生まで有効 for dates;
 * - eng best_int, PSM 7, digit whitelist for the security code (ecosystem.md §4: 5/5 codes, where jpn
 *   and the 4.0.0 data failed);
 *
 * Passport MRZ lines do not come here: src/mrz/ reads them with its own OCR-B glyph classifier (no
 * OCR-B traineddata is published as an npm package, and eng restricted to the MRZ alphabet misread).
 *
 * Images go in as binary PGM (no codec work). Measured here: worker start ≈ 0.3 s; the lines
 * of a frame 65–90 ms together. A line that times out keeps its worker busy; later lines queue
 * behind it (the caller's budget still bounds the wait).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { createWorker, OEM, PSM, type Block, type Worker } from "tesseract.js";
import { toPgm, type Gray } from "../image/image";
import { OcrFailure, type LineKind, type OcrLine, type OcrPort, type OcrSymbol } from "./ocr";

export const DATE_WHITELIST = "0123456789明治大正昭和平成令元年月日生まで有効";
export const DIGIT_WHITELIST = "0123456789";

export interface TesseractOptions {
  /** Upper bound for one line (default 3000 ms). */
  readonly lineTimeoutMs?: number;
}

function dataPath(pkg: "@tesseract.js-data/jpn" | "@tesseract.js-data/eng"): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "4.0.0_best_int");
}

async function worker(lang: "jpn" | "eng", whitelist: string): Promise<Worker> {
  const w = await createWorker(lang, OEM.LSTM_ONLY, {
    langPath: dataPath(lang === "jpn" ? "@tesseract.js-data/jpn" : "@tesseract.js-data/eng"),
    gzip: true,
    cacheMethod: "none",
  });
  await w.setParameters({
    tessedit_pageseg_mode: PSM.SINGLE_LINE,
    tessedit_char_whitelist: whitelist,
    user_defined_dpi: "300",
  });
  return w;
}

class TesseractOcr implements OcrPort {
  #closed = false;
  constructor(
    private readonly date: Worker,
    private readonly digits: Worker,
    private readonly timeoutMs: number,
  ) {}

  async recognizeLine(image: Gray, kind: LineKind, signal: AbortSignal): Promise<OcrLine> {
    if (this.#closed) throw new OcrFailure("closed");
    if (signal.aborted) throw new OcrFailure("aborted");
    const w = kind === "date" ? this.date : this.digits;
    const pgm = toPgm(image);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const bounded = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OcrFailure("timeout")), this.timeoutMs);
        onAbort = () => reject(new OcrFailure("aborted"));
        signal.addEventListener("abort", onAbort, { once: true });
      });
      const r = await Promise.race([w.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), {}, { text: true, blocks: true }), bounded]);
      return { text: r.data.text.trim(), confidence: r.data.confidence, symbols: symbolsOf(r.data.blocks) };
    } catch (e) {
      if (e instanceof OcrFailure) throw e;
      throw new OcrFailure("engine-error");
    } finally {
      pgm.fill(0);
      if (timer) clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([this.date.terminate(), this.digits.terminate()]);
  }
}

/** Every recognised character with its own confidence, in reading order (from the engine's JSON
 *  result tree: block → paragraph → line → word → symbol). */
function symbolsOf(blocks: Block[] | null): OcrSymbol[] {
  const out: OcrSymbol[] = [];
  for (const b of blocks ?? []) for (const p of b.paragraphs) for (const l of p.lines) for (const w of l.words) for (const s of w.symbols) out.push({ text: s.text, confidence: s.confidence });
  return out;
}

/** Start both workers (≈ 0.3–0.6 s here). Rejects with OcrFailure("engine-error") when the data is missing. */
export async function createTesseractOcr(options: TesseractOptions = {}): Promise<OcrPort> {
  try {
    const [d, n] = await Promise.all([worker("jpn", DATE_WHITELIST), worker("eng", DIGIT_WHITELIST)]);
    return new TesseractOcr(d, n, options.lineTimeoutMs ?? 3000);
  } catch {
    throw new OcrFailure("engine-error");
  }
}
