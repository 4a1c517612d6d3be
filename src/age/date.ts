/**
 * Calendar dates without time zones: a birth date or an expiry is a day, not an instant.
 * "Today" is always the day in Asia/Tokyo, whatever the system time zone.
 */

export interface CalendarDate {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number; // 1–31
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) &&
    Number.isInteger(m) &&
    Number.isInteger(d) &&
    m >= 1 &&
    m <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, m)
  );
}

/** Negative, zero or positive like a comparator. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** "YYYYMMDD" or "YYYY-MM-DD" → date, or null when malformed or not a real day. */
export function parseIsoDate(s: string): CalendarDate | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/**
 * "YYYYMMDD" as ASCII bytes (the chip's dates) → date, or null when malformed or not a real day.
 * Read digit by digit, so that no string holding the date is made (strings cannot be zeroed).
 */
export function parseAsciiDate(b: Uint8Array): CalendarDate | null {
  if (b.length !== 8) return null;
  let n = 0;
  for (const c of b) {
    if (c < 0x30 || c > 0x39) return null;
    n = n * 10 + (c - 0x30);
  }
  const year = Math.floor(n / 10_000);
  const month = Math.floor(n / 100) % 100;
  const day = n % 100;
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/** 00:00 in Japan (UTC+9, no daylight saving) on day `d`, as epoch ms. */
export function tokyoMidnight(d: CalendarDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) - 9 * 3_600_000;
}

export function formatIsoDate(d: CalendarDate): string {
  return `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

// One formatter, made once: building an Intl.DateTimeFormat costs tens of microseconds per call.
// A constant, not state: it never changes after module load.
const TOKYO = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar day in Japan at the instant `epochMs`, whatever the system time zone. */
export function tokyoDate(epochMs: number): CalendarDate {
  // Japan has used UTC+9 without daylight saving since 1952; Intl confirms it from the tz database
  // (and knows the 1948–1951 summer time, which no living customer's session can fall into).
  const parts = TOKYO.formatToParts(new Date(epochMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}
