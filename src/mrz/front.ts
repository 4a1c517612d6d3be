/**
 * The entry point the `passport` document kind wires in as `DocumentKind.readFront`:
 *
 *   readFront: mrzReadFront({ camera }, budgetMs)
 *
 * The glyphs are read by our own OCR-B classifier (classify.ts): no OCR engine is opened for passports.
 *
 * A sure reading hands over the MRZ key (`MrzKey` of src/card/icao/mrz-key.ts: MRZ_information of
 * ICAO 9303-11, owned by the flow's vault from then on); otherwise "unsure" with the prefill for the
 * three-field manual entry (`documentNumber`, `birthDate` YYMMDD, `expiry` YYMMDD) and the first
 * reason as `problem` ("mrz:<reason>", no MRZ text in it).
 */
import type { FrontResult } from "../documents/types";
import type { CameraPort } from "../camera/camera";
import { readMrz } from "./read";

export interface MrzFrontDeps {
  readonly camera: CameraPort;
}

export function mrzReadFront(deps: MrzFrontDeps, budgetMs: number): (signal: AbortSignal, onFrame: (frames: number) => void) => Promise<FrontResult> {
  return async (signal, onFrame) => {
    const r = await readMrz({ camera: deps.camera }, signal, budgetMs, onFrame);
    if (r.kind === "sure") return { kind: "sure", key: r.key, prefill: r.prefill };
    const first = r.reasons.find((x) => x.kind !== "timeout" && x.kind !== "frames-ended") ?? r.reasons[0];
    return first ? { kind: "unsure", prefill: r.prefill, problem: `mrz:${first.kind}` } : { kind: "unsure", prefill: r.prefill };
  };
}
