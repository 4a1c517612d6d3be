/**
 * JPEG and PNG files → RGB pixels in memory, for live images given on the command line, the
 * calibration script, and tests. (The kiosk's camera hands over frames already decoded.)
 *
 * Contract: never throws for bad input; refuses files above `maxBytes` and images whose declared
 * size is above `maxPixels` before decoding the pixels (jpeg-js `maxResolutionInMP`, PNG IHDR check).
 */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { RgbImage } from "./image";

export type ImageFileProblem =
  | { kind: "unknown-format" }
  | { kind: "too-large"; detail: string }
  | { kind: "corrupt"; detail: string };

export type ImageFileResult = { ok: true; image: RgbImage } | { ok: false; problem: ImageFileProblem };

export interface ImageFileLimits {
  readonly maxBytes: number;
  readonly maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageFileLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 24_000_000 };

export function decodeImageFile(bytes: Uint8Array, limits: ImageFileLimits = DEFAULT_IMAGE_LIMITS): ImageFileResult {
  if (bytes.length > limits.maxBytes) return { ok: false, problem: { kind: "too-large", detail: `${bytes.length} bytes` } };
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const d = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: limits.maxPixels / 1e6,
        maxMemoryUsageInMB: 512,
      });
      return { ok: true, image: { kind: "rgb", width: d.width, height: d.height, data: d.data } };
    }
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.length < 24) return { ok: false, problem: { kind: "corrupt", detail: "PNG header" } };
      const w = v.getUint32(16);
      const h = v.getUint32(20);
      if (w * h > limits.maxPixels) return { ok: false, problem: { kind: "too-large", detail: `${w}×${h}` } };
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const n = png.width * png.height;
      const rgb = new Uint8Array(n * 3);
      for (let i = 0, j = 0, k = 0; i < n; i++, j += 3, k += 4) {
        rgb[j] = png.data[k] ?? 0;
        rgb[j + 1] = png.data[k + 1] ?? 0;
        rgb[j + 2] = png.data[k + 2] ?? 0;
      }
      png.data.fill(0);
      return { ok: true, image: { kind: "rgb", width: png.width, height: png.height, data: rgb } };
    }
    return { ok: false, problem: { kind: "unknown-format" } };
  } catch (e) {
    const detail = String((e as Error).message ?? e).slice(0, 120);
    return { ok: false, problem: /resolution|memory/i.test(detail) ? { kind: "too-large", detail } : { kind: "corrupt", detail } };
  }
}
