/**
 * The chip's front image (bitonal G4 TIFF, zero-padded) as a PNG for the attended staff view. Decoded
 * by sharp (libvips + libtiff, which read CCITT T.6); bounded in pixels; null when it does not decode.
 */
import sharp from "sharp";

/** A card front at 200–400 dpi is well under a million pixels. */
const MAX_PIXELS = 4_000_000;

export async function frontPng(tiff: Uint8Array): Promise<Uint8Array | null> {
  try {
    const b = await sharp(tiff, { limitInputPixels: MAX_PIXELS, failOn: "error" }).png({ palette: true, colours: 2 }).toBuffer();
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch {
    return null;
  }
}
