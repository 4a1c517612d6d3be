/**
 * ICAO Doc 9303 part 3 §4.9 check digits (weights 7, 3, 1 repeating; `0`–`9` = 0–9, `A`–`Z` = 10–35,
 * filler `<` = 0; the sum modulo 10) and the TD3 field positions of the access-key data (part 4 §4.2.2:
 * line 2 = document number 1–9, its check digit 10, nationality 11–13, birth date 14–19, check 20,
 * sex 21, expiry 22–27, check 28, optional data 29–42, its check 43, composite check 44 over 1–10,
 * 14–20, 22–43). Pure.
 *
 * Note what the digit cannot see: `<` and `0` have the same value, so a misread between them inside
 * a field keeps its check digit (the classifier's margin rule and the frame agreement guard that case).
 */

export const MRZ_ALPHABET = /^[0-9A-Z<]*$/;

export function charValue(c: string): number | null {
  if (c === "<") return 0;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return null;
}

/** The check digit of `s` (characters of the MRZ alphabet only), or null. */
export function checkDigit(s: string): number | null {
  const w = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const v = charValue(s[i] ?? "");
    if (v === null) return null;
    sum += v * (w[i % 3] ?? 1);
  }
  return sum % 10;
}

/** TD3 line 2, zero-based [start, end) ranges. */
export const TD3 = {
  lineLength: 44,
  documentNumber: [0, 9],
  documentNumberCheck: 9,
  nationality: [10, 13],
  birthDate: [13, 19],
  birthDateCheck: 19,
  sex: 20,
  expiry: [21, 27],
  expiryCheck: 27,
  optional: [28, 42],
  optionalCheck: 42,
  compositeCheck: 43,
} as const;

/** Line 2's positions 1–28: every field of the BAC/PACE access key (document number, birth date and
 *  expiry with their check digits, and the nationality and sex between them). What a left part of the
 *  lines must show (segment.ts, validate.ts) and what the session agrees on for one (read.ts). */
export const KEY_END = TD3.expiryCheck + 1;

/** The composite check digit of a TD3 line 2 (over positions 1–10, 14–20, 22–43). */
export function compositeOf(line2: string): number | null {
  return checkDigit(line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, 43));
}
