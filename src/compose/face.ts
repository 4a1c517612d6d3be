/**
 * Glue between the flow's face ports and the face module (src/face/): the live check against the
 * chip photo through the face camera, and the chip photo as PNG for the attended (staff) screen.
 */
import type { CameraPort } from "../camera/camera";
import { checkFace, toFlowAnswer } from "../face/capture";
import type { FaceThresholds } from "../face/compare";
import type { FaceEngine } from "../face/engine";
import type { Jp2Decoder } from "../face/jp2";
import { withJpegPortraits } from "../face/portrait";
import { encodeGreyPng } from "../image/png";
import type { Logger } from "../log";
import type { FaceAnswer } from "../flow/outcome";
import type { Clock, FaceHint } from "../flow/ports";

export interface FaceGlueDeps {
  camera: CameraPort;
  engine: FaceEngine | null;
  decoder: () => Promise<Jp2Decoder>;
  thresholds: FaceThresholds;
  budgetMs: number;
  clock: Clock;
  log: Logger;
}

export function createFaceGlue(deps: FaceGlueDeps) {
  const log = deps.log.child("face");
  // JPEG portraits (e-passport DG2) beside JPEG 2000 (My Number card).
  const decoder = async () => withJpegPortraits(await deps.decoder());
  return {
    async checkFace(photo: Uint8Array, signal: AbortSignal, onHint: (hint: FaceHint | null) => void): Promise<FaceAnswer> {
      if (!deps.engine) throw new Error("face engine unavailable");
      const decision = await checkFace(
        { camera: deps.camera, engine: deps.engine, decoder: await decoder(), config: deps.thresholds, clock: deps.clock, onHint },
        photo,
        signal,
        deps.budgetMs,
      );
      log.info("face-check", { decision: decision.decision, reason: decision.reason ?? null });
      return toFlowAnswer(decision);
    },

    async photoPng(photo: Uint8Array): Promise<Uint8Array | null> {
      const decoded = await (await decoder()).decode(photo);
      if (!decoded.ok) {
        log.warn("chip-photo-undecodable", { problem: decoded.problem.kind });
        return null;
      }
      try {
        return await encodeGreyPng(decoded.image);
      } finally {
        decoded.image.data.fill(0);
      }
    },
  };
}
