import { describe, expect, it } from "vitest";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { CodeB } from "../../../src/card/secret";

const code = (d: string) => CodeB.fromDigits(d) ?? (() => { throw new Error("bad code"); })();
const A = "64010720343141";
const B = "64010720343142";

describe("RetryGuard", () => {
  it("refuses below the minimum and allows at it", () => {
    const g = new RetryGuard({ minTriesLeft: 3 });
    expect(g.check(2, code(A))).toEqual({ kind: "low-tries", triesLeft: 2, minimum: 3 });
    expect(g.check(3, code(A))).toBeNull();
    expect(g.check(null, code(A))).toBeNull();
  });

  it("allows one wrong VERIFY, then refuses the same code and any other", () => {
    const g = new RetryGuard();
    g.recordWrong(code(A));
    expect(g.check(9, code(A))).toEqual({ kind: "same-wrong-code" });
    expect(g.check(9, code(B))).toEqual({ kind: "wrong-code-already-spent" });
    expect(g.wrongAttempts).toBe(1);
  });

  it("settles a lost VERIFY from the next tries-left answer", () => {
    const wrong = new RetryGuard();
    wrong.recordUncertain(code(A), 10);
    expect(wrong.check(9, code(A))).toEqual({ kind: "same-wrong-code" });

    const right = new RetryGuard();
    right.recordUncertain(code(A), 7);
    expect(right.check(10, code(A))).toBeNull();
    expect(right.wrongAttempts).toBe(0);

    const verified = new RetryGuard();
    verified.recordUncertain(code(A), 10);
    expect(verified.check(null, code(A))).toBeNull();
  });

  it("zeroes the codes it remembers on wipe and forgets them", () => {
    const g = new RetryGuard();
    const c = code(A);
    g.recordWrong(c);
    g.wipe();
    expect(g.wrongAttempts).toBe(0);
    expect(g.check(10, c)).toBeNull();
  });
});
