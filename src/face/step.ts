/**
 * The face step in the session flow's terms: the two FlowPorts members that belong to this domain
 * (src/flow/ports.ts `checkFace` and `photoPng`), ready for main.ts / src/compose to plug in.
 *
 *   const face = createFaceStep({ camera: faceCamera, engine, decoder, config: config.face, clock,
 *                                 budgetMs: budgets.faceCheck - 500 });
 *   ports.checkFace = face.checkFace; ports.photoPng = face.photoPng;
 *
 * `budgetMs` should be a little below the flow's own faceCheck budget so that the decision (with its
 * reason) arrives before the state's timer fires. `onDecision` receives the full decision (reason and
 * scores, no pixels or embeddings) for the audit record or the log.
 */
import type { CameraPort } from "../camera/camera";
import { checkFace, toFlowAnswer, type CaptureOptions, type FaceClock, type FaceHint, type FlowFaceAnswer } from "./capture";
import type { FaceDecision, FaceThresholds } from "./compare";
import type { FaceEngine } from "./engine";
import { purge } from "./image";
import type { Jp2Decoder } from "./jp2";
import { encodeGreyPng } from "./png";

export interface FaceStepDeps {
  readonly camera: Pick<CameraPort, "frames">;
  readonly engine: FaceEngine;
  readonly decoder: Jp2Decoder;
  readonly config: FaceThresholds & Partial<CaptureOptions>;
  readonly clock: FaceClock;
  readonly budgetMs: number;
  readonly onDecision?: (d: FaceDecision) => void;
}

export interface FaceStep {
  checkFace(photo: Uint8Array, signal: AbortSignal, onHint: (hint: FaceHint | null) => void): Promise<FlowFaceAnswer>;
  /** The chip photo as an 8-bit grey PNG for the staff screen; null when it cannot be decoded. */
  photoPng(photo: Uint8Array, signal: AbortSignal): Promise<Uint8Array | null>;
}

export function createFaceStep(deps: FaceStepDeps): FaceStep {
  return {
    async checkFace(photo, signal, onHint) {
      const d = await checkFace({ ...deps, onHint }, photo, signal, deps.budgetMs);
      deps.onDecision?.(d);
      return toFlowAnswer(d);
    },
    async photoPng(photo, signal) {
      if (signal.aborted) return null;
      const r = await deps.decoder.decode(photo);
      if (!r.ok) return null;
      try {
        return signal.aborted ? null : encodeGreyPng(r.image);
      } finally {
        purge(r.image);
      }
    },
  };
}
