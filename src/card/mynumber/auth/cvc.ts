/**
 * The card-verifiable certificate (CVC) in 券面AP EF 0004, and the RSA public-key template used in
 * it and in EF 0002 DF24. Parsing only; verification is in authenticity.ts. No node: module.
 *
 * Layout (reference §3.6, test card; lengths for RSA-2048):
 * ```
 * 7F 21 82 02 33                         certificate
 *   5F 4E 82 01 29 <297 bytes>           body = the signed bytes (value only, without tag/length)
 *     [0..16)   issuer key id  (証明者鍵ID)  e.g. "5000023" 08 05 "001" 00 00 00 00
 *     [16..32)  subject key id (被証明者鍵ID) e.g. "1322121" 08 05 "000" …
 *     [32..297) 90 03 01 00 01            public exponent
 *               91 82 01 00 <256 bytes>   modulus
 *   5F 37 82 01 00 <256 bytes>           signature: PKCS#1 v1.5, SHA-256 over the 297 body bytes
 * FF FF …                                file filler, if the whole EF was read
 * ```
 * Key id format: 7 ASCII digits ‖ 08 05 ‖ 3 ASCII digits ‖ 4 padding bytes, shown "5000023/001".
 * Padding bytes differ between CAs (5000020 ends in A8), so ids are compared on all 16 bytes.
 */
import { isCardError } from "../../errors";
import { readTlv, readTlvList } from "../../tlv";

export const KEY_ID_LENGTH = 16;

export interface KeyId {
  readonly bytes: Uint8Array;
  /** 32 upper-case hex digits, the key of the trust store. */
  readonly hex: string;
  /** "5000023/001" when the id has the usual form, else the hex. */
  readonly label: string;
}

export interface RawPublicKey {
  /** Big-endian modulus bytes as stored (tag 91). */
  readonly modulus: Uint8Array;
  /** Big-endian exponent bytes as stored (tag 90). */
  readonly exponent: Uint8Array;
}

export interface CardVerifiableCertificate {
  readonly issuer: KeyId;
  readonly subject: KeyId;
  /** The signed bytes: the value of 5F4E. */
  readonly body: Uint8Array;
  readonly publicKey: RawPublicKey;
  readonly signature: Uint8Array;
}

export type CvcParse = { ok: true; cvc: CardVerifiableCertificate } | { ok: false; what: string };

const TAG_CVC = 0x7f21;
const TAG_BODY = 0x5f4e;
const TAG_SIGNATURE = 0x5f37;
const TAG_EXPONENT = 0x90;
const TAG_MODULUS = 0x91;

/** Parse EF 0004 bytes. Trailing bytes are allowed only as FF or 00 filler. Never throws. */
export function parseCvc(bytes: Uint8Array): CvcParse {
  try {
    const outer = readTlv(bytes, 0);
    if (outer.tag !== TAG_CVC) return { ok: false, what: `outer tag ${hexTag(outer.tag)}, expected 7F21` };
    for (let i = outer.end; i < bytes.length; i++) {
      if (bytes[i] !== 0xff && bytes[i] !== 0x00) return { ok: false, what: `unexpected bytes after the certificate at ${i}` };
    }
    const parts = readTlvList(bytes, outer.valueStart, outer.end, { maxItems: 2 });
    const [bodyTlv, sigTlv] = parts;
    if (parts.length !== 2 || bodyTlv?.tag !== TAG_BODY || sigTlv?.tag !== TAG_SIGNATURE) {
      return { ok: false, what: "certificate must hold 5F4E then 5F37" };
    }
    const body = bytes.slice(bodyTlv.valueStart, bodyTlv.end);
    if (body.length <= 2 * KEY_ID_LENGTH) return { ok: false, what: "certificate body too short" };
    const key = parsePublicKeyTemplate(body, 2 * KEY_ID_LENGTH, body.length);
    if (!key.ok) return key;
    return {
      ok: true,
      cvc: {
        issuer: keyId(body.slice(0, KEY_ID_LENGTH)),
        subject: keyId(body.slice(KEY_ID_LENGTH, 2 * KEY_ID_LENGTH)),
        body,
        publicKey: key.key,
        signature: bytes.slice(sigTlv.valueStart, sigTlv.end),
      },
    };
  } catch (e) {
    if (isCardError(e) && e.problem.kind === "malformed") return { ok: false, what: e.problem.what };
    throw e;
  }
}

/**
 * `90 <exponent> 91 <modulus>` filling exactly [start, end) of `buf` (CVC body, EF 0002 DF24 value).
 * Never throws.
 */
export function parsePublicKeyTemplate(
  buf: Uint8Array,
  start = 0,
  end = buf.length,
): { ok: true; key: RawPublicKey } | { ok: false; what: string } {
  try {
    const items = readTlvList(buf, start, end, { maxItems: 2 });
    const [e, n] = items;
    if (items.length !== 2 || e?.tag !== TAG_EXPONENT || n?.tag !== TAG_MODULUS) {
      return { ok: false, what: "public key must be 90 (exponent) then 91 (modulus)" };
    }
    if (e.length === 0 || n.length === 0) return { ok: false, what: "empty exponent or modulus" };
    return { ok: true, key: { exponent: buf.slice(e.valueStart, e.end), modulus: buf.slice(n.valueStart, n.end) } };
  } catch (e) {
    if (isCardError(e) && e.problem.kind === "malformed") return { ok: false, what: e.problem.what };
    throw e;
  }
}

export function keyId(bytes: Uint8Array): KeyId {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return { bytes, hex: hex.toUpperCase(), label: keyIdLabel(bytes) ?? hex.toUpperCase() };
}

/** "5000023/001" for 7 digits ‖ 08 05 ‖ 3 digits ‖ 4 bytes; null for any other shape. */
export function keyIdLabel(bytes: Uint8Array): string | null {
  if (bytes.length !== KEY_ID_LENGTH || bytes[7] !== 0x08 || bytes[8] !== 0x05) return null;
  const digits = (from: number, to: number) => {
    let s = "";
    for (let i = from; i < to; i++) {
      const b = bytes[i] ?? 0;
      if (b < 0x30 || b > 0x39) return null;
      s += String.fromCharCode(b);
    }
    return s;
  };
  const a = digits(0, 7);
  const b = digits(9, 12);
  return a !== null && b !== null ? `${a}/${b}` : null;
}

function hexTag(tag: number): string {
  return tag.toString(16).toUpperCase();
}
