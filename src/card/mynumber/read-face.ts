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

/** One read in progress: what the steps below share, and what every result reports. */
interface Read {
  readonly deps: ReadFaceDeps;
  readonly now: () => number;
  readonly start: number;
  readonly timings: ReadFaceTimings;
  readonly card: Card;
  readonly signal: ReadFaceDeps["signal"];
  readonly mode: ReadMode;
  triesLeftBefore: number | null;
  triesLeftAfter: number | null;
  verifySent: boolean;
  verify: VerifyAnswer;
  /** The step under way, named in a failure. */
  step: string;
  record: CardFaceRecord | null;
  faceBytes: Uint8Array | null;
}

export async function readCardFace(deps: ReadFaceDeps): Promise<ReadFaceResult> {
  const r = newRead(deps);
  if (deps.nonce.length !== NONCE_BYTES) return fail(r, { kind: "malformed", what: `nonce must be ${NONCE_BYTES} bytes` });
  if (deps.code.wiped) return fail(r, { kind: "malformed", what: "照合番号B was wiped before the read" });
  const nonce = deps.nonce.slice();
  try {
    progress(r, 0);
    const surface = await selectSurface(r);
    if (!(surface instanceof SurfaceAp)) return surface;
    progress(r, 0.05);
    const stop = (await checkTries(r, surface)) ?? refusedByGuard(r) ?? (await verifyCode(r, surface));
    if (stop) return stop;
    progress(r, 0.2);
    const record = await readFaceRecord(r, surface);
    progress(r, 0.8);
    return await collectEvidence(r, surface, record, nonce);
  } catch (e) {
    nonce.fill(0);
    return failureOf(r, e);
  }
}

