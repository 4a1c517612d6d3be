/**
 * What a simulated card is made of: applications, files, keys and their access rules, as data.
 * Built by `buildCardProfile` (mynumber-profile.ts) from the deck, or by hand in tests.
 * A profile is a template: each SimulatedCard copies the retry counters it changes.
 */

/** Who may read a file or use a signing key. Key references are key-EF ids of the same AP. */
export type Access = { kind: "always" } | { kind: "never" } | { kind: "after-verify"; anyOf: readonly number[] };

export const ALWAYS: Access = { kind: "always" };
export const NEVER: Access = { kind: "never" };
export const afterVerify = (...anyOf: number[]): Access => ({ kind: "after-verify", anyOf });

export interface SimFile {
  readonly id: number;
  /** The physical file image, filler included. */
  readonly bytes: Uint8Array;
  readonly read: Access;
}

export interface SimKey {
  /** Key-reference EF id (e.g. 0x0012 = 照合番号B in the 券面AP). */
  readonly id: number;
  /** The secret as the card compares it (ASCII bytes). */
  readonly secret: Uint8Array;
  readonly maxTries: number;
  /** Tries left when the card is made (≤ maxTries; 0 = blocked). */
  readonly triesLeft: number;
}

export interface SimSigner {
  /** Private-key EF id (0x001A in the 券面AP, 0x0017/0x001A in JPKI). */
  readonly id: number;
  /** RSA private key, PKCS#8 DER. */
  readonly privateKeyPkcs8: Uint8Array;
  readonly use: Access;
  /** Whether `80 2A 00 00` (P2 = 00, the AP's default key) reaches this key. */
  readonly isDefault: boolean;
}

export interface SimApplication {
  /** For traces and tests ("surface", "text", "jpki", …). */
  readonly name: string;
  readonly aid: Uint8Array;
  readonly files: readonly SimFile[];
  readonly keys: readonly SimKey[];
  readonly signers: readonly SimSigner[];
  /** Answer to INTERNAL AUTHENTICATE (00 88): 6985 on the 券面 APs, 6982 elsewhere (reference §2.4). */
  readonly internalAuthenticateSw: number;
}

export interface CardProfile {
  readonly label: string;
  readonly atr: Uint8Array;
  readonly applications: readonly SimApplication[];
  /** Status word for a READ BINARY that starts inside the file and asks for more than is left: 6282 (with data) or 9000. */
  readonly shortReadAtEnd: 0x6282 | 0x9000;
}
