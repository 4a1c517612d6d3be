/**
 * Glue between the My Number document kind's camera route (src/documents/mynumber/) and the
 * card-face pipeline (src/cardfront/): OCR of the printed face through the document camera. The
 * kind's entry rules (manual entry) are in the kind.
 */
import type { CameraPort } from "../camera/camera";
import { toPrefill } from "../cardfront/plausibility";
import type { OcrPort } from "../cardfront/ocr";
import { readCardFront } from "../cardfront/read";
import type { Logger } from "../log";
import type { FrontResult } from "../documents/types";

export interface FrontGlueDeps {
  camera: CameraPort;
  /** The OCR engine, opened lazily on first use (its model load takes about a second). */
  ocr: () => Promise<OcrPort>;
  /** The capture budget for one card-face read (the flow's state budget bounds it too). */
  budgetMs: number;
  now: () => number;
  log: Logger;
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
