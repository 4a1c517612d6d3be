/**
 * The residence card's symmetric cryptography ("authentication by card number", 在留カード等仕様書
 * Ver 1.5 §3.4, §4.2 and 別添1/別添2) [spec]; and the second generation's AES variant [2nd].
 *
 * First generation [spec]:
 * - Kenc = Kmac = SHA-1(card number, 12 ASCII bytes)[0..15];
 * - encryption: two-key TDES (K1 ‖ K2), CBC, IV = 0, data already padded;
 * - MAC: ISO/IEC 9797-1 MAC algorithm 3 ("Retail MAC") with padding method 2 (80 00…), single-DES CBC
 *   under K1 over every block, then D(K2), E(K1) on the last one;
 * - session key: KSenc = SHA-1((K.IFD ⊕ K.ICC) ‖ 00 00 00 01)[0..15]; no MAC session key (the SM is
 *   encryption only).
 *
 * OpenSSL 3 moved single DES (des-cbc, des-ecb) to the legacy provider, which node does not load, so
 * `createCipheriv("des-cbc")` fails with "unsupported". Single DES under K equals TDES EDE under
 * K ‖ K ‖ K (E_K(D_K(E_K(x))) = E_K(x)), so the MAC's single-DES chain runs as des-ede3-cbc with the key
 * repeated, and the final D(K2)·E(K1) step is two-key TDES (des-ede-ecb) of the last chained block.
 * No legacy provider, no hand-written DES. The spec's worked example is the unit test.
 *
 * Second generation (card types 05/06) [2nd: the ISA's 第２世代在留カード等仕様書 Ver 1.1 could not be read
 * here; the facts come from eringoio/zairyu-card-reader's summary, its quoted test vectors recompute
 * with this code]: the same derivations with AES-128-CBC (IV = 0) and AES-CMAC truncated to 8 bytes.
 *
 * Every function returns new buffers; callers zero keys and plaintexts when done.
 */
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";

export type Generation = 1 | 2;

const BLOCK: Record<Generation, number> = { 1: 8, 2: 16 };

export function blockSize(gen: Generation): number {
  return BLOCK[gen];
}

/** SHA-1(input)[0..15]. */
function sha1Key(input: Uint8Array): Uint8Array {
  const h = createHash("sha1").update(input).digest();
  const out = new Uint8Array(h.subarray(0, 16));
  h.fill(0);
  return out;
}

/** Kenc = Kmac = SHA-1(card number)[0..15] (spec 別添1; the same for the second generation [2nd]). */
export function cardNumberKey(cardNumberAscii: Uint8Array): Uint8Array {
  return sha1Key(cardNumberAscii);
}

/** KSenc = SHA-1((K.IFD ⊕ K.ICC) ‖ 00 00 00 01)[0..15]. */
export function sessionKey(kIfd: Uint8Array, kIcc: Uint8Array): Uint8Array {
  if (kIfd.length !== 16 || kIcc.length !== 16) throw new RangeError("K.IFD and K.ICC are 16 bytes");
  const x = new Uint8Array(20);
  for (let i = 0; i < 16; i++) x[i] = (kIfd[i] ?? 0) ^ (kIcc[i] ?? 0);
  x[19] = 1;
  try {
    return sha1Key(x);
  } finally {
    x.fill(0);
  }
}

/** ISO/IEC 9797-1 padding method 2: 80, then 00 to a whole block (always adds at least one byte). */
export function pad(data: Uint8Array, block: number): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / block) + 1) * block);
  out.set(data, 0);
  out[data.length] = 0x80;
  return out;
}

/** Remove padding method 2; null when the padding is not 80 00… within the last block. */
export function unpad(data: Uint8Array, block: number): Uint8Array | null {
  if (data.length === 0 || data.length % block !== 0) return null;
  let i = data.length - 1;
  while (i >= 0 && data.length - i <= block && data[i] === 0) i--;
  if (i < 0 || data.length - i > block || data[i] !== 0x80) return null;
  return data.subarray(0, i);
}

function cipher(algorithm: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, encrypt: boolean): Uint8Array {
  const c = encrypt ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
  c.setAutoPadding(false);
  const a = c.update(data);
  const b = c.final();
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  a.fill(0);
  return out;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 16) throw new RangeError("key must be 16 bytes");
}

