/**
 * Legal age in Japan (年齢計算ニ関スル法律 with Civil Code art. 143): a person turns N at 24:00 on the
 * day before the Nth anniversary of birth, i.e. at 00:00 on the birthday in Japan. Someone born on
 * 29 February turns a year older at 00:00 on 1 March in common years (the end of 28 February).
 */
import { compareDates, isLeapYear, tokyoDate, type CalendarDate } from "./date";

/** The day in `year` from which a person born on `birth` counts one more year. */
export function anniversaryIn(birth: CalendarDate, year: number): CalendarDate {
  if (birth.month === 2 && birth.day === 29 && !isLeapYear(year)) return { year, month: 3, day: 1 };
  return { year, month: birth.month, day: birth.day };
}

/** Completed years of age on the calendar day `today`. Negative before birth is clamped to -1. */
export function ageOn(birth: CalendarDate, today: CalendarDate): number {
  if (compareDates(today, birth) < 0) return -1;
  const years = today.year - birth.year;
  return compareDates(today, anniversaryIn(birth, today.year)) >= 0 ? years : years - 1;
}

/** Age at an instant, counted in Japan whatever the system time zone. */
export function ageAt(birth: CalendarDate, epochMs: number): number {
  return ageOn(birth, tokyoDate(epochMs));
}

export function isAtLeast(birth: CalendarDate, minimumAge: number, today: CalendarDate): boolean {
  return ageOn(birth, today) >= minimumAge;
}
