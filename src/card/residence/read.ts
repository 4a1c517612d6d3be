/**
 * The kiosk's residence-card read: exactly what the authenticity and age checks need, nothing else.
 *
 *   SELECT MF (00 A4 00 00 02 3F 00)            plain
 *   READ BINARY MF EF02 (card type, P1 8A)      plain, free
 *   GET CHALLENGE, MUTUAL AUTHENTICATE, VERIFY  authentication by card number (sm.ts)
 *   1st gen [spec]: SELECT DF1, READ (SM) P1 85 front image, P1 86 photo
 *   2nd gen [2nd]:  SELECT DF1, READ (SM) P1 82 printed entries, P1 83 name image + photo
 *   SELECT DF3, READ BINARY P1 82 signature (plain per the spec's access table; SM when the card refuses)
 *
 * Never read: DF2 (address, work permission), MF EF01. Returns a value, never throws.
 * The SM reads need extended-length APDUs (7 KB in one answer; spec §4.1.2): a reader without them
 * cannot read the card (`extended-unsupported`).
 */
import { randomBytes } from "node:crypto";
import { Card, type ApduTrace, type ExchangeStats } from "../card";
import { CardError, isCardError, type CardProblemKind } from "../errors";
import type { Transmit } from "../transmit";
import type { CardNumber } from "./card-number";
import { authenticate, readPlain, readSm } from "./sm";
import { DF1_AID, DF3_AID, generationOf, MF_FILE_ID, parseCardType, SFI, type CardType } from "./ids";

export interface ResidenceFiles {
  readonly cardType: CardType;
  /** 1st gen: DF1 EF01 (D0 TLV, front image) and DF1 EF02 (D1 TLV, photo), as read. */
  readonly df1ef01: Uint8Array;
  readonly df1ef02: Uint8Array;
  /** 2nd gen [2nd]: DF1 EF02 printed entries and DF1 EF03 (name image D0 + photo D1). Empty for 1st gen. */
  readonly printed: Uint8Array;
  readonly images2: Uint8Array;
  /** DF3 EF01 as read: check code + certificate (or the under-16 empty form). */
  readonly signature: Uint8Array;
}

export type ResidenceFailureKind =
  | "wrong-number"
  | "not-residence-card"
  | "extended-unsupported"
  | Extract<CardProblemKind, "no-card" | "no-reader" | "timeout" | "aborted" | "malformed" | "status" | "transport">;

export type ResidenceReadResult =
  | { ok: true; files: ResidenceFiles; stats: ExchangeStats; ms: number; purge(): void }
  | { ok: false; failure: ResidenceFailureKind; stats: ExchangeStats; ms: number };

export interface ResidenceReadDeps {
  transmit: Transmit;
  number: CardNumber;
  signal: AbortSignal;
  /** Whether the reader passes extended APDUs (channel.extendedApdu). */
  extendedApdu: boolean;
  onProgress?: (fraction: number) => void;
  random?: (n: number) => Uint8Array;
  trace?: (t: ApduTrace) => void;
  apduTimeoutMs?: number;
  now?: () => number;
}

/** SELECT MF and read the card type; null when it is not a residence card (no secret involved). */
export async function readCardType(card: Card, signal: AbortSignal): Promise<CardType | null> {
  const sel = await card.call({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x00, data: Uint8Array.of(MF_FILE_ID >> 8, MF_FILE_ID & 0xff) }, signal, "residence: SELECT MF");
  if (sel.sw !== 0x9000) return null;
  const r = await card.call({ cla: 0x00, ins: 0xb0, p1: 0x80 | SFI.MF_CARD_TYPE, p2: 0x00, le: 256 }, signal, "residence: READ card type");
  if (r.sw !== 0x9000) return null;
  return parseCardType(r.data);
}

