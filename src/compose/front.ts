/**
 * Glue between the My Number document kind's camera route (src/documents/mynumber/) and the
 * card-face pipeline (src/cardfront/): OCR of the printed face through the document camera. The
 * kind's entry rules (manual entry) are in the kind.
 */
import { tokyoDate } from "../age/date";
import type { CameraPort } from "../camera/camera";
import { toPrefill } from "../cardfront/plausibility";
import type { OcrPort } from "../cardfront/ocr";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { readFrame } from "../cardfront/frame-read";
import { readCardFront } from "../cardfront/read";
import { encodedSize } from "../camera/image-size";
import { warmDecoding } from "../image/decode";
import type { Logger } from "../log";
import type { FrontResult } from "../documents/types";

export interface FrontGlueDeps {
  camera: CameraPort;
  /** The OCR engine: the daemon opens and warms it at start (`warmCardFace`), again on use if that failed. */
  ocr: () => Promise<OcrPort>;
  /** The capture budget for one card-face read (the flow's state budget bounds it too). */
  budgetMs: number;
  now: () => number;
  log: Logger;
}

/** A fictional card front (the demo deck's heisei-1 person, made by scripts/cardface/) read at warm-up;
 *  copied next to the daemon bundle by scripts/build.mjs. */
export const WARM_UP_CARD = "warmup-card.jpg";

/** How many times the warm-up card is read. Chosen 2026-12-06 with fresh engines, 5 runs each, CPU of a
 *  customer's first frame ÷ the same photo read again as the tenth (median): 3 reads 1.40 and 1.55
 *  (frames 1–3 all still slow: the tiers need more calls than three), 5 → 1.19, 8 → 1.12, 12 → 0.85.
 *  8: each read costs ≈ 270 ms CPU here (≈ 1 s on the Pi 4 model), so 12 would add ~4 s to READY on a Pi 4. */
export const WARM_UP_FRAMES = 8;

/**
 * Warm start: run the whole per-frame pipeline (decode, locate, rectify, OCR of real line crops) a few
 * times on the fictional warm-up card, so V8 and the tesseract workers' WebAssembly reach their
 * optimised tiers before the first customer (measured here: a cold first frame 779 ms CPU vs 225 ms
 * later; after this warm-up 145 vs 179; two recognitions of a synthetic line per worker did not help).
 * Answers how many frames it read.
 */
export async function warmCardFace(ocr: OcrPort, dir = import.meta.dirname, frames = WARM_UP_FRAMES): Promise<number> {
  await warmDecoding();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path.join(dir, WARM_UP_CARD)));
  } catch {
    throw new Error(`${WARM_UP_CARD} missing next to the daemon`);
  }
  const size = encodedSize(bytes);
  if (!size) throw new Error(`${WARM_UP_CARD} is not an image`);
  const signal = new AbortController().signal;
  const today = tokyoDate(Date.now());
  for (let i = 0; i < frames; i++) await readFrame({ ocr }, { width: size.width, height: size.height, format: size.format, data: bytes.slice(), capturedAt: 0 }, today, signal);
  return frames;
}

export function createFrontGlue(deps: FrontGlueDeps) {
  const log = deps.log.child("cardfront");
  return {
    async readCardFront(signal: AbortSignal, onFrame?: (frames: number) => void): Promise<FrontResult> {
      const ocr = await deps.ocr();
      const r = await readCardFront({ camera: deps.camera, ocr, clock: { now: deps.now } }, signal, deps.budgetMs, onFrame);
      switch (r.kind) {
        case "sure":
          log.info("card-front", { sure: true, frames: r.frames });
          return { kind: "sure", key: r.code, prefill: toPrefill(r.fields) };
        case "unsure":
          log.info("card-front", { sure: false, reasons: r.reasons.map((x) => x.kind).join(",") });
          return { kind: "unsure", prefill: r.prefill };
        case "back-side-up":
          log.info("card-front", { sure: false, reasons: "back-side-up" });
          // Never read further: the number side must not be OCR'd. Ask the customer to turn it over.
          return { kind: "unsure", prefill: { calendar: "era" }, problem: "card:back-side-up" };
      }
    },
  };
}
