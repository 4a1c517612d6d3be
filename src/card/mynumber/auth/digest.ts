/**
 * SHA-256 DigestInfo (PKCS#1 v1.5, RFC 8017 §9.2) as the card uses it: the 80 2A 00 00 input is
 * DigestInfo(SHA-256(nonce)) (reference §2.4), and EF 0002's signature covers a DigestInfo whose
 * OCTET STRING holds three SHA-256 digests (96 bytes, reference §3.5).
 */
import { createHash } from "node:crypto";
import { digestInfoSha256 } from "./rsa";

/** The DigestInfo encoder lives with the pure RSA code that checks the same structure. */
export { digestInfoSha256 };

/** The kiosk's nonce for 80 2A 00 00: 32 random bytes it chose itself (never the card's GET CHALLENGE). */
export const NONCE_BYTES = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** The 51-byte input of 80 2A 00 00 for the kiosk's nonce. */
export function nonceDigestInfo(nonce: Uint8Array): Uint8Array {
  return digestInfoSha256(sha256(nonce));
}
