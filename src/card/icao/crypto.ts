/**
 * The symmetric cryptography of ICAO Doc 9303 part 11 (BAC, PACE, secure messaging) on node:crypto.
 * Pure functions over bytes; no card knowledge.
 *
 * [spec] Doc 9303-11 §9.7 (KDF), §9.8 (SM), ISO/IEC 9797-1 MAC algorithm 3 with padding method 2
 * ("Retail MAC": single-DES CBC over all blocks with K1, then DES-decrypt K2 / encrypt K1 on the last),
 * NIST SP 800-38B CMAC for AES. The ciphers come from node:crypto (OpenSSL): des-ede-cbc (2-key 3DES),
 * des-ecb / des-cbc for the retail MAC's single-DES steps, aes-*-cbc / aes-*-ecb.
 */
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";

export type SmCipher = "3des" | "aes128" | "aes192" | "aes256";

export const blockSize = (c: SmCipher): number => (c === "3des" ? 8 : 16);

/** ISO/IEC 9797-1 padding method 2: 80 then 00 up to the block size (always adds at least one byte). */
export function pad(data: Uint8Array, block: number): Uint8Array {
  const n = data.length + 1;
  const out = new Uint8Array(Math.ceil(n / block) * block);
  out.set(data, 0);
  out[data.length] = 0x80;
  return out;
}

/** Remove padding method 2; null when the padding is not there (a bad key or a tampered answer). */
export function unpad(data: Uint8Array): Uint8Array | null {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80) return null;
  return data.slice(0, i);
}

