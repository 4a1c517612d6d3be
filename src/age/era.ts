/**
 * Japanese eras (元号) ↔ Western years, decided by the full date because eras change mid-year:
 * 1989-01-07 is 昭和64 and 1989-01-08 is 平成元年; 2019-04-30 is 平成31 and 2019-05-01 is 令和元年.
 * The first year of an era (元年) is year 1 ("01" on the card's 照合番号B).
 */
import { compareDates, isValidDate, type CalendarDate } from "./date";

export type EraId = "meiji" | "taisho" | "showa" | "heisei" | "reiwa";

export interface Era {
  readonly id: EraId;
  readonly kanji: string;
  /** First day of the era (inclusive). */
  readonly start: CalendarDate;
}

/** Oldest first. Meiji is given from 1868-01-01 (the era was proclaimed retroactively to that year). */
export const ERAS: readonly Era[] = [
  { id: "meiji", kanji: "明治", start: { year: 1868, month: 1, day: 1 } },
  { id: "taisho", kanji: "大正", start: { year: 1912, month: 7, day: 30 } },
  { id: "showa", kanji: "昭和", start: { year: 1926, month: 12, day: 25 } },
  { id: "heisei", kanji: "平成", start: { year: 1989, month: 1, day: 8 } },
  { id: "reiwa", kanji: "令和", start: { year: 2019, month: 5, day: 1 } },
];

export interface EraDate {
  readonly era: EraId;
  /** 1 = 元年 */
  readonly eraYear: number;
  readonly month: number;
  readonly day: number;
}

export function eraById(id: EraId): Era {
  const e = ERAS.find((x) => x.id === id);
  if (!e) throw new Error(`unknown era ${String(id)}`);
  return e;
}

/** The era date of a Western date, or null before Meiji. */
export function toEraDate(d: CalendarDate): EraDate | null {
  for (let i = ERAS.length - 1; i >= 0; i--) {
    const e = ERAS[i];
    if (e && compareDates(d, e.start) >= 0) {
      return { era: e.id, eraYear: d.year - e.start.year + 1, month: d.month, day: d.day };
    }
  }
  return null;
}

/**
 * The Western date of an era date, or null when that day does not exist in that era
 * (e.g. 昭和64年2月1日, 平成31年5月1日, 令和1年4月30日, 平成2年2月30日).
 */
export function fromEraDate(e: EraDate): CalendarDate | null {
  const idx = ERAS.findIndex((x) => x.id === e.era);
  const era = ERAS[idx];
  if (!era || !Number.isInteger(e.eraYear) || e.eraYear < 1) return null;
  const year = era.start.year + e.eraYear - 1;
  if (!isValidDate(year, e.month, e.day)) return null;
  const d: CalendarDate = { year, month: e.month, day: e.day };
  if (compareDates(d, era.start) < 0) return null;
  const next = ERAS[idx + 1];
  if (next && compareDates(d, next.start) >= 0) return null;
  return d;
}
