/**
 * DG1 dates (YYMMDD, no century) to calendar dates. Pure.
 *
 * Birth date: the century is not encoded (Doc 9303-3). Of 19YY and 20YY, keep those that are a real
 * date, not after today, and at most MAX_AGE years ago; exactly one must remain, else the date is not
 * sure (null → the flow refers: "unusable birth date"). Unknown parts (`<<` for the month or day, which
 * Doc 9303-3 §4.6 allows) are never guessed: null. [guess: the plausibility window is ours]
 * Expiry: 20YY (e-passports exist since 2004; a 19YY expiry would be long past). [guess]
 */
import { isValidDate, type CalendarDate } from "../../age/date";

export const MAX_AGE = 110;

function digits(b: Uint8Array, at: number): number | null {
  const x = b[at];
  const y = b[at + 1];
  if (x === undefined || y === undefined || x < 0x30 || x > 0x39 || y < 0x30 || y > 0x39) return null;
  return (x - 0x30) * 10 + (y - 0x30);
}

const cmp = (a: CalendarDate, b: CalendarDate) => a.year - b.year || a.month - b.month || a.day - b.day;

export function birthDateFromYymmdd(yymmdd: Uint8Array, today: CalendarDate): CalendarDate | null {
  if (yymmdd.length !== 6) return null;
  const yy = digits(yymmdd, 0);
  const month = digits(yymmdd, 2);
  const day = digits(yymmdd, 4);
  if (yy === null || month === null || day === null) return null;
  const oldest: CalendarDate = { year: today.year - MAX_AGE, month: today.month, day: today.day };
  const fits = [1900 + yy, 2000 + yy]
    .map((year) => ({ year, month, day }))
    .filter((d) => isValidDate(d.year, d.month, d.day) && cmp(d, today) <= 0 && cmp(d, oldest) >= 0);
  return fits.length === 1 ? (fits[0] ?? null) : null;
}

export function expiryFromYymmdd(yymmdd: Uint8Array): CalendarDate | null {
  if (yymmdd.length !== 6) return null;
  const yy = digits(yymmdd, 0);
  const month = digits(yymmdd, 2);
  const day = digits(yymmdd, 4);
  if (yy === null || month === null || day === null || !isValidDate(2000 + yy, month, day)) return null;
  return { year: 2000 + yy, month, day };
}
