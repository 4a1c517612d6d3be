import { describe, expect, it } from "vitest";
import { BUDGET_NAMES, BUDGET_TABLE, DEFAULT_BUDGETS, resolveBudgets } from "../../../src/flow/budgets";

describe("the budget table", () => {
  it("keeps every default within its own bounds", () => {
    for (const name of BUDGET_NAMES) {
      const { ms, min, max } = BUDGET_TABLE[name];
      expect(ms).toBeGreaterThanOrEqual(min);
      expect(ms).toBeLessThanOrEqual(max);
    }
  });

  it("lets config tune a budget within bounds", () => {
    const r = resolveBudgets({ placeCard: 45_000, faceCheck: 15_000 });
    expect(r).toEqual({ ok: true, budgets: { ...DEFAULT_BUDGETS, placeCard: 45_000, faceCheck: 15_000 } });
  });

  it("reports every unknown name and every value out of bounds, with its config path", () => {
    const r = resolveBudgets({ placeCrad: 1000, readChip: 100, faceCheck: 999_999 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(3);
    expect(r.errors[0]).toMatch(/^budgets\.placeCrad: unknown budget/);
    expect(r.errors[1]).toMatch(/^budgets\.readChip: 100 ms is outside 3000–30000 ms/);
    expect(r.errors[2]).toMatch(/^budgets\.faceCheck/);
  });

  it("refuses a session budget too short to place a card and read the chip", () => {
    const r = resolveBudgets({ session: 60_000, placeCard: 60_000, readChip: 10_000 });
    expect(r.ok).toBe(false);
  });
});
