/**
 * read.ts `vouchesFor`: a frame read without margin at a few glyphs vouches for another frame's valid
 * line only where the check digits settle its hesitation. Pure (strings and margins, no images).
 */
import { describe, expect, it } from "vitest";
import { TD3 } from "../../../src/mrz/check";
import { MAX_TORN, vouchesFor } from "../../../src/mrz/read";
import { validateTd3 } from "../../../src/mrz/validate";
import { makeHolder, rng } from "../../../scripts/mrzpage/holders";

const r = rng(5150);
const TODAY = { year: 2026, month: 12, day: 4 };
/** A valid MRZ whose document number holds a 0 (the usual hesitation: 0 against O). */
function mrzWithZero(): [string, string] {
  for (;;) {
    const l = makeHolder(r, TODAY).lines;
    if (l[1].slice(0, 9).includes("0") && /[0-9]/.test(l[1].slice(28, 42))) return l;
  }
}
const set = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);
/** A torn reading of `line2`: every glyph with margin 0.9 and runner-up `?`, except the given ones. */
function torn(line2: string, at: { i: number; best: string; second: string; margin?: number }[]) {
  let l = line2, second = "?".repeat(line2.length);
  const margins = new Float32Array(line2.length).fill(0.9);
  for (const a of at) {
    l = set(l, a.i, a.best);
    second = set(second, a.i, a.second);
    margins[a.i] = a.margin ?? 0.2;
  }
  return { line2: l, runnersUp: second, margins };
}

describe("vouchesFor: another frame's valid line, vouched for where the checks settle a hesitation", () => {
  const [l1, l2] = mrzWithZero();
  const zero = l2.indexOf("0");
  const optZero = 28 + l2.slice(28, 42).search(/[0-9]/);

  it("the line is valid and holds a 0 in the document number (so the cases below mean something)", () => {
    expect(validateTd3(l1, l2).valid).toBe(true);
    expect(zero).toBeGreaterThanOrEqual(0);
    expect(zero).toBeLessThan(9);
  });

  it("a glyph read as O with 0 as runner-up (or 0 without margin), elsewhere read alike with margin, vouches", () => {
    expect(vouchesFor(torn(l2, [{ i: zero, best: "O", second: "0" }]), l2)).toBe(true);
    expect(vouchesFor(torn(l2, [{ i: zero, best: "0", second: "O" }]), l2)).toBe(true);
  });

  it("two hesitations in different checked fields vouch; two in one field, or more than MAX_TORN, do not", () => {
    expect(vouchesFor(torn(l2, [{ i: zero, best: "O", second: "0" }, { i: optZero, best: "O", second: l2[optZero] ?? "" }]), l2)).toBe(true);
    const other = [...l2.slice(0, 9)].findIndex((c, i) => i !== zero && c !== "<");
    expect(vouchesFor(torn(l2, [{ i: zero, best: "O", second: "0" }, { i: other, best: l2[other] ?? "", second: "Q" }]), l2)).toBe(false);
    expect(MAX_TORN).toBe(2);
    const three = [zero, TD3.birthDate[0], TD3.expiry[0]].map((i) => ({ i, best: l2[i] ?? "", second: "9" === l2[i] ? "8" : "9" }));
    expect(vouchesFor(torn(l2, three), l2)).toBe(false);
  });

  it("refuses: the line's character not among the frame's two best, a confident different character, a blind pair, the nationality", () => {
    // neither best nor runner-up: the frame never saw the valid line's character there
    expect(vouchesFor(torn(l2, [{ i: zero, best: "O", second: "Q" }]), l2)).toBe(false);
    // read with margin as something else: a contradiction, not a hesitation
    expect(vouchesFor(torn(l2, [{ i: zero, best: "O", second: "0", margin: 0.8 }]), l2)).toBe(false);
    // 0 against < (or A, K, U): the same value modulo 10, no check digit can tell them apart
    for (const c of ["<", "A", "K", "U"]) expect(vouchesFor(torn(l2, [{ i: zero, best: c, second: "0" }]), l2)).toBe(false);
    // the nationality has no check digit
    expect(vouchesFor(torn(l2, [{ i: 11, best: l2[11] ?? "", second: "Q" }]), l2)).toBe(false);
    // no hesitation at all is not this rule (two valid frames agree by FieldVotes)
    expect(vouchesFor(torn(l2, []), l2)).toBe(false);
  });

  it("never vouches for a wrong line: with the true line torn at one glyph, any other valid line differing there is refused", () => {
    // a wrong valid line (another frame's misread) that differs from what this frame read with margin
    const t = torn(l2, [{ i: zero, best: "O", second: "0" }]);
    let refused = 0;
    for (const c of "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<") {
      for (let i = 0; i < 44; i++) {
        if (c === l2[i]) continue;
        const wrong = set(l2, i, c);
        if (i === zero && (c === "O" || c === "0")) continue; // the hesitation itself: O is refused by the checks below
        expect(vouchesFor(t, wrong)).toBe(false);
        refused++;
      }
    }
    // O where the valid line has 0 would fail the line's document-number check (O = 24, 0 = 0)
    expect(validateTd3(l1, set(l2, zero, "O")).valid).toBe(false);
    expect(refused).toBeGreaterThan(1500);
  });
});
