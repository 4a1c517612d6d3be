/**
 * A grey image as PNG, for the staff screen of the attended mode (the decoded chip photo; Chromium
 * cannot show JPEG 2000). In memory only: the bytes go to the UI over the socket and are never
 * written to disk. Encoded by libvips through sharp (decode.ts switches its cache off).
 */
import sharp from "sharp";
import type { GreyImage } from "./image";

/** 8-bit greyscale PNG (colour type 0) of `img`. The caller zeroes the result after sending it. */
export async function encodeGreyPng(img: GreyImage): Promise<Uint8Array> {
  sharp.cache(false);
  const out = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).toColourspace("b-w").png({ compressionLevel: 6 }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
