/**
 * Camera frames and image files → pixels. Encoded images (JPEG, PNG) are decoded by libvips through
 * `sharp` (its prebuilt libvips links mozjpeg, the libjpeg-turbo fork with the same SIMD decoder);
 * raw camera frames (`gray`, the Y plane of `yuv420`, the Y bytes of `yuyv`) are copied without any
 * codec — the cheap path the cameras are asked for first (rpicam.ts, v4l2.ts).
 *
 * Contract: never throws for bad input (a typed result instead); refuses images above `maxPixels`
 * before decoding the pixels (sharp `limitInputPixels`) and inputs above `maxBytes`. The libvips
 * operation cache is switched off so no decoded pixels stay in libvips after a call; the buffers
 * handed back belong to the caller, who zeroes them (`purge`). libvips' own working memory is freed
 * but not zeroed (as with any decoder library).
 */
import type SharpFn from "sharp";
import type { Frame } from "../camera/camera";
import { encodedSize } from "../camera/image-size";
import { rgbaToGray, type GreyImage, type RgbImage } from "./image";

type Sharp = typeof SharpFn;
let sharpLoaded: Promise<Sharp> | null = null;
/**
 * libvips, loaded on the first encoded image (not at import): raw camera frames never need it, and
 * a process without a matching native build (scripts/arm64-check.sh runs the card-face pipeline on
 * raw frames under qemu with the x86 node_modules) still reads them. A failed load is retried next time.
 */
function loadSharp(): Promise<Sharp> {
  sharpLoaded ??= import("sharp").then(
    (m) => {
      m.default.cache(false);
      return m.default;
    },
    (e: unknown) => {
      sharpLoaded = null;
      throw e;
    },
  );
  return sharpLoaded;
}

export interface ImageLimits {
  readonly maxBytes: number;
  readonly maxPixels: number;
}

export const FRAME_LIMITS: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 16_000_000 };
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 24_000_000 };

export type DecodeResult = { ok: true; image: GreyImage } | { ok: false; reason: "bad-image"; detail: string };

export type ImageFileProblem =
  | { kind: "unknown-format" }
  | { kind: "too-large"; detail: string }
  | { kind: "corrupt"; detail: string };

export type ImageFileResult = { ok: true; image: RgbImage } | { ok: false; problem: ImageFileProblem };

const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8;
const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

/** Bytes of a raw frame: gray w·h, yuv420 (I420) w·h·3/2, yuyv w·h·2, rgba w·h·4. */
export function rawFrameBytes(format: "gray" | "yuv420" | "yuyv" | "rgba", width: number, height: number): number {
  const n = width * height;
  switch (format) {
    case "gray":
      return n;
    case "yuv420":
      return n + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
    case "yuyv":
      return n * 2;
    case "rgba":
      return n * 4;
  }
}

/** The luma of a raw frame as a new grey image (no codec): gray is copied, yuv420 keeps its Y plane,
 *  yuyv its every other byte. Null when the data is shorter than the format needs. */
export function lumaOf(frame: Frame): GreyImage | null {
  const { width: w, height: h, data } = frame;
  if (!(w > 0 && h > 0) || w * h > FRAME_LIMITS.maxPixels) return null;
  switch (frame.format) {
    case "gray":
    case "yuv420":
      if (data.length < rawFrameBytes(frame.format, w, h)) return null;
      return { kind: "grey", width: w, height: h, data: data.slice(0, w * h) };
    case "yuyv": {
      if (data.length < rawFrameBytes("yuyv", w, h)) return null;
      const out = new Uint8Array(w * h);
      for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = data[j] ?? 0;
      return { kind: "grey", width: w, height: h, data: out };
    }
    case "rgba":
      if (data.length < rawFrameBytes("rgba", w, h)) return null;
      return { kind: "grey", ...rgbaToGray(data, w, h) };
    case "jpeg":
    case "png":
      return null;
  }
}

const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const detailOf = (e: unknown) => String((e as Error).message ?? e).slice(0, 200);

/** A camera frame → grey image (the card-face pipeline's input). */
export async function decodeFrame(frame: Frame, limits: ImageLimits = FRAME_LIMITS): Promise<DecodeResult> {
  switch (frame.format) {
    case "gray":
    case "yuv420":
    case "yuyv":
    case "rgba": {
      const g = lumaOf(frame);
      return g ? { ok: true, image: g } : { ok: false, reason: "bad-image", detail: `${frame.format} frame size mismatch` };
    }
    case "jpeg":
    case "png": {
      const bytes = frame.data;
      if (bytes.length > limits.maxBytes) return { ok: false, reason: "bad-image", detail: "image too large" };
      if (!(frame.format === "jpeg" ? isJpeg(bytes) : isPng(bytes))) return { ok: false, reason: "bad-image", detail: `not a ${frame.format}` };
      const declared = encodedSize(bytes);
      if (declared && declared.width * declared.height > limits.maxPixels) return { ok: false, reason: "bad-image", detail: "image too large" };
      try {
        // RGB from libvips, then BT.601 luma here: the same grey the card-face thresholds were tuned
        // on (libvips' own greyscale is a different, colorimetric conversion), at ~3 ms a frame.
        const sharp = await loadSharp();
        const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels }).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
        try {
          if (info.channels !== 3) return { ok: false, reason: "bad-image", detail: `unexpected ${info.channels} channels` };
          const n = info.width * info.height;
          const out = new Uint8Array(n);
          for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = ((data[j] ?? 0) * 77 + (data[j + 1] ?? 0) * 150 + (data[j + 2] ?? 0) * 29) >> 8;
          return { ok: true, image: { kind: "grey", width: info.width, height: info.height, data: out } };
        } finally {
          data.fill(0);
        }
      } catch (e) {
        return { ok: false, reason: "bad-image", detail: detailOf(e) };
      }
    }
  }
}

/** Warm start: libvips' first decode sets up its codecs and thread pool; do it on a synthetic frame
 *  before the first customer. */
export async function warmDecoding(): Promise<void> {
  const sharp = await loadSharp();
  const data = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 200, b: 200 } } }).jpeg().toBuffer();
  const r = await decodeFrame({ width: 64, height: 48, format: "jpeg", data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), capturedAt: 0 });
  if (r.ok) r.image.data.fill(0);
}

/** JPEG or PNG file bytes → RGB (live images on the command line, calibration, tests). */
export async function decodeImageFile(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ImageFileResult> {
  if (bytes.length > limits.maxBytes) return { ok: false, problem: { kind: "too-large", detail: `${bytes.length} bytes` } };
  if (!isJpeg(bytes) && !isPng(bytes)) return { ok: false, problem: { kind: "unknown-format" } };
  const declared = encodedSize(bytes);
  if (declared && declared.width * declared.height > limits.maxPixels) return { ok: false, problem: { kind: "too-large", detail: `${declared.width}×${declared.height}` } };
  try {
    const sharp = await loadSharp();
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels }).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      data.fill(0);
      return { ok: false, problem: { kind: "corrupt", detail: `unexpected ${info.channels} channels` } };
    }
    return { ok: true, image: { kind: "rgb", width: info.width, height: info.height, data: view(data) } };
  } catch (e) {
    const detail = detailOf(e);
    return { ok: false, problem: /pixel limit|too large|exceeds/i.test(detail) ? { kind: "too-large", detail } : { kind: "corrupt", detail } };
  }
}
