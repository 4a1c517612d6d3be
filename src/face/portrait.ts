/**
 * Chip portraits come as JPEG 2000 (My Number card) or JPEG (most e-passports' DG2, Doc 9303-10 §4.7.2;
 * Japan's are JPEG [code + guess], reference §3.1). This wraps the JPEG 2000 decoder so that a JPEG
 * portrait (FF D8 FF) is decoded by sharp (image/decode.ts) to the same grey image; anything else
 * goes to the JPEG 2000 decoder unchanged, with its own checks and typed problems.
 */
import { decodeImageFile } from "../image/decode";
import { toGrey } from "../image/image";
import type { Jp2Decoder, Jp2Result } from "./jp2";

/** The largest JPEG portrait accepted (DG2 images are tens of kB; 1 MB bounds memory). */
const MAX_JPEG_PORTRAIT = { maxBytes: 1024 * 1024, maxPixels: 4_000_000 };

export function withJpegPortraits(jp2: Jp2Decoder): Jp2Decoder {
  return {
    heapBytes: () => jp2.heapBytes(),
    async decode(bytes: Uint8Array): Promise<Jp2Result> {
      if (!(bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)) return jp2.decode(bytes);
      const r = await decodeImageFile(bytes, MAX_JPEG_PORTRAIT);
      if (!r.ok) {
        return { ok: false, problem: r.problem.kind === "too-large" ? { kind: "too-many-bytes", bytes: bytes.length, max: MAX_JPEG_PORTRAIT.maxBytes } : { kind: "corrupt", detail: `JPEG portrait: ${r.problem.kind}` } };
      }
      const grey = toGrey(r.image);
      r.image.data.fill(0);
      return { ok: true, image: grey };
    },
  };
}
