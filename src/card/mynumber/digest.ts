/**
 * SHA-256 DigestInfo (PKCS#1 v1.5, RFC 8017 §9.2) as the card uses it: the 80 2A 00 00 input is
 * DigestInfo(SHA-256(nonce)) (reference §2.4), and EF 0002's signature covers a DigestInfo whose
 * OCTET STRING holds three SHA-256 digests (96 bytes, reference §3.5).
 */
import { createHash } from "node:crypto";

/** The kiosk's nonce for 80 2A 00 00: 32 random bytes it chose itself (never the card's GET CHALLENGE). */
export const NONCE_BYTES = 32;

const SHA256_ALGORITHM = Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00);

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** `30 LL 30 0D 06 09 <sha256 oid> 05 00 04 LL <digest>`; digest ≤ 111 bytes (one-byte DER lengths). */
export function digestInfoSha256(digest: Uint8Array): Uint8Array {
  if (digest.length > 111) throw new RangeError("digest too long for a short-form DigestInfo");
  const out = new Uint8Array(2 + SHA256_ALGORITHM.length + 2 + digest.length);
  out[0] = 0x30;
  out[1] = SHA256_ALGORITHM.length + 2 + digest.length;
  out.set(SHA256_ALGORITHM, 2);
  out[2 + SHA256_ALGORITHM.length] = 0x04;
  out[3 + SHA256_ALGORITHM.length] = digest.length;
  out.set(digest, 4 + SHA256_ALGORITHM.length);
  return out;
}

/** The 51-byte input of 80 2A 00 00 for the kiosk's nonce. */
export function nonceDigestInfo(nonce: Uint8Array): Uint8Array {
  return digestInfoSha256(sha256(nonce));
}
