/**
 * The residence card chip's front image (DF1 EF01, tag D0): a bitonal TIFF with CCITT T.6 ("G4",
 * "MMR") compression, at most 7000 bytes, zero-padded to the EF's size (other-ids-protocol.md §2.1,
 * [spec] via the notes). Decoded by libtiff inside sharp/libvips (a maintained decoder that is already
 * a dependency); before that, the header and first IFD are checked here so that anything that is not
 * a small one-bit G4 image is refused with a typed reason instead of reaching the codec.
 *
 * The resolution is not taken from the file: the image covers the whole card front (85.6 mm wide), so
 * pixels per millimetre = width / 85.6 [guess: the notes do not give the image size; the generator
 * renders at 200 dpi].
 */
import sharp from "sharp";
import type { Gray } from "../../image/image";

export type ChipTiffProblem = "not-a-tiff" | "not-g4" | "bad-size" | "decode-failed";

export type ChipTiffResult = { ok: true; image: Gray; pxPerMm: number } | { ok: false; reason: ChipTiffProblem };

/** The EF holds 7004 bytes (tag + length + ≤ 7000 value bytes); the decoder accepts up to 64 KiB so
 *  that damaged test images (noise compresses badly) can be read too. */
export const TIFF_MAX_BYTES = 64 * 1024;
/** Card width (ID-1) in mm: the image spans the card. */
export const CARD_WIDTH_MM = 85.6;
const CARD_ASPECT = 85.6 / 54.0;

interface Ifd {
  readonly width: number;
  readonly height: number;
  readonly compression: number;
  readonly bitsPerSample: number;
}

/** Reads the first IFD's size, compression and bits per sample; null when the structure is broken. */
export function readIfd(b: Uint8Array): Ifd | null {
  if (b.length < 8) return null;
  const le = b[0] === 0x49 && b[1] === 0x49;
  const be = b[0] === 0x4d && b[1] === 0x4d;
  if (!le && !be) return null;
  const u16 = (o: number) => (le ? (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) : ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0));
  const u32 = (o: number) => (le ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > b.length) return null;
  const n = u16(ifd);
  if (n === 0 || n > 64 || ifd + 2 + n * 12 > b.length) return null;
  const tags = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    const type = u16(e + 2);
    // SHORT (3) or LONG (4), one value: what the four tags below use.
    const value = type === 3 ? u16(e + 8) : type === 4 ? u32(e + 8) : -1;
    tags.set(u16(e), value);
  }
  const width = tags.get(256) ?? -1;
  const height = tags.get(257) ?? -1;
  return { width, height, compression: tags.get(259) ?? 1, bitsPerSample: tags.get(258) ?? 1 };
}

/**
 * Decode the chip's TIFF to 8-bit grey (0 black, 255 white). `tiff` is only read; the returned image
 * is the caller's to wipe. The codec gets a view of the caller's bytes (no copy made here).
 */
export async function decodeChipTiff(tiff: Uint8Array): Promise<ChipTiffResult> {
  if (tiff.length > TIFF_MAX_BYTES) return { ok: false, reason: "bad-size" };
  const ifd = readIfd(tiff);
  if (!ifd) return { ok: false, reason: "not-a-tiff" };
  if (ifd.compression !== 4 || ifd.bitsPerSample !== 1) return { ok: false, reason: "not-g4" };
  const { width, height } = ifd;
  if (width < 300 || width > 2400 || height < 150 || Math.abs(width / height - CARD_ASPECT) > 0.12) return { ok: false, reason: "bad-size" };
  let raw: Buffer | null = null;
  try {
    const out = await sharp(Buffer.from(tiff.buffer, tiff.byteOffset, tiff.byteLength), { failOn: "error", limitInputPixels: 2400 * 1600 })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    raw = out.data;
    if (out.info.width !== width || out.info.height !== height || out.info.channels !== 1) return { ok: false, reason: "decode-failed" };
    const data = new Uint8Array(width * height);
    data.set(raw.subarray(0, width * height));
    return { ok: true, image: { width, height, data }, pxPerMm: width / CARD_WIDTH_MM };
  } catch {
    return { ok: false, reason: "decode-failed" };
  } finally {
    raw?.fill(0);
  }
}
