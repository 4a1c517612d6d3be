/**
 * `validateTd3Left` (validate.ts): the first n (28 … 43) positions of both MRZ lines when the right end
 * is hidden. Every check whose glyphs are visible must hold; the composite check digit (position 44)
 * cannot be made. And the alignment: a part missing its LEFT end instead, read as if it started at
 * position 1, must fail (the frame reader also asks for the `P` anchor, frame.ts; here line 1 is
 * given its `P` as the classifier's field restriction would, so only line 2's checks are tested).
 */
import { describe, expect, it } from "vitest";
import { checkDigit, compositeOf, TD3 } from "../../../src/mrz/check";
import { validateTd3, validateTd3Left, MIN_LEFT_PART } from "../../../src/mrz/validate";
import { makeHolder, rng } from "../../../scripts/mrzpage/holders";

const TODAY = { year: 2026, month: 12, day: 4 };
const holders = (n: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => makeHolder(r, TODAY).lines);
};
const set = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);

describe("validateTd3Left: the visible left part of a TD3 MRZ", () => {
  const mrzs = holders(300, 7101);

  it("the generated MRZs are valid whole (so the parts below mean something)", () => {
    for (const [l1, l2] of mrzs) expect(validateTd3(l1, l2).valid).toBe(true);
  });

  it("accepts every left part of 28 … 43 positions of a valid MRZ, as the visible strings only", () => {
    for (const [l1, l2] of mrzs.slice(0, 40)) {
      for (let n = MIN_LEFT_PART; n < 44; n++) {
        expect(validateTd3Left(l1.slice(0, n), l2.slice(0, n))).toEqual({ valid: true, line1: l1.slice(0, n), line2: l2.slice(0, n) });
      }
    }
  });

  it("refuses parts shorter than the key fields, whole lines and unequal lengths", () => {
    const [l1, l2] = mrzs[0] as [string, string];
    expect(validateTd3Left(l1.slice(0, 27), l2.slice(0, 27))).toEqual({ valid: false, failed: ["length"] });
    expect(validateTd3Left(l1, l2)).toEqual({ valid: false, failed: ["length"] });
    expect(validateTd3Left(l1.slice(0, 40), l2.slice(0, 41))).toEqual({ valid: false, failed: ["length"] });
  });

  it("refuses a wrong key: any change of a key digit by +3 (never a blind spot) fails its field's check", () => {
    const [l1, l2] = mrzs[1] as [string, string];
    let tried = 0;
    for (let i = 0; i < 28; i++) {
      const c = l2[i] ?? "<";
      if (!/[0-9]/.test(c) || i === TD3.documentNumberCheck || i === TD3.birthDateCheck || i === TD3.expiryCheck) continue;
      const bad = set(l2, i, String((Number(c) + 3) % 10));
      tried++;
      for (const n of [MIN_LEFT_PART, 35, 43]) expect(validateTd3Left(l1.slice(0, n), bad.slice(0, n)).valid).toBe(false);
    }
    expect(tried).toBeGreaterThan(8);
  });

  it("still checks the optional data's check digit when it is visible (43 positions)", () => {
    const [l1, l2] = mrzs[2] as [string, string];
    const bad = set(l2, TD3.optionalCheck, String(((checkDigit(l2.slice(...TD3.optional)) ?? 0) + 1) % 10));
    expect(validateTd3Left(l1.slice(0, 43), bad.slice(0, 43))).toMatchObject({ valid: false, failed: ["optional-check"] });
    // hidden (42 visible): that check cannot be made, the part is judged on the rest
    expect(validateTd3Left(l1.slice(0, 42), bad.slice(0, 42)).valid).toBe(true);
  });

  it("gives up the composite check digit: a compensating double misread it would catch passes the field checks alone", () => {
    // two changed birth-date digits that keep the date's check digit but not the composite's (the
    // composite weighs the date's characters 3-1-7, the date's own digit 7-3-1): found by search
    const [l1, l2] = mrzs[3] as [string, string];
    let found = 0;
    for (let i = 13; i < 19 && found === 0; i++) {
      for (let j = i + 1; j < 19 && found === 0; j++) {
        for (let a = 1; a < 10 && found === 0; a++) {
          for (let b = 1; b < 10; b++) {
            const bad = set(set(l2, i, String((Number(l2[i]) + a) % 10)), j, String((Number(l2[j]) + b) % 10));
            if (checkDigit(bad.slice(13, 19)) !== Number(bad[19]) || compositeOf(bad) === Number(bad[43])) continue;
            if (!validateTd3Left(l1.slice(0, 40), bad.slice(0, 40)).valid) continue;
            expect(validateTd3(l1, bad)).toMatchObject({ valid: false, failed: ["composite-check"] });
            found++;
            break;
          }
        }
      }
    }
    // the frame reader's margin rule and the session's second frame (read.ts) are what remain against it
    expect(found).toBe(1);
  });

  it("a line missing its LEFT end, read as if it started at position 1, fails (300 MRZs, shifts of 1 … 16)", () => {
    let tried = 0, passed = 0;
    for (const [l1, l2] of mrzs) {
      for (let o = 1; o <= 16; o++) {
        const n = Math.min(43, 44 - o);
        if (n < MIN_LEFT_PART) continue;
        // the classifier reads line 1's first position only as `P` (repair.ts allowedAt)
        const p1 = "P" + l1.slice(o + 1, o + n);
        tried++;
        if (validateTd3Left(p1, l2.slice(o, o + n)).valid) passed++;
      }
    }
    expect(tried).toBe(300 * 16);
    expect(passed).toBe(0);
  });
});
