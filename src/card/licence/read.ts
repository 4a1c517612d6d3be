/**
 * The kiosk's licence read (reference §1.3–§1.6, all [code]/[2nd]):
 *
 *   SELECT DF1 (AID: is it a licence?) → SELECT MF (00 A4 00 00) → empty VERIFY 00 20 00 81 (PIN 1 tries
 *   left; spends nothing) → refuse unless all 3 remain, and unless this session sent no VERIFY yet →
 *   VERIFY 00 20 00 81 04 <PIN 1> (once) → SELECT DF1, EF 0001, READ BINARY in ≤256-byte steps (880
 *   bytes) → SELECT DF2, EF 0001, READ BINARY (the photo; the card refuses it without PIN 2, see below).
 *
 * Never: PIN 2 (00 20 00 82), a second VERIFY in one session, a VERIFY when fewer than 3 tries remain
 * (a locked licence needs a police visit), EF02 (本籍), EF07 (the signature: nobody can check it).
 *
 * The VERIFY is sent with the MF selected: with DF1 selected the card answers 69 81 to a VERIFY naming
 * a short EF id, and the verified state carries over to DF1/DF2 selected afterwards ([code] hiro99ma,
 * soft-studio). The photo needs PIN 1 and PIN 2 ([code] soft-studio reads DF2 only after PIN 2; [2nd]
 * two articles): the kiosk asks for it anyway (a READ BINARY spends no try) and takes 69 82 as "no chip
 * photo"; a card that gives it yields a JPEG 2000 codestream (tag 5F40, FF 4F FF 51 …).
 *
 * Returns a value, never throws. Every APDU is bounded by the card layer's timeout and by `signal`.
 */
import { Card, type ApduTrace } from "../card";
import { CardError, classifySw, problemForSw, toCardError } from "../errors";
import { readTlv } from "../tlv";
import type { Transmit } from "../transmit";
import { parseEntries, type LicenceEntries } from "./entries";
import { DF1_AID, DF2_AID, EF_ENTRIES, EF_PHOTO, ENTRIES_BYTES, P2_PIN1, PHOTO_FILE_BYTES, PIN1_MAX_TRIES, TAG_PHOTO } from "./ids";
import type { LicencePin } from "./pin";

/** One customer session's memory of the VERIFY: at most one per session, whatever happened to it. */
export class LicenceSession {
  #verifySent = false;
  get verifySent(): boolean {
    return this.#verifySent;
  }
  markVerifySent(): void {
    this.#verifySent = true;
  }
}

export interface LicenceReadDeps {
  readonly transmit: Transmit;
  /** PIN 1 as typed. Not wiped here: the caller owns it. */
  readonly pin: LicencePin;
  readonly session: LicenceSession;
  readonly signal: AbortSignal;
  readonly onProgress?: (fraction: number, triesLeft: number | null) => void;
  readonly trace?: (t: ApduTrace) => void;
  readonly apduTimeoutMs?: number;
}

export type LicenceReadFailure =
  | { kind: "not-a-licence" }
  | { kind: "wrong-pin"; triesLeft: number }
  | { kind: "blocked" }
  /** Fewer than all tries remain, or this session already sent its one VERIFY: nothing was sent. */
  | { kind: "refused"; reason: "low-tries" | "verify-already-sent"; triesLeft: number }
  /** The card answered the empty VERIFY with something other than a count (e.g. 9000): no VERIFY. */
  | { kind: "tries-unknown"; sw: number }
  | { kind: "no-card" }
  | { kind: "aborted" }
  | { kind: "timeout"; step: string }
  | { kind: "no-reader" }
  | { kind: "transport" }
  | { kind: "malformed"; what: string }
  | { kind: "status"; sw: number; step: string };

export interface LicenceReadCommon {
  /** Tries left before the VERIFY (null: not reached). */
  triesLeftBefore: number | null;
  /** Whether this read sent the VERIFY with the PIN (it may not have reached the card). */
  verifySent: boolean;
  /** The step under way when it ended. */
  step: string;
  apdus: number;
}

