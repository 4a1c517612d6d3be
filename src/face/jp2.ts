/**
 * The chip photo decoder: JPEG 2000 (JP2 box file or raw J2K codestream) → 8-bit grey image, in
 * memory, with limits checked on the header BEFORE any pixel is decoded.
 *
 * Decoding uses OpenJPEG compiled to WASM (@cornerstonejs/codec-openjpeg, decode-only build; MIT
 * wrapper, BSD-2 OpenJPEG; bit-exact with opj_decompress per ecosystem.md §3).
 *
 * Contract:
 * - `decode()` never throws for bad input; it answers `{ ok: false, problem }` with a closed reason.
 * - Refused before decoding: more than `maxBytes`, PNG/JPEG/anything without a JP2 or J2K signature,
 *   boxes or markers that run past the end, declared width/height beyond the limits, more than 4
 *   components, sub-sampled components (cornerstonejs/codecs#69 reports out-of-bounds access on
 *   XRsiz/YRsiz > 1), a codestream that does not end with EOC (FFD9) = truncated.
 * - Memory stays bounded: the Emscripten heap never shrinks, so after a decode that left the heap
 *   above `maxHeapBytes` (or after a WASM trap) the module is dropped and a fresh one is made on the
 *   next call. The encoded and decoded copies inside the WASM heap are zeroed after every decode.
 * - Output: colour photos are reduced to luma; 9–16-bit samples are scaled to 8 bits.
 *
 * Measured (x86 dev VM, bench:face): a 180×224 grey chip-like photo decodes in 1.5 ms (p50, warm;
 * the first decode after creating the module took 12–21 ms); the module starts with a 50 MiB heap
 * (52 428 800 bytes) and decoding chip-sized photos never grew it.
 */
import { createRequire } from "node:module";
import type { GreyImage } from "../image/image";

export interface Jp2Limits {
  /** Largest accepted file; DF27 is "a few kB" per mynumber-protocol §3.5. */
  readonly maxBytes: number;
  readonly maxWidth: number;
  readonly maxHeight: number;
  /** Heap size above which the WASM module is recycled after a decode. */
  readonly maxHeapBytes: number;
}

export const DEFAULT_JP2_LIMITS: Jp2Limits = {
  maxBytes: 256 * 1024,
  maxWidth: 1024,
  maxHeight: 1024,
  maxHeapBytes: 96 * 1024 * 1024,
};

export type Jp2Problem =
  | { kind: "empty" }
  | { kind: "too-many-bytes"; bytes: number; max: number }
  | { kind: "not-jp2"; looksLike: "png" | "jpeg" | "unknown" }
  | { kind: "truncated"; detail: string }
  | { kind: "too-large"; width: number; height: number }
  | { kind: "unsupported"; detail: string }
  | { kind: "corrupt"; detail: string };

export type Jp2Result = { ok: true; image: GreyImage } | { ok: false; problem: Jp2Problem };

export interface Jp2Decoder {
  decode(bytes: Uint8Array): Promise<Jp2Result>;
  /** Current size of the WASM heap in bytes (0 when no module is loaded). For tests and the bench. */
  heapBytes(): number;
}

/** What the parsed header says. Exported for tests. */
export interface Jp2Header {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly bitDepth: number;
  /** Offset and length of the codestream inside the input. */
  readonly codestream: { readonly start: number; readonly end: number };
}

interface OpenJpegFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
interface OpenJpegDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): OpenJpegFrameInfo;
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => OpenJpegDecoder;
  HEAPU8: Uint8Array;
}
type OpenJpegFactory = (opts: { print: (s: string) => void; printErr: (s: string) => void }) => Promise<OpenJpegModule>;

export interface Jp2Deps {
  readonly limits?: Partial<Jp2Limits>;
  /** Makes a fresh OpenJPEG module; default loads the installed package's decode-only WASM build. */
  readonly loadModule?: () => Promise<OpenJpegModule>;
}

