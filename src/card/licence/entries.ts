/**
 * DF1/EF01 (記載事項, every entry except 本籍) → the few fields the kiosk uses. Pure.
 *
 * Format ([code] soft-studio `parse_tag`, TRET `convertToMatters`; reference §1.5): a chain of simple
 * TLVs, 1-byte tag and 1-byte length (a BER parser would misread tag 1F, condition 4), then filler.
 * The chain ends at the end of the file or at a tag byte 00 or FF (the filler; [guess]: the readers
 * stop at the file length). A length running past the file is malformed.
 *
 * Kept: 氏名 (12, shown to staff), 生年月日 (16), 有効期間の末日 (1B), 免許証の番号 (21, shown to
 * staff). Not kept: the reading, address, 本籍, conditions, issue dates, licence classes — staff compare
 * the name, birth date, expiry, number and the printed photo; the age check needs the birth date.
 */
import { CardError } from "../errors";
import type { CalendarDate } from "../../age/date";
import { decodeLicenceDate, LICENCE_DATE_BYTES } from "./era-date";
import { TAG } from "./ids";
import { jisX0208ToUtf8 } from "./jis";

export interface LicenceEntries {
  /** 氏名 as UTF-8 (converted from JIS X 0208 byte by byte; no string made). */
  readonly nameUtf8: Uint8Array;
  /** 免許証の番号 as ASCII digits. */
  readonly licenceNumber: Uint8Array;
  /** null: the field is missing or not a date (→ not sure). */
  readonly birthDate: CalendarDate | null;
  readonly expiry: CalendarDate | null;
  wipe(): void;
}

const LICENCE_NUMBER_DIGITS = 12;

function malformed(what: string): CardError {
  return new CardError({ kind: "malformed", what: `DF1/EF01: ${what}` });
}

/** Every field's value range in `file`, by tag (the first occurrence wins). */
function fields(file: Uint8Array): Map<number, { start: number; end: number }> {
  const out = new Map<number, { start: number; end: number }>();
  let p = 0;
  while (p < file.length) {
    const tag = file[p] ?? 0;
    if (tag === 0x00 || tag === 0xff) break;
    if (p + 2 > file.length) throw malformed(`tag ${tag.toString(16)} without a length at ${p}`);
    const len = file[p + 1] ?? 0;
    const start = p + 2;
    const end = start + len;
    if (end > file.length) throw malformed(`tag ${tag.toString(16)} runs past the file at ${p}`);
    if (!out.has(tag)) out.set(tag, { start, end });
    p = end;
  }
  return out;
}

function asciiDigits(b: Uint8Array, length: number): boolean {
  return b.length === length && b.every((c) => c >= 0x30 && c <= 0x39);
}

/** Parse EF01's bytes. Throws CardError malformed when the TLV chain is broken; missing fields are empty/null. */
export function parseEntries(file: Uint8Array): LicenceEntries {
  const f = fields(file);
  const value = (tag: number): Uint8Array => {
    const r = f.get(tag);
    return r ? file.subarray(r.start, r.end) : new Uint8Array(0);
  };
  const date = (tag: number, rule: "strict" | "arithmetic") => {
    const v = value(tag);
    return v.length === LICENCE_DATE_BYTES ? decodeLicenceDate(v, rule) : null;
  };
  const number = value(TAG.licenceNumber);
  const nameUtf8 = jisX0208ToUtf8(value(TAG.name));
  const licenceNumber = asciiDigits(number, LICENCE_NUMBER_DIGITS) ? number.slice() : new Uint8Array(0);
  return {
    nameUtf8,
    licenceNumber,
    birthDate: date(TAG.birthDate, "strict"),
    expiry: date(TAG.expiry, "arithmetic"),
    wipe() {
      nameUtf8.fill(0);
      licenceNumber.fill(0);
    },
  };
}
