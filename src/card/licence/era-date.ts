/**
 * The licence's dates: 7 JIS X 0201 (ASCII) digits, era code + YY + MM + DD ([code], reference §1.5):
 * 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和. Example "3500601" = 昭和50年6月1日 = 1975-06-01; "5020415" =
 * 令和2年4月15日 = 2020-04-15 (not "502年"). Pure; digits are read one by one, no string is made.
 *
 * Two rules:
 * - `strict` (the birth date): the day must exist in that era (era.ts `fromEraDate`): 昭和64年1月8日,
 *   平成31年5月1日 or 令和元年4月30日 are not dates. Anything else (code 0 or 6–9, a non-digit, a
 *   wrong length, 2月30日) → null: the kiosk is not sure, it never guesses.
 * - `arithmetic` (expiry and other dates written ahead of time): the era's year count may run past
 *   the era's end, because chips written before May 2019 may hold 平成33年 for 2021 (NPA notices of
 *   that time wrote future dates so). That is an inference about chip content, not seen on a card
 *   ([guess] in the reference); the Gregorian year is start year + YY − 1 and the day must exist.
 *   A date before the era's first day is still refused.
 */
import { isValidDate, compareDates, type CalendarDate } from "../../age/date";
import { ERAS, fromEraDate, type EraId } from "../../age/era";

/** Era code on the licence → era ([code]: TRET, hmpow, soft-studio). */
const ERA_BY_CODE: Readonly<Record<number, EraId>> = { 1: "meiji", 2: "taisho", 3: "showa", 4: "heisei", 5: "reiwa" };

export const LICENCE_DATE_BYTES = 7;

function digit(b: Uint8Array, i: number): number | null {
  const c = b[i];
  return c !== undefined && c >= 0x30 && c <= 0x39 ? c - 0x30 : null;
}

function twoDigits(b: Uint8Array, i: number): number | null {
  const hi = digit(b, i);
  const lo = digit(b, i + 1);
  return hi === null || lo === null ? null : hi * 10 + lo;
}

/** The licence date in `b` (7 ASCII digits) as a Gregorian date, or null when it is not one. */
export function decodeLicenceDate(b: Uint8Array, rule: "strict" | "arithmetic"): CalendarDate | null {
  if (b.length !== LICENCE_DATE_BYTES) return null;
  const code = digit(b, 0);
  const eraYear = twoDigits(b, 1);
  const month = twoDigits(b, 3);
  const day = twoDigits(b, 5);
  if (code === null || eraYear === null || month === null || day === null) return null;
  const era = ERA_BY_CODE[code];
  if (!era || eraYear < 1) return null;
  if (rule === "strict") return fromEraDate({ era, eraYear, month, day });
  const start = ERAS.find((e) => e.id === era)?.start;
  if (!start) return null;
  const year = start.year + eraYear - 1;
  if (!isValidDate(year, month, day)) return null;
  const d: CalendarDate = { year, month, day };
  return compareDates(d, start) < 0 ? null : d;
}
