/**
 * The decoded chip photo as PNG, for the staff screen of the attended mode (Chromium cannot show
 * JPEG 2000). In memory only: the bytes go to the UI over the socket and are never written to disk.
 * pngjs, pure JS; ~7 ms for 180×224 (ecosystem.md §3).
 */
import { PNG } from "pngjs";
import type { GreyImage } from "./image";

/** 8-bit greyscale PNG (colour type 0) of `img`. The caller zeroes the result after sending it. */
export function encodeGreyPng(img: GreyImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(img.data);
  try {
    const out = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    png.data.fill(0);
  }
}
