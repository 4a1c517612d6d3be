import { describe, expect, it } from "vitest";
import { deriveCodeB, type CodeBInput } from "../../../src/card/mynumber/code-b";
import { loadDeck } from "../../../src/card/sim/deck";

function digits(input: CodeBInput): string {
  const r = deriveCodeB(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.code.useBytes((b) => String.fromCharCode(...b));
}
const era = (e: "showa" | "heisei" | "reiwa" | "taisho", eraYear: number, month: number, day: number) => ({ calendar: "era" as const, era: e, eraYear, month, day });

describe("deriveCodeB", () => {
  it("gives the value confirmed on a test card: 昭和55年2月17日, 2035, 2285 → 55021720352285", () => {
    expect(digits({ birth: era("showa", 55, 2, 17), expiryYear: 2035, securityCode: "2285" })).toBe("55021720352285");
  });

  it("writes 元年 as 01 on both sides of the 1989 and 2019 era changes", () => {
    expect(digits({ birth: era("showa", 64, 1, 7), expiryYear: 2030, securityCode: "1234" })).toBe("64010720301234");
    expect(digits({ birth: era("heisei", 1, 1, 8), expiryYear: 2030, securityCode: "1234" })).toBe("01010820301234");
    expect(digits({ birth: era("heisei", 31, 4, 30), expiryYear: 2030, securityCode: "1234" })).toBe("31043020301234");
    expect(digits({ birth: era("reiwa", 1, 5, 1), expiryYear: 2030, securityCode: "1234" })).toBe("01050120301234");
  });

  it("refuses era dates that do not exist in that era, by full date", () => {
    for (const b of [era("showa", 64, 1, 8), era("heisei", 31, 5, 1), era("reiwa", 1, 4, 30), era("heisei", 2, 2, 30), era("heisei", 1, 1, 7)]) {
      const r = deriveCodeB({ birth: b, expiryYear: 2030, securityCode: "1234" });
      expect(r.ok ? [] : r.problems).toEqual([{ kind: "era-date-not-in-era", field: "birth" }]);
    }
  });

  it("accepts 29 February only in leap years", () => {
    expect(digits({ birth: era("heisei", 12, 2, 29), expiryYear: 2032, securityCode: "0001" })).toBe("12022920320001");
    const r = deriveCodeB({ birth: era("heisei", 13, 2, 29), expiryYear: 2032, securityCode: "0001" });
    expect(r.ok).toBe(false);
  });

  it("uses the last two digits of the Western year for cards printed in the Western calendar", () => {
    expect(digits({ birth: { calendar: "western", year: 1992, month: 7, day: 15 }, expiryYear: 2031, securityCode: "2236" })).toBe("92071520312236");
    expect(digits({ birth: { calendar: "western", year: 2005, month: 1, day: 2 }, expiryYear: 2031, securityCode: "2236" })).toBe("05010220312236");
  });

  it("reports every problem at once with its field", () => {
    const r = deriveCodeB({ birth: { calendar: "western", year: 1990, month: 2, day: 30 }, expiryYear: 1999, securityCode: "12a4" });
    expect(r.ok ? [] : r.problems).toEqual([
      { kind: "date-invalid", field: "birth" },
      { kind: "expiry-year-out-of-range", field: "expiryYear" },
      { kind: "security-code-format", field: "securityCode" },
    ]);
  });

  it("refuses full-width digits, short codes, era years beyond two digits and an expiry before birth", () => {
    const kinds = (i: CodeBInput) => {
      const r = deriveCodeB(i);
      return r.ok ? [] : r.problems.map((p) => p.kind);
    };
    expect(kinds({ birth: era("showa", 55, 2, 17), expiryYear: 2035, securityCode: "２２８５" })).toEqual(["security-code-format"]);
    expect(kinds({ birth: era("showa", 55, 2, 17), expiryYear: 2035, securityCode: "228" })).toEqual(["security-code-format"]);
    expect(kinds({ birth: era("showa", 100, 2, 17), expiryYear: 2035, securityCode: "2285" })).toEqual(["era-year-out-of-range"]);
    expect(kinds({ birth: era("showa", 0, 2, 17), expiryYear: 2035, securityCode: "2285" })).toEqual(["era-year-out-of-range"]);
    expect(kinds({ birth: era("reiwa", 5, 1, 1), expiryYear: 2020, securityCode: "2285" })).toEqual(["expiry-before-birth"]);
    expect(kinds({ birth: era("showa", 55, 2, 17), expiryYear: 2035.5, securityCode: "2285" })).toEqual(["expiry-year-out-of-range"]);
  });

  it("derives from every deck card's printed face the code its chip accepts", () => {
    for (const c of loadDeck().cards) {
      const { text: _text, ...birth } = c.printed.birth;
      expect(digits({ birth, expiryYear: c.printed.expiry.year, securityCode: c.printed.securityCode })).toBe(c.codeB);
    }
  });
});
