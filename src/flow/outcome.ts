/**
 * The verdict policy: which facts make a session pass, fail, go to staff or count as abandoned, and
 * what the customer may be told. Pure (no node: imports, no clock: "today" is passed in).
 *
 * - fail: a plain rule the customer can be told — under the minimum age, card expired.
 * - refer: everything else that is not a clean pass — a code that did not open the card, a blocked
 *   or nearly blocked card, a document the kiosk does not read, signs of forgery or cloning, a check
 *   that could not be made, a face that did not match or could not be seen. In unattended mode the
 *   customer is only asked, politely, to see staff: the reason goes to the staff screen (attended)
 *   and to the audit, never onto the customer's screen.
 * - abandoned: the session ended without a verdict (timeout, cancel, card taken away).
 */
import { ageOn } from "../age/legal-age";
import { compareDates, parseAsciiDate, type CalendarDate } from "../age/date";
import type { CustomerAdvice, DocumentKindId, KioskMode, Outcome, ReasonCode } from "../protocol";
import type { Authenticity } from "../documents/types";
import type { TriesBand } from "../audit/sink";

export interface FlowPolicy {
  minimumAge: number;
  requireGenuineChip: boolean;
  requireFaceMatch: boolean;
  refuseExpired: boolean;
  /**
   * Kinds whose "not-verifiable" chip (data read with the holder's PIN, no signature check possible)
   * the shop accepts when the face matches (config `policy.acceptUnverifiableWithFaceMatch`, default
   * none). Only honoured with `requireFaceMatch`: without a face check it is refer as by default.
   */
  acceptUnverifiableWithFaceMatch?: readonly DocumentKindId[];
  /** The card is refused (not verified) below this many tries left. */
  minTriesLeft: number;
}

/** What a document kind's authenticity check answers (src/documents/types.ts). */
export type { Authenticity };

export type FaceAnswer =
  | { kind: "match" }
  | { kind: "no-match" }
  | { kind: "not-sure"; reason: "face-not-sure" | "liveness-failed" | "no-face" };

export interface Verdict {
  readonly outcome: Outcome;
  /** null only for pass. */
  readonly reason: ReasonCode | null;
}

export const PASS: Verdict = Object.freeze({ outcome: "pass", reason: null });

/** The one place that decides which outcome a reason code belongs to. */
export function outcomeOf(reason: ReasonCode): Exclude<Outcome, "pass"> {
  switch (reason) {
    case "under-age":
    case "card-expired":
      return "fail";
    case "timeout":
    case "customer-cancelled":
    case "card-removed":
    case "interrupted":
      return "abandoned";
    case "wrong-code":
    case "card-blocked":
    case "low-tries":
    case "unsupported-document":
    case "read-error":
    case "data-altered":
    case "clone-suspected":
    case "unknown-ca":
    case "could-not-check":
    case "not-verifiable":
    case "clone-not-ruled-out":
    case "face-no-match":
    case "face-not-sure":
    case "liveness-failed":
    case "no-face":
    case "ocr-unsure":
    case "staff-requested":
    case "device-error":
      return "refer";
  }
}

export function verdictFor(reason: ReasonCode): Verdict {
  return { outcome: outcomeOf(reason), reason };
}

/**
 * The reason the customer's screen may show. Attended: the screen faces staff, so the real reason.
 * Unattended: plain rules and abandonment reasons only; a referral never says why.
 */
export function customerReason(v: Verdict, mode: KioskMode): ReasonCode | null {
  if (mode === "attended") return v.reason;
  switch (v.outcome) {
    case "pass":
    case "refer":
      return null;
    case "fail":
    case "abandoned":
      return v.reason;
  }
}

/**
 * A next step the customer may be told in any mode (issue 14): it accuses nobody and says nothing of
 * forgery checks. Forgery signs, face mismatches and device faults get no advice: staff explain.
 */
const ADVICE: Readonly<Partial<Record<ReasonCode, CustomerAdvice>>> = {
  "card-blocked": "municipal-office",
  "low-tries": "staff-can-help",
  "wrong-code": "staff-can-help",
  "unsupported-document": "supported-documents",
};

export function customerAdvice(v: Verdict): CustomerAdvice | null {
  return v.reason === null ? null : (ADVICE[v.reason] ?? null);
}

/** Facts computed from the chip record, without keeping it. */
export interface ChipFacts {
  /** Completed years in Japan today; -1 when the birth date is unreadable or in the future. */
  readonly age: number;
  /** The card's expiry date is before today (a card is valid through its expiry day). */
  readonly expired: boolean;
}

/**
 * Facts from the chip's ASCII dates ("YYYYMMDD") read straight from the bytes, so that no string
 * holding a birth date is ever created.
 */
export function chipFacts(birthAscii: Uint8Array, expiryAscii: Uint8Array, today: CalendarDate): ChipFacts {
  const birth = parseAsciiDate(birthAscii);
  const expiry = parseAsciiDate(expiryAscii);
  return {
    age: birth ? ageOn(birth, today) : -1,
    expired: expiry ? compareDates(today, expiry) > 0 : true,
  };
}


/**
 * The verdict from the chip before any face check, or null when nothing objects (yet).
 * Forgery signs come first (the dates of an altered record mean nothing), then an unusable birth
 * date, then expiry, then age.
 * With `requireGenuineChip` off, a chip that could not be checked is accepted; one that shows
 * alteration or cloning never is.
 * "not-verifiable" (licence: real data, no key to check it) and "clone-not-ruled-out" (passport
 * without AA/CA) refer whatever `requireGenuineChip` says, so in attended mode staff see the data with
 * that label; the one exception is a kind the shop lists in `acceptUnverifiableWithFaceMatch`, and
 * only when the face check runs (the face match is then what the pass rests on).
 */
export function chipVerdict(facts: ChipFacts, auth: Authenticity, policy: FlowPolicy, kind: DocumentKindId): Verdict | null {
  switch (auth) {
    case "data-altered":
    case "clone-suspected":
    case "clone-not-ruled-out":
      return verdictFor(auth);
    case "not-verifiable":
      if (!(policy.requireFaceMatch && (policy.acceptUnverifiableWithFaceMatch ?? []).includes(kind))) return verdictFor(auth);
      break;
    case "unknown-ca":
    case "could-not-check":
      if (policy.requireGenuineChip) return verdictFor(auth);
      break;
    case "expired":
      // The card's signing certificate has run out, which goes with the card itself expiring.
      if (policy.refuseExpired) return verdictFor("card-expired");
      break;
    case "genuine":
      break;
  }
  // A birth date that is unreadable or in the future is a record the kiosk cannot use, not a minor.
  if (facts.age < 0) return verdictFor("read-error");
  if (policy.refuseExpired && facts.expired) return verdictFor("card-expired");
  if (facts.age < policy.minimumAge) return verdictFor("under-age");
  return null;
}

export function faceVerdict(answer: FaceAnswer): Verdict {
  switch (answer.kind) {
    case "match":
      return PASS;
    case "no-match":
      return verdictFor("face-no-match");
    case "not-sure":
      return verdictFor(answer.reason);
  }
}

/** Tries-left as the audit keeps it: a band, not the count (the type belongs to the audit record). */
export type { TriesBand };

export function triesBand(triesLeft: number | null, minTriesLeft: number): TriesBand {
  if (triesLeft === null) return "unknown";
  if (triesLeft <= 0) return "blocked";
  return triesLeft < minTriesLeft ? "low" : "ok";
}
