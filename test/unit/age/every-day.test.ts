/**
 * Every day from 1900 to 2100 against independent formulations:
 * - age: the integer trick floor((YYYYMMDD(today) − YYYYMMDD(birth)) / 10000), which never looks at
 *   anniversaries and so gives 29 February → 1 March in common years by arithmetic alone;
 * - eras: a table of era start days as YYYYMMDD numbers, compared numerically;
 * - Tokyo day: the instant shifted by +9 h read with getUTC* (no Intl).
 */
import { describe, expect, it } from "vitest";
import { ageOn, ageAt, anniversaryIn } from "../../../src/age/legal-age";
import { toEraDate, fromEraDate, type EraId } from "../../../src/age/era";
import { tokyoDate, isLeapYear, daysInMonth, type CalendarDate } from "../../../src/age/date";

function* everyDay(from: number, to: number): Generator<CalendarDate> {
  const d = new Date(Date.UTC(from, 0, 1));
  while (d.getUTCFullYear() <= to) {
    yield { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    d.setUTCDate(d.getUTCDate() + 1);
  }
}

const num = (d: CalendarDate) => d.year * 10_000 + d.month * 100 + d.day;
const independentAge = (birth: CalendarDate, today: CalendarDate) =>
  num(today) < num(birth) ? -1 : Math.floor((num(today) - num(birth)) / 10_000);

const addDays = (d: CalendarDate, n: number): CalendarDate => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

const DAYS = [...everyDay(1900, 2100)];

describe("legal age in Japan, every day 1900–2100", () => {
  it("covers 73,414 days including 29 February of every leap year", () => {
    expect(DAYS).toHaveLength(73_414);
    expect(DAYS.filter((d) => d.month === 2 && d.day === 29)).toHaveLength(49);
  });

  it("agrees with the integer formula on the day before, the day of and the day after every 20th birthday", () => {
    let checked = 0;
    const bad: unknown[] = [];
    for (const birth of DAYS) {
      if (birth.year > 2080) break;
      const anniversary = anniversaryIn(birth, birth.year + 20);
      const before = addDays(anniversary, -1);
      for (const today of [before, anniversary, addDays(anniversary, 1)]) {
        const a = ageOn(birth, today);
        if (a !== independentAge(birth, today)) bad.push({ birth, today, a });
        checked++;
      }
      if (ageOn(birth, anniversary) !== 20 || ageOn(birth, before) !== 19) bad.push({ birth, anniversary });
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(190_000);
  });

  it("agrees with the integer formula for every day as today against births spread over 120 years", () => {
    const bad: unknown[] = [];
    for (const today of DAYS) {
      for (const back of [0, 1, 365, 7_305, 7_306, 18_262, 43_830]) {
        const birth = addDays(today, -back);
        const a = ageOn(birth, today);
        if (a !== independentAge(birth, today)) bad.push({ birth, today, a });
      }
    }
    expect(bad).toEqual([]);
  });

  it("makes someone born on 29 February a year older on 1 March in common years and on 29 February in leap years", () => {
    const leapling = { year: 2004, month: 2, day: 29 };
    expect(ageOn(leapling, { year: 2023, month: 2, day: 28 })).toBe(18);
    expect(ageOn(leapling, { year: 2023, month: 3, day: 1 })).toBe(19);
    expect(ageOn(leapling, { year: 2024, month: 2, day: 28 })).toBe(19);
    expect(ageOn(leapling, { year: 2024, month: 2, day: 29 })).toBe(20);
    // 2100 is not a leap year (divisible by 100, not by 400).
    expect(isLeapYear(2100)).toBe(false);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(ageOn({ year: 2080, month: 2, day: 29 }, { year: 2100, month: 3, day: 1 })).toBe(20);
    expect(ageOn({ year: 2080, month: 2, day: 29 }, { year: 2100, month: 2, day: 28 })).toBe(19);
  });

  it("counts the day in Japan at the instant, whatever the process time zone", () => {
    const saved = process.env["TZ"];
    try {
      for (const tz of ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Tokyo"]) {
        process.env["TZ"] = tz;
        const birth = { year: 2006, month: 6, day: 2 };
        expect(ageAt(birth, Date.UTC(2026, 5, 1, 14, 59, 59, 999))).toBe(19);
        expect(ageAt(birth, Date.UTC(2026, 5, 1, 15, 0, 0, 0))).toBe(20);
      }
    } finally {
      if (saved === undefined) delete process.env["TZ"];
      else process.env["TZ"] = saved;
    }
  });
});

describe("the day in Tokyo, every day 1952–2100", () => {
  it("turns at 15:00 UTC, read against the instant shifted by nine hours", () => {
    const bad: unknown[] = [];
    for (const d of everyDay(1952, 2100)) {
      for (const ms of [Date.UTC(d.year, d.month - 1, d.day, 14, 59, 59, 999), Date.UTC(d.year, d.month - 1, d.day, 15)]) {
        const t = new Date(ms + 9 * 3_600_000);
        const want = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
        const got = tokyoDate(ms);
        if (got.year !== want.year || got.month !== want.month || got.day !== want.day) bad.push({ ms, got, want });
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("eras, every day 1900–2100", () => {
  const STARTS: [EraId, number][] = [
    ["meiji", 18_680_101],
    ["taisho", 19_120_730],
    ["showa", 19_261_225],
    ["heisei", 19_890_108],
    ["reiwa", 20_190_501],
  ];
  const eraOf = (d: CalendarDate): { era: EraId; first: number } => {
    let out: { era: EraId; first: number } = { era: "meiji", first: 1868 };
    for (const [era, start] of STARTS) if (num(d) >= start) out = { era, first: Math.floor(start / 10_000) };
    return out;
  };

  it("names the era and era year of every day by numeric comparison with the era start days, and converts back", () => {
    const bad: unknown[] = [];
    for (const d of DAYS) {
      const e = toEraDate(d);
      const want = eraOf(d);
      if (!e || e.era !== want.era || e.eraYear !== d.year - want.first + 1 || e.month !== d.month || e.day !== d.day) {
        bad.push({ d, e, want });
        continue;
      }
      const back = fromEraDate(e);
      if (!back || num(back) !== num(d)) bad.push({ d, e, back });
    }
    expect(bad).toEqual([]);
  });

  it("knows the boundary days exactly", () => {
    expect(toEraDate({ year: 1989, month: 1, day: 7 })).toEqual({ era: "showa", eraYear: 64, month: 1, day: 7 });
    expect(toEraDate({ year: 1989, month: 1, day: 8 })).toEqual({ era: "heisei", eraYear: 1, month: 1, day: 8 });
    expect(toEraDate({ year: 2019, month: 4, day: 30 })).toEqual({ era: "heisei", eraYear: 31, month: 4, day: 30 });
    expect(toEraDate({ year: 2019, month: 5, day: 1 })).toEqual({ era: "reiwa", eraYear: 1, month: 5, day: 1 });
    expect(fromEraDate({ era: "showa", eraYear: 64, month: 2, day: 1 })).toBeNull();
    expect(fromEraDate({ era: "reiwa", eraYear: 1, month: 4, day: 30 })).toBeNull();
    expect(fromEraDate({ era: "heisei", eraYear: 2, month: 2, day: 30 })).toBeNull();
    expect(fromEraDate({ era: "heisei", eraYear: 0, month: 5, day: 1 })).toBeNull();
  });
});
