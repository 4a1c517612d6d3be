/**
 * RSA public-key operations for the 券面AP authenticity checks, done by hand so every failure has a
 * reason (node:crypto only says "false"). Pure: BigInt arithmetic, no node: module, no timers.
 *
 * Scope (reference §3.5, §3.6, §7): RSA-2048 keys, PKCS#1 v1.5 signatures (RFC 8017 §8.2.2) whose
 * DigestInfo names SHA-256. The digest inside may be 32 bytes (certificate body, challenge nonce) or
 * 96 bytes (EF 0002: three concatenated SHA-256 digests), so the expected digest length is a parameter.
 *
 * Encoded message EM (k = 256 bytes) checked byte by byte:
 * ```
 *  00 01 FF FF … FF 00 30 L1 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 L2 <digest>
 *  ^^^^^ ^^^^^^^^^^ ^^ ^^^^^ ^^^^^ ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ^^^^^ ^^^^^
 *  head  PS ≥ 8 FF  sep seq   alg   OID 2.16.840.1.101.3.4.2.1        NULL  OCTET STRING
 * ```
 * Every length is short-form DER and must add up exactly: no trailing or missing byte passes.
 *
 * Key sanity (why): a 2048-bit modulus is what every key seen on cards and in the shipped table has;
 * exponent 1 makes "s^e mod n" the identity (any signature verifies), 3 allows Bleichenbacher-style
 * forgeries against lax verifiers; an even exponent or modulus is not an RSA key.
 *
 * Measured on the 2-core dev machine (Node 20, `npm run bench:auth`): the whole authenticity check,
 * three verifications (e = 65537: 16 squarings + 1 multiplication mod n each) plus SHA-256 of a 5.5 kB
 * EF 0002, has a median of about 0.3 ms.
 */

/** An RSA public key that passed `rsaPublicKey()` sanity checks. */
export interface RsaPublicKey {
  readonly modulus: bigint;
  readonly exponent: bigint;
  /** Modulus length in bytes (k); always 256 here. */
  readonly size: number;
}

export const RSA_MODULUS_BITS = 2048;
/** Smallest public exponent accepted (F4). Exponents 1 and 3 are refused. */
export const MIN_EXPONENT = 65537n;
const MAX_EXPONENT = 0xffffffffn;

export type RsaKeyProblem =
  | "modulus-length" // not exactly 2048 bits
  | "modulus-even"
  | "exponent-too-small" // 1, 3, 17, … anything below 65537
  | "exponent-too-large"
  | "exponent-even";

export type RsaSignatureProblem =
  | "signature-length" // not exactly k bytes (short or long)
  | "signature-out-of-range" // s ≥ n
  | "encoding-header" // EM does not start 00 01
  | "encoding-padding" // PS not all FF, or shorter than 8 bytes
  | "encoding-separator" // no 00 after PS
  | "digest-info-malformed" // DER structure or lengths wrong
  | "digest-algorithm" // well-formed, but not SHA-256 with NULL parameters
  | "digest-length" // SHA-256 DigestInfo with an unexpected digest length
  | "digest-mismatch"; // everything fine except the digest itself

export type KeyResult = { ok: true; key: RsaPublicKey } | { ok: false; problem: RsaKeyProblem };
export type VerifyResult = { ok: true } | { ok: false; problem: RsaSignatureProblem };

/** Build a key from big-endian modulus bytes (leading zero bytes allowed) and an exponent. */
export function rsaPublicKey(modulus: Uint8Array | bigint, exponent: bigint | number | Uint8Array): KeyResult {
  const n = typeof modulus === "bigint" ? modulus : bytesToBigInt(modulus);
  const e =
    typeof exponent === "bigint" ? exponent : typeof exponent === "number" ? BigInt(exponent) : bytesToBigInt(exponent);
  if (bitLength(n) !== RSA_MODULUS_BITS) return { ok: false, problem: "modulus-length" };
  if ((n & 1n) === 0n) return { ok: false, problem: "modulus-even" };
  if (e < MIN_EXPONENT) return { ok: false, problem: "exponent-too-small" };
  if (e > MAX_EXPONENT) return { ok: false, problem: "exponent-too-large" };
  if ((e & 1n) === 0n) return { ok: false, problem: "exponent-even" };
  return { ok: true, key: { modulus: n, exponent: e, size: RSA_MODULUS_BITS / 8 } };
}

/** DER prefix of a SHA-256 DigestInfo up to the OCTET STRING length byte (RFC 8017 §9.2 note 1). */
const SHA256_ALG = Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00);

/** DigestInfo { sha256, digest } as DER. `digest` up to 0x7F - 19 bytes (32 and 96 are used). */
export function digestInfoSha256(digest: Uint8Array): Uint8Array {
  const inner = SHA256_ALG.length + 2 + digest.length;
  if (inner > 0x7f) throw new RangeError("digest too long for a short-form DigestInfo");
  const out = new Uint8Array(2 + inner);
  out[0] = 0x30;
  out[1] = inner;
  out.set(SHA256_ALG, 2);
  out[2 + SHA256_ALG.length] = 0x04;
  out[3 + SHA256_ALG.length] = digest.length;
  out.set(digest, 4 + SHA256_ALG.length);
  return out;
}

