/**
 * The card-face reader the session flow calls: read frames from the document camera until the three
 * fields are agreed across frames and plausible, or the time budget runs out.
 *
 *   readCardFront({ camera, ocr, clock }, signal, budgetMs)
 *     → { kind: "sure", fields, code }          code: 照合番号B (CodeB; wipe() it when done)
 *     | { kind: "unsure", prefill, reasons }    → manual entry, pre-filled with the fields all frames read alike
 *     | { kind: "back-side-up" }                → ask the customer to turn the card; nothing was OCR'd
 *
 * Fields are found by content (find.ts); a field that any frame found twice with different values,
 * or a date line that could have been either field, makes the session unsure (never a guess).
 * Agreement: each field needs 3 agreeing frames (AGREE) and two more votes than any rival value.
 * Dates needed 2 until 2026-12-05 (3 only for Western-printed births): the tuning families showed a
 * wrong expiry (11月 read as 1月) agreed by 2 frames of one session, and one held-out wrong birth date
 * reached the card through agreement; 3 frames cost 1 session in 100 on easy and 2 on hard tuning
 * photos (scripts/cardface/rules.ts). Two stricter rules guard against frames agreeing on a wrong value:
 * - same place: every frame's read of a field must come from a line at the same place on the
 *   rectified card (within SAME_PLACE_MM); a field read from two places (say the code from another
 *   4-digit group near the portrait in one frame) is "ambiguous/moved" for the rest of the session;
 * - the security code, which no plausibility rule can check, needs AGREE.code (3) agreeing frames
 *   (and still two more than any rival), so one consistent misread shared by two frames is not enough.
 * - the date check: an agreed birth or expiry must also have been read alike once from a differently
 *   made crop of its line in some frame of the session (frame-read.ts DATE_CHECK), against a misread
 *   that repeats in every photo of the card.
 * The result is "sure" only when the agreed fields also pass every plausibility rule. The wait is
 * bounded by `budgetMs` (and `signal`); camera and OCR failures become reasons, never exceptions.
 */
import { tokyoDate, type CalendarDate } from "../age/date";
import { CameraFailure, wipeFrame, type CameraPort } from "../camera/camera";
import { deriveCodeB } from "../card/mynumber/code-b";
import type { CodeB } from "../card/secret";
import { birthKey, type BirthField, type CardFields } from "./fields";
import { FieldPlace } from "./find";
import { dateCheckKey, newFrameMemory, readFrame } from "./frame-read";
import { OcrFailure, type OcrPort } from "./ocr";
import { checkCard, toPrefill, type EntryPrefill, type Problem } from "./plausibility";
import { FieldVotes } from "./votes";

export interface Clock {
  now(): number;
}

export interface CardFrontDeps {
  readonly camera: CameraPort;
  readonly ocr: OcrPort;
  readonly clock: Clock;
}

export type UnsureReason =
  /** The budget ran out ("timeout") or the camera stopped giving frames ("frames-ended") without agreement. */
  | { kind: "timeout" | "frames-ended"; frames: number }
  | { kind: "no-card"; detail: "no-card" | "card-not-fully-visible" | "not-card-shaped" }
  | { kind: "side-unknown" }
  | { kind: "bad-image" }
  | { kind: "unreadable"; field: "birth" | "expiry" | "securityCode"; detail: string }
  /** The field was found on two lines with different values, or a line could have been either date
   *  field (find.ts). Sticky: once seen in a frame, the session is never sure of that field. */
  | { kind: "ambiguous"; field: "birth" | "expiry" | "securityCode"; detail: "found-twice" | "either-field" | "moved" }
  | { kind: "disagree"; field: "birth" | "expiry" | "securityCode" }
  /** The frames agreed on a date that the re-read from another crop never gave (frame-read.ts
   *  DATE_CHECK): possibly a consistent misread, so not used. */
  | { kind: "unconfirmed"; field: "birth" | "expiry" }
  | { kind: "implausible"; problem: Problem }
  | { kind: "camera"; detail: string }
  | { kind: "ocr"; detail: string }
  | { kind: "aborted" };

export type CardFrontResult =
  | { kind: "sure"; fields: CardFields; code: CodeB; frames: number }
  | { kind: "unsure"; prefill: EntryPrefill; reasons: UnsureReason[] }
  | { kind: "back-side-up" };

/** Agreeing frames needed per field: 3 for either date (era- or Western-printed) and for the security
 *  code. A consistent misread of one printed glyph can repeat in two photos of the same card. */
export const AGREE = { date: 3, code: 3 } as const;

