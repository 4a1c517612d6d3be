/**
 * The OCR port on Tesseract (tesseract.js 7's WASM build, tesseract.js-core), fully offline:
 * traineddata comes from the @tesseract.js-data/{jpn,eng} npm packages (`4.0.0_best_int`, gzip) and
 * nothing is written to disk. ONE worker thread, started once by {@link createTesseractOcr}, holds
 * one Tesseract WASM module with two engines (TessBaseAPI instances) in it:
 *
 * - jpn best_int, PSM 7 (one line), whitelist of digits + 明治大正昭和平成令元年月日生まで有効 for dates;
 * - eng best_int, PSM 7, digit whitelist for the security code (ecosystem.md §4: 5/5 codes, where jpn
 *   and the 4.0.0 data failed);
 *
 * Until 2026-12-06 these were two tesseract.js workers, one thread each (tesseract.js holds one engine
 * per thread). The pipeline never runs two lines at once (frame-read.ts awaits each line), so the
 * second thread bought no speed; it cost a second isolate, a second compiled copy of the WASM code and
 * a second WASM heap (docs/performance.md, Memory round 5). The thread does per line what tesseract.js's
 * worker does for `recognize(image, {}, { text, blocks })` (node_modules/tesseract.js/src/worker-script:
 * the same core build, chosen by the same feature test, the same Init, parameters, SetImageFile and
 * result calls), so the engines read the same text with the same confidences.
 *
 * Passport MRZ lines do not come here: src/mrz/ reads them with its own OCR-B glyph classifier (no
 * OCR-B traineddata is published as an npm package, and eng restricted to the MRZ alphabet misread).
 *
 * Images go in as binary PGM (no codec work), moved to the thread (not copied) and wiped there after
 * use, as is the engine's input file. A line that times out keeps the thread busy; later lines queue
 * behind it (the caller's budget still bounds the wait). If the thread dies, every pending and later
 * line rejects with "engine-error".
 */
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { toPgm, type Gray } from "../image/image";
import { OcrFailure, type LineKind, type OcrLine, type OcrPort } from "./ocr";

export const DATE_WHITELIST = "0123456789明治大正昭和平成令元年月日生まで有効";
export const DIGIT_WHITELIST = "0123456789";

export interface TesseractOptions {
  /** Upper bound for one line (default 3000 ms). */
  readonly lineTimeoutMs?: number;
}

/** What the OCR thread is given (workerData). */
interface ThreadSetup {
  /** tesseract.js's package.json: its core and its feature test are resolved from there. */
  readonly tesseractPackage: string;
  /** Engine 0 reads "date" lines, engine 1 "digits" lines. */
  readonly engines: readonly { readonly lang: string; readonly file: string; readonly whitelist: string }[];
}
interface LineRequest {
  readonly id: number;
  readonly engine: number;
  readonly image: Uint8Array;
}
type ThreadReply =
  | { readonly ready: true }
  | { readonly ready: false }
  | { readonly id: number; readonly ok: true; readonly line: OcrLine }
  | { readonly id: number; readonly ok: false };

/**
 * The OCR thread's code. Its source text is handed to the Worker (`eval: true`), so it may use only
 * globals: no imports, no names from this module (type names are erased).
 */
function ocrThread(): void {
  interface TessApi {
    Init(dataPath: null, lang: string, oem: number): number;
    SetVariable(name: string, value: string): boolean;
    SetImageFile(exif: number, angle: number): number;
    Recognize(monitor: null): number;
    GetUTF8Text(): string;
    MeanTextConf(): number;
    GetJSONText(): string;
  }
  interface TessModule {
    FS: { writeFile(path: string, data: Uint8Array): void; unlink(path: string): void };
    TessBaseAPI: new () => TessApi;
  }
  interface JsonBlock {
    paragraphs: { lines: { words: { symbols: { text: string; confidence: number }[] }[] }[] }[];
  }
  const threads = process.getBuiltinModule("node:worker_threads");
  const { createRequire: requireFrom } = process.getBuiltinModule("node:module");
  const { readFileSync } = process.getBuiltinModule("node:fs");
  const { gunzipSync } = process.getBuiltinModule("node:zlib");
  const setup = threads.workerData as ThreadSetup;
  const port = threads.parentPort;
  if (!port) return;
  const load = requireFrom(setup.tesseractPackage);
  const LSTM_ONLY = 1;
  const open = async (): Promise<{ mod: TessModule; apis: TessApi[] }> => {
    // tesseract.js's getCore (worker-script/node/getCore.js) for OEM.LSTM_ONLY, by the same test.
    const detect = load("wasm-feature-detect") as { simd(): Promise<boolean>; relaxedSimd(): Promise<boolean> };
    const core = (await detect.relaxedSimd()) ? "relaxedsimd-lstm" : (await detect.simd()) ? "simd-lstm" : "lstm";
    const Core = load(`tesseract.js-core/tesseract-core-${core}`) as (opts: object) => Promise<TessModule>;
    // Silent, as under tesseract.js: jpn's traineddata names legacy-engine parameters this LSTM-only
    // build does not have, and Tesseract warns about each on stderr at Init.
    const mod = await Core({ TesseractProgress: () => undefined, print: () => undefined, printErr: () => undefined });
    const apis = setup.engines.map((e) => {
      mod.FS.writeFile(`./${e.lang}.traineddata`, gunzipSync(readFileSync(e.file)));
      const api = new mod.TessBaseAPI();
      if (api.Init(null, e.lang, LSTM_ONLY) === -1) throw new Error(`init ${e.lang}`);
      api.SetVariable("tessedit_pageseg_mode", "7");
      api.SetVariable("tessedit_char_whitelist", e.whitelist);
      api.SetVariable("user_defined_dpi", "300");
      return api;
    });
    return { mod, apis };
  };
  open().then(
    ({ mod, apis }) => {
      port.on("message", (req: LineRequest) => {
        const api = apis[req.engine];
        try {
          if (!api) throw new Error("no such engine");
          // tesseract.js's setImage (worker-script/utils/setImage.js): EXIF orientation, none in a PGM.
          const exif = parseInt(/1 18 0 3 0 0 0 1 0 (\d)/.exec(req.image.slice(0, 500).join(" "))?.[1] ?? "", 10) || 1;
          mod.FS.writeFile("/input", req.image);
          req.image.fill(0);
          if (api.SetImageFile(exif, 0) === 1) throw new Error("image");
          mod.FS.writeFile("/input", new Uint8Array(0));
          api.Recognize(null);
          const symbols: { text: string; confidence: number }[] = [];
          for (const b of (JSON.parse(api.GetJSONText()) as { blocks: JsonBlock[] | null }).blocks ?? [])
            for (const p of b.paragraphs) for (const l of p.lines) for (const w of l.words) for (const s of w.symbols) symbols.push({ text: s.text, confidence: s.confidence });
          port.postMessage({ id: req.id, ok: true, line: { text: api.GetUTF8Text().trim(), confidence: api.MeanTextConf(), symbols } });
        } catch {
          port.postMessage({ id: req.id, ok: false });
        }
      });
      port.postMessage({ ready: true });
    },
    () => port.postMessage({ ready: false }),
  );
}

