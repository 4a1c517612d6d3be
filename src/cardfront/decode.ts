/**
 * Camera frame → grey image. JPEG through jpeg-js and PNG through pngjs (pure JavaScript, no native
 * codec, bounded: frames larger than 16 megapixels are refused). The decoded RGBA buffer is zeroed
 * as soon as the grey copy exists.
 */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { Frame } from "../camera/camera";
import { rgbaToGray, type Gray } from "./image";

export type DecodeResult = { ok: true; image: Gray } | { ok: false; reason: "bad-image"; detail: string };

const MAX_PIXELS = 16_000_000;

export function frameToGray(frame: Frame): DecodeResult {
  try {
    switch (frame.format) {
      case "gray":
        if (frame.data.length !== frame.width * frame.height) return { ok: false, reason: "bad-image", detail: "gray frame size mismatch" };
        return { ok: true, image: { width: frame.width, height: frame.height, data: frame.data.slice() } };
      case "rgba": {
        if (frame.data.length !== frame.width * frame.height * 4) return { ok: false, reason: "bad-image", detail: "rgba frame size mismatch" };
        return { ok: true, image: rgbaToGray(frame.data, frame.width, frame.height) };
      }
      case "jpeg": {
        const d = jpeg.decode(frame.data, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
        const g = rgbaToGray(d.data, d.width, d.height);
        d.data.fill(0);
        return { ok: true, image: g };
      }
      case "png": {
        const p = PNG.sync.read(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength));
        if (p.width * p.height > MAX_PIXELS) return { ok: false, reason: "bad-image", detail: "image too large" };
        const g = rgbaToGray(p.data, p.width, p.height);
        p.data.fill(0);
        return { ok: true, image: g };
      }
    }
  } catch (e) {
    return { ok: false, reason: "bad-image", detail: (e as Error).message.slice(0, 200) };
  }
}
