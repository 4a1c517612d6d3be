/**
 * Parser for 券面AP EF 0002, the card face (reference §3.5). Pure.
 *
 * Layout: `FF 20 { DF21 offsets, DF22 birth, DF23 sex, DF24 card key, DF25 name PNG, DF26 address PNG,
 * DF27 photo JP2, DF28 signature, DF29 expiry, DF2A security-code PNG }`, then FF filler.
 * Strict: every tag once, DF22–DF29 required (DF2A too; DF21 optional), lengths checked against their
 * parent, the offset table must agree with where the TLVs really are (a table that lies is malformed),
 * dates must be real days, the key must be RSA with a 2048-bit modulus.
 *
 * All personal byte arrays (fields and signed spans) are views into ONE copy of the record, so
 * `wipe()` zeroes everything at once. The spans are the raw TLV bytes the signature covers:
 * digest 1 = DF22‖DF23‖DF24, digest 2 = DF25‖DF26, digest 3 = DF27 (reference §3.5).
 */
import { parseAsciiDate, type CalendarDate } from "../../age/date";
import { CardError } from "../errors";
import { childrenByTag, readTlv, readTlvList, type Tlv } from "../tlv";

export const CARD_FACE_TAG = {
  TEMPLATE: 0xff20,
  OFFSETS: 0xdf21,
  BIRTH: 0xdf22,
  SEX: 0xdf23,
  PUBLIC_KEY: 0xdf24,
  NAME: 0xdf25,
  ADDRESS: 0xdf26,
  PHOTO: 0xdf27,
  SIGNATURE: 0xdf28,
  EXPIRY: 0xdf29,
  SECURITY_CODE: 0xdf2a,
} as const;

/** JIS X 0303 / ISO 5218: 1 male, 2 female, 9 not applicable, 0 not known (only "1" seen on cards). */
export type SexCode = "0" | "1" | "2" | "9";

export type ImageFormat = "png" | "jp2" | "j2k" | "unknown";

export interface RsaPublicKey {
  readonly modulus: Uint8Array;
  readonly exponent: Uint8Array;
}

export interface CardFaceRecord {
  readonly birthDate: CalendarDate;
  readonly sex: SexCode;
  readonly expiry: CalendarDate;
  /** The card's own key (DF24): verifies the challenge signature. */
  readonly cardPublicKey: RsaPublicKey;
  readonly namePng: Uint8Array;
  readonly addressPng: Uint8Array;
  readonly photo: { readonly format: ImageFormat; readonly bytes: Uint8Array };
  readonly securityCodePng: Uint8Array;
  /** DF28 value: PKCS#1 v1.5 over DigestInfo(SHA-256 ×3) by the key certified in EF 0004. */
  readonly signature: Uint8Array;
  /** Raw TLV byte spans (tag + length + value) the three digests cover. */
  readonly spans: {
    readonly birthSexKey: Uint8Array;
    readonly nameAddress: Uint8Array;
    readonly photo: Uint8Array;
  };
  /** The whole outer TLV as read (the buffer every field above points into). */
  readonly raw: Uint8Array;
  /** Zero every personal byte (idempotent). */
  wipe(): void;
}

const REQUIRED = [0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a] as const;

function malformed(what: string): CardError {
  return new CardError({ kind: "malformed", what: `EF 0002: ${what}` });
}

export function imageFormat(b: Uint8Array): ImageFormat {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length >= 8 && png.every((x, i) => b[i] === x)) return "png";
  if (b.length >= 8 && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20) return "jp2";
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) return "j2k";
  return "unknown";
}

function asciiDate(v: Uint8Array, what: string): CalendarDate {
  if (v.length !== 8 || !v.every((c) => c >= 0x30 && c <= 0x39)) throw malformed(`${what} is not 8 ASCII digits`);
  const d = parseAsciiDate(v);
  if (!d) throw malformed(`${what} is not a real day`);
  return d;
}

/** `90 <exponent> 91 <modulus>` inside DF24 (also used for DF12, CVC bodies). */
export function parseRsaPublicKey(buf: Uint8Array, start: number, end: number, what: string): RsaPublicKey {
  const items = readTlvList(buf, start, end);
  const e = items.filter((t) => t.tag === 0x90);
  const n = items.filter((t) => t.tag === 0x91);
  if (e.length !== 1 || n.length !== 1 || items.length !== 2) throw malformed(`${what}: expected one 90 and one 91`);
  const et = e[0] as Tlv;
  const nt = n[0] as Tlv;
  let modulus = buf.subarray(nt.valueStart, nt.end);
  if (modulus.length === 257 && modulus[0] === 0) modulus = modulus.subarray(1);
  if (modulus.length !== 256 || ((modulus[0] ?? 0) & 0x80) === 0) throw malformed(`${what}: modulus is not 2048 bits`);
  const exponent = buf.subarray(et.valueStart, et.end);
  if (exponent.length < 1 || exponent.length > 4 || ((exponent[exponent.length - 1] ?? 0) & 1) === 0) {
    throw malformed(`${what}: implausible exponent`);
  }
  return { modulus, exponent };
}

