import { describe, expect, it } from "vitest";
import { parseBirthLine, parseExpiryLine, parseSecurityCode, snapEra, toCodeBInput } from "../../../src/cardfront/fields";

const today = { year: 2026, month: 11, day: 21 };

describe("parseBirthLine", () => {
  it.each([
    ["明治 44 年 5 月 3 日 生", { calendar: "era", era: "meiji", eraYear: 44, month: 5, day: 3 }],
    ["大 正 13 年 11 月 20 日 生", { calendar: "era", era: "taisho", eraYear: 13, month: 11, day: 20 }],
    ["昭和64年 1月 7日生", { calendar: "era", era: "showa", eraYear: 64, month: 1, day: 7 }],
    ["平成 元 年 1 月 8 日 生", { calendar: "era", era: "heisei", eraYear: 1, month: 1, day: 8 }],
    ["平成31年 4月30日生", { calendar: "era", era: "heisei", eraYear: 31, month: 4, day: 30 }],
    ["令和元年 5月 1日生", { calendar: "era", era: "reiwa", eraYear: 1, month: 5, day: 1 }],
    ["1992 年 2 月 29 日 生", { calendar: "western", year: 1992, month: 2, day: 29 }],
    ["１９８５年１０月４日生", { calendar: "western", year: 1985, month: 10, day: 4 }],
  ])("reads %s as printed", (text, want) => {
    expect(parseBirthLine(text, today)).toEqual({ ok: true, value: want });
  });

  it("snaps a lone 和 to 令和 when only 令和 has that day (昭和 began on 25 December)", () => {
    expect(parseBirthLine("和 元 年 10 月 25 日 生", today)).toEqual({ ok: true, value: { calendar: "era", era: "reiwa", eraYear: 1, month: 10, day: 25 } });
  });

  it("snaps a misread first kanji by the second one (半成 → 平成)", () => {
    expect(parseBirthLine("半成12年12月31日生", today)).toEqual({ ok: true, value: { calendar: "era", era: "heisei", eraYear: 12, month: 12, day: 31 } });
    expect(snapEra("成", 12, 12, 31, today)).toEqual({ ok: true, value: "heisei" });
  });

  it("refuses to guess between 昭和 and 令和 when the day exists in both", () => {
    expect(parseBirthLine("和5年 3月 1日生", today)).toEqual({ ok: false, reason: "era-ambiguous" });
  });

  it("resolves 昭和/令和 by which one has already happened", () => {
    // 令和60 lies in the future, so a lone 和 with year 60 is 昭和.
    expect(snapEra("和", 60, 1, 1, today)).toEqual({ ok: true, value: "showa" });
  });

  it("says the era is unreadable when digits come without any era kanji", () => {
    expect(parseBirthLine("55年 2月17日生", today)).toEqual({ ok: false, reason: "era-unreadable" });
  });

  it("says unreadable for text with no date", () => {
    expect(parseBirthLine("生年月日", today)).toEqual({ ok: false, reason: "unreadable" });
    expect(parseBirthLine("", today)).toEqual({ ok: false, reason: "unreadable" });
  });
});

describe("parseExpiryLine and parseSecurityCode", () => {
  it("reads the expiry date with its spaces", () => {
    expect(parseExpiryLine("2035 年 2 月 17 日 まで 有効")).toEqual({ ok: true, value: { year: 2035, month: 2, day: 17 } });
  });

  it("refuses an expiry line without a four-digit year", () => {
    expect(parseExpiryLine("35年2月17日まで有効")).toEqual({ ok: false, reason: "unreadable" });
  });

  it("refuses an expiry year with a stray digit in front instead of taking its last four digits", () => {
    expect(parseExpiryLine("12035年2月17日まで有効")).toEqual({ ok: false, reason: "unreadable" });
    expect(parseExpiryLine("有効期限 2035年2月17日まで有効")).toEqual({ ok: true, value: { year: 2035, month: 2, day: 17 } });
  });

  it("accepts exactly four digits for the security code, spaces removed", () => {
    expect(parseSecurityCode("2 4 0 6")).toEqual({ ok: true, value: "2406" });
    expect(parseSecurityCode("240")).toEqual({ ok: false, reason: "unreadable" });
    expect(parseSecurityCode("24061")).toEqual({ ok: false, reason: "unreadable" });
  });

  it("turns the fields into deriveCodeB's input with the expiry year only", () => {
    const birth = { calendar: "era", era: "showa", eraYear: 55, month: 2, day: 17 } as const;
    expect(toCodeBInput({ birth, expiry: { year: 2035, month: 2, day: 17 }, securityCode: "2285" })).toEqual({ birth, expiryYear: 2035, securityCode: "2285" });
  });
});
