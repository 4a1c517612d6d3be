import { afterEach, describe, expect, it, vi } from "vitest";
import { BUDGET_TABLE, resolveBudgets } from "../../src/flow/budgets";
import { warmStart } from "../../src/lifecycle";
import { memoryLogger } from "../../src/log";

afterEach(() => {
  vi.useRealTimers();
});

describe("warm start before READY", () => {
  it("is bounded by the warmStart budget of the one budget table, checked like every other", () => {
    expect(BUDGET_TABLE.warmStart.ms).toBe(60_000);
    const tuned = resolveBudgets({ warmStart: 120_000 });
    expect(tuned.ok && tuned.budgets.warmStart).toBe(120_000);
    const tooLong = resolveBudgets({ warmStart: 3_600_000 });
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.errors[0]).toMatch(/^budgets\.warmStart: 3600000 ms is outside 5000–300000 ms/);
  });

  it("reports a step still running at the budget as a timeout and goes on without it", async () => {
    vi.useFakeTimers();
    const log = memoryLogger();
    const never = new Promise<never>(() => undefined);
    const done = warmStart(
      [
        ["slow", () => never],
        ["quick", () => Promise.resolve()],
      ],
      log,
      5_000,
    );
    await vi.advanceTimersByTimeAsync(4_999);
    let settled = false;
    void done.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const r = await done;
    expect(r.steps["slow"]).toBe("timeout");
    expect(typeof r.steps["quick"]).toBe("number");
    const line = log.lines.find((l) => l.includes('"warm-start"'));
    expect(line).toContain('"timeoutMs":5000');
    expect(line).toContain('"slow":"timeout"');
  });

  it("logs a failed step and still finishes", async () => {
    const log = memoryLogger();
    const r = await warmStart([["ocr", () => Promise.reject(new Error("no traineddata"))]], log, 1_000);
    expect(r.steps).toEqual({ ocr: "failed" });
    expect(log.lines.some((l) => l.includes("warm-start-failed"))).toBe(true);
  });
});
