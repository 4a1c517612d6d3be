/**
 * Fictional passport holders and their TD3 machine-readable zones (ICAO Doc 9303 part 4): random
 * but valid data (real state codes, names with `<` fillers and truncation, document numbers of 7–9
 * characters padded with `<`, optional data empty or filled), check digits from src/mrz/check.ts.
 * Seeded and reproducible. Everything is fictional.
 */
import { checkDigit, compositeOf } from "../../src/mrz/check";
import { rng } from "../cardface/people";

export { rng };

export interface Holder {
  surname: string;
  given: string;
  nationality: string;
  issuer: string;
  sex: "M" | "F" | "<";
  /** YYMMDD */
  birth: string;
  /** YYMMDD */
  expiry: string;
  /** as printed in the MRZ (≤ 9 characters, without fillers) */
  documentNumber: string;
  optional: string;
  /** the two 44-character lines */
  lines: [string, string];
}

const STATES = ["JPN", "USA", "GBR", "D<<", "FRA", "CHN", "KOR", "AUS", "CAN", "ITA", "ESP", "NLD", "BRA", "IND", "THA", "VNM", "PHL", "SGP", "NZL", "MEX", "SWE", "CHE", "IDN", "MYS"];
const SURNAMES = ["SUZUKI", "TANAKA", "SMITH", "MUELLER", "DUPONT", "WANG", "KIM", "NGUYEN", "GARCIA", "ROSSI", "VAN DER BERG", "O NEILL", "MACKENZIE WORTHINGTON", "LI", "SILVA SANTOS", "JOHANSSON", "SCHMIDT", "ANDERSEN", "PATEL", "OKONKWO", "DE LA CRUZ", "YAMAMOTO", "FERNANDEZ GARCIA LOPEZ DE ARANDA"];
const GIVEN = ["TARO", "HANAKO", "JOHN PAUL", "ANNA MARIA", "WEI", "MIN JUN", "LUCIA", "OLIVER", "SOPHIE", "KWAME", "AIKO", "PIERRE ALEXANDRE", "ISABELLA", "MOHAMMED", "EMMA", "JOSE", "MARGARETHE ELISABETH", "YUKI", "LIAM", "CHLOE"];
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join("");
const letters = (r: () => number, n: number) => Array.from({ length: n }, () => pick(r, [...LETTERS])).join("");
const yymmdd = (y: number, m: number, d: number) => `${String(y % 100).padStart(2, "0")}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;

function documentNumber(r: () => number, state: string): string {
  const k = r();
  if (state === "JPN") return letters(r, 2) + digits(r, 7);
  if (state === "D<<") return letters(r, 1) + Array.from({ length: 8 }, () => (r() < 0.6 ? digits(r, 1) : pick(r, [..."CFGHJKLMNPRTVWXYZ"]))).join("");
  if (k < 0.2) return letters(r, 1) + digits(r, 6 + Math.floor(r() * 2)); // 7–8 characters: padded with `<`
  if (k < 0.6) return digits(r, 9);
  return letters(r, 2) + digits(r, 7);
}

/** Name field of line 1 (39 characters): SURNAME<<GIVEN<NAMES, spaces → `<`, truncated, filled. */
export function nameField(surname: string, given: string): string {
  const s = surname.replace(/[ '-]/g, "<");
  const g = given.replace(/[ '-]/g, "<");
  return `${s}<<${g}`.slice(0, 39).padEnd(39, "<");
}

export function makeHolder(r: () => number, today: { year: number; month: number; day: number }): Holder {
  const issuer = pick(r, STATES);
  const nationality = r() < 0.9 ? issuer : pick(r, STATES);
  const by = today.year - 18 - Math.floor(r() * 62);
  const birth = yymmdd(by, 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28));
  const ey = today.year - 1 + Math.floor(r() * 11);
  const expiry = yymmdd(ey, 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28));
  const doc = documentNumber(r, issuer);
  const docField = doc.padEnd(9, "<");
  const sex = pick(r, ["M", "F", "M", "F", "<"] as const);
  const optional = r() < 0.5 ? "<".repeat(14) : (letters(r, 2) + digits(r, 6 + Math.floor(r() * 6))).padEnd(14, "<");
  const optCheck = /^<+$/.test(optional) && r() < 0.5 ? "<" : String(checkDigit(optional));
  const surname = pick(r, SURNAMES);
  const given = pick(r, GIVEN);
  const line1 = `P<${issuer}${nameField(surname, given)}`;
  const partial = `${docField}${checkDigit(docField)}${nationality}${birth}${checkDigit(birth)}${sex}${expiry}${checkDigit(expiry)}${optional}${optCheck}`;
  const line2 = `${partial}${compositeOf(`${partial}0`)}`;
  if (line1.length !== 44 || line2.length !== 44) throw new Error("bad MRZ length");
  return { surname, given, nationality, issuer, sex, birth, expiry, documentNumber: doc, optional, lines: [line1, line2] };
}