/** EMSA-PKCS1-v1_5 encoding of a SHA-256 DigestInfo into `k` bytes (RFC 8017 §9.2). */
export function encodePkcs1v15Sha256(digest: Uint8Array, k: number): Uint8Array {
  const t = digestInfoSha256(digest);
  if (k < t.length + 11) throw new RangeError("modulus too short for this DigestInfo");
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - t.length - 1] = 0x00;
  em.set(t, k - t.length);
  return em;
}

/** RSAVP1: s^e mod n as k bytes, or the reason the signature cannot be opened. */
export function openSignature(
  key: RsaPublicKey,
  signature: Uint8Array,
): { ok: true; em: Uint8Array } | { ok: false; problem: RsaSignatureProblem } {
  if (signature.length !== key.size) return { ok: false, problem: "signature-length" };
  const s = bytesToBigInt(signature);
  if (s >= key.modulus) return { ok: false, problem: "signature-out-of-range" };
  return { ok: true, em: bigIntToBytes(modPow(s, key.exponent, key.modulus), key.size) };
}

/**
 * Verify an RSASSA-PKCS1-v1_5 signature whose DigestInfo must name SHA-256 and hold exactly
 * `expectedDigest`. The most specific reason is returned when it fails.
 */
export function verifyPkcs1v15Sha256(key: RsaPublicKey, signature: Uint8Array, expectedDigest: Uint8Array): VerifyResult {
  const opened = openSignature(key, signature);
  if (!opened.ok) return opened;
  const em = opened.em;
  if (em[0] !== 0x00 || em[1] !== 0x01) return { ok: false, problem: "encoding-header" };
  let p = 2;
  while (p < em.length && em[p] === 0xff) p++;
  if (p >= em.length) return { ok: false, problem: "encoding-separator" };
  if (em[p] !== 0x00) return { ok: false, problem: "encoding-padding" };
  if (p - 2 < 8) return { ok: false, problem: "encoding-padding" };
  const t = em.subarray(p + 1);
  return checkDigestInfo(t, expectedDigest);
}

function checkDigestInfo(t: Uint8Array, expected: Uint8Array): VerifyResult {
  // 30 L1 | 30 0D 06 09 <oid> 05 00 | 04 L2 <digest>
  if (t.length < 2 || t[0] !== 0x30 || t[1] !== t.length - 2) return { ok: false, problem: "digest-info-malformed" };
  if (t[2] !== 0x30 || t[4] !== 0x06) return { ok: false, problem: "digest-info-malformed" };
  const algLen = t[3] ?? 0;
  if (algLen >= 0x80 || 4 + algLen > t.length) return { ok: false, problem: "digest-info-malformed" };
  const alg = t.subarray(2, 4 + algLen);
  if (!sameBytes(alg, SHA256_ALG)) {
    // Structure of an AlgorithmIdentifier, but another algorithm (or SHA-256 without NULL).
    return { ok: false, problem: "digest-algorithm" };
  }
  const o = 4 + algLen;
  if (t[o] !== 0x04) return { ok: false, problem: "digest-info-malformed" };
  const dLen = t[o + 1];
  if (dLen === undefined || dLen >= 0x80 || o + 2 + dLen !== t.length) return { ok: false, problem: "digest-info-malformed" };
  if (dLen !== expected.length) return { ok: false, problem: "digest-length" };
  return sameBytes(t.subarray(o + 2), expected) ? { ok: true } : { ok: false, problem: "digest-mismatch" };
}

/** Square-and-multiply; the exponent is public, so no constant-time concern. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    if (e > 0n) b = (b * b) % modulus;
  }
  return result;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return BigInt("0x" + hex);
}

/** Big-endian, left-padded to `length` bytes; throws RangeError when x does not fit. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  if (x < 0n) throw new RangeError("negative");
  const hex = x.toString(16);
  if (hex.length > length * 2) throw new RangeError("value does not fit");
  const padded = hex.padStart(length * 2, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = (x < 0n ? -x : x).toString(16);
  return hex.length * 4 - Math.clz32(parseInt(hex[0] ?? "0", 16)) + 28;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * gcd of two (possibly huge) non-negative integers. Used by `kioskctl trust derive-ca`, where the
 * inputs are s^e − EM with e = 65537, i.e. about 134 million bits each: plain Euclid would need
 * ~10^8 steps on 16 MB numbers. So this is a recursive half-gcd (Lehmer's idea applied recursively):
 * a 2×2 integer matrix of determinant ±1 is computed from the top bits, then applied to the full
 * numbers with V8's fast multiplication. Any such matrix preserves the gcd, so truncation errors can
 * only cost speed, never correctness; each outer round falls back to one plain Euclid step when the
 * matrix made no progress, which bounds the loop.
 */
