/**
 * Offline authenticity of a 券面AP read: is this chip a genuine, unaltered, original My Number card?
 * One pure-input function, `assessAuthenticity`, giving one typed result with a reason code.
 *
 * The chain (reference §3.5, §3.6, §7):
 * ```
 *  pinned J-LIS CA key (ca-keys.ts, by issuer key id)      ← never a key read from the card
 *      └─ verifies EF 0004 CVC signature over its 5F4E body                    → certificate
 *           └─ certified issuing key verifies EF 0002 DF28 over
 *              SHA-256(DF22‖DF23‖DF24) ‖ SHA-256(DF25‖DF26) ‖ SHA-256(DF27)    → recordSignature
 *                └─ card key DF24 (now trusted) verifies the card's `80 2A 00 00`
 *                   signature of DigestInfo(SHA-256(kiosk nonce))               → challenge
 *  DF29 expiry (NOT signed) = printed/entered expiry, and ≥ today in Asia/Tokyo → expiry
 * ```
 * DF29 is outside the signature; it is trusted only because the challenge proved the chip is the
 * original J-LIS chip (which does not let anyone rewrite it), and it is cross-checked with the face.
 *
 * Decision (first failing step wins; later steps that depend on it are "not-run"):
 * | step | outcome | result |
 * |---|---|---|
 * | certificate | missing or malformed, CA key fine but certified key unusable | could-not-check |
 * | certificate | issuer key id not in the trust store | unknown-ca |
 * | certificate | signature does not verify under the trusted CA key | data-altered |
 * | record | EF 0002 missing/malformed, card key unusable | could-not-check |
 * | record | signature does not verify under the certified key | data-altered |
 * | challenge | nonce not 32 bytes, card did not answer | could-not-check |
 * | challenge | signature does not verify under DF24 | clone-suspected |
 * | expiry | DF29 malformed | could-not-check |
 * | expiry | DF29 ≠ printed/entered expiry | data-altered |
 * | expiry | DF29 before today (Asia/Tokyo) | expired |
 * | all pass | | genuine |
 * "could-not-check" is never "genuine"; the flow treats every result except "genuine" as not proven.
 *
 * Cost: three RSA-2048 public operations plus SHA-256 of the record; see `npm run bench:auth`.
 */
import { concatBytes } from "../../apdu";
import { NONCE_BYTES, sha256 } from "./digest";
import { compareDates, isValidDate, type CalendarDate } from "../../../age/date";
import { parseCvc, type RawPublicKey } from "./cvc";
import { rsaPublicKey, verifyPkcs1v15Sha256, type RsaPublicKey } from "./rsa";
import type { CodeB } from "../../secret";
import type { TrustStore } from "./trust";

export const AUTHENTICITY_RESULTS = [
  "genuine",
  "data-altered",
  "clone-suspected",
  "unknown-ca",
  "expired",
  "could-not-check",
] as const;
export type AuthenticityResultKind = (typeof AUTHENTICITY_RESULTS)[number];

export type CheckState = "pass" | "fail" | "not-run";

/** Reason codes: closed, stable, safe for the audit (no personal data). */
export type AuthenticityReason =
  | "all-checks-passed"
  | "certificate-missing"
  | "certificate-malformed"
  | "certificate-unknown-issuer"
  | "certificate-signature-invalid"
  | "certificate-key-unusable"
  | "record-missing"
  | "record-malformed"
  | "record-signature-invalid"
  | "card-key-unusable"
  | "nonce-invalid"
  | "challenge-not-answered"
  | "challenge-signature-invalid"
  | "expiry-malformed"
  | "expiry-mismatch"
  | "card-expired";

export interface AuthenticityChecks {
  readonly certificate: CheckState;
  readonly recordSignature: CheckState;
  readonly challenge: CheckState;
  readonly expiry: CheckState;
}

export interface Authenticity {
  readonly result: AuthenticityResultKind;
  readonly reason: AuthenticityReason;
  readonly checks: AuthenticityChecks;
  /** Technical detail for logs (an RSA problem such as "digest-mismatch", a parse position); never personal data. */
  readonly detail?: string;
  /** Issuer key id of EF 0004 as "5000023/001" when it could be read (not personal). */
  readonly issuer?: string;
}

