/**
 * The "no wrong code" guards of find.ts, each on a constructed case: a field read from two places on
 * the card across frames is "moved"; one frame with two different plausible code candidates is
 * ambiguous; the card box of the line a value came from travels with the value.
 */
import { describe, expect, it } from "vitest";
import { FieldPlace, SAME_PLACE_MM, decideCode, decideDates, samePlace } from "../../../src/cardfront/find";
import { PX_PER_MM } from "../../../src/cardfront/layout";

const mm = (v: number) => v * PX_PER_MM;
const box = (xMm: number, yMm: number) => ({ x: mm(xMm), y: mm(yMm), w: mm(8), h: mm(2.5) });

describe("samePlace / FieldPlace", () => {
  it("treats rectification jitter as the same place and another line as a different one", () => {
    expect(samePlace(box(60, 40), box(60.8, 39.4))).toBe(true);
    expect(samePlace(box(60, 40), box(60, 40 + SAME_PLACE_MM + 0.5))).toBe(false);
    // The code under the portrait vs another 4-digit group one line pitch (4 mm) below it.
    expect(samePlace(box(60, 40), box(60, 44))).toBe(false);
  });

  it("treats one printed line found with and without its tail, or merged with descenders, as the same place", () => {
    const line = { x: mm(9), y: mm(33), w: mm(33), h: mm(3.4) };
    // tail (まで有効) chained in one frame and not in the next: centre 7 mm apart, same line
    expect(samePlace(line, { ...line, w: mm(47) })).toBe(true);
    // the same line found 1.8 mm taller (a neighbour's descenders joined it)
    expect(samePlace(line, { x: mm(9), y: mm(32), w: mm(47), h: mm(5.2) })).toBe(true);
    // the next printed line (4 mm pitch) with the same left edge and length is another place
    expect(samePlace(line, { ...line, y: mm(37) })).toBe(false);
    // a short line on the same row, further right (say 男 after the birth date), is another place
    expect(samePlace(line, { x: mm(44), y: mm(33), w: mm(8), h: mm(3.4) })).toBe(false);
  });

  it("marks a field moved once a later frame reads it from elsewhere, and only once", () => {
    const p = new FieldPlace();
    expect(p.see(box(60, 40))).toBe(false);
    expect(p.see(box(60.5, 40.5))).toBe(false);
    expect(p.moved).toBe(false);
    expect(p.see(box(60, 46))).toBe(true);
    expect(p.moved).toBe(true);
    expect(p.see(box(60, 52))).toBe(false);
    expect(p.moved).toBe(true);
  });

  it("does not judge reads without a box", () => {
    const p = new FieldPlace();
    expect(p.see(undefined)).toBe(false);
    expect(p.see(box(10, 10))).toBe(false);
    expect(p.see(undefined)).toBe(false);
    expect(p.moved).toBe(false);
  });
});

describe("decideCode", () => {
  it("is found-twice when one frame shows two different 4-digit groups near the portrait", () => {
    expect(decideCode([{ text: "2718", at: box(60, 40) }, { text: "1980", at: box(60, 46) }])).toEqual({ ok: false, reason: "found-twice" });
  });

  it("carries the box of the line the code was read from", () => {
    expect(decideCode([{ text: null, at: box(60, 46) }, { text: "27 18", at: box(60, 40) }])).toEqual({ ok: true, value: "2718", at: box(60, 40) });
  });
});

describe("decideDates", () => {
  it("carries the box of the line each date came from", () => {
    const r = decideDates([
      { kind: "birth", value: { ok: true, value: { calendar: "era", era: "heisei", eraYear: 1, month: 1, day: 8 } }, at: box(20, 30) },
      { kind: "expiry", value: { ok: true, value: { year: 2033, month: 1, day: 8 } }, at: box(20, 50) },
    ]);
    expect(r.birth).toMatchObject({ ok: true, at: box(20, 30) });
    expect(r.expiry).toMatchObject({ ok: true, at: box(20, 50) });
  });

  it("is found-twice when one frame reads two different birth dates", () => {
    const r = decideDates([
      { kind: "birth", value: { ok: true, value: { calendar: "era", era: "heisei", eraYear: 1, month: 1, day: 8 } }, at: box(20, 30) },
      { kind: "birth", value: { ok: true, value: { calendar: "era", era: "heisei", eraYear: 7, month: 1, day: 8 } }, at: box(20, 36) },
    ]);
    expect(r.birth).toEqual({ ok: false, reason: "found-twice" });
  });
});
