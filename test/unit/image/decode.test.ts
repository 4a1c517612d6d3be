import { readFileSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { frameToImage } from "../../../src/face/frame";
import { decodeFrame, decodeImageFile, lumaOf, rawFrameBytes } from "../../../src/image/decode";

const jpeg = new Uint8Array(readFileSync(new URL("../../fixtures/faces/live-a.jpg", import.meta.url)));

function png(w: number, h: number): Uint8Array {
  const p = new PNG({ width: w, height: h });
  p.data.fill(200);
  return new Uint8Array(PNG.sync.write(p));
}

describe("decodeImageFile", () => {
  it("decodes a JPEG and a PNG to RGB", async () => {
    const j = await decodeImageFile(jpeg);
    expect(j.ok && [j.image.kind, j.image.data.length === j.image.width * j.image.height * 3]).toEqual(["rgb", true]);
    const p = await decodeImageFile(png(5, 4));
    expect(p.ok && Array.from(p.image.data.subarray(0, 3))).toEqual([200, 200, 200]);
  });

  it("answers corrupt for a truncated JPEG and unknown-format for other bytes", async () => {
    expect(await decodeImageFile(jpeg.subarray(0, 300))).toMatchObject({ ok: false, problem: { kind: "corrupt" } });
    expect(await decodeImageFile(Uint8Array.from([0, 0, 0, 12, 0x6a, 0x50]))).toEqual({ ok: false, problem: { kind: "unknown-format" } });
  });

  it("refuses a PNG whose header declares more pixels than the limit, before inflating it", async () => {
    const p = png(4, 4);
    new DataView(p.buffer, p.byteOffset).setUint32(16, 100_000);
    new DataView(p.buffer, p.byteOffset).setUint32(20, 100_000);
    expect(await decodeImageFile(p)).toMatchObject({ ok: false, problem: { kind: "too-large" } });
  });

  it("refuses a JPEG whose header declares more pixels than the limit", async () => {
    expect(await decodeImageFile(jpeg, { maxBytes: 1e8, maxPixels: 1000 })).toMatchObject({ ok: false, problem: { kind: "too-large" } });
  });
});

describe("decodeFrame (card face: grey)", () => {
  it("decodes a JPEG frame to grey with the luma of the RGB decode", async () => {
    const g = await decodeFrame({ width: 0, height: 0, format: "jpeg", data: jpeg, capturedAt: 0 });
    const rgb = await decodeImageFile(jpeg);
    if (!g.ok || !rgb.ok) throw new Error("decode");
    expect([g.image.width, g.image.height, g.image.data.length]).toEqual([rgb.image.width, rgb.image.height, rgb.image.width * rgb.image.height]);
    // BT.601 luma of the same pixels, within rounding
    let worst = 0;
    for (let i = 0; i < g.image.data.length; i += 101) {
      const y = 0.299 * (rgb.image.data[3 * i] ?? 0) + 0.587 * (rgb.image.data[3 * i + 1] ?? 0) + 0.114 * (rgb.image.data[3 * i + 2] ?? 0);
      worst = Math.max(worst, Math.abs(y - (g.image.data[i] ?? 0)));
    }
    expect(worst).toBeLessThanOrEqual(3);
  });

  it("keeps the Y plane of yuv420 and the Y bytes of yuyv without a codec", async () => {
    const w = 4, h = 2;
    const yuv = new Uint8Array(rawFrameBytes("yuv420", w, h)).fill(128);
    for (let i = 0; i < w * h; i++) yuv[i] = 10 * i;
    const a = await decodeFrame({ width: w, height: h, format: "yuv420", data: yuv, capturedAt: 0 });
    expect(a.ok && Array.from(a.image.data)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    const yuyv = new Uint8Array(rawFrameBytes("yuyv", w, h));
    for (let i = 0; i < w * h; i++) {
      yuyv[2 * i] = 5 * i;
      yuyv[2 * i + 1] = 99;
    }
    const b = await decodeFrame({ width: w, height: h, format: "yuyv", data: yuyv, capturedAt: 0 });
    expect(b.ok && Array.from(b.image.data)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
  });

  it("answers bad-image for short raw frames, bytes that are not the declared format, and oversized images", async () => {
    expect(await decodeFrame({ width: 4, height: 4, format: "yuv420", data: new Uint8Array(16), capturedAt: 0 })).toMatchObject({ ok: false, reason: "bad-image" });
    expect(await decodeFrame({ width: 4, height: 4, format: "yuyv", data: new Uint8Array(31), capturedAt: 0 })).toMatchObject({ ok: false, reason: "bad-image" });
    expect(await decodeFrame({ width: 0, height: 0, format: "jpeg", data: png(3, 3), capturedAt: 0 })).toMatchObject({ ok: false, reason: "bad-image" });
    expect(await decodeFrame({ width: 0, height: 0, format: "jpeg", data: jpeg.subarray(0, 500), capturedAt: 0 })).toMatchObject({ ok: false, reason: "bad-image" });
    expect(await decodeFrame({ width: 0, height: 0, format: "jpeg", data: jpeg, capturedAt: 0 }, { maxBytes: 1e8, maxPixels: 1000 })).toMatchObject({ ok: false, reason: "bad-image" });
    expect(lumaOf({ width: 0, height: 0, format: "gray", data: new Uint8Array(0), capturedAt: 0 })).toBeNull();
  });
});

describe("frameToImage", () => {
  it("keeps colour from RGBA frames and grey from grey, yuv420 and yuyv frames", async () => {
    const rgba = await frameToImage({ width: 1, height: 1, format: "rgba", data: Uint8Array.from([1, 2, 3, 255]), capturedAt: 0 });
    expect(rgba.ok && [rgba.image.kind, Array.from(rgba.image.data)]).toEqual(["rgb", [1, 2, 3]]);
    const gray = await frameToImage({ width: 2, height: 1, format: "gray", data: Uint8Array.from([7, 8]), capturedAt: 0 });
    expect(gray.ok && [gray.image.kind, Array.from(gray.image.data)]).toEqual(["grey", [7, 8]]);
    const yuv = await frameToImage({ width: 2, height: 2, format: "yuv420", data: Uint8Array.from([1, 2, 3, 4, 128, 128]), capturedAt: 0 });
    expect(yuv.ok && [yuv.image.kind, Array.from(yuv.image.data)]).toEqual(["grey", [1, 2, 3, 4]]);
  });

  it("answers bad-frame for buffers shorter than their declared size and for undecodable JPEG frames", async () => {
    expect(await frameToImage({ width: 10, height: 10, format: "rgba", data: new Uint8Array(4), capturedAt: 0 })).toMatchObject({ ok: false });
    expect(await frameToImage({ width: 10, height: 10, format: "gray", data: new Uint8Array(4), capturedAt: 0 })).toMatchObject({ ok: false });
    expect(await frameToImage({ width: 0, height: 0, format: "jpeg", data: Uint8Array.from([0xff, 0xd8, 0]), capturedAt: 0 })).toMatchObject({
      ok: false,
      problem: { kind: "bad-frame" },
    });
  });
});