export async function readResidenceCard(deps: ResidenceReadDeps): Promise<ResidenceReadResult> {
  const now = deps.now ?? (() => performance.now());
  const t0 = now();
  const card = new Card({
    transmit: deps.transmit,
    ...(deps.trace ? { trace: deps.trace } : {}),
    ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
    now,
  });
  const random = deps.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const fail = (failure: ResidenceFailureKind): ResidenceReadResult => ({ ok: false, failure, stats: card.stats, ms: now() - t0 });
  const held: Uint8Array[] = [];
  let ks: Uint8Array | null = null;
  const progress = (f: number) => deps.onProgress?.(f);
  try {
    const cardType = await readCardType(card, deps.signal);
    if (!cardType) return fail("not-residence-card");
    if (!deps.extendedApdu) return fail("extended-unsupported");
    const gen = generationOf(cardType);
    progress(0.05);
    const auth = await authenticate(card, gen, deps.number, random, deps.signal);
    if (auth.kind === "wrong-number") return fail("wrong-number");
    ks = auth.ks;
    progress(0.15);
    const f = await readFiles(card, gen, ks, deps.signal, progress, held);
    progress(1);
    const { df1ef01, df1ef02, printed, images2, signature } = f;
    const files: ResidenceFiles = { cardType, df1ef01, df1ef02, printed, images2, signature };
    held.length = 0;
    return {
      ok: true,
      files,
      stats: card.stats,
      ms: now() - t0,
      purge: () => {
        for (const b of [df1ef01, df1ef02, printed, images2, signature]) b.fill(0);
      },
    };
  } catch (e) {
    const err = e instanceof CardError ? e : null;
    const k = err?.problem.kind;
    switch (k) {
      case "no-card":
      case "no-reader":
      case "timeout":
      case "aborted":
      case "malformed":
      case "transport":
        return fail(k);
      case "not-found":
        return fail("not-residence-card");
      case "wrong-code":
      case "blocked":
      case "security-status":
      case "status":
      case undefined:
        return fail(err ? "status" : "transport");
    }
    return fail("transport");
  } finally {
    ks?.fill(0);
    for (const b of held) b.fill(0);
  }
}

/** DF1 (SM) then DF3; every buffer read is pushed on `held` at once, so a failure half-way zeroes it. */
async function readFiles(
  card: Card,
  gen: 1 | 2,
  ks: Uint8Array,
  signal: AbortSignal,
  progress: (f: number) => void,
  held: Uint8Array[],
): Promise<Omit<ResidenceFiles, "cardType">> {
  const keep = (b: Uint8Array) => {
    held.push(b);
    return b;
  };
  const empty: Uint8Array = new Uint8Array(0);
  let df1ef01 = empty;
  let df1ef02 = empty;
  let printed = empty;
  let images2 = empty;
  await card.selectAid(DF1_AID, signal, "residence: SELECT DF1");
  if (gen === 1) {
    df1ef01 = keep(await readSm(card, gen, ks, SFI.DF1_EF01, signal, "residence: READ front image (SM)"));
    progress(0.6);
    df1ef02 = keep(await readSm(card, gen, ks, SFI.DF1_EF02, signal, "residence: READ photo (SM)"));
  } else {
    printed = keep(await readSm(card, gen, ks, SFI.DF1_PRINTED_2, signal, "residence: READ printed entries (SM)"));
    progress(0.3);
    images2 = keep(await readSm(card, gen, ks, SFI.DF1_IMAGES_2, signal, "residence: READ images (SM)"));
  }
  progress(0.85);
  await card.selectAid(DF3_AID, signal, "residence: SELECT DF3");
  let signature: Uint8Array;
  try {
    signature = await readPlain(card, SFI.DF3_EF01, signal, "residence: READ signature");
  } catch (e) {
    // The access table says card-number authentication only; a card that wants SM for it too is
    // read with SM [guess: the spec lists P1 82 among the SM reads as well].
    if (!(isCardError(e) && e.problem.kind === "security-status")) throw e;
    signature = await readSm(card, gen, ks, SFI.DF3_EF01, signal, "residence: READ signature (SM)");
  }
  keep(signature);
  return { df1ef01, df1ef02, printed, images2, signature };
}
