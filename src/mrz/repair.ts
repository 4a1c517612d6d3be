/**
 * What the field types of a TD3 MRZ allow the OCR text to be corrected by, and no more. Pure.
 *
 * 1. Type-driven: a field that holds only digits (dates, check digits) cannot hold O, I, Z…; a field
 *    that holds only letters (states, sex, names) cannot hold 0, 1, 2…: the usual look-alikes are
 *    mapped to the only class the position allows (O/D/Q→0, I/L→1, Z→2, S→5, G→6, B→8; and back).
 *    This is what the MRZ's field types say, not a guess: the wrong class cannot be printed there.
 * 2. Check-digit-guided, only for the two fields that mix letters and digits (document number,
 *    optional data), and only when the text as read FAILS its check: each single look-alike
 *    substitution in that field is tried; it is taken only when exactly one passes both the field's
 *    check digit and the composite check digit. Never two substitutions (that would weaken the
 *    two mod-10 checks to a coin toss over many candidates).
 * The result is still judged by validate.ts, and a key needs frames that agree (read.ts).
 *
 * Known blind spot of the check digits themselves (ICAO weights 7-3-1, mod 10): characters whose
 * values differ by a multiple of 10 (e.g. G=16 and 6, S=28 and 8, A=10 and 0) or `<` and `0` give
 * the same digit; agreement across frames is the guard there.
 */
import { checkDigit, compositeOf, TD3 } from "./check";

const TO_DIGIT: Record<string, string> = { O: "0", D: "0", Q: "0", I: "1", L: "1", Z: "2", S: "5", G: "6", B: "8" };
const TO_LETTER: Record<string, string> = { "0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B" };
const LOOKALIKE: Record<string, readonly string[]> = {
  "0": ["O", "D", "Q"], O: ["0"], D: ["0"], Q: ["0"],
  "1": ["I"], I: ["1"], "2": ["Z"], Z: ["2"], "5": ["S"], S: ["5"], "6": ["G"], G: ["6"], "8": ["B"], B: ["8"],
};

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
  return byKind(line1, (i) => (i === 0 ? "alpha" : "alpha"));
}

function checksHold(line2: string, field: readonly [number, number], check: number): boolean {
  const want = line2[check];
  const got = checkDigit(line2.slice(field[0], field[1]));
  const fieldOk = want === "<" ? /^<+$/.test(line2.slice(field[0], field[1])) : got !== null && String(got) === want;
  return fieldOk && String(compositeOf(line2)) === line2[TD3.compositeCheck];
}

function oneSubstitution(line2: string, field: readonly [number, number], check: number): string {
  if (checksHold(line2, field, check)) return line2;
  const passing: string[] = [];
  for (let i = field[0]; i < field[1]; i++) {
    for (const alt of LOOKALIKE[line2[i] ?? ""] ?? []) {
      const cand = line2.slice(0, i) + alt + line2.slice(i + 1);
      if (checksHold(cand, field, check)) passing.push(cand);
    }
  }
  return passing.length === 1 ? (passing[0] as string) : line2;
}

/** Line 2: type-driven mapping, then at most one look-alike substitution per mixed field. */
export function repairLine2(line2: string): string {
  if (line2.length !== TD3.lineLength) return line2;
  let l = byKind(line2, (i) => KINDS2[i] ?? "alnum");
  l = oneSubstitution(l, TD3.documentNumber, TD3.documentNumberCheck);
  l = oneSubstitution(l, TD3.optional, TD3.optionalCheck);
  return l;
}
