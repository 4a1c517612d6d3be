import { describe, expect, it } from "vitest";
import { parseSince } from "../../../src/cli/stats";
import { REASONS, OUTCOMES } from "../../../src/audit/vocabulary";
import { outcomeOf } from "../../../src/flow/outcome";

describe("kioskctl stats --since", () => {
  const now = Date.parse("2026-06-10T12:00:00Z");
  it("reads relative spans back from now", () => {
    expect(parseSince("7d", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("24h", now)).toBe(now - 86_400_000);
    expect(parseSince("30m", now)).toBe(now - 1_800_000);
  });

  it("reads a day as 00:00 in Japan", () => {
    expect(parseSince("2026-06-10", now)).toBe(Date.parse("2026-06-09T15:00:00Z"));
  });

  it("refuses a day that does not exist instead of rolling it over into the next month", () => {
    expect(parseSince("2026-02-30", now)).toBeNull();
    expect(parseSince("2026-13-01", now)).toBeNull();
    expect(parseSince("20260610", now)).toBeNull();
  });

  it("refuses anything else", () => {
    for (const bad of ["", "7", "7w", "yesterday", "2026-6-1", "-3d"]) expect(parseSince(bad, now)).toBeNull();
  });
});

describe("the audit vocabulary", () => {
  it("accepts every reason code the flow can produce, each under a known outcome", () => {
    for (const r of REASONS) expect(OUTCOMES.has(outcomeOf(r))).toBe(true);
  });
});
