/**
 * Warm start (issues 12 and 16): the daemon starts the OCR engine and reads its fictional warm-up
 * card before READY (`warmCardFace`), so the first customer's frame costs no more than later ones. Measured as a
 * ratio of process CPU time (all threads; the integration project runs one file at a time), first
 * frame vs the median of frames 6–10, with the same engine started cold as the control.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../../src/camera/camera";
import { readFrame } from "../../../src/cardfront/frame-read";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";
import { WARM_UP_FRAMES, warmCardFace } from "../../../src/compose/front";

const data = new Uint8Array(readFileSync(path.resolve("test/fixtures/cardface/showa-64.jpg")));
const frame = (): Frame => ({ width: 1024, height: 768, format: "jpeg", data: data.slice(), capturedAt: 0 });
const today = { year: 2026, month: 11, day: 21 };
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

async function firstVsLater(warm: boolean): Promise<{ first: number; later: number }> {
  const ocr = await createTesseractOcr();
  if (warm) expect(await warmCardFace(ocr, path.resolve("src/compose"))).toBe(WARM_UP_FRAMES);
  const signal = new AbortController().signal;
  const costs: number[] = [];
  try {
    for (let i = 0; i < 10; i++) {
      const c0 = cpuMs();
      await readFrame({ ocr }, frame(), today, signal);
      costs.push(cpuMs() - c0);
    }
  } finally {
    await ocr.close();
  }
  const later = costs.slice(5).sort((a, b) => a - b)[2] ?? NaN;
  return { first: costs[0] ?? NaN, later };
}

describe("warm start", () => {
  it("the first frame after a warm start costs at most 1.5× a later frame (a cold start costs more)", async () => {
    const cold = await firstVsLater(false);
    const warm = await firstVsLater(true);
    console.log(`cold: first ${cold.first.toFixed(0)} ms CPU, later ${cold.later.toFixed(0)}; warm: first ${warm.first.toFixed(0)}, later ${warm.later.toFixed(0)}`);
    expect(cold.first / cold.later).toBeGreaterThan(1.5);
    expect(warm.first / warm.later).toBeLessThanOrEqual(1.5);
  });
});
