/**
 * Warm start (issue 16): with the engines opened as the daemon opens them before READY (WASM flags,
 * the face engine warmed in its factory, the decoder created, the face step run on a sample), the first customer's face step costs
 * no more than the later ones. Measured as a ratio of CPU time (user + system of this process), which
 * other processes on a shared machine inflate far less than wall time; no timed threshold.
 * Without the warm-up the first face step cost ~3.5× the later ones here (bench:pi prints both).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CameraPort, Frame } from "../../../src/camera/camera";
import { parseConfig } from "../../../src/config";
import { checkFace } from "../../../src/face/capture";
import { createHumanEngine } from "../../../src/face/human";
import { createJp2Decoder } from "../../../src/face/jp2";
import { warmFaceStep } from "../../../src/face/warm";
import { applyWasmFlags } from "../../../src/bin/wasm-flags";

const FIX = path.resolve(import.meta.dirname, "../../fixtures/faces");
const fix = (f: string) => new Uint8Array(readFileSync(path.join(FIX, f)));
const defaults = parseConfig({});
if (!defaults.ok) throw new Error("default config invalid");
const T = defaults.config.face;
const clock = {
  now: () => Date.now(),
  after(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A face camera that shows the holder (live-a.jpg); a fresh copy per frame, since frames are wiped. */
const camera: Pick<CameraPort, "frames"> = {
  async *frames(signal: AbortSignal) {
    const jpeg = fix("live-a.jpg");
    while (!signal.aborted) {
      await Promise.resolve();
      const frame: Frame = { width: 0, height: 0, format: "jpeg", data: jpeg.slice(), capturedAt: Date.now() };
      yield frame;
    }
  },
};

describe("warm start of the face step", () => {
  it("the first session's face step costs no more CPU than the later ones (ratio to the median of 6)", async () => {
    // As the daemon starts: WASM flags first, engine (warmed in its factory), decoder, face step warm-up.
    applyWasmFlags();
    const engine = await createHumanEngine();
    const decoder = await createJp2Decoder();
    try {
      const warm = await warmFaceStep(engine, decoder, T);
      expect(warm.decision).toBe("match/same-person");
      const cpu: number[] = [];
      for (let i = 0; i < 7; i++) {
        const c = process.cpuUsage();
        const r = await checkFace({ camera, engine, decoder, config: T, clock }, fix("chip-a.jp2"), new AbortController().signal, 60_000);
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
        expect(r.decision).toBe("match");
      }
      const later = cpu.slice(1).sort((a, b) => a - b);
      const median = ((later[2] ?? 0) + (later[3] ?? 0)) / 2;
      const ratio = (cpu[0] ?? 0) / median;
      const slowestLater = later.at(-1) ?? 0;
      console.log(
        `face step CPU: first ${cpu[0]?.toFixed(0)} ms, later median ${median.toFixed(0)} ms (slowest ${slowestLater.toFixed(0)}), ratio ${ratio.toFixed(2)}`,
      );
      // The first session is one sample. Measured on this 2-core machine: a warm engine's first
      // session costs 1.05–1.55× the later median (alone, under CI, and under two concurrent full
      // test runs), a cold engine 3.2–4.6×. The bound sits between the two: ≤ 2× the median, or no
      // slower than the slowest later one. A cold start fails it by far; load noise does not.
      expect((cpu[0] ?? 0) <= Math.max(2 * median, slowestLater)).toBe(true);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
