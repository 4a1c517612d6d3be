/**
 * Pixels in memory: the two image shapes the face domain uses, and the few pure operations on them.
 *
 * Contract: every image here is personal data (APPI: a face image identifies a person). It lives only
 * in these typed arrays; `purge()` zeroes them and callers purge as soon as the check is over. Nothing
 * in src/face writes an image to disk or to a log.
 */

/** 8-bit greyscale, row-major, one byte per pixel. The chip photo's domain (mynumber-protocol §3.5). */
export interface GreyImage {
  readonly kind: "grey";
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** 8-bit RGB, row-major, three bytes per pixel (camera frames, JPEG/PNG files). */
export interface RgbImage {
  readonly kind: "rgb";
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Image = GreyImage | RgbImage;

/** Face box in pixels of the image it was found in. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Greyscale by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), in integer arithmetic. The live frame
 * goes through this before embedding so that it is in the same domain as the monochrome chip photo.
 * A grey input is returned as a copy, so the caller may purge input and output independently.
 */
export function toGrey(img: Image): GreyImage {
  if (img.kind === "grey") return { kind: "grey", width: img.width, height: img.height, data: img.data.slice() };
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const src = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = ((src[j] ?? 0) * 19595 + (src[j + 1] ?? 0) * 38470 + (src[j + 2] ?? 0) * 7471 + 32768) >>> 16;
  }
  return { kind: "grey", width: img.width, height: img.height, data: out };
}

/** Three equal channels from a grey image (the detector and embedder take RGB input). */
export function greyToRgb(img: GreyImage): RgbImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const v = img.data[i] ?? 0;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
  }
  return { kind: "rgb", width: img.width, height: img.height, data: out };
}

/** Grey image padded with a uniform border of `pad` pixels of value `fill` on every side. */
export function padGrey(img: GreyImage, pad: number, fill: number): GreyImage {
  const w = img.width + 2 * pad;
  const h = img.height + 2 * pad;
  const out = new Uint8Array(w * h).fill(fill);
  for (let y = 0; y < img.height; y++) {
    out.set(img.data.subarray(y * img.width, (y + 1) * img.width), (y + pad) * w + pad);
  }
  return { kind: "grey", width: w, height: h, data: out };
}

/** Zero the pixels. Call on every image, frame and copy as soon as the check no longer needs it. */
export function purge(img: Image | null | undefined): void {
  img?.data.fill(0);
}
