/**
 * The three printed fields that make up 照合番号B, and parsers from OCR text to typed values.
 * Pure (no I/O). The era is snapped to the closed set 明治/大正/昭和/平成/令和: a reading counts the
 * era kanji that match (OCR often loses or confuses one of the two, ecosystem.md §4), and only a tie —
 * typically a lone 和, shared by 昭和 and 令和 — is broken by which era the date exists in. A date
 * that exists in neither or both stays unread: the pipeline never guesses.
 */
import { fromEraDate, ERAS, type EraId } from "../age/era";
import { compareDates, type CalendarDate } from "../age/date";
import type { CodeBInput } from "../card/mynumber/code-b";

export type BirthField =
  | { readonly calendar: "era"; readonly era: EraId; readonly eraYear: number; readonly month: number; readonly day: number }
  | { readonly calendar: "western"; readonly year: number; readonly month: number; readonly day: number };

export interface CardFields {
  readonly birth: BirthField;
  /** The card's expiry (カードの有効期限) as printed: "2035年 2月17日まで有効". */
  readonly expiry: CalendarDate;
  /** The 4 digits under the photo. */
  readonly securityCode: string;
}

/** The input of deriveCodeB (src/card/mynumber/code-b.ts): birth as printed, expiry year, code. */
export type { CodeBInput } from "../card/mynumber/code-b";

export function toCodeBInput(f: CardFields): CodeBInput {
  return { birth: f.birth, expiryYear: f.expiry.year, securityCode: f.securityCode };
}

/** low-confidence: the OCR engine itself was unsure of the line (frame-read.ts). */
export type ParseFailure = "unreadable" | "era-unreadable" | "era-ambiguous" | "low-confidence";
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: ParseFailure };

const ERA_CHARS = /[明治大正昭和平成令]/u;

/** Remove spaces (OCR puts them between CJK characters) and map full-width digits. */
export function compact(text: string): string {
  return text.replace(/\s+/gu, "").replace(/[０-９]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** "昭和55年 2月17日生", "令和元年 5月 1日生" or "1980年 2月17日生" → birth field. */
export function parseBirthLine(text: string, today: CalendarDate): Parsed<BirthField> {
  const s = compact(text);
  const era = /([明治大正昭和平成令]{1,2})(元|\d{1,2})年(\d{1,2})月(\d{1,2})日/u.exec(s);
  if (era) {
    const eraYear = era[2] === "元" ? 1 : Number(era[2]);
    const month = Number(era[3]);
    const day = Number(era[4]);
    const id = snapEra(era[1] ?? "", eraYear, month, day, today);
    if (!id.ok) return id;
    return { ok: true, value: { calendar: "era", era: id.value, eraYear, month, day } };
  }
  const west = /(?:^|[^\d])(\d{4})年(\d{1,2})月(\d{1,2})日/u.exec(s);
  if (west) {
    const yearAt = west.index + west[0].indexOf(west[1] ?? "");
    if (ERA_CHARS.test(s.slice(0, yearAt))) return { ok: false, reason: "era-unreadable" };
    return { ok: true, value: { calendar: "western", year: Number(west[1]), month: Number(west[2]), day: Number(west[3]) } };
  }
  if (/(元|\d{1,2})年\d{1,2}月\d{1,2}日/u.test(s)) return { ok: false, reason: "era-unreadable" };
  return { ok: false, reason: "unreadable" };
}

/** Snap OCR'd era characters to an era id (see the file comment for the rule). */
export function snapEra(chars: string, eraYear: number, month: number, day: number, today: CalendarDate): Parsed<EraId> {
  const seen = [...chars].slice(-2);
  let best = 0;
  let candidates: EraId[] = [];
  for (const e of ERAS) {
    const [k0, k1] = [...e.kanji];
    let score = 0;
    if (seen.length === 2) score = (seen[0] === k0 ? 1 : 0) + (seen[1] === k1 ? 1 : 0);
    else score = seen[0] === k0 || seen[0] === k1 ? 1 : 0;
    if (score > best) {
      best = score;
      candidates = [e.id];
    } else if (score === best && score > 0) candidates.push(e.id);
  }
  if (best === 0) return { ok: false, reason: "era-unreadable" };
  if (candidates.length === 1 && candidates[0]) return { ok: true, value: candidates[0] };
  const possible = candidates.filter((era) => {
    const d = fromEraDate({ era, eraYear, month, day });
    return d !== null && compareDates(d, today) <= 0;
  });
  return possible.length === 1 && possible[0] ? { ok: true, value: possible[0] } : { ok: false, reason: "era-ambiguous" };
}

/** "2035年 2月17日まで有効" → the expiry date as printed (not yet checked for existence). A year
 *  with a further digit in front ("12035年") is a misread, not the year 2035: unreadable. */
export function parseExpiryLine(text: string): Parsed<CalendarDate> {
  const m = /(?:^|[^\d])(\d{4})年(\d{1,2})月(\d{1,2})日/u.exec(compact(text));
  return m ? { ok: true, value: { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } } : { ok: false, reason: "unreadable" };
}

/** Exactly four digits, else unreadable. */
export function parseSecurityCode(text: string): Parsed<string> {
  const s = compact(text);
  return /^\d{4}$/u.test(s) ? { ok: true, value: s } : { ok: false, reason: "unreadable" };
}

/** A stable key for voting across frames. */
export function birthKey(b: BirthField): string {
  return b.calendar === "era" ? `${b.era}/${b.eraYear}/${b.month}/${b.day}` : `w/${b.year}/${b.month}/${b.day}`;
}
