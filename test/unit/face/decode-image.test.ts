import { readFileSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeImageFile } from "../../../src/face/decode-image";
import { frameToImage } from "../../../src/face/frame";

const jpeg = new Uint8Array(readFileSync(new URL("../../fixtures/faces/live-a.jpg", import.meta.url)));

function png(w: number, h: number): Uint8Array {
  const p = new PNG({ width: w, height: h });
  p.data.fill(200);
  return new Uint8Array(PNG.sync.write(p));
}

describe("decodeImageFile", () => {
  it("decodes a JPEG and a PNG to RGB", () => {
    const j = decodeImageFile(jpeg);
    expect(j.ok && [j.image.kind, j.image.data.length === j.image.width * j.image.height * 3]).toEqual(["rgb", true]);
    const p = decodeImageFile(png(5, 4));
    expect(p.ok && Array.from(p.image.data.subarray(0, 3))).toEqual([200, 200, 200]);
  });

  it("answers corrupt for a truncated JPEG and unknown-format for other bytes", () => {
    expect(decodeImageFile(jpeg.subarray(0, 300))).toMatchObject({ ok: false, problem: { kind: "corrupt" } });
    expect(decodeImageFile(Uint8Array.from([0, 0, 0, 12, 0x6a, 0x50]))).toEqual({ ok: false, problem: { kind: "unknown-format" } });
  });

  it("refuses a PNG whose header declares more pixels than the limit, before inflating it", () => {
    const p = png(4, 4);
    new DataView(p.buffer, p.byteOffset).setUint32(16, 100_000);
    new DataView(p.buffer, p.byteOffset).setUint32(20, 100_000);
    expect(decodeImageFile(p)).toMatchObject({ ok: false, problem: { kind: "too-large" } });
  });

  it("refuses a JPEG whose header declares more pixels than the limit", () => {
    expect(decodeImageFile(jpeg, { maxBytes: 1e8, maxPixels: 1000 })).toMatchObject({ ok: false, problem: { kind: "too-large" } });
  });
});

describe("frameToImage", () => {
  it("keeps colour from RGBA frames and grey from grey frames", () => {
    const rgba = frameToImage({ width: 1, height: 1, format: "rgba", data: Uint8Array.from([1, 2, 3, 255]), capturedAt: 0 });
    expect(rgba.ok && [rgba.image.kind, Array.from(rgba.image.data)]).toEqual(["rgb", [1, 2, 3]]);
    const gray = frameToImage({ width: 2, height: 1, format: "gray", data: Uint8Array.from([7, 8]), capturedAt: 0 });
    expect(gray.ok && [gray.image.kind, Array.from(gray.image.data)]).toEqual(["grey", [7, 8]]);
  });

  it("answers bad-frame for buffers shorter than their declared size and for undecodable JPEG frames", () => {
    expect(frameToImage({ width: 10, height: 10, format: "rgba", data: new Uint8Array(4), capturedAt: 0 })).toMatchObject({ ok: false });
    expect(frameToImage({ width: 10, height: 10, format: "gray", data: new Uint8Array(4), capturedAt: 0 })).toMatchObject({ ok: false });
    expect(frameToImage({ width: 0, height: 0, format: "jpeg", data: Uint8Array.from([0xff, 0xd8, 0]), capturedAt: 0 })).toMatchObject({
      ok: false,
      problem: { kind: "bad-frame" },
    });
  });
});
