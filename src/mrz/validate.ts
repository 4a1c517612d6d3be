/**
 * Judges two OCR'd MRZ lines: TD3 structure and check digits through the maintained `mrz` package
 * (cheminfo/mrz: it parses and checks each field), plus rules of our own that the check digits
 * cannot see. Pure.
 *
 * A reading is `valid` only when ALL of these hold:
 * - both lines are exactly 44 characters of A–Z 0–9 `<` (the engine neither dropped nor added one);
 * - `mrz.parse` says TD3, document code `P…`, and these fields valid: document number and its check
 *   digit, nationality (a known state code), birth date and its check digit, expiry and its check
 *   digit, the optional data's check digit, and the composite check digit (which covers the document
 *   number, both dates and the optional data once more);
 * - line 1: a known issuing state, and a name field of letters and fillers only (it has no check
 *   digit and is not part of the key; these checks catch a misaligned or misread line);
 * - the document number starts with a letter or digit and its `<` fillers only trail it: `<` and `0`
 *   carry the same check-digit value, so an inner `<` read for `0` would otherwise pass.
 * The key comes from line 2 only; `reasons` name the failed checks (no text of the MRZ).
 */
import { parse, type ParseResult } from "mrz";
import { checkDigit, compositeOf, KEY_END, TD3 } from "./check";

export type MrzCheck =
  | "length"
  | "alphabet"
  | "format"
  | "document-code"
  | "document-number"
  | "document-number-check"
  | "nationality"
  | "birth-date"
  | "birth-date-check"
  | "expiry"
  | "expiry-check"
  | "optional-check"
  | "composite-check"
  | "issuing-state"
  | "name";

export type Validation = { valid: true; line1: string; line2: string } | { valid: false; failed: MrzCheck[] };

const REQUIRED: [string, MrzCheck][] = [
  ["documentCode", "document-code"],
  ["documentNumber", "document-number"],
  ["documentNumberCheckDigit", "document-number-check"],
  ["nationality", "nationality"],
  ["birthDate", "birth-date"],
  ["birthDateCheckDigit", "birth-date-check"],
  ["expirationDate", "expiry"],
  ["expirationDateCheckDigit", "expiry-check"],
  ["personalNumberCheckDigit", "optional-check"],
  ["compositeCheckDigit", "composite-check"],
  ["issuingState", "issuing-state"],
];

export function validateTd3(line1: string, line2: string): Validation {
  if (line1.length !== TD3.lineLength || line2.length !== TD3.lineLength) return { valid: false, failed: ["length"] };
  if (!/^[A-Z0-9<]+$/.test(line1 + line2)) return { valid: false, failed: ["alphabet"] };
  let r: ParseResult;
  try {
    r = parse([line1, line2]);
  } catch {
    return { valid: false, failed: ["format"] };
  }
  if (r.format !== "TD3") return { valid: false, failed: ["format"] };
  const failed: MrzCheck[] = [];
  for (const [field, check] of REQUIRED) {
    const d = r.details.find((x) => x.field === field);
    if (!d || !d.valid) failed.push(check);
  }
  if (line1[0] !== "P") failed.push("document-code");
  if (!/^[A-Z<]{39}$/.test(line1.slice(5)) || line1[5] === "<") failed.push("name");
  const doc = line2.slice(TD3.documentNumber[0], TD3.documentNumber[1]);
  if (!/^[A-Z0-9][A-Z0-9]*<*$/.test(doc)) failed.push("document-number");
  if (failed.length > 0) return { valid: false, failed: [...new Set(failed)] };
  return { valid: true, line1, line2 };
}

/** Fewest leading positions `validateTd3Left` judges: the key's fields end at position 28 (index 27). */
export const MIN_LEFT_PART = KEY_END;

/**
 * The first n positions of both lines (MIN_LEFT_PART ≤ n < 44: the right end hidden by a thumb or
 * glare), judged by every check whose glyphs are all visible, with the same rules as `validateTd3`:
 * document code, issuing state and name letters on line 1; on line 2 the document number and its
 * check digit (and its fillers only trailing), nationality, birth date and expiry with their check
 * digits, sex, and the optional data's check digit when n = 43. The checks that cover a hidden glyph
 * cannot be made: the composite check digit (position 44) never, the optional data's (43) unless
 * n = 43. Done by completing the lines, hidden positions as fillers and the hidden check digits as
 * computed from what they cover, so those two checks hold vacuously and every other one runs
 * unchanged in `validateTd3`. Valid → the two visible parts (never the completed lines: the hidden
 * glyphs are unknown). What this gives up is judged in src/mrz/README.md (the composite check digit
 * is a second check over the key fields; it catches some double misreads the field check digits
 * cannot).
 */
export function validateTd3Left(line1: string, line2: string): Validation {
  const n = line2.length;
  if (line1.length !== n || n < MIN_LEFT_PART || n >= TD3.lineLength) return { valid: false, failed: ["length"] };
  let l2 = line2.padEnd(TD3.optionalCheck, "<");
  if (n <= TD3.optionalCheck) l2 += String(checkDigit(l2.slice(TD3.optional[0], TD3.optional[1])) ?? "<");
  else l2 = line2;
  const composite = compositeOf(l2);
  const v = validateTd3(line1.padEnd(TD3.lineLength, "<"), l2 + String(composite ?? "<"));
  return v.valid ? { valid: true, line1, line2 } : v;
}

/** OCR text → one candidate line: whitespace removed (the engine may put spaces between glyphs). */
export function cleanLine(text: string): string {
  return text.replace(/\s+/g, "");
}