export type LicenceReadResult =
  | (LicenceReadCommon & {
      ok: true;
      entries: LicenceEntries;
      /** The photo's JPEG 2000 codestream, or null when the card refused it (needs PIN 2) or it was malformed. */
      photo: Uint8Array | null;
      purge(): void;
    })
  | (LicenceReadCommon & { ok: false; failure: LicenceReadFailure });

const CHUNK = 256;

interface Read {
  readonly card: Card;
  readonly deps: LicenceReadDeps;
  triesLeftBefore: number | null;
  verifySent: boolean;
  step: string;
}

export async function readLicence(deps: LicenceReadDeps): Promise<LicenceReadResult> {
  const card = new Card({
    transmit: deps.transmit,
    ...(deps.trace ? { trace: deps.trace } : {}),
    ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
  });
  const r: Read = { card, deps, triesLeftBefore: null, verifySent: false, step: "SELECT DF1" };
  const common = (): LicenceReadCommon => ({ triesLeftBefore: r.triesLeftBefore, verifySent: r.verifySent, step: r.step, apdus: card.stats.apdus });
  const fail = (failure: LicenceReadFailure): LicenceReadResult => ({ ok: false, failure, ...common() });
  let entries: LicenceEntries | null = null;
  try {
    if (deps.pin.wiped) return fail({ kind: "malformed", what: "PIN wiped before the read" });
    progress(r, 0);
    const isLicence = await selectDf1(r);
    if (!isLicence) return fail({ kind: "not-a-licence" });
    const stop = await triesAndVerify(r);
    if (stop) return fail(stop);
    progress(r, 0.3);
    entries = await readEntries(r);
    progress(r, 0.7);
    const photo = await readPhoto(r);
    progress(r, 1);
    const e = entries;
    return {
      ok: true,
      entries: e,
      photo,
      purge() {
        e.wipe();
        photo?.fill(0);
      },
      ...common(),
    };
  } catch (e) {
    entries?.wipe();
    return fail(failureOf(e, r.step));
  }
}

function progress(r: Read, f: number): void {
  try {
    r.deps.onProgress?.(f, r.triesLeftBefore);
  } catch {
    // a listener never breaks the read
  }
}

/** SELECT DF1 by AID: 6A82 means this is no licence. */
async function selectDf1(r: Read): Promise<boolean> {
  r.step = "SELECT DF1";
  try {
    await r.card.selectAid(DF1_AID, r.deps.signal, r.step);
    return true;
  } catch (e) {
    if (toCardError(e).kind === "not-found") return false;
    throw e;
  }
}

/** SELECT MF, ask tries left, apply the rules, then the one VERIFY. A failure value, or null to go on. */
async function triesAndVerify(r: Read): Promise<LicenceReadFailure | null> {
  const { signal, session, pin } = r.deps;
  r.step = "SELECT MF";
  const mf = await r.card.call({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x00 }, signal, r.step);
  Card.expectOk(mf, r.step);

  r.step = "tries left (empty VERIFY, PIN 1)";
  const asked = await r.card.call({ cla: 0x00, ins: 0x20, p1: 0x00, p2: P2_PIN1 }, signal, r.step);
  const c = classifySw(asked.sw);
  if (c.kind === "blocked" || (c.kind === "tries-left" && c.triesLeft === 0)) {
    r.triesLeftBefore = 0;
    return { kind: "blocked" };
  }
  if (c.kind !== "tries-left") return { kind: "tries-unknown", sw: asked.sw };
  r.triesLeftBefore = c.triesLeft;
  if (c.triesLeft < PIN1_MAX_TRIES) return { kind: "refused", reason: "low-tries", triesLeft: c.triesLeft };
  if (session.verifySent) return { kind: "refused", reason: "verify-already-sent", triesLeft: c.triesLeft };
  progress(r, 0.1);

  r.step = "VERIFY PIN 1";
  session.markVerifySent();
  r.verifySent = true;
  const data = pin.useBytes((b) => b.slice());
  let answer: number;
  try {
    answer = (await r.card.call({ cla: 0x00, ins: 0x20, p1: 0x00, p2: P2_PIN1, data }, signal, r.step)).sw;
  } finally {
    data.fill(0);
  }
  const v = classifySw(answer);
  if (v.kind === "ok") return null;
  if (v.kind === "blocked" || (v.kind === "tries-left" && v.triesLeft === 0)) return { kind: "blocked" };
  if (v.kind === "tries-left") return { kind: "wrong-pin", triesLeft: v.triesLeft };
  throw new CardError(problemForSw(answer, r.step));
}