export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  if (x < y) [x, y] = [y, x];
  while (y !== 0n) {
    const bx = bitLength(x);
    const by = bitLength(y);
    if (by <= HGCD_BASE_BITS || bx - by > 64) {
      [x, y] = [y, x % y];
      continue;
    }
    const r = halfGcd(x, y);
    if (bitLength(r.x) >= bx) {
      [x, y] = [y, x % y]; // no progress from the matrix (cannot happen often): one exact step
      continue;
    }
    [x, y] = [r.x, r.y];
  }
  return x;
}

/** Below this size, Euclid steps on BigInt are cheaper than recursion. */
const HGCD_BASE_BITS = 1024;

/** [m00, m01, m10, m11]: (x, y) ↦ (m00·x + m01·y, m10·x + m11·y). Always |det| = 1. */
type Mat = readonly [bigint, bigint, bigint, bigint];

const IDENTITY: Mat = [1n, 0n, 0n, 1n];

function mul(a: Mat, b: Mat): Mat {
  return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]];
}

/** Apply m to (x, y) and normalise to x ≥ y ≥ 0 by negating or swapping rows of m (|det| stays 1). */
function apply(m: Mat, x: bigint, y: bigint): { m: Mat; x: bigint; y: bigint } {
  let [a, b, c, d] = m;
  let nx = a * x + b * y;
  let ny = c * x + d * y;
  if (nx < 0n) [nx, a, b] = [-nx, -a, -b];
  if (ny < 0n) [ny, c, d] = [-ny, -c, -d];
  if (nx < ny) return { m: [c, d, a, b], x: ny, y: nx };
  return { m: [a, b, c, d], x: nx, y: ny };
}

/**
 * For x ≥ y ≥ 0 with n = bitLength(x): a unimodular m and (x', y') = m·(x, y), x' ≥ y' ≥ 0, where
 * y' has roughly n/2 bits (an approximation; see gcd()).
 */
function halfGcd(x: bigint, y: bigint): { m: Mat; x: bigint; y: bigint } {
  const n = bitLength(x);
  const half = n >> 1;
  if (n <= HGCD_BASE_BITS) return lehmer(x, y, half);
  // 1. Reduce using the top n − half bits only.
  const s1 = BigInt(half);
  const r1 = halfGcd(x >> s1, y >> s1);
  const cur = apply(r1.m, x, y);
  if (cur.y === 0n || bitLength(cur.y) <= half) return cur;
  // 2. One exact Euclid step.
  const q = cur.x / cur.y;
  const m: Mat = [cur.m[2], cur.m[3], cur.m[0] - q * cur.m[2], cur.m[1] - q * cur.m[3]];
  const nx = cur.y;
  const ny = cur.x - q * cur.y;
  if (ny === 0n || bitLength(ny) <= half) return { m, x: nx, y: ny };
  // 3. Reduce the remaining excess above `half` using a top part twice its size.
  const excess = bitLength(nx) - half;
  const s2 = Math.max(0, bitLength(nx) - 2 * excess);
  const r2 = halfGcd(nx >> BigInt(s2), ny >> BigInt(s2));
  // Apply to the already reduced pair (smaller than x, y), then compose the matrices.
  const last = apply(r2.m, nx, ny);
  return { m: mul(last.m, m), x: last.x, y: last.y };
}

/**
 * Lehmer's algorithm: Euclid on the top 50 bits in floating point (exact below 2^53) with Collins'
 * condition deciding how many quotients are certainly right, then one BigInt matrix step for many
 * small ones. Runs until y has at most `stopBits` bits.
 */
function lehmer(x: bigint, y: bigint, stopBits: number): { m: Mat; x: bigint; y: bigint } {
  let m: Mat = IDENTITY;
  while (y !== 0n && bitLength(y) > stopBits) {
    const shift = BigInt(Math.max(0, bitLength(x) - 50));
    let xh = Number(x >> shift);
    let yh = Number(y >> shift);
    let a = 1;
    let b = 0;
    let c = 0;
    let d = 1;
    for (;;) {
      if (yh + c === 0 || yh + d === 0) break;
      const q = Math.floor((xh + a) / (yh + c));
      if (q !== Math.floor((xh + b) / (yh + d))) break;
      [a, c] = [c, a - q * c];
      [b, d] = [d, b - q * d];
      [xh, yh] = [yh, xh - q * yh];
    }
    if (b === 0) {
      const q = x / y;
      [x, y] = [y, x - q * y];
      m = [m[2], m[3], m[0] - q * m[2], m[1] - q * m[3]];
    } else {
      const [A, B, C, D] = [BigInt(a), BigInt(b), BigInt(c), BigInt(d)];
      [x, y] = [A * x + B * y, C * x + D * y];
      m = [A * m[0] + B * m[2], A * m[1] + B * m[3], C * m[0] + D * m[2], C * m[1] + D * m[3]];
    }
  }
  return { m, x, y };
}
