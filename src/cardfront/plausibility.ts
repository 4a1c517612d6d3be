/**
 * Plausibility rules that must hold before 照合番号B is ever sent to a card (a wrong code spends one of
 * the card's tries, anchors.md §8.1). One module for both OCR readings and manual entry, so the kiosk
 * judges a typed draft exactly as it judges a camera reading. Pure; "today" is passed in (Tokyo day).
 *
 * Rules:
 * - Birth date exists (in its era for era-printed cards: 昭和64年2月1日 does not), is not in the
 *   future, and the holder is at most 125 years old.
 * - Expiry year: from `today.year − 3` (an expired card is still read so the kiosk can say
 *   "expired" from the chip; older is more likely a misread) to `today.year + 10` (the card runs to the
 *   10th birthday after issue for adults, the 5th for under-18s, so at most 10 years ahead), and at
 *   least the holder's 5th birthday year, and not before 2021 (first cards 2016 + 5 years).
 * - Era-printed cards expire on a birthday: expiry month/day = birth month/day. 29 February births in
 *   a common expiry year: 民法143 ends a period with no corresponding day on the month's last day, so
 *   the card should say 2月28日; 3月1日 is also accepted because issuing practice is not confirmed and
 *   month/day are not part of 照合番号B (the rule only guards against misreads).
 *   Western-printed (foreign residents') cards may expire with the residence period on any day, so the
 *   birthday rule is not applied to them; they need one more agreeing frame instead (see read.ts).
 * - Security code: exactly 4 digits.
 */
import { compareDates, isLeapYear, isValidDate, type CalendarDate } from "../age/date";
import { fromEraDate, type EraId } from "../age/era";
import type { EntryPrefill as AnyEntry, EntryProblem } from "../protocol";
import type { BirthField, CardFields, CodeBInput } from "./fields";

/**
 * The My Number card's manual entry: the fields of its access-key schema (src/documents/mynumber/),
 * i.e. what is printed on the card face and goes into 照合番号B.
 */
export type EntryPrefill = {
  calendar: "era" | "western";
  era?: EraId;
  birthYear?: string;
  birthMonth?: string;
  birthDay?: string;
  expiryYear?: string;
  securityCode?: string;
};

/**
 * A generic entry (field id → text, as the socket carries it) read as the card-face entry. A calendar
 * other than "western" is read as "era"; an unknown era is dropped (and then reported `era:missing`).
 */
