/**
 * What a verdict token says (issue 19): the rule checked and its answer, the document class, whether
 * the chip was proven genuine and the face matched, the kiosk, issue time, expiry and a single-use id.
 * Nothing else can be put in it: this type is the whole payload, and none of its fields can carry a
 * name, a birth date or year, a document number or an image. `tokenClaims` builds it from the facts
 * the audit already records (src/audit/sink.ts), so a token never says more than the audit.
 *
 * Pure: no node: imports.
 */

/** The answer to the rule, as the till reads it. "refer": the kiosk could not decide; staff must look. */
export type TokenAnswer = "yes" | "no" | "refer";

/** Whether the chip was proven genuine: "genuine" only when the document's authenticity check said so. */
export type TokenChip = "genuine" | "not-proven";

/** Whether the live face matched the chip photo: "match" only when the face check said so. */
export type TokenFace = "match" | "not-matched" | "not-checked";

/** The JWT payload (RFC 7519 registered claims plus ours, short names as JWTs usually have them). */
export interface VerdictClaims {
  /** Issuer: "mynaguard:<kiosk id>". A till accepts only the kiosks it knows. */
  readonly iss: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch; at most MAX_TOKEN_LIFETIME_S after `iat`. */
  readonly exp: number;
  /** Single-use id (128 random bits, base64url). A till rejects an id it has seen. */
  readonly jti: string;
  /** The rule checked, e.g. "age>=20". */
  readonly rule: string;
  readonly ans: TokenAnswer;
  /** The document class: the document kind id ("mynumber", "residence", "passport", "licence"). */
  readonly doc: string;
  readonly chip: TokenChip;
  readonly face: TokenFace;
}

/** The longest a token may live (issue 19: ≤ 120 s). */
export const MAX_TOKEN_LIFETIME_S = 120;

/** The JWS `typ` header (RFC 8725 §3.11: explicit typing, so a till cannot mistake another JWT for ours). */
export const TOKEN_TYP = "mynaguard-verdict+jwt";

/** What the kiosk knows at the verdict, PII-free (what the audit records). */
export interface VerdictFacts {
  readonly kioskId: string;
  readonly minimumAge: number;
  readonly outcome: "pass" | "fail" | "refer";
  readonly document: string;
  readonly chipGenuine: boolean;
  readonly face: TokenFace;
}

export function tokenClaims(facts: VerdictFacts, nowMs: number, lifetimeS: number, jti: string): VerdictClaims {
  if (!Number.isInteger(lifetimeS) || lifetimeS < 1 || lifetimeS > MAX_TOKEN_LIFETIME_S) {
    throw new RangeError(`token lifetime must be 1–${MAX_TOKEN_LIFETIME_S} s`);
  }
  const iat = Math.floor(nowMs / 1000);
  return {
    iss: issuerOf(facts.kioskId),
    iat,
    exp: iat + lifetimeS,
    jti,
    rule: `age>=${facts.minimumAge}`,
    ans: facts.outcome === "pass" ? "yes" : facts.outcome === "fail" ? "no" : "refer",
    doc: facts.document,
    chip: facts.chipGenuine ? "genuine" : "not-proven",
    face: facts.face,
  };
}

export function issuerOf(kioskId: string): string {
  return `mynaguard:${kioskId}`;
}

/** The exact set of payload keys: a verifier (ours and the tests) refuses a token with any other. */
export const CLAIM_KEYS: readonly (keyof VerdictClaims)[] = ["iss", "iat", "exp", "jti", "rule", "ans", "doc", "chip", "face"];
