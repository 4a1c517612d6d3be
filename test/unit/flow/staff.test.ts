import { afterEach, describe, expect, it, vi } from "vitest";
import { createStaffDesk, LOCK_MS } from "../../../src/flow/staff";
import { systemClock } from "../../../src/flow/ports";
import type { LedPattern } from "../../../src/protocol";

afterEach(() => vi.useRealTimers());

function desk() {
  vi.useFakeTimers({ now: 0 });
  const tests: (LedPattern | null)[] = [];
  let changes = 0;
  const d = createStaffDesk({
    pin: "2580",
    clock: systemClock,
    budgetMs: 60_000,
    onChange: () => void changes++,
    onLedTest: (p) => void tests.push(p),
    view: () => ({
      kioskId: "k",
      version: "v",
      health: { mode: "demo", version: "v", devices: { reader: "ok", camera: "ok", leds: "ok" }, ready: true },
      today: { byOutcome: { pass: 1, fail: 0, refer: 0, abandoned: 0 }, byReason: {} },
      recent: [],
      staffCall: null,
    }),
  });
  return { d, tests, changes: () => changes };
}

describe("the staff overlay", () => {
  it("opens a PIN pad and shows status and counts after the right PIN", () => {
    const { d } = desk();
    d.open();
    expect(d.screen()).toEqual({ name: "staff-login", problem: null, lockedUntil: null });
    d.login("1111");
    expect(d.screen()).toMatchObject({ name: "staff-login", problem: "wrong-pin" });
    d.login("2580");
    expect(d.screen()).toMatchObject({ name: "staff", staff: { kioskId: "k", ledTest: null, today: { byOutcome: { pass: 1 } } } });
  });

  it("locks the PIN pad after three wrong PINs, for longer each time", () => {
    const { d } = desk();
    d.open();
    for (let i = 0; i < 3; i++) d.login("0000");
    expect(d.screen()).toEqual({ name: "staff-login", problem: "locked", lockedUntil: LOCK_MS });
    d.login("2580");
    expect(d.screen()).toMatchObject({ problem: "locked" });
    vi.setSystemTime(LOCK_MS);
    for (let i = 0; i < 3; i++) d.login("0000");
    expect(d.screen()).toMatchObject({ problem: "locked", lockedUntil: LOCK_MS + 2 * LOCK_MS });
  });

  it("runs an LED test and hands the lights back to the flow when closed", () => {
    const { d, tests } = desk();
    d.open();
    d.login("2580");
    d.ledTest("fail");
    expect(d.screen()).toMatchObject({ name: "staff", staff: { ledTest: "fail" } });
    d.close();
    expect(tests).toEqual(["fail", null]);
    expect(d.screen()).toBeNull();
  });

  it("closes itself after its budget without a staff action, and each action restarts the budget", () => {
    const { d } = desk();
    d.open();
    vi.advanceTimersByTime(50_000);
    d.login("0000");
    vi.advanceTimersByTime(50_000);
    expect(d.overlay()).not.toBeNull();
    vi.advanceTimersByTime(10_000);
    expect(d.overlay()).toBeNull();
  });
});
