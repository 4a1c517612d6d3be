/**
 * Card failures as values: one closed union of reasons, one exception class that carries it, and ONE
 * status-word classifier. Nothing else in the code base interprets SW1 SW2.
 *
 * - Transport adapters (pcsc.ts, sim/) reject with `new CardError({ kind: "no-card" })` etc.
 * - card.ts turns every status word into an `SwClass` with `classifySw`, and raises a `CardError`
 *   only where the caller asked for success (`expectOk`).
 * - The flow maps `problem.kind` to a screen and an audit reason code; `message` is for developers
 *   and never contains personal data (no response bytes, no secrets).
 *
 * Status words per reference §2.7 (JICSAP Table 25 wording as quoted by myna-card `src/apdu.rs`).
 */

export type CardProblem =
  /** The card left the field (or was never there). Every later transmit on that channel fails too. */
  | { kind: "no-card" }
  /** No reader attached, or the PC/SC service is down. */
  | { kind: "no-reader"; detail: string }
  /** A bounded wait expired (the card stopped answering, or the caller's budget ran out). */
  | { kind: "timeout"; step: string }
  /** The caller aborted (session left the state). */
  | { kind: "aborted" }
  /** The transport failed in a way that is not one of the above. */
  | { kind: "transport"; detail: string }
  /** VERIFY with a wrong secret; `triesLeft` after this attempt (0 = now blocked, 63C0). */
  | { kind: "wrong-code"; triesLeft: number }
  /** The key is blocked (6984, or 63C0 to a tries-left query). */
  | { kind: "blocked" }
  /** 6982: a protected file or key used before VERIFY. */
  | { kind: "security-status"; sw: number }
  /** 6A82: no such application or file. */
  | { kind: "not-found"; sw: number }
  /** Bytes from the card that break the format (TLV, lengths, sizes, oversized answers). */
  | { kind: "malformed"; what: string }
  /** Any other status word where success was required. */
  | { kind: "status"; sw: number; step: string };

export type CardProblemKind = CardProblem["kind"];

/** The one exception type of the card layer. `problem` is the closed union above. */
export class CardError extends Error {
  readonly problem: CardProblem;
  constructor(problem: CardProblem) {
    super(describeProblem(problem));
    this.name = "CardError";
    this.problem = problem;
  }
  get kind(): CardProblemKind {
    return this.problem.kind;
  }
}

export function isCardError(e: unknown): e is CardError {
  return e instanceof CardError;
}

/** Anything thrown below the card layer becomes a CardError (AbortError → aborted, else transport). */
export function toCardError(e: unknown): CardError {
  if (e instanceof CardError) return e;
  if (e instanceof Error && (e.name === "AbortError" || e.name === "TimeoutError")) {
    return new CardError(e.name === "AbortError" ? { kind: "aborted" } : { kind: "timeout", step: "transmit" });
  }
  return new CardError({ kind: "transport", detail: e instanceof Error ? e.name : typeof e });
}

export function describeProblem(p: CardProblem): string {
  switch (p.kind) {
    case "no-card":
      return "no card on the reader";
    case "no-reader":
      return `no reader: ${p.detail}`;
    case "timeout":
      return `the card did not answer in time (${p.step})`;
    case "aborted":
      return "aborted";
    case "transport":
      return `transport failure: ${p.detail}`;
    case "wrong-code":
      return `wrong code, ${p.triesLeft} tries left`;
    case "blocked":
      return "key blocked";
    case "security-status":
      return `security status not satisfied (${hexSw(p.sw)})`;
    case "not-found":
      return `application or file not found (${hexSw(p.sw)})`;
    case "malformed":
      return `malformed card data: ${p.what}`;
    case "status":
      return `unexpected status ${hexSw(p.sw)} at ${p.step}`;
  }
}

export function hexSw(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}

/** What a status word means for the caller. The only interpretation of SW1 SW2 in the code base. */
export type SwClass =
  | { kind: "ok" }
  /** 61xx: more data waits, fetch with GET RESPONSE (xx = 00 means 256). */
  | { kind: "more"; available: number }
  /** 6Cxx: wrong Le, re-send with Le = xx (00 means 256). */
  | { kind: "resend"; le: number }
  /** 6282: end of file reached before Le bytes (data, if any, is valid). */
  | { kind: "end-of-file-short" }
  /** 6B00: offset beyond the end of the file. */
  | { kind: "past-end" }
  /** 63Cx: x tries left (wrong secret, or the answer to an empty VERIFY). */
  | { kind: "tries-left"; triesLeft: number }
  /** 6984 (referenced key locked) — and 6983 (ISO "authentication method blocked"), not seen on this card. */
  | { kind: "blocked" }
  | { kind: "security-status" }
  | { kind: "not-found" }
  /** 6700 wrong length, 6A86 bad P1-P2, 6D00 INS, 6E00 CLA, 6881 channel, 6985 conditions. */
  | { kind: "refused" }
  | { kind: "other" };

export function classifySw(sw: number): SwClass {
  const sw1 = (sw >> 8) & 0xff;
  const sw2 = sw & 0xff;
  if (sw === 0x9000) return { kind: "ok" };
  if (sw1 === 0x61) return { kind: "more", available: sw2 === 0 ? 256 : sw2 };
  if (sw1 === 0x6c) return { kind: "resend", le: sw2 === 0 ? 256 : sw2 };
  if (sw === 0x6282) return { kind: "end-of-file-short" };
  if (sw === 0x6b00) return { kind: "past-end" };
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return { kind: "tries-left", triesLeft: sw2 & 0x0f };
  if (sw === 0x6984 || sw === 0x6983) return { kind: "blocked" };
  if (sw === 0x6982) return { kind: "security-status" };
  if (sw === 0x6a82) return { kind: "not-found" };
  if ([0x6700, 0x6a86, 0x6d00, 0x6e00, 0x6881, 0x6985, 0x6a81].includes(sw)) return { kind: "refused" };
  return { kind: "other" };
}

/** The CardError for a status word that should have been 9000 at `step`. */
export function problemForSw(sw: number, step: string): CardProblem {
  const c = classifySw(sw);
  switch (c.kind) {
    case "blocked":
      return { kind: "blocked" };
    case "tries-left":
      return c.triesLeft === 0 ? { kind: "blocked" } : { kind: "wrong-code", triesLeft: c.triesLeft };
    case "security-status":
      return { kind: "security-status", sw };
    case "not-found":
      return { kind: "not-found", sw };
    case "ok":
    case "more":
    case "resend":
    case "end-of-file-short":
    case "past-end":
    case "refused":
    case "other":
      return { kind: "status", sw, step };
  }
}
