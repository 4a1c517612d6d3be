import { describe, expect, it } from "vitest";
import { FieldVotes } from "../../../src/cardfront/votes";

describe("FieldVotes", () => {
  const votes = (...xs: string[]) => {
    const v = new FieldVotes<string>((s) => s);
    for (const x of xs) v.add(x);
    return v;
  };

  it("agrees on a value read in two frames with no rival", () => {
    expect(votes("1234", "1234").agreed(2)).toBe("1234");
  });

  it("does not agree on one frame, nor when a rival is within one vote", () => {
    expect(votes("1234").agreed(2)).toBeNull();
    expect(votes("1234", "1284", "1234").agreed(2)).toBeNull();
  });

  it("agrees once the leader is two votes ahead of the rival", () => {
    expect(votes("1234", "1284", "1234", "1234").agreed(2)).toBe("1234");
  });

  it("needs three frames when asked for three", () => {
    expect(votes("a", "a").agreed(3)).toBeNull();
    expect(votes("a", "a", "a").agreed(3)).toBe("a");
  });

  it("reports the leading value and whether frames disagreed", () => {
    const v = votes("x", "y", "y");
    expect(v.leading()).toBe("y");
    expect(v.disagreement).toBe(true);
    expect(v.total).toBe(3);
  });
});
