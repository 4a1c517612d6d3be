/**
 * Active Authentication (Doc 9303-11 §6.1) [spec]: the chip signs the kiosk's 8-byte nonce with the
 * private key whose public key is in DG15 (tag 6F around a SubjectPublicKeyInfo).
 * - RSA: ISO/IEC 9796-2 digital signature scheme 1 (message recovery): m = s^e mod n (or n − m) must
 *   read 6A ‖ M1 ‖ H ‖ trailer, trailer BC (SHA-1) or xx CC with the ISO/IEC 10118 hash id
 *   (34 SHA-256, 36 SHA-384, 35 SHA-512, 38 SHA-224); H = hash(M1 ‖ nonce).
 * - ECDSA: plain r ‖ s over hash(nonce); the hash is named in DG14's ActiveAuthenticationInfo
 *   (`aaHashFromDg14`: id-AA 2.23.136.1.1.5, version 1, signatureAlgorithm = a TR-03111 ecdsa-plain-SHAx
 *   OID 0.4.0.127.0.7.1.1.4.1.x, or an X9.62 ecdsa-with-SHAx OID [2nd: issuers seen using them, per
 *   JMRTD]). Without it, SHA-256 for keys up to 256 bits, SHA-384 / SHA-512 above [guess].
 * Pure: no card I/O.
 */
import * as asn1js from "asn1js";
import { createHash, createPublicKey, publicDecrypt, verify as nodeVerify, constants, type KeyObject } from "node:crypto";
import { bytesEqual } from "./crypto";
import { readTlv } from "../tlv";

/** The public key of DG15 (6F ‖ SubjectPublicKeyInfo); null when it does not parse. */
export function dg15Key(dg15: Uint8Array): KeyObject | null {
  try {
    const t = readTlv(dg15, 0);
    if (t.tag !== 0x6f) return null;
    return createPublicKey({ key: Buffer.from(dg15.subarray(t.valueStart, t.end)), format: "der", type: "spki" });
  } catch {
    return null;
  }
}

const OID_AA_INFO = "2.23.136.1.1.5";
const HASH_BY_SIGNATURE_OID: Record<string, string> = {
  "0.4.0.127.0.7.1.1.4.1.1": "sha1",
  "0.4.0.127.0.7.1.1.4.1.2": "sha224",
  "0.4.0.127.0.7.1.1.4.1.3": "sha256",
  "0.4.0.127.0.7.1.1.4.1.4": "sha384",
  "0.4.0.127.0.7.1.1.4.1.5": "sha512",
  "1.2.840.10045.4.1": "sha1",
  "1.2.840.10045.4.3.1": "sha224",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
};

/** The ECDSA AA hash DG14's ActiveAuthenticationInfo names; null when DG14 has none or an unknown one. */
export function aaHashFromDg14(dg14: Uint8Array): string | null {
  try {
    const t = readTlv(dg14, 0);
    if (t.tag !== 0x6e) return null;
    const r = asn1js.fromBER(dg14.slice(t.valueStart, t.end));
    if (r.offset === -1 || !(r.result instanceof asn1js.Set)) return null;
    for (const item of r.result.valueBlock.value) {
      if (!(item instanceof asn1js.Sequence)) continue;
      const [oid, version, alg] = item.valueBlock.value;
      if (!(oid instanceof asn1js.ObjectIdentifier) || oid.valueBlock.toString() !== OID_AA_INFO) continue;
      if (!(version instanceof asn1js.Integer) || version.valueBlock.valueDec !== 1 || !(alg instanceof asn1js.ObjectIdentifier)) return null;
      return HASH_BY_SIGNATURE_OID[alg.valueBlock.toString()] ?? null;
    }
    return null;
  } catch {
    return null;
  }
}

const HASH_BY_ID: Record<number, [string, number]> = { 0x33: ["sha1", 20], 0x34: ["sha256", 32], 0x36: ["sha384", 48], 0x35: ["sha512", 64], 0x38: ["sha224", 28] };

function rsaRecover(key: KeyObject, sig: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, sig));
  } catch {
    return null;
  }
}

function check9796(m: Uint8Array, nonce: Uint8Array): boolean {
  if (m[0] !== 0x6a) return false;
  const last = m[m.length - 1];
  let hash: [string, number] | undefined;
  let trailer = 1;
  if (last === 0xbc) hash = ["sha1", 20];
  else if (last === 0xcc) {
    hash = HASH_BY_ID[m[m.length - 2] ?? 0];
    trailer = 2;
  }
  if (!hash) return false;
  const [name, len] = hash;
  const hEnd = m.length - trailer;
  const m1 = m.subarray(1, hEnd - len);
  if (m1.length < 1) return false;
  const h = m.subarray(hEnd - len, hEnd);
  return bytesEqual(new Uint8Array(createHash(name).update(m1).update(nonce).digest()), h);
}

function bigFrom(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt("0x" + Buffer.from(b).toString("hex"));
}

/** Whether `signature` is the DG15 key's Active Authentication answer to `nonce`. */
export function verifyActiveAuthentication(dg15: Uint8Array, nonce: Uint8Array, signature: Uint8Array, ecdsaHash?: string): boolean {
  const key = dg15Key(dg15);
  if (!key) return false;
  if (key.asymmetricKeyType === "rsa") {
    const m = rsaRecover(key, signature);
    if (!m) return false;
    if (check9796(m, nonce)) return true;
    // The signature may be given as min(σ, n − σ): then the recovered value is n − m.
    const jwk = key.export({ format: "jwk" });
    const n = bigFrom(new Uint8Array(Buffer.from(jwk.n ?? "", "base64url")));
    const alt = n - bigFrom(m);
    if (alt <= 0n) return false;
    const hex = alt.toString(16).padStart(m.length * 2, "0");
    return check9796(new Uint8Array(Buffer.from(hex, "hex")), nonce);
  }
  if (key.asymmetricKeyType === "ec") {
    const bits = key.asymmetricKeyDetails?.namedCurve?.match(/(\d{3})/)?.[1];
    const hash = ecdsaHash ?? (Number(bits ?? 256) <= 256 ? "sha256" : Number(bits) <= 384 ? "sha384" : "sha512");
    try {
      return nodeVerify(hash, nonce, { key, dsaEncoding: "ieee-p1363" }, signature);
    } catch {
      return false;
    }
  }
  return false;
}
