/**
 * The residence card and special permanent resident (SPR) certificate as a document kind (issue 17):
 * - recognised with no secret: SELECT of the residence card's DF1 AID (`D3 92 F0 00 4F 02 …`, only
 *   these cards have it); the read then checks MF EF02's card type ('1'/'2', '05'/'06');
 * - access key: the 12-character card number (camera or typed), format checked;
 * - the chip counts no wrong numbers (63 00, unlimited, spec §4.2.2): the kiosk allows at most
 *   `perSession` (2) wrong numbers a session and then refuses to send another;
 * - read by card/residence/read.ts; authenticity by card/residence/authenticity.ts.
 *
 * Birth date and expiry:
 * - second generation [2nd]: DF1 EF02 tags C6 (birth), C5 (card validity), CD (end of the period of
 *   stay) as YYYYMMDD text;
 * - first generation: only printed inside the signed front image; read by the OCR ports
 *   (`BirthFromImage`, `ExpiryFromImage`, ports.ts). "Not sure" → no birth date → the verdict is
 *   refer (read-error; attended: staff read the image). An unknown expiry also refers.
 * - expiry = the earlier of card validity and end of stay (an SPR certificate has no period of stay).
 *
 * Under-16 cards (no photo, no check code, spec §3.3.5): authenticity `could-not-check` and no birth
 * date is read from the unsigned image, so the verdict is refer in every policy (with
 * requireGenuineChip: could-not-check; without it: read-error). An unsigned card never passes; staff
 * see that it is a child's card (under 16 is under any age rule).
 */
import type { CalendarDate } from "../../age/date";
import { isValidDate, compareDates } from "../../age/date";
import { assessResidence, parseSignatureFile } from "../../card/residence/authenticity";
import { CardNumber } from "../../card/residence/card-number";
import { DF1_AID, generationOf, TAG } from "../../card/residence/ids";
import { readResidenceCard, type ResidenceFailureKind, type ResidenceFiles } from "../../card/residence/read";
import type { ResidenceTrust } from "../../card/residence/trust";
import type { CardChannel } from "../../card/reader";
import { readTlvList } from "../../card/tlv";
import type { Logger } from "../../log";
import { asciiDate } from "../ascii-date";
import {
  type AccessKey,
  type Authenticity,
  type ChipReadResult,
  type DocumentData,
  type DocumentEvidence,
  type DocumentKind,
  type EntryCheck,
  type EntryPrefill,
  type ReadContext,
} from "../types";
import { RESIDENCE_ACCESS_KEY } from "./access-key";
import { frontPng } from "./front-png";
import type { BirthFromImage, ExpiryFromImage, ReadCardNumberFront } from "./ports";

export { RESIDENCE_ACCESS_KEY };
export const RESIDENCE_KIND = "residence";
export const WRONG_NUMBERS_PER_SESSION = 2;

export interface ResidenceKindDeps {
  trust: ResidenceTrust;
  /** First generation: the birth date from the signed front image. Null: never sure (refer). */
  birthFromImage: BirthFromImage | null;
  /** First generation: card validity / end of stay from the front image. Null: unknown (refer). */
  expiryFromImage: ExpiryFromImage | null;
  /** The camera route to the card number; null: always typed. */
  readFront: ReadCardNumberFront | null;
  log: Logger;
  random?: (n: number) => Uint8Array;
  apduTimeoutMs?: number;
}

class ResidenceEvidence implements DocumentEvidence {
  constructor(
    readonly files: ResidenceFiles,
    readonly purge: () => void,
  ) {}
  wipe(): void {
    this.purge();
  }
}

/** Normalise what was typed: upper case, no spaces. */
function typedNumber(entry: EntryPrefill): string {
  return (entry["cardNumber"] ?? "").toUpperCase().replace(/[\s-]/g, "");
}

