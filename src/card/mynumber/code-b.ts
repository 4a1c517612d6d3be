/**
 * 照合番号B from what is printed on the card face (reference §3.2): 14 ASCII digits =
 * birth date YYMMDD **as printed** + card expiry year YYYY + 4-digit security code.
 *
 * - Japanese nationals: the card prints the birth date in the Japanese era; YY is the era year,
 *   元年 = 01 (confirmed on a chip: 1980-02-17 = 昭和55 → "550217"). Era boundaries fall mid-year and
 *   are decided by the full date (age/era.ts): 昭和64年1月7日 exists, 昭和64年1月8日 does not.
 * - Foreign residents: the card prints the Western calendar; YY = the last two digits of the year.
 *   This follows the 住基カード rule and is NOT confirmed for My Number cards (reference §12 q2).
 * - Expiry year: the Western year of the card's expiry (not the certificate's).
 * Every problem is reported at once, each with a reason code a screen can translate. Pure.
 */
import { isValidDate } from "../../age/date";
import { fromEraDate, type EraId } from "../../age/era";
import { CodeB } from "../secret";

export type PrintedBirth =
  | { calendar: "era"; era: EraId; eraYear: number; month: number; day: number }
  | { calendar: "western"; year: number; month: number; day: number };

export interface CodeBInput {
  birth: PrintedBirth;
  expiryYear: number;
  securityCode: string;
}

export type CodeBProblem =
  /** The era date does not exist (e.g. 昭和64年2月1日, 平成31年5月1日, 令和1年4月30日, 平成2年2月30日). */
  | { kind: "era-date-not-in-era"; field: "birth" }
  /** Era year outside 1..99 (two digits on the card). */
  | { kind: "era-year-out-of-range"; field: "birth" }
  /** A Western date that is not a real day (2月30日, 13月…). */
  | { kind: "date-invalid"; field: "birth" }
  /** Western birth year outside 1868..2099. */
  | { kind: "year-out-of-range"; field: "birth" }
  /** Expiry year must be a 4-digit year from 2015 (first cards issued 2016) to 2099. */
  | { kind: "expiry-year-out-of-range"; field: "expiryYear" }
  /** The card expires before the holder was born. */
  | { kind: "expiry-before-birth"; field: "expiryYear" }
  /** Security code must be exactly 4 ASCII digits. */
  | { kind: "security-code-format"; field: "securityCode" };

export type CodeBResult = { ok: true; code: CodeB } | { ok: false; problems: CodeBProblem[] };

const two = (n: number) => String(n % 100).padStart(2, "0");

/** The six birth digits as printed (YYMMDD), or the problems. */
export function printedBirthDigits(birth: PrintedBirth): { ok: true; digits: string; westernYear: number } | { ok: false; problems: CodeBProblem[] } {
  if (birth.calendar === "era") {
    if (!Number.isInteger(birth.eraYear) || birth.eraYear < 1 || birth.eraYear > 99) {
      return { ok: false, problems: [{ kind: "era-year-out-of-range", field: "birth" }] };
    }
    const d = fromEraDate({ era: birth.era, eraYear: birth.eraYear, month: birth.month, day: birth.day });
    if (!d) return { ok: false, problems: [{ kind: "era-date-not-in-era", field: "birth" }] };
    return { ok: true, digits: two(birth.eraYear) + two(birth.month) + two(birth.day), westernYear: d.year };
  }
  if (!Number.isInteger(birth.year) || birth.year < 1868 || birth.year > 2099) {
    return { ok: false, problems: [{ kind: "year-out-of-range", field: "birth" }] };
  }
  if (!isValidDate(birth.year, birth.month, birth.day)) return { ok: false, problems: [{ kind: "date-invalid", field: "birth" }] };
  return { ok: true, digits: two(birth.year) + two(birth.month) + two(birth.day), westernYear: birth.year };
}

export function deriveCodeB(input: CodeBInput): CodeBResult {
  const problems: CodeBProblem[] = [];
  const birth = printedBirthDigits(input.birth);
  if (!birth.ok) problems.push(...birth.problems);
  const y = input.expiryYear;
  if (!Number.isInteger(y) || y < 2015 || y > 2099) problems.push({ kind: "expiry-year-out-of-range", field: "expiryYear" });
  else if (birth.ok && y < birth.westernYear) problems.push({ kind: "expiry-before-birth", field: "expiryYear" });
  if (typeof input.securityCode !== "string" || !/^[0-9]{4}$/.test(input.securityCode)) {
    problems.push({ kind: "security-code-format", field: "securityCode" });
  }
  if (problems.length > 0 || !birth.ok) return { ok: false, problems };
  const code = CodeB.fromDigits(birth.digits + String(y) + input.securityCode);
  // Unreachable when the checks above pass; kept as a typed failure rather than a throw.
  if (!code) return { ok: false, problems: [{ kind: "security-code-format", field: "securityCode" }] };
  return { ok: true, code };
}
