/**
 * Warm start of the face step (issue 16: the first customer after boot waits no longer than the
 * tenth). Before the daemon reports READY it runs the real face step (`checkFace`: JPEG 2000 decode,
 * chip analysis, frame decode, quality gate, grey identity pass, comparison) a few times on a sample
 * that is no one's data: Human's own warm-up portrait (warm-sample.ts), as a "chip photo" and as
 * camera frames. Every first call (WASM compilation of the decoder, the heap growth of the engine,
 * V8 optimising the JavaScript of each step) then happens here, not in a customer's session.
 * Measured with it, the first session's face step costs about what the later ones cost
 * (test/integration/face/warm-start.test.ts, bench:pi); together with src/bin/wasm-flags.ts.
 */
import type { CameraPort, Frame } from "../camera/camera";
import { checkFace, type FaceClock } from "./capture";
import type { FaceThresholds } from "./compare";
import type { FaceEngine } from "./engine";
import type { Jp2Decoder } from "./jp2";
import { WARM_SAMPLE_J2K_BASE64, WARM_SAMPLE_JPEG_BASE64 } from "./warm-sample";

/** Rounds of the whole face step; V8 optimises a function only after a few calls. */
export const WARM_ROUNDS = 3;

const clock: FaceClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Runs the face step `rounds` times on the sample; answers how long it took (ms) and the last decision. */
export async function warmFaceStep(
  engine: FaceEngine,
  decoder: Jp2Decoder,
  thresholds: FaceThresholds,
  rounds = WARM_ROUNDS,
): Promise<{ ms: number; decision: string }> {
  const t0 = performance.now();
  const jpeg = new Uint8Array(Buffer.from(WARM_SAMPLE_JPEG_BASE64, "base64"));
  const chip = new Uint8Array(Buffer.from(WARM_SAMPLE_J2K_BASE64, "base64"));
  const camera: Pick<CameraPort, "frames"> = {
    async *frames(signal: AbortSignal) {
      while (!signal.aborted) {
        await Promise.resolve();
        const frame: Frame = { width: 0, height: 0, format: "jpeg", data: jpeg.slice(), capturedAt: Date.now() };
        yield frame;
      }
    },
  };
  let decision = "none";
  for (let i = 0; i < rounds; i++) {
    const d = await checkFace({ camera, engine, decoder, config: thresholds, clock }, chip.slice(), new AbortController().signal, 60_000);
    decision = `${d.decision}/${d.reason ?? ""}`;
  }
  return { ms: Math.round(performance.now() - t0), decision };
}