export function asCardFaceEntry(e: AnyEntry): EntryPrefill {
  const out: EntryPrefill = { calendar: e["calendar"] === "western" ? "western" : "era" };
  const era = e["era"];
  if (era !== undefined && (ERA_IDS as readonly string[]).includes(era)) out.era = era as EraId;
  for (const f of ["birthYear", "birthMonth", "birthDay", "expiryYear", "securityCode"] as const) {
    const v = e[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}

export type ProblemField = "era" | "birthYear" | "birthMonth" | "birthDay" | "birth" | "expiry" | "expiryYear" | "securityCode";

/** The typing problems the manual-entry screen knows (src/protocol.ts lists them for the UI). */
export type ProblemCode = Exclude<EntryProblem, "back-side-up">;

export interface Problem {
  readonly field: ProblemField;
  readonly code: ProblemCode;
}

export const MAX_AGE = 125;
export const EXPIRY_YEARS_AHEAD = 10;
export const EXPIRY_YEARS_PAST = 3;
export const FIRST_EXPIRY_YEAR = 2021;

/** The Western date of a birth field, or null when the day does not exist (in its era). */
export function birthDate(b: BirthField): CalendarDate | null {
  if (b.calendar === "era") return fromEraDate({ era: b.era, eraYear: b.eraYear, month: b.month, day: b.day });
  return isValidDate(b.year, b.month, b.day) ? { year: b.year, month: b.month, day: b.day } : null;
}

export function checkBirth(b: BirthField, today: CalendarDate): Problem[] {
  const d = birthDate(b);
  if (!d) return [{ field: "birth", code: b.calendar === "era" ? "not-in-era" : "not-a-date" }];
  if (compareDates(d, today) > 0) return [{ field: "birth", code: "in-future" }];
  if (d.year < today.year - MAX_AGE) return [{ field: "birth", code: "too-old" }];
  return [];
}

export function checkExpiryYear(year: number, birth: CalendarDate | null, today: CalendarDate): Problem[] {
  if (year > today.year + EXPIRY_YEARS_AHEAD) return [{ field: "expiryYear", code: "too-far-ahead" }];
  if (year < Math.max(today.year - EXPIRY_YEARS_PAST, FIRST_EXPIRY_YEAR)) return [{ field: "expiryYear", code: "long-past" }];
  if (birth && year < birth.year + 5) return [{ field: "expiryYear", code: "before-fifth-birthday" }];
  return [];
}

/** Month/day of the expiry against the birthday (era-printed cards only, see the file comment). */
export function expiresOnBirthday(birth: CalendarDate, expiry: CalendarDate): boolean {
  if (expiry.month === birth.month && expiry.day === birth.day) return true;
  if (birth.month === 2 && birth.day === 29 && !isLeapYear(expiry.year)) {
    return (expiry.month === 2 && expiry.day === 28) || (expiry.month === 3 && expiry.day === 1);
  }
  return false;
}

export function checkCode(code: string): Problem[] {
  return /^\d{4}$/u.test(code) ? [] : [{ field: "securityCode", code: "not-4-digits" }];
}

/** Every problem of an OCR reading (empty = plausible). */
export function checkCard(f: CardFields, today: CalendarDate): Problem[] {
  const problems = [...checkBirth(f.birth, today)];
  const birth = birthDate(f.birth);
  if (!isValidDate(f.expiry.year, f.expiry.month, f.expiry.day)) problems.push({ field: "expiry", code: "not-a-date" });
  else if (birth && f.birth.calendar === "era" && !expiresOnBirthday(birth, f.expiry)) problems.push({ field: "expiry", code: "not-birthday" });
  problems.push(...checkExpiryYear(f.expiry.year, birth, today), ...checkCode(f.securityCode));
  return problems;
}

const ERA_IDS: readonly EraId[] = ["meiji", "taisho", "showa", "heisei", "reiwa"];

function intField(v: string | undefined, field: ProblemField, digits: RegExp): { n: number } | Problem {
  if (v === undefined || v.trim() === "") return { field, code: "missing" };
  if (!digits.test(v.trim())) return { field, code: "not-a-number" };
  return { n: Number(v.trim()) };
}

/**
 * Validate a manual-entry draft (or an OCR prefill) with the same rules. Problems come in screen
 * order (era, birth year/month/day, expiry year, code), so the daemon can show the first one; a field
 * still empty is `missing`. Empty list = complete and plausible; then {@link entryToCodeBInput} succeeds.
 */
export function validateEntry(entry: AnyEntry, today: CalendarDate): Problem[] {
  const r = parseEntry(asCardFaceEntry(entry), today);
  return r.ok ? [] : r.problems;
}

export function entryToCodeBInput(entry: AnyEntry, today: CalendarDate): { ok: true; input: CodeBInput } | { ok: false; problems: Problem[] } {
  return parseEntry(asCardFaceEntry(entry), today);
}

function parseEntry(e: EntryPrefill, today: CalendarDate): { ok: true; input: CodeBInput } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const era = e.calendar === "era" ? e.era : undefined;
  if (e.calendar === "era" && (era === undefined || !ERA_IDS.includes(era))) problems.push({ field: "era", code: "missing" });
  const y = intField(e.birthYear, "birthYear", e.calendar === "era" ? /^\d{1,2}$/u : /^\d{4}$/u);
  const m = intField(e.birthMonth, "birthMonth", /^\d{1,2}$/u);
  const d = intField(e.birthDay, "birthDay", /^\d{1,2}$/u);
  for (const x of [y, m, d]) if (!("n" in x)) problems.push(x);
  if ("n" in y && e.calendar === "era" && y.n < 1) problems.push({ field: "birthYear", code: "out-of-range" });
  if ("n" in m && (m.n < 1 || m.n > 12)) problems.push({ field: "birthMonth", code: "out-of-range" });
  if ("n" in d && (d.n < 1 || d.n > 31)) problems.push({ field: "birthDay", code: "out-of-range" });
  let birth: BirthField | null = null;
  if (problems.length === 0 && "n" in y && "n" in m && "n" in d) {
    birth = era ? { calendar: "era", era, eraYear: y.n, month: m.n, day: d.n } : { calendar: "western", year: y.n, month: m.n, day: d.n };
    problems.push(...checkBirth(birth, today));
  }
  const ey = intField(e.expiryYear, "expiryYear", /^\d{4}$/u);
  if (!("n" in ey)) problems.push(ey);
  else problems.push(...checkExpiryYear(ey.n, birth ? birthDate(birth) : null, today));
  const code = e.securityCode?.trim() ?? "";
  if (code === "") problems.push({ field: "securityCode", code: "missing" });
  else problems.push(...checkCode(code));
  if (problems.length > 0 || !birth || !("n" in ey)) return { ok: false, problems };
  return { ok: true, input: { birth, expiryYear: ey.n, securityCode: code } };
}

/** An OCR reading (possibly partial) as a manual-entry prefill, so the customer only fixes what is wrong. */
export function toPrefill(p: { birth?: BirthField; expiryYear?: number; securityCode?: string }): EntryPrefill {
  const out: EntryPrefill = { calendar: p.birth?.calendar ?? "era" };
  if (p.birth?.calendar === "era") {
    out.era = p.birth.era;
    out.birthYear = String(p.birth.eraYear);
  } else if (p.birth) out.birthYear = String(p.birth.year);
  if (p.birth) {
    out.birthMonth = String(p.birth.month);
    out.birthDay = String(p.birth.day);
  }
  if (p.expiryYear !== undefined) out.expiryYear = String(p.expiryYear);
  if (p.securityCode !== undefined) out.securityCode = p.securityCode;
  return out;
}
