/**
 * Pixels in memory for the card face and the face: ONE grey image type (`GreyImage`), RGB for colour
 * camera frames and files, and the pure operations on them (no I/O). Decoding is in decode.ts, PNG
 * output in png.ts.
 *
 * Contract: every image is personal data (a card face, a face). It lives only in these typed arrays;
 * every buffer created here belongs to the caller, who zeroes it (`purge` / `wipeGray`) when done.
 */

/** 8-bit greyscale, row-major, one byte per pixel. `kind` tells it from an RgbImage where both can
 *  occur (the face engine); card-face code may leave it out. */
export interface GreyImage {
  readonly kind?: "grey";
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The card-face code's name for {@link GreyImage} (the same type). */
export type Gray = GreyImage;

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

/** Zero the pixels. Call on every image, frame and copy as soon as it is no longer needed. */
export function purge(img: Image | null | undefined): void {
  img?.data.fill(0);
}

export function wipeGray(g: GreyImage): void {
  g.data.fill(0);
}

/**
 * Greyscale by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), in integer arithmetic. The live frame
 * goes through this before embedding so that it is in the same domain as the monochrome chip photo.
 * A grey input is returned as a copy, so the caller may purge input and output independently.
 */
export function toGrey(img: Image): GreyImage {
  if (img.kind !== "rgb") return { kind: "grey", width: img.width, height: img.height, data: img.data.slice() };
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

/** RGBA → grey (Rec. 601 luma, integer arithmetic). */
export function rgbaToGray(rgba: Uint8Array, width: number, height: number): Gray {
  const out = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    out[i] = ((rgba[j] ?? 0) * 77 + (rgba[j + 1] ?? 0) * 150 + (rgba[j + 2] ?? 0) * 29) >> 8;
  }
  return { width, height, data: out };
}

/** Box-filter downscale by an integer factor. */
export function downscale(g: Gray, f: number): Gray {
  const w = Math.floor(g.width / f);
  const h = Math.floor(g.height / f);
  const out = new Uint8Array(w * h);
  const n = f * f;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * g.width + x * f;
        for (let dx = 0; dx < f; dx++) s += g.data[row + dx] ?? 0;
      }
      out[y * w + x] = Math.round(s / n);
    }
  }
  return { width: w, height: h, data: out };
}

export function histogram(data: Uint8Array): Uint32Array {
  const h = new Uint32Array(256);
  for (const v of data) h[v] = (h[v] ?? 0) + 1;
  return h;
}

/** Otsu's threshold: the level that best separates two classes (value > t is the bright class). */
export function otsu(data: Uint8Array): number {
  const h = histogram(data);
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * (h[i] ?? 0);
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let t = 127;
  for (let i = 0; i < 256; i++) {
    wB += h[i] ?? 0;
    if (wB === 0) continue;
    const wF = data.length - wB;
    if (wF === 0) break;
    sumB += i * (h[i] ?? 0);
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      t = i;
    }
  }
  return t;
}

/** Stretch the 2nd..98th percentile to 0..255 (evens out low light and glare haze before OCR). */
export function normalize(g: Gray): Gray {
  const h = histogram(g.data);
  const lo = percentile(h, g.data.length, 0.02);
  const hi = Math.max(lo + 1, percentile(h, g.data.length, 0.98));
  const out = new Uint8Array(g.data.length);
  const k = 255 / (hi - lo);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(((g.data[i] ?? 0) - lo) * k)));
  return { width: g.width, height: g.height, data: out };
}

function percentile(h: Uint32Array, n: number, p: number): number {
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += h[i] ?? 0;
    if (acc >= n * p) return i;
  }
  return 255;
}

/** Binary PGM (P5) bytes: an encoding Leptonica (inside tesseract) reads without any codec. */
export function toPgm(g: Gray): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${g.width} ${g.height}\n255\n`);
  const out = new Uint8Array(header.length + g.data.length);
  out.set(header, 0);
  out.set(g.data, header.length);
  return out;
}

/** Mean grey of a rectangle (clipped to the image). */
export function meanIn(g: Gray, x0: number, y0: number, w: number, h: number): number {
  let s = 0;
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(g.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(g.width, x0 + w); x++) {
      s += g.data[y * g.width + x] ?? 0;
      n++;
    }
  }
  return n ? s / n : 0;
}

/** Box blur with a (2r+1)² window (separable, edges clamped): evens out sensor noise before OCR. */
export function boxBlur(g: Gray, r: number): Gray {
  const { width: w, height: h } = g;
  const tmp = new Float32Array(w * h);
  const out = new Uint8Array(w * h);
  const n = 2 * r + 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += g.data[y * w + Math.min(w - 1, Math.max(0, x + k))] ?? 0;
      tmp[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x] ?? 0;
      out[y * w + x] = Math.round(s / n);
    }
  }
  tmp.fill(0);
  return { width: w, height: h, data: out };
}

/** Grey-level erosion with a (2r+1)² window (separable minimum, edges clamped): dark strokes grow by
 *  r pixels on each side (a thin stroke lost to blur or JPEG comes back). */
export function minFilter(g: Gray, r: number): Gray {
  const { width: w, height: h } = g;
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = 255;
      for (let k = -r; k <= r; k++) m = Math.min(m, g.data[y * w + Math.min(w - 1, Math.max(0, x + k))] ?? 255);
      tmp[y * w + x] = m;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = 255;
      for (let k = -r; k <= r; k++) m = Math.min(m, tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x] ?? 255);
      out[y * w + x] = m;
    }
  }
  tmp.fill(0);
  return { width: w, height: h, data: out };
}
