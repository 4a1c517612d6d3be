import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { encodeGreyPng } from "../../../src/image/png";

describe("encodeGreyPng", () => {
  it("writes an 8-bit greyscale PNG whose pixels decode back to the input", async () => {
    const w = 37;
    const h = 23;
    const data = new Uint8Array(w * h).map((_, i) => (i * 13) & 255);
    const png = await encodeGreyPng({ kind: "grey", width: w, height: h, data });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png[25]).toBe(0); // IHDR colour type 0 = greyscale
    const back = PNG.sync.read(Buffer.from(png));
    expect([back.width, back.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) expect(back.data[i * 4]).toBe(data[i]);
  });
});

describe("chip photo to PNG", () => {
  it("turns the decoded chip photo into a PNG of the same size", async () => {
    const { readFileSync } = await import("node:fs");
    const { createJp2Decoder } = await import("../../../src/face/jp2");
    const decoder = await createJp2Decoder();
    const chip = new Uint8Array(readFileSync(new URL("../../fixtures/faces/chip-a.jp2", import.meta.url)));
    const decoded = await decoder.decode(chip);
    if (!decoded.ok) throw new Error(decoded.problem.kind);
    const back = PNG.sync.read(Buffer.from(await encodeGreyPng(decoded.image)));
    expect([back.width, back.height]).toEqual([180, 224]);
    for (let i = 0; i < 180 * 224; i += 97) expect(back.data[i * 4]).toBe(decoded.image.data[i]);
  });
});