/** CBC with IV = 0 and no padding (the caller pads): two-key TDES (1st generation) or AES-128 (2nd). */
export function encryptCbc(gen: Generation, key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  if (data.length % BLOCK[gen] !== 0) throw new RangeError("data is not a whole number of blocks");
  return gen === 1 ? cipher("des-ede-cbc", key, new Uint8Array(8), data, true) : cipher("aes-128-cbc", key, new Uint8Array(16), data, true);
}

export function decryptCbc(gen: Generation, key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  if (data.length % BLOCK[gen] !== 0) throw new RangeError("data is not a whole number of blocks");
  return gen === 1 ? cipher("des-ede-cbc", key, new Uint8Array(8), data, false) : cipher("aes-128-cbc", key, new Uint8Array(16), data, false);
}

/**
 * ISO/IEC 9797-1 MAC algorithm 3 with padding method 2, key K1 ‖ K2 (16 bytes), 8-byte MAC.
 * Single DES under K1 is des-ede3 with K1 ‖ K1 ‖ K1 (see the header).
 */
export function retailMac(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  const padded = pad(data, 8);
  const k1 = key.subarray(0, 8);
  const k111 = new Uint8Array(24);
  k111.set(k1, 0);
  k111.set(k1, 8);
  k111.set(k1, 16);
  try {
    // CBC-MAC under single-DES K1 over all blocks; the last ciphertext block is H_q.
    const chained = cipher("des-ede3-cbc", k111, new Uint8Array(8), padded, true);
    const hq = chained.slice(chained.length - 8);
    chained.fill(0);
    // Output transformation 3: E_K1(D_K2(H_q)). Since H_q = E_K1(H_{q-1} ⊕ D_q), this equals
    // two-key TDES EDE of (H_{q-1} ⊕ D_q): compute it as D_K2 then E_K1 directly on H_q.
    const k2 = key.subarray(8, 16);
    const d = cipher("des-ede3-ecb", tripled(k2), null, hq, false);
    const out = cipher("des-ede3-ecb", k111, null, d, true);
    hq.fill(0);
    d.fill(0);
    return out;
  } finally {
    k111.fill(0);
    padded.fill(0);
  }
}

function tripled(k: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(k, 0);
  out.set(k, 8);
  out.set(k, 16);
  return out;
}

/** AES-CMAC (NIST SP 800-38B / RFC 4493), full 16 bytes. */
export function aesCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  const zero = new Uint8Array(16);
  const l = cipher("aes-128-ecb", key, null, zero, true);
  const k1 = dbl(l);
  const k2 = dbl(k1);
  const n = Math.max(1, Math.ceil(data.length / 16));
  const complete = data.length > 0 && data.length % 16 === 0;
  const last = new Uint8Array(16);
  const tail = data.subarray((n - 1) * 16);
  last.set(tail, 0);
  if (!complete) last[tail.length] = 0x80;
  const sub = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) last[i] = (last[i] ?? 0) ^ (sub[i] ?? 0);
  const msg = new Uint8Array(n * 16);
  msg.set(data.subarray(0, (n - 1) * 16), 0);
  msg.set(last, (n - 1) * 16);
  const c = cipher("aes-128-cbc", key, zero, msg, true);
  const out = c.slice(c.length - 16);
  for (const b of [l, k1, k2, last, msg, c]) b.fill(0);
  return out;
}

function dbl(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (((b[i] ?? 0) << 1) | ((b[i + 1] ?? 0) >> 7)) & 0xff;
  if (((b[0] ?? 0) & 0x80) !== 0) out[15] = (out[15] ?? 0) ^ 0x87;
  return out;
}

/** The MAC of the mutual authentication: Retail MAC (1st generation) or AES-CMAC[0..7] (2nd [2nd]). */
export function authMac(gen: Generation, key: Uint8Array, data: Uint8Array): Uint8Array {
  if (gen === 1) return retailMac(key, data);
  const full = aesCmac(key, data);
  const out = full.slice(0, 8);
  full.fill(0);
  return out;
}

/** Constant-time comparison of two MACs. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}
