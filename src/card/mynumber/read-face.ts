/**
 * The kiosk's one card procedure (reference §3.1):
 *
 *   SELECT 券面AP (full AID) → SELECT key 0012 → empty VERIFY (tries left; never spends a try)
 *   → retry policy → VERIFY 照合番号B → SELECT + READ EF 0002 → SELECT + READ EF 0004
 *   → 80 2A 00 00 over DigestInfo(SHA-256(nonce)) with the kiosk's own 32-byte nonce.
 *
 * Never: the text AP, 照合番号A, a PIN, EF 0001, EF 0005, GET CHALLENGE (a clone would choose its own
 * "random"; the verifier's nonce is what proves the chip holds the key, reference §7).
 *
 * Returns a value, never throws: ok with the parsed record (zeroable), EF 0004 bytes, the nonce and
 * signature; or a typed failure. Every APDU is bounded by `apduTimeoutMs` and by `signal`.
 * At most one VERIFY with a secret is sent per call, and only when the guard allows it.
 */
import { Card, type ApduTrace, type ReadMode } from "../card";
import { CardError, toCardError } from "../errors";
import type { CodeB } from "../secret";
import type { Transmit } from "../transmit";
import { parseCardFace, type CardFaceRecord } from "./card-face";
import { NONCE_BYTES, nonceDigestInfo } from "./auth/digest";
import type { PolicyRefusal, RetryGuard } from "./retry-policy";
import { SurfaceAp } from "./surface-ap";

export { NONCE_BYTES };

export interface ReadFaceDeps {
  readonly transmit: Transmit;
  /** 照合番号B from the card face (OCR or manual entry). Not wiped here: the caller owns it. */
  readonly code: CodeB;
  /** 32 random bytes the kiosk generated for this read (never from the card). */
  readonly nonce: Uint8Array;
  /** The session's retry guard (one per customer session; carries "one wrong VERIFY" across calls). */
  readonly guard: RetryGuard;
  readonly signal: AbortSignal;
  /**
   * short (default): 256-byte READ BINARY steps. extended: one extended READ BINARY per file, unless
   * `extendedApdu` is false. auto: extended exactly when `extendedApdu` is true (config card.readMode).
   */
  readonly readMode?: ReadMode | "auto";
  /** Whether the reader passes extended APDUs (CardChannel.extendedApdu); undefined = not known. */
  readonly extendedApdu?: boolean;
  readonly onProgress?: (fraction: number) => void;
  readonly trace?: (t: ApduTrace) => void;
  readonly apduTimeoutMs?: number;
  readonly now?: () => number;
}

export interface ReadFaceTimings {
  select: number;
  triesLeft: number;
  verify: number;
  readFace: number;
  readCvc: number;
  sign: number;
  total: number;
}

export interface ReadFaceStats {
  apdus: number;
  bytesOut: number;
  bytesIn: number;
  exchanges: readonly { commandBytes: number; responseBytes: number; signs: boolean }[];
}

export type ReadFaceFailure =
  | { kind: "wrong-code"; triesLeft: number }
  | { kind: "blocked" }
  | { kind: "refused-low-tries"; triesLeft: number; minimum: number }
  | { kind: "refused-policy"; reason: "wrong-code-already-spent" | "same-wrong-code" }
  | { kind: "not-my-number-card" }
  | { kind: "no-card" }
  | { kind: "no-reader"; detail: string }
  | { kind: "timeout"; step: string }
  | { kind: "aborted" }
  | { kind: "malformed"; what: string }
  | { kind: "status"; sw: number; step: string }
  | { kind: "transport"; detail: string };

interface Common {
  /** The READ BINARY mode used. */
  readMode: ReadMode;
  /** Tries left before the VERIFY (null when the card did not say: not reached, or it answered 9000). */
  triesLeftBefore: number | null;
  /**
   * Tries left after: unchanged when refused, max when verified, the card's count after a wrong code;
   * null when unknown — a VERIFY whose answer was lost (the card may have counted it).
   */
  triesLeftAfter: number | null;
  /** Whether a VERIFY with the secret was attempted (at most once per call; it may not have reached the card). */
  verifySent: boolean;
  /**
   * What the card answered to the VERIFY with the secret: "not-sent", "ok" (9000), "wrong-code"
   * (63Cx), "blocked", or "unanswered" (sent, answer lost: no further VERIFY this session, RetryGuard).
   */
  verify: VerifyAnswer;
  /** The step the read ended in when it failed (e.g. "read EF 0004 (CVC)"); null when it finished. */
  failedStep: string | null;
  timings: ReadFaceTimings;
  stats: ReadFaceStats;
}

