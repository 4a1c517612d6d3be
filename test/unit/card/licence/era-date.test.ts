import { describe, expect, it } from "vitest";
import { decodeLicenceDate } from "../../../../src/card/licence/era-date";

const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const strict = (s: string) => decodeLicenceDate(b(s), "strict");
const arith = (s: string) => decodeLicenceDate(b(s), "arithmetic");

describe("licence era dates (era code + YYMMDD)", () => {
  it.each([
    // first and last day of every era (明治 from 1868-01-01 as in age/era.ts)
    ["1010101", { year: 1868, month: 1, day: 1 }],
    ["1450729", { year: 1912, month: 7, day: 29 }],
    ["2010730", { year: 1912, month: 7, day: 30 }],
    ["2151224", { year: 1926, month: 12, day: 24 }],
    ["3011225", { year: 1926, month: 12, day: 25 }],
    ["3640107", { year: 1989, month: 1, day: 7 }],
    ["4010108", { year: 1989, month: 1, day: 8 }],
    ["4310430", { year: 2019, month: 4, day: 30 }],
    ["5010501", { year: 2019, month: 5, day: 1 }],
    // the reference's examples
    ["3500601", { year: 1975, month: 6, day: 1 }],
    ["5020415", { year: 2020, month: 4, day: 15 }],
    ["5070101", { year: 2025, month: 1, day: 1 }],
    ["4120229", { year: 2000, month: 2, day: 29 }],
  ])("%s → %o (both rules)", (s, d) => {
    expect(strict(s)).toEqual(d);
    expect(arith(s)).toEqual(d);
  });

  it.each([
    ["1450730", "明治 after its last day"],
    ["2010729", "大正 before its first day"],
    ["2151225", "大正 after its last day"],
    ["3011224", "昭和 before its first day"],
    ["3640108", "昭和64年1月8日 is 平成"],
    ["4010107", "平成 before its first day"],
    ["4310501", "平成31年5月1日 is 令和"],
    ["5010430", "令和元年4月30日 is 平成"],
    ["4330331", "平成33年 does not exist (strict)"],
  ])("strict refuses %s (%s)", (s) => {
    expect(strict(s)).toBeNull();
  });

  it("arithmetic accepts a 平成 year past the era's end (expiry written before 令和, [guess])", () => {
    expect(arith("4330331")).toEqual({ year: 2021, month: 3, day: 31 });
    expect(arith("4340331")).toEqual({ year: 2022, month: 3, day: 31 });
    // but never a day before the era began
    expect(arith("5010430")).toBeNull();
    expect(arith("3011224")).toBeNull();
  });

  it.each(["0500601", "6010101", "7010101", "8010101", "9010101", "A500601", " 500601"])("invalid era code %j → not sure", (s) => {
    expect(strict(s)).toBeNull();
    expect(arith(s)).toBeNull();
  });

  it.each(["350060", "35006011", "", "3000601", "3501301", "3500600", "3500631", "4130229", "35O0601", "3500601\u0000"])(
    "malformed %j → not sure",
    (s) => {
      expect(strict(s)).toBeNull();
      expect(arith(s)).toBeNull();
    },
  );
});