function numberProblem(text: string): string | null {
  if (text.length === 0) return "cardNumber:missing";
  if (text.length !== 12) return "cardNumber:length";
  return CardNumber.parse(text) ? null : "cardNumber:format";
}

function failure(kind: ResidenceFailureKind, left: number): Exclude<ChipReadResult, { kind: "ok" }> {
  switch (kind) {
    case "wrong-number":
      return { kind: "wrong-code", triesLeft: left };
    case "not-residence-card":
      return { kind: "unsupported-document" };
    case "no-card":
    case "aborted":
      return { kind: "no-card" };
    case "extended-unsupported":
    case "no-reader":
    case "timeout":
    case "malformed":
    case "status":
    case "transport":
      return { kind: "read-error", detail: kind };
  }
}

/** YYYYMMDD ASCII value → date, or null. */
function textDate(v: Uint8Array | undefined): CalendarDate | null {
  if (!v || v.length !== 8 || !v.every((b) => b >= 0x30 && b <= 0x39)) return null;
  const n = (i: number, len: number) => v.subarray(i, i + len).reduce((a, b) => a * 10 + (b - 0x30), 0);
  const y = n(0, 4);
  const m = n(4, 2);
  const d = n(6, 2);
  return isValidDate(y, m, d) ? { year: y, month: m, day: d } : null;
}

function earlier(a: CalendarDate, b: CalendarDate | null): CalendarDate {
  return b && compareDates(b, a) < 0 ? b : a;
}

/** Value of the first TLV in `ef` with `tag`, or null. */
function valueOf(ef: Uint8Array, tag: number): Uint8Array | null {
  try {
    const t = readTlvList(ef, 0, ef.length).find((x) => x.tag === tag);
    return t ? ef.subarray(t.valueStart, t.end) : null;
  } catch {
    return null;
  }
}

/** A JPEG 2000 value without the zero padding after its EOC marker (FF D9). */
function trimJp2(v: Uint8Array): Uint8Array {
  let end = v.length;
  while (end > 0 && v[end - 1] === 0) end--;
  return end >= 2 && v[end - 2] === 0xff && v[end - 1] === 0xd9 ? v.slice(0, end) : v.slice();
}

/** Birth date, expiry and the image the staff see (see the file comment). */
async function datesOf(deps: ResidenceKindDeps, log: Logger, files: ResidenceFiles, gen: 1 | 2, unsigned: boolean, signal: AbortSignal): Promise<{ birth: CalendarDate | null; expiry: CalendarDate | null; image: Uint8Array | null }> {
  if (gen === 2) {
    const birth = textDate(valueOf(files.printed, TAG.BIRTH_2) ?? undefined);
    const card = textDate(valueOf(files.printed, TAG.CARD_EXPIRY_2) ?? undefined);
    const stay = textDate(valueOf(files.printed, TAG.STAY_EXPIRY_2) ?? undefined);
    return { birth, expiry: card ? earlier(card, stay) : null, image: valueOf(files.images2, TAG.FRONT_IMAGE) };
  }
  const tiff = valueOf(files.df1ef01, TAG.FRONT_IMAGE);
  if (!tiff || unsigned) return { birth: null, expiry: null, image: tiff };
  const copy = tiff.slice();
  try {
    const b = deps.birthFromImage ? await deps.birthFromImage(copy, signal).catch(() => ({ kind: "unsure" as const, reason: "failed" })) : null;
    const e = deps.expiryFromImage ? await deps.expiryFromImage(copy, signal).catch(() => ({ kind: "unsure" as const, reason: "failed" })) : null;
    log.info("front-image-ocr", { birth: b ? (b.kind === "sure" ? "sure" : b.reason) : "no-reader", expiry: e ? (e.kind === "sure" ? "sure" : e.reason) : "no-reader" });
    return {
      birth: b?.kind === "sure" ? b.date : null,
      expiry: e?.kind === "sure" ? earlier(e.validUntil, e.stayEnd) : null,
      image: tiff,
    };
  } finally {
    copy.fill(0);
  }
}

