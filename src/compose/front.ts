/**
 * Glue between the flow's card-face ports and the card-face pipeline (src/cardfront/): OCR of the
 * printed face through the document camera, and the manual-entry rules. The problem string the
 * flow puts on the manual-entry screen is `<field>:<code>` (e.g. `birthYear:missing`,
 * `expiryYear:out-of-range`), which the UI translates by its code.
 */
import type { CalendarDate } from "../age/date";
import type { CameraPort } from "../camera/camera";
import { deriveCodeB } from "../card/mynumber/code-b";
import { entryToCodeBInput, toPrefill } from "../cardfront/plausibility";
import type { OcrPort } from "../cardfront/ocr";
import { readCardFront } from "../cardfront/read";
import type { Logger } from "../log";
import type { EntryPrefill } from "../protocol";
import type { CardFrontResult, EntryCheck } from "../flow/ports";

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
    async readCardFront(signal: AbortSignal, onFrame?: (frames: number) => void): Promise<CardFrontResult> {
      const ocr = await deps.ocr();
      const r = await readCardFront({ camera: deps.camera, ocr, clock: { now: deps.now } }, signal, deps.budgetMs, onFrame);
      switch (r.kind) {
        case "sure":
          log.info("card-front", { sure: true, frames: r.frames });
          return { kind: "sure", codeB: r.code, prefill: toPrefill(r.fields) };
        case "unsure":
          log.info("card-front", { sure: false, reasons: r.reasons.map((x) => x.kind).join(",") });
          return { kind: "unsure", prefill: r.prefill };
        case "back-side-up":
          log.info("card-front", { sure: false, reasons: "back-side-up" });
          // Never read further: the number side must not be OCR'd. Ask the customer to turn it over.
          return { kind: "unsure", prefill: { calendar: "era" }, problem: "card:back-side-up" };
      }
    },

    checkEntry(entry: EntryPrefill, today: CalendarDate): Promise<EntryCheck> {
      const parsed = entryToCodeBInput(entry, today);
      if (!parsed.ok) {
        const first = parsed.problems[0];
        return Promise.resolve({ ok: false, problem: first ? `${first.field}:${first.code}` : "entry:invalid" });
      }
      const code = deriveCodeB(parsed.input);
      if (!code.ok) {
        const first = code.problems[0];
        return Promise.resolve({ ok: false, problem: first ? `${first.field}:${first.kind}` : "entry:invalid" });
      }
      return Promise.resolve({ ok: true, codeB: code.code });
    },
  };
}