/**
 * What the check needs from EF 0002; `CardFaceRecord` (card-face.ts `parseCardFace`) satisfies it.
 * `spans` are the complete TLVs (tag, length and value) in file order, exactly what the issuer
 * hashed (reference §3.5).
 */
export interface SignedCardFace {
  readonly spans: {
    /** DF22 ‖ DF23 ‖ DF24 */
    readonly birthSexKey: Uint8Array;
    /** DF25 ‖ DF26 */
    readonly nameAddress: Uint8Array;
    /** DF27 */
    readonly photo: Uint8Array;
  };
  /** DF28 value (the 256-byte signature). */
  readonly signature: Uint8Array;
  /** DF24: the card's own key, trusted only once the record signature verified. */
  readonly cardPublicKey: RawPublicKey;
  /** DF29, not covered by the signature. */
  readonly expiry: CalendarDate;
}

/** The printed or entered expiry: the year is always on the face (照合番号B); month/day if OCR'd. */
export interface PrintedExpiry {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

export interface AuthenticityInput {
  /** EF 0002's signed parts; null when EF 0002 could not be read or parsed. */
  readonly face: SignedCardFace | null;
  /** EF 0004 bytes as read (filler allowed); null when not read. */
  readonly cvc: Uint8Array | null;
  /** The kiosk's fresh 32-byte nonce for this session (never the card's GET CHALLENGE). */
  readonly nonce: Uint8Array;
  /** The card's `80 2A 00 00` answer over DigestInfo(SHA-256(nonce)); null when it did not answer. */
  readonly challengeSignature: Uint8Array | null;
  /** What the face shows (OCR or entry), for the DF29 cross-check; null/absent = no cross-check. */
  readonly printedExpiry?: PrintedExpiry | null;
  /** Today in Asia/Tokyo (`tokyoDate(now)`). */
  readonly today: CalendarDate;
  readonly trust: TrustStore;
}

/**
 * The printed expiry year inside 照合番号B (digits 7–10, reference §3.2): what the customer or the
 * OCR read off the face. Null when the code is not 14 digits. Computed from the bytes, so that no
 * string holding digits of the code is ever created.
 */
export function printedExpiryFromCodeB(code: CodeB): PrintedExpiry | null {
  return code.useBytes((b) => {
    if (b.length !== 14 || !b.every((c) => c >= 0x30 && c <= 0x39)) return null;
    let year = 0;
    for (const c of b.subarray(6, 10)) year = year * 10 + (c - 0x30);
    return { year };
  });
}

/** Run every check it can and return the one result. Never throws on any input bytes. */
export function assessAuthenticity(input: AuthenticityInput): Authenticity {
  const expiry = checkExpiry(input.face, input.printedExpiry ?? null, input.today);
  const chain = checkChain(input);
  const checks: AuthenticityChecks = { ...chain.checks, expiry: expiry.state };
  const base = chain.issuer !== undefined ? { issuer: chain.issuer } : {};
  if (chain.failure) return { ...chain.failure, checks, ...base };
  if (expiry.failure) return { ...expiry.failure, checks, ...base };
  return { result: "genuine", reason: "all-checks-passed", checks, ...base };
}

interface Failure {
  readonly result: Exclude<AuthenticityResultKind, "genuine">;
  readonly reason: AuthenticityReason;
  readonly detail?: string;
}

const fail = (result: Failure["result"], reason: AuthenticityReason, detail?: string): Failure =>
  detail === undefined ? { result, reason } : { result, reason, detail };

// eslint-disable-next-line max-lines-per-function -- not split yet (issue 13, house): remove when split
function checkChain(input: AuthenticityInput): {
  checks: Omit<AuthenticityChecks, "expiry">;
  failure?: Failure;
  issuer?: string;
} {
  const notRun = { certificate: "not-run", recordSignature: "not-run", challenge: "not-run" } as const;

  // 1. EF 0004 under the pinned CA key.
  if (input.cvc === null) return { checks: notRun, failure: fail("could-not-check", "certificate-missing") };
  const parsed = parseCvc(input.cvc);
  if (!parsed.ok) {
    return {
      checks: { ...notRun, certificate: "fail" },
      failure: fail("could-not-check", "certificate-malformed", parsed.what),
    };
  }
  const cvc = parsed.cvc;
  const issuer = cvc.issuer.label;
  const anchor = input.trust.lookup(cvc.issuer.hex);
  if (!anchor) {
    return {
      checks: { ...notRun, certificate: "fail" },
      failure: fail("unknown-ca", "certificate-unknown-issuer"),
      issuer,
    };
  }
  const certOk = verifyPkcs1v15Sha256(anchor.key, cvc.signature, sha256(cvc.body));
  if (!certOk.ok) {
    return {
      checks: { ...notRun, certificate: "fail" },
      failure: fail("data-altered", "certificate-signature-invalid", certOk.problem),
      issuer,
    };
  }
  const issuingKey = toKey(cvc.publicKey);
  if (!issuingKey.ok) {
    return {
      checks: { ...notRun, certificate: "fail" },
      failure: fail("could-not-check", "certificate-key-unusable", issuingKey.problem),
      issuer,
    };
  }

  // 2. EF 0002 under the certified issuing key.
  const face = input.face;
  if (face === null) {
    return {
      checks: { ...notRun, certificate: "pass" },
      failure: fail("could-not-check", "record-missing"),
      issuer,
    };
  }
  // The DigestInfo holds the three digests side by side (96 bytes), not a hash of them.
  const triple = concatBytes(sha256(face.spans.birthSexKey), sha256(face.spans.nameAddress), sha256(face.spans.photo));
  const recordOk = verifyPkcs1v15Sha256(issuingKey.key, face.signature, triple);
  if (!recordOk.ok) {
    return {
      checks: { ...notRun, certificate: "pass", recordSignature: "fail" },
      failure: fail("data-altered", "record-signature-invalid", recordOk.problem),
      issuer,
    };
  }
  const cardKey = toKey(face.cardPublicKey);
  if (!cardKey.ok) {
    return {
      checks: { ...notRun, certificate: "pass", recordSignature: "pass" },
      failure: fail("could-not-check", "card-key-unusable", cardKey.problem),
      issuer,
    };
  }

  // 3. The chip proves it holds the private half of DF24 by signing our nonce.
  const signedSoFar = { certificate: "pass", recordSignature: "pass" } as const;
  if (input.nonce.length !== NONCE_BYTES) {
    return {
      checks: { ...signedSoFar, challenge: "fail" },
      failure: fail("could-not-check", "nonce-invalid"),
      issuer,
    };
  }
  if (input.challengeSignature === null) {
    return {
      checks: { ...signedSoFar, challenge: "fail" },
      failure: fail("could-not-check", "challenge-not-answered"),
      issuer,
    };
  }
  const challengeOk = verifyPkcs1v15Sha256(cardKey.key, input.challengeSignature, sha256(input.nonce));
  if (!challengeOk.ok) {
    return {
      checks: { ...signedSoFar, challenge: "fail" },
      failure: fail("clone-suspected", "challenge-signature-invalid", challengeOk.problem),
      issuer,
    };
  }
  return { checks: { ...signedSoFar, challenge: "pass" }, issuer };
}

function toKey(raw: RawPublicKey): { ok: true; key: RsaPublicKey } | { ok: false; problem: string } {
  return rsaPublicKey(raw.modulus, raw.exponent);
}

function checkExpiry(
  face: SignedCardFace | null,
  printed: PrintedExpiry | null,
  today: CalendarDate,
): { state: CheckState; failure?: Failure } {
  if (face === null) return { state: "not-run" };
  const date = face.expiry;
  if (!isValidDate(date.year, date.month, date.day)) return { state: "fail", failure: fail("could-not-check", "expiry-malformed") };
  if (printed !== null) {
    const same =
      printed.year === date.year &&
      (printed.month === undefined || printed.month === date.month) &&
      (printed.day === undefined || printed.day === date.day);
    if (!same) return { state: "fail", failure: fail("data-altered", "expiry-mismatch") };
  }
  if (compareDates(date, today) < 0) return { state: "fail", failure: fail("expired", "card-expired") };
  return { state: "pass" };
}
