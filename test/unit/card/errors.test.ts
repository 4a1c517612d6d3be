import { describe, expect, it } from "vitest";
import { CardError, classifySw, problemForSw, toCardError } from "../../../src/card/errors";

describe("the status-word classifier", () => {
  it.each([
    [0x9000, { kind: "ok" }],
    [0x6110, { kind: "more", available: 16 }],
    [0x6100, { kind: "more", available: 256 }],
    [0x6c20, { kind: "resend", le: 32 }],
    [0x6282, { kind: "end-of-file-short" }],
    [0x6b00, { kind: "past-end" }],
    [0x63c9, { kind: "tries-left", triesLeft: 9 }],
    [0x63c0, { kind: "tries-left", triesLeft: 0 }],
    [0x6984, { kind: "blocked" }],
    [0x6982, { kind: "security-status" }],
    [0x6a82, { kind: "not-found" }],
    [0x6d00, { kind: "refused" }],
    [0x6f00, { kind: "other" }],
  ])("classifies %s", (sw, expected) => {
    expect(classifySw(sw)).toEqual(expected);
  });

  it("keeps 63C0 (just blocked) and 6984 (was blocked) distinct from a wrong code", () => {
    expect(problemForSw(0x63c0, "verify")).toEqual({ kind: "blocked" });
    expect(problemForSw(0x6984, "verify")).toEqual({ kind: "blocked" });
    expect(problemForSw(0x63c3, "verify")).toEqual({ kind: "wrong-code", triesLeft: 3 });
  });

  it("turns foreign exceptions into transport or abort problems without leaking messages", () => {
    expect(toCardError(new Error("secret 12345678901234")).problem).toEqual({ kind: "transport", detail: "Error" });
    const abort = new Error("x");
    abort.name = "AbortError";
    expect(toCardError(abort).kind).toBe("aborted");
    const e = new CardError({ kind: "no-card" });
    expect(toCardError(e)).toBe(e);
  });
});