/** Set the DES odd-parity bit of every byte (the KDF's 3DES keys, §9.7.1). */
export function adjustParity(key: Uint8Array): Uint8Array {
  const out = key.slice();
  for (let i = 0; i < out.length; i++) {
    const b = (out[i] ?? 0) & 0xfe;
    let ones = 0;
    for (let x = b; x; x >>= 1) ones += x & 1;
    out[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

export const KDF_ENC = 1;
export const KDF_MAC = 2;
export const KDF_PI = 3;

/**
 * Doc 9303-11 §9.7.1: K = H(seed ‖ counter(4 bytes BE)); 3DES: SHA-1, first 16 bytes, parity adjusted
 * (2-key 3DES); AES-128: SHA-1 first 16; AES-192/256: SHA-256 first 24/32.
 */
export function kdf(seed: Uint8Array, counter: number, cipher: SmCipher): Uint8Array {
  const c = Uint8Array.of((counter >>> 24) & 0xff, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
  const hash = cipher === "3des" || cipher === "aes128" ? "sha1" : "sha256";
  const h = new Uint8Array(createHash(hash).update(seed).update(c).digest());
  const len = cipher === "aes192" ? 24 : cipher === "aes256" ? 32 : 16;
  const k = h.slice(0, len);
  h.fill(0);
  if (cipher === "3des") {
    const p = adjustParity(k);
    k.fill(0);
    return p;
  }
  return k;
}

function cbc(cipher: SmCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array, encrypt: boolean): Uint8Array {
  const name = cipher === "3des" ? "des-ede-cbc" : `aes-${cipher.slice(3)}-cbc`;
  const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** CBC encryption without padding (the data is already a whole number of blocks). */
export function encryptCbc(cipher: SmCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(cipher, key, iv, data, true);
}

export function decryptCbc(cipher: SmCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(cipher, key, iv, data, false);
}

/** One AES block in ECB mode (the SM IV = E(KSenc, SSC), §9.8.6.1; CMAC subkeys). */
export function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/** 2-key 3DES-EDE on one block; with K1 = K2 it is single DES (OpenSSL 3 keeps single DES in the legacy provider only). */
function ede(key16: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv("des-ede-ecb", key16, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/**
 * ISO/IEC 9797-1 MAC algorithm 3 (Retail MAC) with DES, 8-byte result, over data the caller already
 * padded to whole blocks (Doc 9303 pads with method 2 before it MACs). key = K1 ‖ K2 (16 bytes):
 * single-DES CBC with K1 over every block, the last one through 3DES-EDE (K1, K2) — the same thing as
 * DES-decrypt with K2 and DES-encrypt with K1 after the CBC chain.
 */
export function retailMac(key: Uint8Array, m: Uint8Array): Uint8Array {
  if (m.length === 0 || m.length % 8 !== 0) throw new RangeError("retail MAC over whole 8-byte blocks");
  const k1 = key.subarray(0, 8);
  let h: Uint8Array = new Uint8Array(8);
  if (m.length > 8) {
    // Every block but the last: one single-DES CBC pass (3DES-EDE with K1 = K2), last cipher block kept.
    const single = concatKey(k1, k1);
    const c = encryptCbc("3des", single, h, m.subarray(0, m.length - 8));
    h = c.slice(c.length - 8);
    single.fill(0);
  }
  const x = new Uint8Array(8);
  for (let i = 0; i < 8; i++) x[i] = (h[i] ?? 0) ^ (m[m.length - 8 + i] ?? 0);
  return ede(key.subarray(0, 16), x);
}

function concatKey(a: Uint8Array, b: Uint8Array): Uint8Array {
  const k = new Uint8Array(a.length + b.length);
  k.set(a, 0);
  k.set(b, a.length);
  return k;
}

function shiftLeft(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = (((b[i] ?? 0) << 1) | ((b[i + 1] ?? 0) >> 7)) & 0xff;
  return out;
}

/** AES-CMAC (NIST SP 800-38B) over `data`, full 16 bytes (SM and PACE use the first 8). */
export function aesCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  const l = aesEcb(key, new Uint8Array(16));
  const sub = (x: Uint8Array) => {
    const s = shiftLeft(x);
    if ((x[0] ?? 0) & 0x80) s[15] = (s[15] ?? 0) ^ 0x87;
    return s;
  };
  const k1 = sub(l);
  const k2 = sub(k1);
  const n = Math.max(1, Math.ceil(data.length / 16));
  const complete = data.length > 0 && data.length % 16 === 0;
  const last = new Uint8Array(16);
  const lastStart = (n - 1) * 16;
  if (complete) {
    for (let i = 0; i < 16; i++) last[i] = (data[lastStart + i] ?? 0) ^ (k1[i] ?? 0);
  } else {
    const rest = data.subarray(lastStart);
    const p = new Uint8Array(16);
    p.set(rest, 0);
    p[rest.length] = 0x80;
    for (let i = 0; i < 16; i++) last[i] = (p[i] ?? 0) ^ (k2[i] ?? 0);
  }
  let x: Uint8Array = new Uint8Array(16);
  for (let b = 0; b < n - 1; b++) {
    const y = new Uint8Array(16);
    for (let i = 0; i < 16; i++) y[i] = (x[i] ?? 0) ^ (data[b * 16 + i] ?? 0);
    x = aesEcb(key, y);
  }
  const y = new Uint8Array(16);
  for (let i = 0; i < 16; i++) y[i] = (x[i] ?? 0) ^ (last[i] ?? 0);
  l.fill(0);
  k1.fill(0);
  k2.fill(0);
  return aesEcb(key, y);
}

/**
 * The Doc 9303 MAC of unpadded `data`: 3DES pads with method 2 and takes the retail MAC (BAC, SM, the
 * PACE token); AES takes CMAC (which pads for itself), truncated to 8 bytes (the PACE token).
 */
export function mac8(cipher: SmCipher, key: Uint8Array, data: Uint8Array): Uint8Array {
  return cipher === "3des" ? retailMac(key, pad(data, 8)) : aesCmac(key, data).slice(0, 8);
}

/** The SM MAC over N (§9.8.6): N is padded with method 2 to the cipher's block first, for AES too. */
export function smMac(cipher: SmCipher, key: Uint8Array, n: Uint8Array): Uint8Array {
  return cipher === "3des" ? retailMac(key, pad(n, 8)) : aesCmac(key, pad(n, 16)).slice(0, 8);
}

/** Constant-time equality of two byte strings of the same length. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}