function dataFile(lang: "jpn" | "eng"): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int", `${lang}.traineddata.gz`);
}

interface Pending {
  resolve(line: OcrLine): void;
  reject(e: OcrFailure): void;
}

class TesseractOcr implements OcrPort {
  #closed = false;
  #dead = false;
  #next = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(
    private readonly thread: Worker,
    private readonly timeoutMs: number,
  ) {
    thread.on("message", (m: ThreadReply) => {
      if (!("id" in m)) return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.ok) p?.resolve(m.line);
      else p?.reject(new OcrFailure("engine-error"));
    });
    const die = () => {
      this.#dead = true;
      for (const p of this.#pending.values()) p.reject(new OcrFailure(this.#closed ? "closed" : "engine-error"));
      this.#pending.clear();
    };
    thread.on("error", die);
    thread.on("exit", die);
  }

  async recognizeLine(image: Gray, kind: LineKind, signal: AbortSignal): Promise<OcrLine> {
    if (this.#closed) throw new OcrFailure("closed");
    if (signal.aborted) throw new OcrFailure("aborted");
    if (this.#dead) throw new OcrFailure("engine-error");
    const id = this.#next++;
    const pgm = toPgm(image);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<OcrLine>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject });
        const fail = (e: OcrFailure) => {
          this.#pending.delete(id);
          reject(e);
        };
        timer = setTimeout(() => fail(new OcrFailure("timeout")), this.timeoutMs);
        onAbort = () => fail(new OcrFailure("aborted"));
        signal.addEventListener("abort", onAbort, { once: true });
        const req: LineRequest = { id, engine: kind === "date" ? 0 : 1, image: pgm };
        this.thread.postMessage(req, pgm.buffer instanceof ArrayBuffer ? [pgm.buffer] : []);
      });
    } finally {
      if (pgm.byteLength > 0) pgm.fill(0); // moved to the thread (which wipes it) unless posting failed
      if (timer) clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.thread.terminate();
  }
}

/** Start the OCR thread and both engines (≈ 0.3–0.6 s here). Rejects with OcrFailure("engine-error")
 *  when the data or the core is missing or an engine does not initialise. */
export async function createTesseractOcr(options: TesseractOptions = {}): Promise<OcrPort> {
  const require = createRequire(import.meta.url);
  let thread: Worker | undefined;
  try {
    const setup: ThreadSetup = {
      tesseractPackage: require.resolve("tesseract.js/package.json"),
      engines: [
        { lang: "jpn", file: dataFile("jpn"), whitelist: DATE_WHITELIST },
        { lang: "eng", file: dataFile("eng"), whitelist: DIGIT_WHITELIST },
      ],
    };
    const t = new Worker(`(${ocrThread.toString()})();`, { eval: true, workerData: setup });
    thread = t;
    const ready = await new Promise<boolean>((resolve) => {
      t.once("message", (m: ThreadReply) => resolve("ready" in m && m.ready));
      t.once("error", () => resolve(false));
      t.once("exit", () => resolve(false));
    });
    if (!ready) throw new Error("not ready");
    return new TesseractOcr(t, options.lineTimeoutMs ?? 3000);
  } catch {
    await thread?.terminate();
    throw new OcrFailure("engine-error");
  }
}