function newRead(deps: ReadFaceDeps): Read {
  const now = deps.now ?? (() => performance.now());
  const card = new Card({
    transmit: deps.transmit,
    ...(deps.trace ? { trace: deps.trace } : {}),
    ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    deps,
    now,
    start: now(),
    timings: { select: 0, triesLeft: 0, verify: 0, readFace: 0, readCvc: 0, sign: 0, total: 0 },
    card,
    signal: deps.signal,
    mode: chooseReadMode(deps.readMode ?? "short", deps.extendedApdu),
    triesLeftBefore: null,
    triesLeftAfter: null,
    verifySent: false,
    verify: "not-sent",
    step: "select 券面AP",
    record: null,
    faceBytes: null,
  };
}

function progress(r: Read, f: number): void {
  try {
    r.deps.onProgress?.(Math.max(0, Math.min(1, f)));
  } catch {
    // a listener never breaks the read
  }
}

function common(r: Read): Common {
  r.timings.total = r.now() - r.start;
  const { stats } = r.card;
  return {
    readMode: r.mode,
    triesLeftBefore: r.triesLeftBefore,
    triesLeftAfter: r.triesLeftAfter,
    verifySent: r.verifySent,
    verify: r.verify,
    failedStep: null,
    timings: r.timings,
    stats: { apdus: stats.apdus, bytesOut: stats.bytesOut, bytesIn: stats.bytesIn, exchanges: stats.exchanges },
  };
}

function fail(r: Read, failure: ReadFaceFailure): ReadFaceResult {
  r.record?.wipe();
  r.faceBytes?.fill(0);
  return { ok: false, failure, ...common(r), failedStep: r.step };
}

async function timed<T>(r: Read, key: keyof ReadFaceTimings, f: () => Promise<T>): Promise<T> {
  const t = r.now();
  try {
    return await f();
  } finally {
    r.timings[key] += r.now() - t;
  }
}

/** SELECT 券面AP; a card without it is not a My Number card. Other failures are thrown on. */
async function selectSurface(r: Read): Promise<SurfaceAp | ReadFaceResult> {
  try {
    return await timed(r, "select", () => SurfaceAp.select(r.card, r.signal));
  } catch (e) {
    const err = toCardError(e);
    // 6A82 to the 券面AP AID: not a My Number card (or a next-generation card, reference §9).
    if (err.kind === "not-found") return fail(r, { kind: "not-my-number-card" });
    throw err;
  }
}

/** The empty VERIFY: tries left before any code is spent; a blocked card ends the read. */
async function checkTries(r: Read, surface: SurfaceAp): Promise<ReadFaceResult | null> {
  r.step = "tries left (empty VERIFY, key 0012)";
  const before = await timed(r, "triesLeft", () => surface.triesLeftCodeB(r.signal));
  switch (before.kind) {
    case "blocked":
      r.triesLeftBefore = 0;
      r.triesLeftAfter = 0;
      return fail(r, { kind: "blocked" });
    case "tries-left":
      r.triesLeftBefore = before.triesLeft;
      break;
    case "verified-already":
    case "ok":
      r.triesLeftBefore = null;
      break;
  }
  r.triesLeftAfter = r.triesLeftBefore;
  progress(r, 0.1);
  return null;
}

/** The retry guard's word before a code is spent. */
function refusedByGuard(r: Read): ReadFaceResult | null {
  const refusal: PolicyRefusal | null = r.deps.guard.check(r.triesLeftBefore, r.deps.code);
  if (!refusal) return null;
  switch (refusal.kind) {
    case "low-tries":
      return fail(r, { kind: "refused-low-tries", triesLeft: refusal.triesLeft, minimum: refusal.minimum });
    case "same-wrong-code":
    case "wrong-code-already-spent":
      return fail(r, { kind: "refused-policy", reason: refusal.kind });
  }
}

/** VERIFY 照合番号B; a wrong or blocked answer ends the read and is told to the guard. */
async function verifyCode(r: Read, surface: SurfaceAp): Promise<ReadFaceResult | null> {
  const { guard, code } = r.deps;
  r.verifySent = true;
  r.step = "VERIFY 照合番号B (key 0012)";
  let verdict: Awaited<ReturnType<SurfaceAp["verifyCodeB"]>>;
  try {
    verdict = await timed(r, "verify", () => surface.verifyCodeB(code, r.signal));
  } catch (e) {
    // The answer was lost: the card may have counted a wrong code, so the count is unknown. The
    // guard allows no further VERIFY in this session until a tries-left answer settles it.
    guard.recordUncertain(code, r.triesLeftBefore);
    r.verify = "unanswered";
    r.triesLeftAfter = null;
    throw e;
  }
  switch (verdict.kind) {
    case "ok":
    case "verified-already":
      r.verify = "ok";
      r.triesLeftAfter = CODE_B_MAX_TRIES;
      return null;
    case "tries-left":
      guard.recordWrong(code);
      r.triesLeftAfter = verdict.triesLeft;
      r.verify = verdict.triesLeft === 0 ? "blocked" : "wrong-code";
      return fail(r, verdict.triesLeft === 0 ? { kind: "blocked" } : { kind: "wrong-code", triesLeft: verdict.triesLeft });
    case "blocked":
      r.verify = "blocked";
      r.triesLeftAfter = 0;
      return fail(r, { kind: "blocked" });
  }
}

/** EF 0002 → the parsed record; the raw bytes are zeroed as soon as they are parsed. */
async function readFaceRecord(r: Read, surface: SurfaceAp): Promise<CardFaceRecord> {
  r.step = "read EF 0002 (card face)";
  r.faceBytes = await timed(r, "readFace", () =>
    surface.readCardFace(r.mode, r.signal, (read, total) => progress(r, 0.2 + 0.6 * (read / Math.max(1, total)))),
  );
  const record = parseCardFace(r.faceBytes);
  r.record = record;
  r.faceBytes.fill(0);
  r.faceBytes = null;
  return record;
}

/** EF 0004 (CVC) and the card's signature over the nonce, then the successful result. */
async function collectEvidence(r: Read, surface: SurfaceAp, ok: CardFaceRecord, nonce: Uint8Array): Promise<ReadFaceResult> {
  // After a successful VERIFY and the record, a card that refuses EF 0004 or the signature with a
  // status word has not gone away: the read ends with the record and the missing part, and the
  // authenticity check answers could-not-check (certificate-missing / challenge-not-answered).
  // A card that is gone (no-card, timeout, transport) still ends the read.
  r.step = "read EF 0004 (CVC)";
  const cvc = await timed(r, "readCvc", () => refusedAsNull(surface.readCvc(r.mode, r.signal)));
  progress(r, 0.85);

  r.step = "sign the nonce (80 2A, card key)";
  const info = nonceDigestInfo(nonce);
  const signature = await timed(r, "sign", () => refusedAsNull(surface.signWithCardKey(info, r.signal)));
  progress(r, 1);
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
    ...common(r),
  };
}

/** A thrown card error as the read's failure, named by the step under way. */
function failureOf(r: Read, e: unknown): ReadFaceResult {
  const err = e instanceof CardError ? e : toCardError(e);
  const p = err.problem;
  switch (p.kind) {
    case "wrong-code":
      return fail(r, { kind: "wrong-code", triesLeft: p.triesLeft });
    case "blocked":
      return fail(r, { kind: "blocked" });
    case "security-status":
    case "not-found":
      return fail(r, { kind: "status", sw: p.sw, step: r.step });
    case "malformed":
      return fail(r, { kind: "malformed", what: p.what.startsWith(r.step) ? p.what : `${r.step}: ${p.what}` });
    case "status":
      return fail(r, { kind: "status", sw: p.sw, step: r.step });
    case "no-card":
    case "no-reader":
    case "timeout":
    case "aborted":
    case "transport":
      return fail(r, p);
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
