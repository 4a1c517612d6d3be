/**
 * What the field types of a TD3 MRZ allow, and no more. Pure. The glyph classifier reads each
 * position only among the characters `allowedAt` gives (frame.ts); `repairLine1`/`repairLine2` are
 * the same rule applied to text read by an engine without that restriction (kept for text input,
 * e.g. an OCR port's output; the validation tests use them).
 *
 * Type-driven: a field that holds only digits (dates, check digits) cannot hold O, I, Z…; a field
 *    that holds only letters (states, sex, names) cannot hold 0, 1, 2…: the usual look-alikes are
 *    mapped to the only class the position allows (O/D/Q→0, I/L→1, Z→2, S→5, G→6, B→8; and back).
 *    This is what the MRZ's field types say, not a guess: the wrong class cannot be printed there.
 * Nothing else is corrected. In particular no look-alike in the two mixed fields (document number,
 * optional data) is swapped to make a failing check digit pass: tried and measured, that turned a
 * misread plus a lucky swap into a WRONG key (T read as 8, then 1→I elsewhere passed both the field's
 * and the composite check digit: two mod-10 checks over ~10 candidates pass by chance ~10 % of the
 * time). A mixed field that fails its check stays failed → not sure.
 * The result is still judged by validate.ts, and a key needs frames that agree (read.ts).
 *
 * Known blind spot of the check digits themselves (ICAO weights 7-3-1, mod 10): characters whose
 * values differ by a multiple of 10 (e.g. G=16 and 6, S=28 and 8, A=10 and 0) or `<` and `0` give
 * the same digit; agreement across frames is the guard there.
 */
import { TD3 } from "./check";

const TO_DIGIT: Record<string, string> = { O: "0", D: "0", Q: "0", I: "1", L: "1", Z: "2", S: "5", G: "6", B: "8" };
const TO_LETTER: Record<string, string> = { "0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B" };
type Kind = "digit" | "alpha" | "alnum";

function line2Kinds(): Kind[] {
  const k: Kind[] = new Array<Kind>(TD3.lineLength).fill("alnum");
  for (let i = 9; i <= 9; i++) k[i] = "digit";
  for (let i = 10; i < 13; i++) k[i] = "alpha";
  for (let i = 13; i < 20; i++) k[i] = "digit";
  k[20] = "alpha";
  for (let i = 21; i < 28; i++) k[i] = "digit";
  k[42] = "digit";
  k[43] = "digit";
  return k;
}
const KINDS2 = line2Kinds();

function byKind(line: string, kinds: (i: number) => Kind): string {
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "<";
    const k = kinds(i);
    out += k === "digit" ? (TO_DIGIT[c] ?? c) : k === "alpha" ? (TO_LETTER[c] ?? c) : c;
  }
  return out;
}

/** Line 1: `P`, then letters and fillers only. */
export function repairLine1(line1: string): string {
  return byKind(line1, () => "alpha");
}

/** Line 2: type-driven mapping only. */
export function repairLine2(line2: string): string {
  if (line2.length !== TD3.lineLength) return line2;
  return byKind(line2, (i) => KINDS2[i] ?? "alnum");
}

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The characters a TD3 position can hold by its field type (Doc 9303 part 4 §4.2.2): what the glyph
 * classifier may choose from at that position (classify.ts `bestAllowed`). Line 1: `P`, then the
 * type's second letter, issuing state and names: letters and fillers. Line 2: dates and check digits
 * digits (a birth date may hold `<` for an unknown part; the optional data's check digit is `<` when
 * the field is empty), nationality letters and fillers, sex M/F/<, the two mixed fields anything.
 */
export function allowedAt(line: 0 | 1, i: number): string {
  if (line === 0) return i === 0 ? "P" : LETTERS + "<";
  if (i >= TD3.birthDate[0] && i < TD3.birthDate[1]) return DIGITS + "<";
  if (i === TD3.sex) return "MF<";
  if (i === TD3.optionalCheck) return DIGITS + "<";
  const k = KINDS2[i] ?? "alnum";
  return k === "digit" ? DIGITS : k === "alpha" ? LETTERS + "<" : DIGITS + LETTERS + "<";
}
