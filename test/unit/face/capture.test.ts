import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { CameraPort, Frame } from "../../../src/camera/camera";
import { checkFace, toFlowAnswer, type FaceCheckDeps, type FaceClock, type FaceHint } from "../../../src/face/capture";
import { createJp2Decoder, type Jp2Decoder } from "../../../src/face/jp2";
import { createSimFaceEngine, type SimScene } from "../../../src/face/sim";

const chipA = new Uint8Array(readFileSync(new URL("../../fixtures/faces/chip-a.jp2", import.meta.url)));
const THRESHOLDS = { matchThreshold: 0.65, noMatchThreshold: 0.5, livenessThreshold: 0.5, minFacePixels: 80, minSharpness: 0.25 };
const clock: FaceClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A camera that yields RGBA frames (a grey gradient, 320×240) and records each one it handed out. */
function fakeCamera(opts: { stallAfter?: number } = {}) {
  const handed: Frame[] = [];
  const camera: Pick<CameraPort, "frames"> = {
    async *frames(signal: AbortSignal) {
      for (let i = 0; !signal.aborted; i++) {
        if (opts.stallAfter !== undefined && i >= opts.stallAfter) {
          await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
          return;
        }
        await new Promise((r) => setTimeout(r, 1));
        const data = new Uint8Array(320 * 240 * 4).map((_, k) => (k * 7) & 255);
        const frame: Frame = { width: 320, height: 240, format: "rgba", data, capturedAt: Date.now() };
        handed.push(frame);
        yield frame;
      }
    },
  };
  return { camera, handed };
}

describe("checkFace with the simulated engine", () => {
  let decoder: Jp2Decoder;
  beforeAll(async () => {
    decoder = await createJp2Decoder();
  });

  function deps(scene: SimScene, extra: Partial<FaceCheckDeps> = {}) {
    const engine = createSimFaceEngine(scene);
    const cam = fakeCamera();
    const hints: (FaceHint | null)[] = [];
    const d: FaceCheckDeps = { camera: cam.camera, engine, decoder, config: THRESHOLDS, clock, onHint: (h) => hints.push(h), ...extra };
    return { d, engine, cam, hints };
  }

  it.each([
    ["holder", "match", "same-person"],
    ["stranger", "no-match", "different-person"],
    ["nobody", "not-sure", "no-face"],
    ["two-people", "not-sure", "several-faces"],
    ["far-away", "not-sure", "face-too-small"],
    ["blurred", "not-sure", "face-too-blurred"],
    ["photo-of-holder", "not-sure", "liveness-failed"],
  ] as const)("answers the %s scene with %s (%s)", async (scene, decision, reason) => {
    const { d } = deps(scene);
    const r = await checkFace(d, chipA, new AbortController().signal, 2000);
    expect(r.decision).toBe(decision);
    expect(r.reason).toBe(reason);
  });

  it.each([
    ["holder", 1],
    ["stranger", 1],
    ["photo-of-holder", 1],
    ["nobody", 0],
    ["two-people", 0],
    ["far-away", 0],
    ["blurred", 0],
  ] as const)("runs the embedder on live frames only once the gate passed one (%s: %i identity pass)", async (scene, identity) => {
    const { d, engine } = deps(scene, { config: { ...THRESHOLDS, goodFrames: 3, maxFrames: 6 } });
    await checkFace(d, chipA, new AbortController().signal, 2000);
    expect(engine.calls.filter((c) => c === "identity").length).toBe(identity);
    expect(engine.calls.filter((c) => c === "live").length).toBe(0);
    expect(engine.calls.filter((c) => c === "gate").length).toBeGreaterThanOrEqual(identity ? 3 : 6);
  });

  it("follows the deck: a card whose holder is present matches, one whose holder is absent does not", async () => {
    const { d, engine } = deps("nobody");
    engine.followCard({ holderPresent: true });
    expect((await checkFace(d, chipA, new AbortController().signal, 2000)).decision).toBe("match");
    engine.followCard({ holderPresent: false });
    expect((await checkFace(d, chipA, new AbortController().signal, 2000)).decision).toBe("no-match");
    engine.followCard(null);
    expect((await checkFace(d, chipA, new AbortController().signal, 2000)).reason).toBe("no-face");
  });

  it("stops after the configured number of usable frames and wipes every frame it received", async () => {
    const { d, cam } = deps("holder", { config: { ...THRESHOLDS, goodFrames: 3 } });
    await checkFace(d, chipA, new AbortController().signal, 2000);
    expect(cam.handed.length).toBe(3);
    for (const f of cam.handed) expect(f.data.every((b) => b === 0)).toBe(true);
  });

  it("gives hints while the customer is not yet usable", async () => {
    const { d, hints } = deps("two-people", { config: { ...THRESHOLDS, maxFrames: 2 } });
    await checkFace(d, chipA, new AbortController().signal, 2000);
    expect(hints).toEqual(["one-person", "one-person"]);
  });

  it("answers within the budget with a typed reason when the camera stops delivering frames", async () => {
    const engine = createSimFaceEngine("holder");
    const started = Date.now();
    const r = await checkFace(
      { camera: fakeCamera({ stallAfter: 0 }).camera, engine, decoder, config: THRESHOLDS, clock },
      chipA,
      new AbortController().signal,
      300,
    );
    expect(r.reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("answers aborted when the session leaves the face step", async () => {
    const engine = createSimFaceEngine("nobody");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await checkFace({ camera: fakeCamera().camera, engine, decoder, config: THRESHOLDS, clock }, chipA, ac.signal, 5000);
    expect(r.reason).toBe("aborted");
  });

  it("answers chip-photo-unreadable for a JPEG given as the chip photo, without touching the camera", async () => {
    const { d, cam } = deps("holder");
    const jpeg = new Uint8Array(readFileSync(new URL("../../fixtures/faces/live-a.jpg", import.meta.url)));
    const r = await checkFace(d, jpeg, new AbortController().signal, 2000);
    expect(r).toMatchObject({ decision: "not-sure", reason: "chip-photo-unreadable" });
    expect(cam.handed.length).toBe(0);
  });

  it("answers engine-error when the engine breaks, and the flow answer for it is a thrown device error", async () => {
    const engine = createSimFaceEngine("holder");
    await engine.close();
    const r = await checkFace({ camera: fakeCamera().camera, engine, decoder, config: THRESHOLDS, clock }, chipA, new AbortController().signal, 2000);
    expect(r.reason).toBe("engine-error");
    expect(() => toFlowAnswer(r)).toThrow();
  });

  it("maps decisions to the flow's answers", () => {
    const s = { similarity: null, chip: null, live: null };
    expect(toFlowAnswer({ decision: "match", reason: "same-person", scores: s })).toEqual({ kind: "match" });
    expect(toFlowAnswer({ decision: "no-match", reason: "different-person", scores: s })).toEqual({ kind: "no-match" });
    expect(toFlowAnswer({ decision: "not-sure", reason: "liveness-failed", scores: s })).toEqual({ kind: "not-sure", reason: "liveness-failed" });
    expect(toFlowAnswer({ decision: "not-sure", reason: "no-face", scores: s })).toEqual({ kind: "not-sure", reason: "no-face" });
    expect(toFlowAnswer({ decision: "not-sure", reason: "several-faces", scores: s })).toEqual({ kind: "not-sure", reason: "face-not-sure" });
  });
});
