/**
 * BER-TLV (ISO 7816-4 §5.2 / X.690) with strict bounds. Pure.
 *
 * - Tags: one byte, or multi-byte when the low five bits are 11111 (`DF 22`, `FF 20`, `7F 21`, `5F 4E`).
 *   The 券面 APs use the two-byte private form even for small numbers (reference §3.4). Tags are
 *   returned as a number of their raw bytes (`0xDF22`), at most 3 bytes.
 * - Lengths: short form (< 0x80) or long form `81 LL`, `82 LL LL`, `83 LL LL LL`. Indefinite length
 *   (`80`) and longer forms are refused: the card never uses them.
 * - Every length is checked against the enclosing bound; a value never reaches past its parent.
 * Errors are `CardError { kind: "malformed" }` with the offset, never a crash.
 */
import { CardError } from "./errors";

export interface Tlv {
  readonly tag: number;
  readonly constructed: boolean;
  /** Offset of the first tag byte in the buffer that was parsed. */
  readonly start: number;
  /** Offset of the first value byte. */
  readonly valueStart: number;
  /** Offset one past the last value byte (= start of the next TLV). */
  readonly end: number;
  readonly length: number;
}

function malformed(what: string, at: number): CardError {
  return new CardError({ kind: "malformed", what: `${what} at offset ${at}` });
}

interface Header {
  readonly tag: number;
  readonly constructed: boolean;
  readonly valueStart: number;
  readonly length: number;
}

/** The tag and length at `offset`, which must both end before `end0`; the value is not looked at. */
function readHeader(buf: Uint8Array, offset: number, end0: number): Header {
  let p = offset;
  if (p >= end0) throw malformed("TLV expected, end of data", p);
  const first = buf[p++] ?? 0;
  // 00 as a first tag byte is ISO 7816-4 padding, never a tag here. (FF xx is a valid private tag.)
  if (first === 0x00) throw malformed("tag byte 00 (padding)", offset);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let n = 0;
    for (;;) {
      if (p >= end0) throw malformed("tag truncated", offset);
      const b = buf[p++] ?? 0;
      tag = tag * 256 + b;
      n++;
      if ((b & 0x80) === 0) break;
      if (n >= 2) throw malformed("tag longer than 3 bytes", offset);
    }
  }
  if (p >= end0) throw malformed("length missing", offset);
  const l0 = buf[p++] ?? 0;
  let length: number;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 === 0x80) {
    throw malformed("indefinite length", offset);
  } else {
    const n = l0 & 0x7f;
    if (n > 3) throw malformed(`length of ${n} bytes`, offset);
    if (p + n > end0) throw malformed("length truncated", offset);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[p++] ?? 0);
  }
  return { tag, constructed: (first & 0x20) !== 0, valueStart: p, length };
}

/** Read one TLV header at `offset`; the whole TLV must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  const end0 = Math.min(limit, buf.length);
  const { tag, constructed, valueStart, length } = readHeader(buf, offset, end0);
  const end = valueStart + length;
  if (end > end0) throw malformed(`value of ${length} bytes runs past its bound`, offset);
  return { tag, constructed, start: offset, valueStart, end, length };
}

/**
 * All TLVs between `start` and `end`, in order. Stops early at `FF FF` or `00` filler when
 * `stopAtFiller` is set (files are padded with FF past the last TLV, reference §2.2).
 */
export function readTlvList(
  buf: Uint8Array,
  start: number,
  end: number,
  opts: { stopAtFiller?: boolean; maxItems?: number } = {},
): Tlv[] {
  const out: Tlv[] = [];
  const max = opts.maxItems ?? 64;
  let p = start;
  while (p < end) {
    if (opts.stopAtFiller === true && (buf[p] === 0xff || buf[p] === 0x00) && isFiller(buf, p, end)) break;
    if (out.length >= max) throw malformed(`more than ${max} TLVs`, p);
    const t = readTlv(buf, p, end);
    out.push(t);
    p = t.end;
  }
  return out;
}

function isFiller(buf: Uint8Array, from: number, end: number): boolean {
  const b = buf[from];
  for (let i = from; i < end; i++) if (buf[i] !== b) return false;
  return true;
}

/** Size of the whole outer TLV from its header bytes alone (no value needed); throws malformed when the header is incomplete. */
export function tlvTotalSize(head: Uint8Array): number {
  const h = readHeader(head, 0, head.length);
  return h.valueStart + h.length;
}

/** Children of a constructed TLV, each tag at most once; duplicates are malformed. */
export function childrenByTag(buf: Uint8Array, parent: Tlv): Map<number, Tlv> {
  const map = new Map<number, Tlv>();
  for (const t of readTlvList(buf, parent.valueStart, parent.end)) {
    if (map.has(t.tag)) throw malformed(`duplicate tag ${t.tag.toString(16).toUpperCase()}`, t.start);
    map.set(t.tag, t);
  }
  return map;
}

/** Encode a TLV (used by the simulator and the deck builder). */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes: number[] = [];
  let t = tag;
  do {
    tagBytes.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  const len = value.length;
  const lenBytes =
    len < 0x80
      ? [len]
      : len < 0x100
        ? [0x81, len]
        : len < 0x10000
          ? [0x82, len >> 8, len & 0xff]
          : [0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
  const out = new Uint8Array(tagBytes.length + lenBytes.length + len);
  out.set(tagBytes, 0);
  out.set(lenBytes, tagBytes.length);
  out.set(value, tagBytes.length + lenBytes.length);
  return out;
}
