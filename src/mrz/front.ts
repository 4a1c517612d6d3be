/**
 * The entry point the `passport` document kind wires in as `DocumentKind.readFront`:
 *
 *   readFront: mrzReadFront({ camera, ocr }, budgetMs)
 *
 * A sure reading hands over the MRZ key (24 ASCII bytes of ICAO 9303-11 §4.3.2 "MRZ information"
 * in an `MrzKey`, owned by the flow's vault from then on); otherwise "unsure" with the prefill for the
 * three-field manual entry (`documentNumber`, `birthDate` YYMMDD, `expiry` YYMMDD) and the first
 * reason as `problem` ("mrz:<reason>", no MRZ text in it).
 */
import type { FrontResult } from "../documents/types";
import { readMrz, type MrzDeps } from "./read";

export function mrzReadFront(deps: MrzDeps, budgetMs: number): (signal: AbortSignal, onFrame: (frames: number) => void) => Promise<FrontResult> {
  return async (signal, onFrame) => {
    const r = await readMrz(deps, signal, budgetMs, onFrame);
    if (r.kind === "sure") return { kind: "sure", key: r.key, prefill: r.prefill };
    const first = r.reasons.find((x) => x.kind !== "timeout" && x.kind !== "frames-ended") ?? r.reasons[0];
    return first ? { kind: "unsure", prefill: r.prefill, problem: `mrz:${first.kind}` } : { kind: "unsure", prefill: r.prefill };
  };
}