export function residenceKind(deps: ResidenceKindDeps): DocumentKind {
  const log = deps.log.child("residence");
  let wrong = 0;

  async function read(channel: CardChannel, key: AccessKey, ctx: ReadContext): Promise<ChipReadResult> {
    if (!(key instanceof CardNumber)) return { kind: "read-error", detail: "not a card number" };
    if (wrong >= WRONG_NUMBERS_PER_SESSION) return { kind: "refused-low-tries", triesLeft: 0 };
    const r = await readResidenceCard({
      transmit: channel,
      number: key,
      signal: ctx.signal,
      extendedApdu: channel.extendedApdu,
      onProgress: (p) => ctx.onProgress({ progress: p * 0.9, triesLeft: null }),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
    });
    log.info("chip-read", { ok: r.ok, failure: r.ok ? null : r.failure, ms: Math.round(r.ms), apdus: r.stats.apdus });
    if (!r.ok) {
      if (r.failure === "wrong-number") wrong++;
      return failure(r.failure, WRONG_NUMBERS_PER_SESSION - wrong);
    }
    try {
      const gen = generationOf(r.files.cardType);
      const unsigned = parseSignatureFile(r.files.signature, gen).kind === "unsigned";
      const dates = await datesOf(deps, log, r.files, gen, unsigned, ctx.signal);
      // Not sure of either date: no birth date, so the verdict is refer (never a guessed date).
      const usable = dates.birth !== null && dates.expiry !== null;
      const photo = gen === 1 ? valueOf(r.files.df1ef02, TAG.PHOTO) : valueOf(r.files.images2, TAG.PHOTO);
      const png = dates.image ? await frontPng(dates.image) : null;
      ctx.onProgress({ progress: 1, triesLeft: null });
      const data: DocumentData = {
        kind: RESIDENCE_KIND,
        birthDate: usable && dates.birth ? asciiDate(dates.birth) : new Uint8Array(0),
        expiry: usable && dates.expiry ? asciiDate(dates.expiry) : new Uint8Array(0),
        portrait: photo && photo.length > 0 ? trimJp2(photo) : new Uint8Array(0),
        images: png ? [{ label: gen === 1 ? "card-front" : "name", png }] : [],
        text: [{ label: "card-type", ascii: new TextEncoder().encode(r.files.cardType) }],
      };
      return { kind: "ok", data, evidence: new ResidenceEvidence(r.files, () => r.purge()), triesLeft: null };
    } catch (e) {
      r.purge();
      throw e;
    }
  }

  return {
    info: { kind: RESIDENCE_KIND, accessKey: RESIDENCE_ACCESS_KEY, tries: { counter: "session", perSession: WRONG_NUMBERS_PER_SESSION } },
    recognition: { probes: [{ select: "aid", aid: DF1_AID }] },
    ...(deps.readFront ? { readFront: deps.readFront } : {}),

    checkEntry(entry: EntryPrefill): EntryCheck {
      const text = typedNumber(entry);
      const problem = numberProblem(text);
      const key = problem ? null : CardNumber.parse(text);
      return key ? { ok: true, key } : { ok: false, problem: problem ?? "cardNumber:format" };
    },

    entryProblem(entry: EntryPrefill): string | null {
      const text = typedNumber(entry);
      return text.length < 12 ? null : numberProblem(text);
    },

    read,

    assess(_data: DocumentData, evidence: DocumentEvidence, today: CalendarDate): Promise<Authenticity> {
      if (!(evidence instanceof ResidenceEvidence)) return Promise.resolve("could-not-check");
      const a = assessResidence({ files: evidence.files, generation: generationOf(evidence.files.cardType), trust: deps.trust, today });
      log.info("authenticity", { result: a.result, reason: a.reason });
      return Promise.resolve(a.result);
    },

    endSession(): void {
      wrong = 0;
    },
  };
}
