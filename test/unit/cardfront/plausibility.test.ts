import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidDate, compareDates } from "../../../src/age/date";
import { toEraDate } from "../../../src/age/era";
import type { BirthField, CardFields } from "../../../src/cardfront/fields";
import { checkBirth, checkCard, entryToCodeBInput, expiresOnBirthday, toPrefill, validateEntry } from "../../../src/cardfront/plausibility";

const today = { year: 2026, month: 11, day: 21 };
const era = (e: "meiji" | "taisho" | "showa" | "heisei" | "reiwa", eraYear: number, month: number, day: number): BirthField => ({ calendar: "era", era: e, eraYear, month, day });
const card = (birth: BirthField, expiry: [number, number, number], securityCode = "1234"): CardFields => ({
  birth,
  expiry: { year: expiry[0], month: expiry[1], day: expiry[2] },
  securityCode,
});

describe("birth dates and era boundaries", () => {
  it("accepts the last day of Shōwa and refuses the next day printed as Shōwa", () => {
    expect(checkBirth(era("showa", 64, 1, 7), today)).toEqual([]);
    expect(checkBirth(era("showa", 64, 1, 8), today)).toEqual([{ field: "birth", code: "not-in-era" }]);
    expect(checkBirth(era("heisei", 1, 1, 8), today)).toEqual([]);
    expect(checkBirth(era("heisei", 1, 1, 7), today)).toEqual([{ field: "birth", code: "not-in-era" }]);
  });

  it("accepts 30 April 2019 as Heisei 31 and 1 May 2019 as Reiwa 1, not the other way round", () => {
    expect(checkBirth(era("heisei", 31, 4, 30), today)).toEqual([]);
    expect(checkBirth(era("heisei", 31, 5, 1), today)).toEqual([{ field: "birth", code: "not-in-era" }]);
    expect(checkBirth(era("reiwa", 1, 5, 1), today)).toEqual([]);
    expect(checkBirth(era("reiwa", 1, 4, 30), today)).toEqual([{ field: "birth", code: "not-in-era" }]);
  });

  it("refuses days that do not exist, birth dates in the future and holders older than 125", () => {
    expect(checkBirth(era("heisei", 2, 2, 30), today)).toEqual([{ field: "birth", code: "not-in-era" }]);
    expect(checkBirth({ calendar: "western", year: 2023, month: 2, day: 29 }, today)).toEqual([{ field: "birth", code: "not-a-date" }]);
    expect(checkBirth(era("reiwa", 8, 12, 1), today)).toEqual([{ field: "birth", code: "in-future" }]);
    expect(checkBirth({ calendar: "western", year: 1890, month: 1, day: 1 }, today)).toEqual([{ field: "birth", code: "too-old" }]);
  });

  it("accepts every real past day written in its own era (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1905, max: 2026 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        fc.pre(isValidDate(y, m, d) && compareDates({ year: y, month: m, day: d }, today) <= 0);
        const e = toEraDate({ year: y, month: m, day: d });
        if (!e) return false;
        return checkBirth({ calendar: "era", ...e }, today).length === 0;
      }),
    );
  });
});