/** `onFrame` (optional) hears the count of frames looked at so far, for the customer's progress line. */
// eslint-disable-next-line max-lines-per-function -- the card-face recogniser is being rewritten (issue 12, ocr-read); split there
export async function readCardFront(
  deps: CardFrontDeps,
  signal: AbortSignal,
  budgetMs: number,
  onFrame?: (frames: number) => void,
): Promise<CardFrontResult> {
  const today = tokyoDate(deps.clock.now());
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), Math.max(0, budgetMs));
  const stop = AbortSignal.any([signal, budget.signal]);
  const votes = {
    birth: new FieldVotes<BirthField>(birthKey),
    expiry: new FieldVotes<CalendarDate>((d) => `${d.year}/${d.month}/${d.day}`),
    securityCode: new FieldVotes<string>((s) => s),
  };
  const seen = new Map<string, UnsureReason>();
  const note = (r: UnsureReason) => seen.set(JSON.stringify(r), r);
  const ambiguous = new Set<"birth" | "expiry" | "securityCode">();
  const places = { birth: new FieldPlace(), expiry: new FieldPlace(), securityCode: new FieldPlace() };
  const memory = newFrameMemory();
  const birthConfirmed = (b: BirthField) => memory.confirmed.has(dateCheckKey("birth", b));
  const expiryConfirmed = (d: CalendarDate) => memory.confirmed.has(dateCheckKey("expiry", d));
  let frames = 0;
  let lastProblems: Problem[] = [];
  try {
    for await (const frame of deps.camera.frames(stop)) {
      frames++;
      onFrame?.(frames);
      // Let timers run between frames: a camera that answers from memory must not starve the budget.
      await new Promise((resolve) => setImmediate(resolve));
      if (stop.aborted) {
        wipeFrame(frame);
        break;
      }
      let reading;
      try {
        reading = await readFrame(deps, frame, today, stop, memory);
      } finally {
        wipeFrame(frame);
      }
      switch (reading.kind) {
        case "back-side-up":
          return { kind: "back-side-up" };
        case "bad-image":
          note({ kind: "bad-image" });
          continue;
        case "no-card":
          note({ kind: "no-card", detail: reading.reason });
          continue;
        case "side-unknown":
          note({ kind: "side-unknown" });
          continue;
        case "ocr-failed":
          // A failed engine call costs this frame only; an abort ends the session.
          if (reading.reason === "aborted") break;
          note({ kind: "ocr", detail: reading.reason });
          continue;
        case "front":
          break;
      }
      if (reading.kind !== "front") break;
      for (const f of ["birth", "expiry", "securityCode"] as const) {
        const r = reading[f];
        if (r.ok) {
          if (places[f].see(r.at)) {
            ambiguous.add(f);
            note({ kind: "ambiguous", field: f, detail: "moved" });
          }
          continue;
        }
        if (r.reason === "found-twice" || r.reason === "either-field") {
          ambiguous.add(f);
          note({ kind: "ambiguous", field: f, detail: r.reason });
        } else note({ kind: "unreadable", field: f, detail: r.reason });
      }
      if (reading.birth.ok) votes.birth.add(reading.birth.value);
      if (reading.expiry.ok) votes.expiry.add(reading.expiry.value);
      if (reading.securityCode.ok) votes.securityCode.add(reading.securityCode.value);
      if (ambiguous.size > 0) continue;

      const birth = votes.birth.agreed(AGREE.date);
      const expiry = votes.expiry.agreed(AGREE.date);
      const securityCode = votes.securityCode.agreed(AGREE.code);
      if (birth && expiry && securityCode && birthConfirmed(birth) && expiryConfirmed(expiry)) {
        const fields: CardFields = { birth, expiry, securityCode };
        lastProblems = checkCard(fields, today);
        if (lastProblems.length === 0) {
          const derived = deriveCodeB({ birth, expiryYear: expiry.year, securityCode });
          if (derived.ok) return { kind: "sure", fields, code: derived.code, frames };
          lastProblems = [];
          note({ kind: "ocr", detail: `code-b: ${derived.problems.map((p) => p.kind).join(",")}` });
        }
      }
    }
  } catch (e) {
    if (e instanceof CameraFailure) {
      if (e.error.kind !== "aborted") note({ kind: "camera", detail: e.error.kind });
    } else if (e instanceof OcrFailure) {
      if (e.reason !== "aborted") note({ kind: "ocr", detail: e.reason });
    } else {
      note({ kind: "camera", detail: "unexpected" });
    }
  } finally {
    clearTimeout(timer);
  }
  if (signal.aborted) note({ kind: "aborted" });
  else note({ kind: budget.signal.aborted ? "timeout" : "frames-ended", frames });
  for (const p of lastProblems) note({ kind: "implausible", problem: p });
  for (const f of ["birth", "expiry", "securityCode"] as const) if (votes[f].disagreement) note({ kind: "disagree", field: f });
  const agreedBirth = votes.birth.agreed(AGREE.date);
  const agreedExpiry = votes.expiry.agreed(AGREE.date);
  if (agreedBirth && !birthConfirmed(agreedBirth)) note({ kind: "unconfirmed", field: "birth" });
  if (agreedExpiry && !expiryConfirmed(agreedExpiry)) note({ kind: "unconfirmed", field: "expiry" });
  // Pre-fill only fields every frame read alike: a field the frames disagreed on is left for the
  // customer to type, so pressing "OK" on a pre-filled guess cannot spend a try.
  const settled = <T>(f: "birth" | "expiry" | "securityCode", v: FieldVotes<T>): T | undefined => (v.disagreement || ambiguous.has(f) ? undefined : v.leading());
  // A date the check never confirmed is not pre-filled either (it may be a repeated misread).
  const settledBirth = settled("birth", votes.birth);
  const settledExpiry = settled("expiry", votes.expiry);
  const birth = settledBirth && birthConfirmed(settledBirth) ? settledBirth : undefined;
  const expiryYear = settledExpiry && expiryConfirmed(settledExpiry) ? settledExpiry.year : undefined;
  const securityCode = settled("securityCode", votes.securityCode);
  const prefill = toPrefill({
    ...(birth ? { birth } : {}),
    ...(expiryYear !== undefined ? { expiryYear } : {}),
    ...(securityCode !== undefined ? { securityCode } : {}),
  });
  return { kind: "unsure", prefill, reasons: [...seen.values()] };
}
