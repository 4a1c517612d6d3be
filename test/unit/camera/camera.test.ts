import { PNG } from "pngjs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { CameraFailure, missingCamera, parseCameraSpec, wipeFrame } from "../../../src/camera/camera";
import { encodedSize } from "../../../src/camera/image-size";
import { FixedSizeSplitter } from "../../../src/camera/capture-process";
import { MjpegSplitter } from "../../../src/camera/mjpeg";
import { listedCameras } from "../../../src/camera/rpicam";

async function tinyJpeg(width: number, height: number): Promise<Uint8Array> {
  const b = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 200, b: 200 } } }).jpeg({ quality: 80 }).toBuffer();
  return new Uint8Array(b);
}

describe("camera specs", () => {
  it("parses rpicam, v4l2, sim and none specs", () => {
    expect(parseCameraSpec("rpicam:0")).toEqual({ kind: "rpicam", index: 0 });
    expect(parseCameraSpec("rpicam")).toEqual({ kind: "rpicam", index: 0 });
    expect(parseCameraSpec("v4l2:/dev/video2")).toEqual({ kind: "v4l2", device: "/dev/video2" });
    expect(parseCameraSpec("sim:/srv/cards")).toEqual({ kind: "sim", source: "/srv/cards" });
    expect(parseCameraSpec("none")).toEqual({ kind: "none" });
  });

  it("rejects malformed specs with a reason", () => {
    expect(parseCameraSpec("rpicam:x").kind).toBe("invalid");
    expect(parseCameraSpec("v4l2:/etc/passwd").kind).toBe("invalid");
    expect(parseCameraSpec("webcam").kind).toBe("invalid");
  });
});

describe("frames and missing cameras", () => {
  it("wipeFrame zeroes the pixels", () => {
    const f = { width: 2, height: 1, format: "gray" as const, data: new Uint8Array([7, 9]), capturedAt: 0 };
    wipeFrame(f);
    expect([...f.data]).toEqual([0, 0]);
  });

  it("a missing camera says missing and rejects captures with a typed failure", async () => {
    const cam = missingCamera("face", "no camera configured");
    expect(cam.status()).toBe("missing");
    await expect(cam.still(new AbortController().signal)).rejects.toBeInstanceOf(CameraFailure);
    const it = cam.frames(new AbortController().signal)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ error: { kind: "missing" } });
  });
});

describe("encodedSize", () => {
  it("reads the size of a JPEG and a PNG from their headers", async () => {
    expect(encodedSize(await tinyJpeg(33, 17))).toEqual({ format: "jpeg", width: 33, height: 17 });
    const png = new PNG({ width: 5, height: 9 });
    expect(encodedSize(new Uint8Array(PNG.sync.write(png)))).toEqual({ format: "png", width: 5, height: 9 });
  });

  it("returns null for other bytes and truncated headers", async () => {
    expect(encodedSize(new TextEncoder().encode("hello world, not an image"))).toBeNull();
    expect(encodedSize((await tinyJpeg(8, 8)).slice(0, 6))).toBeNull();
  });
});

describe("MjpegSplitter", () => {
  it("splits a stream into whole JPEGs however the chunks fall", async () => {
    const a = await tinyJpeg(8, 8);
    const b = await tinyJpeg(16, 4);
    const stream = new Uint8Array([...a, ...b, ...a.slice(0, 10)]);
    const s = new MjpegSplitter();
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...s.push(stream.slice(i, i + 7)));
    expect(out.map((f) => encodedSize(f))).toEqual([
      { format: "jpeg", width: 8, height: 8 },
      { format: "jpeg", width: 16, height: 4 },
    ]);
    expect(out[0]).toEqual(a);
  });
});

describe("listedCameras", () => {
  it("reads camera indices from rpicam-still --list-cameras", () => {
    const out = "Available cameras\n-----------------\n0 : imx708 [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)\n    Modes: 'SRGGB10_CSI2P' : 1536x864\n1 : ov5647 [2592x1944] (/base/x)\n";
    expect(listedCameras(out)).toEqual([0, 1]);
    expect(listedCameras("No cameras available!\n")).toEqual([]);
  });
});

describe("raw frame splitter", () => {
  it("cuts a raw stream into frames of a fixed size however the chunks fall", () => {
    const s = new FixedSizeSplitter(5);
    const stream = Uint8Array.from({ length: 17 }, (_, i) => i);
    const out = [...s.push(stream.subarray(0, 3)), ...s.push(stream.subarray(3, 11)), ...s.push(stream.subarray(11))];
    expect(out.map((f) => Array.from(f))).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14]]);
    s.wipe();
  });
});
