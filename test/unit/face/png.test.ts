import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { encodeGreyPng } from "../../../src/face/png";

describe("encodeGreyPng", () => {
  it("writes an 8-bit greyscale PNG whose pixels decode back to the input", () => {
    const w = 37;
    const h = 23;
    const data = new Uint8Array(w * h).map((_, i) => (i * 13) & 255);
    const png = encodeGreyPng({ kind: "grey", width: w, height: h, data });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png[25]).toBe(0); // IHDR colour type 0 = greyscale
    const back = PNG.sync.read(Buffer.from(png));
    expect([back.width, back.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) expect(back.data[i * 4]).toBe(data[i]);
  });
});

describe("the face step's photoPng", () => {
  it("turns the chip photo into a PNG of the same size and answers null for a JPEG", async () => {
    const { readFileSync } = await import("node:fs");
    const { createJp2Decoder } = await import("../../../src/face/jp2");
    const { createFaceStep } = await import("../../../src/face/step");
    const { createSimFaceEngine } = await import("../../../src/face/sim");
    const decoder = await createJp2Decoder();
    const step = createFaceStep({
      camera: { frames: async function* () {} },
      engine: createSimFaceEngine(),
      decoder,
      config: { matchThreshold: 0.65, noMatchThreshold: 0.5, livenessThreshold: 0.25, minFacePixels: 80, minSharpness: 0.2 },
      clock: { now: () => 0, after: () => () => {} },
      budgetMs: 1000,
    });
    const chip = new Uint8Array(readFileSync(new URL("../../fixtures/faces/chip-a.jp2", import.meta.url)));
    const png = await step.photoPng(chip, new AbortController().signal);
    expect(png).not.toBeNull();
    const back = PNG.sync.read(Buffer.from(png ?? new Uint8Array()));
    expect([back.width, back.height]).toEqual([180, 224]);
    const jpeg = new Uint8Array(readFileSync(new URL("../../fixtures/faces/live-a.jpg", import.meta.url)));
    expect(await step.photoPng(jpeg, new AbortController().signal)).toBeNull();
  });
});