/** Async factory: the decoder object owns its WASM module (no module-level state). */
export async function createJp2Decoder(deps: Jp2Deps = {}): Promise<Jp2Decoder> {
  const limits: Jp2Limits = { ...DEFAULT_JP2_LIMITS, ...deps.limits };
  const load = deps.loadModule ?? loadOpenJpeg;
  let mod: OpenJpegModule | null = await load();
  return {
    heapBytes: () => mod?.HEAPU8.buffer.byteLength ?? 0,
    async decode(bytes) {
      const header = parseJp2Header(bytes, limits);
      if (!header.ok) return header;
      mod ??= await load();
      const m = mod;
      let decoder: OpenJpegDecoder | null = null;
      try {
        decoder = new m.J2KDecoder();
        const input = decoder.getEncodedBuffer(bytes.length);
        input.set(bytes);
        decoder.decode();
        input.fill(0);
        const info = decoder.getFrameInfo();
        if (info.width !== header.value.width || info.height !== header.value.height) {
          return { ok: false, problem: { kind: "corrupt", detail: "decoder output does not match the header" } };
        }
        const raw = decoder.getDecodedBuffer();
        const image = toGrey8(raw, info);
        raw.fill(0);
        return image ? { ok: true, image } : { ok: false, problem: { kind: "corrupt", detail: "unexpected sample layout" } };
      } catch (e) {
        // A WASM trap may leave the module in any state: drop it, a fresh one is made next time.
        mod = null;
        return { ok: false, problem: { kind: "corrupt", detail: `decoder trap: ${String(e).slice(0, 80)}` } };
      } finally {
        try {
          decoder?.delete();
        } catch {
          mod = null;
        }
        if (mod && mod.HEAPU8.buffer.byteLength > limits.maxHeapBytes) mod = null;
      }
    },
  };
}