/**
 * Parse EF 0002. `bytes` is the file as read (trailing FF/00 filler allowed); it is COPIED, so the
 * caller may (and should) zero its own buffer. Throws CardError malformed on any deviation.
 */
export function parseCardFace(bytes: Uint8Array): CardFaceRecord {
  const outer = readTlv(bytes, 0, bytes.length);
  if (outer.tag !== CARD_FACE_TAG.TEMPLATE) throw malformed(`outer tag ${outer.tag.toString(16).toUpperCase()}, expected FF20`);
  for (let i = outer.end; i < bytes.length; i++) {
    if (bytes[i] !== 0xff && bytes[i] !== 0x00) throw malformed("bytes after the record that are not filler");
  }
  const raw = bytes.slice(0, outer.end);
  try {
    return parseOwned(raw, readTlv(raw, 0, raw.length));
  } catch (e) {
    raw.fill(0);
    throw e;
  }
}

function parseOwned(raw: Uint8Array, outer: Tlv): CardFaceRecord {
  if (!outer.constructed) throw malformed("outer TLV is not constructed");
  const tags = childrenByTag(raw, outer);
  for (const t of tags.keys()) {
    if (t !== CARD_FACE_TAG.OFFSETS && !(REQUIRED as readonly number[]).includes(t)) throw malformed(`unexpected tag ${t.toString(16).toUpperCase()}`);
  }
  const get = (tag: number): Tlv => {
    const t = tags.get(tag);
    if (!t) throw malformed(`missing tag ${tag.toString(16).toUpperCase()}`);
    return t;
  };
  const value = (t: Tlv) => raw.subarray(t.valueStart, t.end);

  const offsets = tags.get(CARD_FACE_TAG.OFFSETS);
  if (offsets) {
    if (offsets.length !== 18) throw malformed("offset table is not 9 × 2 bytes");
    REQUIRED.forEach((tag, i) => {
      const at = ((raw[offsets.valueStart + i * 2] ?? 0) << 8) | (raw[offsets.valueStart + i * 2 + 1] ?? 0);
      if (at !== get(tag).start) throw malformed(`offset table says ${tag.toString(16).toUpperCase()} is at ${at}, it is at ${get(tag).start}`);
    });
  }

  const birth = get(CARD_FACE_TAG.BIRTH);
  const sexT = get(CARD_FACE_TAG.SEX);
  const key = get(CARD_FACE_TAG.PUBLIC_KEY);
  const name = get(CARD_FACE_TAG.NAME);
  const address = get(CARD_FACE_TAG.ADDRESS);
  const photo = get(CARD_FACE_TAG.PHOTO);
  const signature = get(CARD_FACE_TAG.SIGNATURE);
  const expiry = get(CARD_FACE_TAG.EXPIRY);
  const code = get(CARD_FACE_TAG.SECURITY_CODE);

  const sexV = value(sexT);
  const sex = sexV.length === 1 ? String.fromCharCode(sexV[0] ?? 0) : "";
  if (sex !== "0" && sex !== "1" && sex !== "2" && sex !== "9") throw malformed("sex is not one of 0, 1, 2, 9");
  if (signature.length < 64 || signature.length > 512) throw malformed("signature length");
  if (name.length === 0 || address.length === 0 || photo.length === 0) throw malformed("empty image");

  // Spans: views when the TLVs are adjacent (they are, in the card's layout), else copies inside `extra`.
  const extra: Uint8Array[] = [];
  const span = (ts: Tlv[]): Uint8Array => {
    const adjacent = ts.every((t, i) => i === 0 || t.start === (ts[i - 1] as Tlv).end);
    const first = ts[0] as Tlv;
    const last = ts[ts.length - 1] as Tlv;
    if (adjacent) return raw.subarray(first.start, last.end);
    const out = new Uint8Array(ts.reduce((n, t) => n + (t.end - t.start), 0));
    let o = 0;
    for (const t of ts) {
      out.set(raw.subarray(t.start, t.end), o);
      o += t.end - t.start;
    }
    extra.push(out);
    return out;
  };

  const photoBytes = value(photo);
  return {
    birthDate: asciiDate(value(birth), "birth date"),
    sex,
    expiry: asciiDate(value(expiry), "expiry"),
    cardPublicKey: parseRsaPublicKey(raw, key.valueStart, key.end, "card public key"),
    namePng: value(name),
    addressPng: value(address),
    photo: { format: imageFormat(photoBytes), bytes: photoBytes },
    securityCodePng: value(code),
    signature: value(signature),
    spans: {
      birthSexKey: span([birth, sexT, key]),
      nameAddress: span([name, address]),
      photo: span([photo]),
    },
    raw,
    wipe() {
      raw.fill(0);
      for (const e of extra) e.fill(0);
    },
  };
}
