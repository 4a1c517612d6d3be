/**
 * The entry point the `passport` document kind wires in as `DocumentKind.readFront`:
 *
 *   readFront: mrzReadFront({ camera, ocr }, budgetMs)     (ocr: the daemon's lazily opened OCR port)
 *
 * A sure reading hands over the MRZ key (`MrzKey` of src/card/icao/mrz-key.ts: MRZ_information of
 * ICAO 9303-11, owned by the flow's vault from then on); otherwise "unsure" with the prefill for the
 * three-field manual entry (`documentNumber`, `birthDate` YYMMDD, `expiry` YYMMDD) and the first
 * reason as `problem` ("mrz:<reason>", no MRZ text in it).
 */
import type { FrontResult } from "../documents/types";
import type { CameraPort } from "../camera/camera";
import type { OcrPort } from "../cardfront/ocr";
import { readMrz } from "./read";

export interface MrzFrontDeps {
  readonly camera: CameraPort;
  /** The OCR port, or how to open it (the daemon opens it lazily and shares it with the card face). */
  readonly ocr: OcrPort | (() => Promise<OcrPort>);
}

export function mrzReadFront(deps: MrzFrontDeps, budgetMs: number): (signal: AbortSignal, onFrame: (frames: number) => void) => Promise<FrontResult> {
  return async (signal, onFrame) => {
    let ocr: OcrPort;
    try {
      ocr = typeof deps.ocr === "function" ? await deps.ocr() : deps.ocr;
    } catch {
      return { kind: "unsure", prefill: {}, problem: "mrz:ocr" };
    }
    const r = await readMrz({ camera: deps.camera, ocr }, signal, budgetMs, onFrame);
    if (r.kind === "sure") return { kind: "sure", key: r.key, prefill: r.prefill };
    const first = r.reasons.find((x) => x.kind !== "timeout" && x.kind !== "frames-ended") ?? r.reasons[0];
    return first ? { kind: "unsure", prefill: r.prefill, problem: `mrz:${first.kind}` } : { kind: "unsure", prefill: r.prefill };
  };
}