async function loadOpenJpeg(): Promise<OpenJpegModule> {
  const require = createRequire(import.meta.url);
  const factory = require("@cornerstonejs/codec-openjpeg/decodewasmjs") as OpenJpegFactory;
  // Without print/printErr the module writes "[INFO] Start to read j2k main header" to stdout.
  return factory({ print: () => {}, printErr: () => {} });
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

/** Check the container and the SIZ marker against the limits, without decoding pixels. */
export function parseJp2Header(
  bytes: Uint8Array,
  limits: Jp2Limits = DEFAULT_JP2_LIMITS,
): { ok: true; value: Jp2Header } | { ok: false; problem: Jp2Problem } {
  const fail = (problem: Jp2Problem) => ({ ok: false as const, problem });
  if (bytes.length === 0) return fail({ kind: "empty" });
  if (bytes.length > limits.maxBytes) return fail({ kind: "too-many-bytes", bytes: bytes.length, max: limits.maxBytes });
  let start: number;
  let end: number;
  if (JP2_SIGNATURE.every((b, i) => bytes[i] === b)) {
    const cs = findCodestreamBox(bytes);
    if (!cs.ok) return fail(cs.problem);
    ({ start, end } = cs);
  } else if (bytes[0] === 0xff && bytes[1] === 0x4f) {
    start = 0;
    end = bytes.length;
  } else {
    const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    return fail({ kind: "not-jp2", looksLike: png ? "png" : jpeg ? "jpeg" : "unknown" });
  }
  // Codestream: SOC (FF4F) then SIZ (FF51) with Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz,
  // XTOsiz, YTOsiz, Csiz, then Ssiz/XRsiz/YRsiz per component (ISO/IEC 15444-1 A.5.1).
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (end - start < 4 + 38 + 3) return fail({ kind: "truncated", detail: "codestream shorter than its SIZ marker" });
  if (v.getUint16(start) !== 0xff4f || v.getUint16(start + 2) !== 0xff51) {
    return fail({ kind: "corrupt", detail: "codestream does not start with SOC, SIZ" });
  }
  const siz = start + 4;
  const lsiz = v.getUint16(siz);
  const xsiz = v.getUint32(siz + 4);
  const ysiz = v.getUint32(siz + 8);
  const xo = v.getUint32(siz + 12);
  const yo = v.getUint32(siz + 16);
  const csiz = v.getUint16(siz + 36);
  if (xsiz <= xo || ysiz <= yo) return fail({ kind: "corrupt", detail: "SIZ gives an empty image" });
  const width = xsiz - xo;
  const height = ysiz - yo;
  if (width > limits.maxWidth || height > limits.maxHeight) return fail({ kind: "too-large", width, height });
  if (csiz < 1 || csiz > 4) return fail({ kind: "unsupported", detail: `${csiz} components` });
  if (lsiz !== 38 + 3 * csiz || siz + lsiz > end) return fail({ kind: "corrupt", detail: "SIZ length" });
  let bitDepth = 0;
  for (let c = 0; c < csiz; c++) {
    const ssiz = v.getUint8(siz + 38 + 3 * c);
    const xr = v.getUint8(siz + 39 + 3 * c);
    const yr = v.getUint8(siz + 40 + 3 * c);
    if (xr !== 1 || yr !== 1) return fail({ kind: "unsupported", detail: "sub-sampled components" });
    bitDepth = Math.max(bitDepth, (ssiz & 0x7f) + 1);
  }
  if (bitDepth > 16) return fail({ kind: "unsupported", detail: `${bitDepth}-bit samples` });
  if (v.getUint16(end - 2) !== 0xffd9) return fail({ kind: "truncated", detail: "no EOC marker at the end of the codestream" });
  return { ok: true, value: { width, height, components: csiz, bitDepth, codestream: { start, end } } };
}

/** Walk the top-level JP2 boxes to the contiguous codestream box `jp2c` (ISO/IEC 15444-1 I.4). */
function findCodestreamBox(bytes: Uint8Array): { ok: true; start: number; end: number } | { ok: false; problem: Jp2Problem } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 8 <= bytes.length) {
    let len = v.getUint32(at);
    const type = v.getUint32(at + 4);
    let header = 8;
    if (len === 1) {
      if (at + 16 > bytes.length) return { ok: false, problem: { kind: "truncated", detail: "box header" } };
      const hi = v.getUint32(at + 8);
      if (hi !== 0) return { ok: false, problem: { kind: "too-many-bytes", bytes: Number.MAX_SAFE_INTEGER, max: bytes.length } };
      len = v.getUint32(at + 12);
      header = 16;
    } else if (len === 0) {
      len = bytes.length - at;
    }
    if (len < header) return { ok: false, problem: { kind: "corrupt", detail: "box length below its header" } };
    if (at + len > bytes.length) return { ok: false, problem: { kind: "truncated", detail: "a box runs past the end of the data" } };
    if (type === 0x6a703263 /* jp2c */) return { ok: true, start: at + header, end: at + len };
    at += len;
  }
  return { ok: false, problem: { kind: "truncated", detail: "no codestream box" } };
}

/** Reduce the decoder's output to 8-bit grey; null for a layout this code does not expect. */
function toGrey8(raw: Uint8Array, info: OpenJpegFrameInfo): GreyImage | null {
  const n = info.width * info.height;
  const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
  if (raw.length < n * info.componentCount * bytesPerSample) return null;
  const out = new Uint8Array(n);
  const shift = Math.max(0, info.bitsPerSample - 8);
  const sample = (i: number): number => {
    if (bytesPerSample === 1) {
      const b = raw[i] ?? 0;
      return info.isSigned ? (b ^ 0x80) : b;
    }
    let s = (raw[2 * i] ?? 0) | ((raw[2 * i + 1] ?? 0) << 8);
    if (info.isSigned) s = (s << 16 >> 16) + (1 << (info.bitsPerSample - 1));
    return Math.min(255, Math.max(0, s >> shift));
  };
  const c = info.componentCount;
  for (let i = 0; i < n; i++) {
    if (c >= 3) {
      // OpenJPEG returns interleaved components; BT.601 luma as in image.ts.
      out[i] = (sample(i * c) * 19595 + sample(i * c + 1) * 38470 + sample(i * c + 2) * 7471 + 32768) >>> 16;
    } else {
      out[i] = sample(i * c);
    }
  }
  return { kind: "grey", width: info.width, height: info.height, data: out };
}
