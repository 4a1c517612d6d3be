/** Dates as `DocumentData` carries them. Pure. */
import type { CalendarDate } from "../age/date";

/** "YYYYMMDD" as ASCII bytes, written digit by digit: no string holding the date is made. */
export function asciiDate(d: CalendarDate): Uint8Array {
  const out = new Uint8Array(8);
  let n = d.year * 10_000 + d.month * 100 + d.day;
  for (let i = 7; i >= 0; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return out;
}