/** Read the current EF: up to `max` bytes in ≤256-byte steps, stopping at a short answer or 6B00/6282. */
async function readUpTo(r: Read, max: number): Promise<Uint8Array> {
  const out = new Uint8Array(max);
  let have = 0;
  try {
    while (have < max) {
      const want = Math.min(CHUNK, max - have);
      const a = await r.card.call({ cla: 0x00, ins: 0xb0, p1: (have >> 8) & 0x7f, p2: have & 0xff, le: want }, r.deps.signal, r.step);
      const c = classifySw(a.sw);
      if (c.kind === "past-end") break;
      if (c.kind !== "ok" && c.kind !== "end-of-file-short") throw new CardError(problemForSw(a.sw, r.step));
      out.set(a.data, have);
      have += a.data.length;
      a.data.fill(0);
      if (c.kind === "end-of-file-short" || a.data.length < want) break;
    }
    return out.slice(0, have);
  } finally {
    out.fill(0);
  }
}

async function readEntries(r: Read): Promise<LicenceEntries> {
  const { signal } = r.deps;
  r.step = "SELECT DF1 (after VERIFY)";
  await r.card.selectAid(DF1_AID, signal, r.step);
  r.step = "SELECT DF1/EF01";
  await r.card.selectEf(EF_ENTRIES, signal, r.step);
  r.step = "read DF1/EF01 (entries)";
  const file = await readUpTo(r, ENTRIES_BYTES);
  try {
    return parseEntries(file);
  } finally {
    file.fill(0);
  }
}

/** The photo if the card gives it with PIN 1 alone; null when it refuses with a status word or it is malformed. */
async function readPhoto(r: Read): Promise<Uint8Array | null> {
  const { signal } = r.deps;
  try {
    r.step = "SELECT DF2";
    await r.card.selectAid(DF2_AID, signal, r.step);
    r.step = "SELECT DF2/EF01";
    await r.card.selectEf(EF_PHOTO, signal, r.step);
    r.step = "read DF2/EF01 (photo)";
    const file = await readUpTo(r, PHOTO_FILE_BYTES);
    try {
      return photoCodestream(file);
    } finally {
      file.fill(0);
    }
  } catch (e) {
    const k = toCardError(e).kind;
    // A refusal by status word (69 82: PIN 2 needed) leaves the card there: the read ends without a photo.
    if (k === "security-status" || k === "not-found" || k === "status" || k === "malformed") return null;
    throw e;
  }
}

/** Tag 5F40's value when it is a JPEG 2000 codestream (SOC FF 4F, SIZ FF 51), else null. */
export function photoCodestream(file: Uint8Array): Uint8Array | null {
  const t = readTlv(file, 0);
  if (t.tag !== TAG_PHOTO) return null;
  const v = file.subarray(t.valueStart, t.end);
  if (v.length < 4 || v[0] !== 0xff || v[1] !== 0x4f || v[2] !== 0xff || v[3] !== 0x51) return null;
  return v.slice();
}

function failureOf(e: unknown, step: string): LicenceReadFailure {
  const p = toCardError(e).problem;
  switch (p.kind) {
    case "no-card":
    case "aborted":
      return { kind: p.kind };
    case "timeout":
      return { kind: "timeout", step: p.step };
    case "no-reader":
      return { kind: "no-reader" };
    case "transport":
      return { kind: "transport" };
    case "malformed":
      return { kind: "malformed", what: p.what };
    case "wrong-code":
      return { kind: "wrong-pin", triesLeft: p.triesLeft };
    case "blocked":
      return { kind: "blocked" };
    case "security-status":
    case "not-found":
      return { kind: "status", sw: p.sw, step };
    case "status":
      return { kind: "status", sw: p.sw, step: p.step };
  }
}