describe("expiry rules", () => {
  const showa55 = era("showa", 55, 2, 17);

  it("accepts a card that expires on the birthday within ten years", () => {
    expect(checkCard(card(showa55, [2035, 2, 17]), today)).toEqual([]);
    expect(checkCard(card(showa55, [2036, 2, 17]), today)).toEqual([]);
  });

  it("refuses an expiry more than ten years ahead, long past, or not on the birthday", () => {
    expect(checkCard(card(showa55, [2037, 2, 17]), today)).toEqual([{ field: "expiryYear", code: "too-far-ahead" }]);
    expect(checkCard(card(showa55, [2022, 2, 17]), today)).toEqual([{ field: "expiryYear", code: "long-past" }]);
    expect(checkCard(card(showa55, [2035, 2, 18]), today)).toEqual([{ field: "expiry", code: "not-birthday" }]);
  });

  it("accepts 28 February or 1 March in a common year for a 29 February birthday, and 29 February in a leap year", () => {
    const b = { year: 2000, month: 2, day: 29 };
    expect(expiresOnBirthday(b, { year: 2030, month: 2, day: 28 })).toBe(true);
    expect(expiresOnBirthday(b, { year: 2030, month: 3, day: 1 })).toBe(true);
    expect(expiresOnBirthday(b, { year: 2032, month: 2, day: 29 })).toBe(true);
    expect(expiresOnBirthday(b, { year: 2032, month: 2, day: 28 })).toBe(false);
    expect(expiresOnBirthday(b, { year: 2030, month: 3, day: 2 })).toBe(false);
    expect(checkCard(card(era("heisei", 12, 2, 29), [2030, 2, 29]), today)).toEqual([{ field: "expiry", code: "not-a-date" }]);
  });

  it("does not apply the birthday rule to Western-printed (foreign resident) cards", () => {
    expect(checkCard(card({ calendar: "western", year: 1992, month: 7, day: 15 }, [2029, 3, 31]), today)).toEqual([]);
  });

  it("refuses an expiry before the holder's fifth birthday year and a security code that is not four digits", () => {
    expect(checkCard(card(era("reiwa", 1, 5, 1), [2022, 5, 1]), today)).toContainEqual({ field: "expiryYear", code: "long-past" });
    expect(checkCard(card(era("reiwa", 5, 5, 1), [2027, 5, 1]), today)).toEqual([{ field: "expiryYear", code: "before-fifth-birthday" }]);
    expect(checkCard(card(showa55, [2035, 2, 17], "123"), today)).toEqual([{ field: "securityCode", code: "not-4-digits" }]);
  });
});

describe("validateEntry (manual entry drafts)", () => {
  it("lists every missing field of an empty draft in screen order", () => {
    expect(validateEntry({ calendar: "era" }, today).map((p) => `${p.field}:${p.code}`)).toEqual([
      "era:missing",
      "birthYear:missing",
      "birthMonth:missing",
      "birthDay:missing",
      "expiryYear:missing",
      "securityCode:missing",
    ]);
  });

  it("accepts a complete plausible era draft and gives deriveCodeB's input", () => {
    const entry = { calendar: "era", era: "showa", birthYear: "55", birthMonth: "2", birthDay: "17", expiryYear: "2035", securityCode: "2285" } as const;
    expect(validateEntry(entry, today)).toEqual([]);
    expect(entryToCodeBInput(entry, today)).toEqual({ ok: true, input: { birth: era("showa", 55, 2, 17), expiryYear: 2035, securityCode: "2285" } });
  });

  it("applies the same era rules as OCR readings", () => {
    const entry = { calendar: "era", era: "showa", birthYear: "64", birthMonth: "1", birthDay: "8", expiryYear: "2034", securityCode: "1111" } as const;
    expect(validateEntry(entry, today)).toEqual([{ field: "birth", code: "not-in-era" }]);
  });

  it("needs a four-digit Western year and four-digit code, and a sensible expiry year", () => {
    const entry = { calendar: "western", birthYear: "92", birthMonth: "7", birthDay: "15", expiryYear: "2099", securityCode: "12a4" } as const;
    expect(validateEntry(entry, today)).toEqual([
      { field: "birthYear", code: "not-a-number" },
      { field: "expiryYear", code: "too-far-ahead" },
      { field: "securityCode", code: "not-4-digits" },
    ]);
  });

  it("never throws on arbitrary drafts (property)", () => {
    fc.assert(
      fc.property(fc.record({ calendar: fc.constantFrom("era" as const, "western" as const), birthYear: fc.string(), birthMonth: fc.string(), birthDay: fc.string(), expiryYear: fc.string(), securityCode: fc.string() }), (e) => {
        expect(Array.isArray(validateEntry(e, today))).toBe(true);
      }),
    );
  });

  it("pre-fills manual entry from a partial OCR reading", () => {
    expect(toPrefill({ birth: era("reiwa", 1, 5, 1), securityCode: "0042" })).toEqual({ calendar: "era", era: "reiwa", birthYear: "1", birthMonth: "5", birthDay: "1", securityCode: "0042" });
    expect(toPrefill({})).toEqual({ calendar: "era" });
  });
});