export type VerifyAnswer = "not-sent" | "ok" | "wrong-code" | "blocked" | "unanswered";

export type ReadFaceResult =
  | (Common & {
      ok: true;
      record: CardFaceRecord;
      /** EF 0004 (CVC) as read; null when the card refused it with a status word after VERIFY (→ could-not-check). */
      cvc: Uint8Array | null;
      nonce: Uint8Array;
      /** The card's signature over DigestInfo(SHA-256(nonce)); null when it answered with an error status (→ could-not-check). */
      signature: Uint8Array | null;
      /** Zero the record, CVC, nonce copy and signature. */
      purge(): void;
    })
  | (Common & { ok: false; failure: ReadFaceFailure });

export function chooseReadMode(requested: ReadMode | "auto", extendedApdu: boolean | undefined): ReadMode {
  switch (requested) {
    case "short":
      return "short";
    case "extended":
      return extendedApdu === false ? "short" : "extended";
    case "auto":
      return extendedApdu === true ? "extended" : "short";
  }
}

/** Assumed when the card answers the empty VERIFY with 9000 (already verified): its documented maximum. */
const CODE_B_MAX_TRIES = 10;

// eslint-disable-next-line max-lines-per-function -- the seam colleague (issue 13) splits readCardFace into named steps and removes this line
export async function readCardFace(deps: ReadFaceDeps): Promise<ReadFaceResult> {
  const now = deps.now ?? (() => performance.now());
  const start = now();
  const timings: ReadFaceTimings = { select: 0, triesLeft: 0, verify: 0, readFace: 0, readCvc: 0, sign: 0, total: 0 };
  const card = new Card({
    transmit: deps.transmit,
    ...(deps.trace ? { trace: deps.trace } : {}),
    ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const signal = deps.signal;
  const mode = chooseReadMode(deps.readMode ?? "short", deps.extendedApdu);
  const progress = (f: number) => {
    try {
      deps.onProgress?.(Math.max(0, Math.min(1, f)));
    } catch {
      // a listener never breaks the read
    }
  };
  let triesLeftBefore: number | null = null;
  let triesLeftAfter: number | null = null;
  let verifySent = false;
  let verify: VerifyAnswer = "not-sent";
  let step = "select 券面AP";
  let record: CardFaceRecord | null = null;
  let faceBytes: Uint8Array | null = null;
  const common = (): Common => {
    timings.total = now() - start;
    return {
      readMode: mode,
      triesLeftBefore,
      triesLeftAfter,
      verifySent,
      verify,
      failedStep: null,
      timings,
      stats: { apdus: card.stats.apdus, bytesOut: card.stats.bytesOut, bytesIn: card.stats.bytesIn, exchanges: card.stats.exchanges },
    };
  };
  const fail = (failure: ReadFaceFailure): ReadFaceResult => {
    record?.wipe();
    faceBytes?.fill(0);
    return { ok: false, failure, ...common(), failedStep: step };
  };
  const timed = async <T>(key: keyof ReadFaceTimings, f: () => Promise<T>): Promise<T> => {
    const t = now();
    try {
      return await f();
    } finally {
      timings[key] += now() - t;
    }
  };

  if (deps.nonce.length !== NONCE_BYTES) return fail({ kind: "malformed", what: `nonce must be ${NONCE_BYTES} bytes` });
  if (deps.code.wiped) return fail({ kind: "malformed", what: "照合番号B was wiped before the read" });
  const nonce = deps.nonce.slice();
  try {
    progress(0);
    let surface: SurfaceAp;
    try {
      surface = await timed("select", () => SurfaceAp.select(card, signal));
    } catch (e) {
      const err = toCardError(e);
      // 6A82 to the 券面AP AID: not a My Number card (or a next-generation card, reference §9).
      if (err.kind === "not-found") return fail({ kind: "not-my-number-card" });
      throw err;
    }
    progress(0.05);

    step = "tries left (empty VERIFY, key 0012)";
    const before = await timed("triesLeft", () => surface.triesLeftCodeB(signal));
    switch (before.kind) {
      case "blocked":
        triesLeftBefore = 0;
        triesLeftAfter = 0;
        return fail({ kind: "blocked" });
      case "tries-left":
        triesLeftBefore = before.triesLeft;
        break;
      case "verified-already":
      case "ok":
        triesLeftBefore = null;
        break;
    }
    triesLeftAfter = triesLeftBefore;
    progress(0.1);

    const refusal: PolicyRefusal | null = deps.guard.check(triesLeftBefore, deps.code);
    if (refusal) {
      switch (refusal.kind) {
        case "low-tries":
          return fail({ kind: "refused-low-tries", triesLeft: refusal.triesLeft, minimum: refusal.minimum });
        case "same-wrong-code":
        case "wrong-code-already-spent":
          return fail({ kind: "refused-policy", reason: refusal.kind });
      }
    }

    verifySent = true;
    step = "VERIFY 照合番号B (key 0012)";
    let verdict: Awaited<ReturnType<SurfaceAp["verifyCodeB"]>>;
    try {
      verdict = await timed("verify", () => surface.verifyCodeB(deps.code, signal));
    } catch (e) {
      // The answer was lost: the card may have counted a wrong code, so the count is unknown. The
      // guard allows no further VERIFY in this session until a tries-left answer settles it.
      deps.guard.recordUncertain(deps.code, triesLeftBefore);
      verify = "unanswered";
      triesLeftAfter = null;
      throw e;
    }
    switch (verdict.kind) {
      case "ok":
      case "verified-already":
        verify = "ok";
        triesLeftAfter = CODE_B_MAX_TRIES;
        break;
      case "tries-left":
        deps.guard.recordWrong(deps.code);
        triesLeftAfter = verdict.triesLeft;
        verify = verdict.triesLeft === 0 ? "blocked" : "wrong-code";
        return fail(verdict.triesLeft === 0 ? { kind: "blocked" } : { kind: "wrong-code", triesLeft: verdict.triesLeft });
      case "blocked":
        verify = "blocked";
        triesLeftAfter = 0;
        return fail({ kind: "blocked" });
    }
    progress(0.2);

    step = "read EF 0002 (card face)";
    faceBytes = await timed("readFace", () =>
      surface.readCardFace(mode, signal, (read, total) => progress(0.2 + 0.6 * (read / Math.max(1, total)))),
    );
    record = parseCardFace(faceBytes);
    faceBytes.fill(0);
    faceBytes = null;
    progress(0.8);

    // After a successful VERIFY and the record, a card that refuses EF 0004 or the signature with a
    // status word has not gone away: the read ends with the record and the missing part, and the
    // authenticity check answers could-not-check (certificate-missing / challenge-not-answered).
    // A card that is gone (no-card, timeout, transport) still ends the read.
    step = "read EF 0004 (CVC)";
    const cvc = await timed("readCvc", () => refusedAsNull(surface.readCvc(mode, signal)));
    progress(0.85);

    step = "sign the nonce (80 2A, card key)";
    const info = nonceDigestInfo(nonce);
    const signature = await timed("sign", () => refusedAsNull(surface.signWithCardKey(info, signal)));
    progress(1);
    const ok = record;
    return {
      ok: true,
      record: ok,
      cvc,
      nonce,
      signature,
      purge() {
        ok.wipe();
        cvc?.fill(0);
        nonce.fill(0);
        signature?.fill(0);
      },
      ...common(),
    };
  } catch (e) {
    nonce.fill(0);
    const err = e instanceof CardError ? e : toCardError(e);
    const p = err.problem;
    switch (p.kind) {
      case "wrong-code":
        return fail({ kind: "wrong-code", triesLeft: p.triesLeft });
      case "blocked":
        return fail({ kind: "blocked" });
      case "security-status":
      case "not-found":
        return fail({ kind: "status", sw: p.sw, step });
      case "malformed":
        return fail({ kind: "malformed", what: p.what.startsWith(step) ? p.what : `${step}: ${p.what}` });
      case "status":
        return fail({ kind: "status", sw: p.sw, step });
      case "no-card":
      case "no-reader":
      case "timeout":
      case "aborted":
      case "transport":
        return fail(p);
    }
  }
}

/** A card's refusal by status word (it is still there) as null; every other failure is thrown on. */
async function refusedAsNull(p: Promise<Uint8Array>): Promise<Uint8Array | null> {
  try {
    return await p;
  } catch (e) {
    const err = e instanceof CardError ? e : toCardError(e);
    const k = err.problem.kind;
    if (k === "status" || k === "security-status" || k === "not-found") return null;
    throw err;
  }
}
