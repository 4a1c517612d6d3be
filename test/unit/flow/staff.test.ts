import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createStaffDesk,
  LOCK_CAP_MS,
  LOCK_MS,
  lockMs,
  memoryLockoutStore,
  NO_STAFF_PIN,
  plainStaffPin,
  type LockoutStore,
  type StaffPinPort,
} from "../../../src/flow/staff";
import { systemClock } from "../../../src/flow/ports";
import type { LedPattern } from "../../../src/protocol";

afterEach(() => vi.useRealTimers());

/** Lets the PIN check (a promise) settle. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function desk(opts: { pin?: StaffPinPort; lockout?: LockoutStore; now?: number } = {}) {
  vi.useFakeTimers({ now: opts.now ?? 0 });
  const tests: (LedPattern | null)[] = [];
  let changes = 0;
  const d = createStaffDesk({
    pin: opts.pin ?? plainStaffPin("2580", "demo"),
    ...(opts.lockout ? { lockout: opts.lockout } : {}),
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
  const login = async (pin: string) => {
    d.login(pin);
    await flush();
  };
  return { d, tests, login, changes: () => changes };
}

describe("the staff overlay", () => {
  it("opens a PIN pad and shows status and counts after the right PIN", async () => {
    const { d, login } = desk();
    d.open();
    expect(d.screen()).toEqual({ name: "staff-login", problem: null, lockedUntil: null, pin: "demo" });
    await login("1111");
    expect(d.screen()).toMatchObject({ name: "staff-login", problem: "wrong-pin" });
    await login("2580");
    expect(d.screen()).toMatchObject({ name: "staff", staff: { kioskId: "k", ledTest: null, today: { byOutcome: { pass: 1 } } } });
  });

  it("locks the PIN pad after three wrong PINs, for longer each time", async () => {
    const { d, login } = desk();
    d.open();
    for (let i = 0; i < 3; i++) await login("0000");
    expect(d.screen()).toMatchObject({ name: "staff-login", problem: "locked", lockedUntil: LOCK_MS });
    await login("2580");
    expect(d.screen()).toMatchObject({ problem: "locked" });
    vi.setSystemTime(LOCK_MS);
    for (let i = 0; i < 3; i++) await login("0000");
    expect(d.screen()).toMatchObject({ problem: "locked", lockedUntil: LOCK_MS + 2 * LOCK_MS });
  });

  // Issue 15 problem 3: the lock time doubled without a cap.
  it("caps the lock time: 1, 2, 4, 8 min, then 15 min for ever", async () => {
    expect([0, 1, 2, 3, 4, 5, 40].map(lockMs)).toEqual([LOCK_MS, 2 * LOCK_MS, 4 * LOCK_MS, 8 * LOCK_MS, LOCK_CAP_MS, LOCK_CAP_MS, LOCK_CAP_MS]);
    const { d, login } = desk();
    d.open();
    for (let lock = 0; lock < 12; lock++) {
      for (let i = 0; i < 3; i++) await login("0000");
      const s = d.screen();
      const until = s?.name === "staff-login" ? (s.lockedUntil ?? 0) : 0;
      expect(until - Date.now()).toBeLessThanOrEqual(LOCK_CAP_MS);
      vi.setSystemTime(until);
    }
  });

  // Issue 15 problem 3: the lock-out was forgotten on restart.
  it("keeps the lock-out and the count of wrong PINs across restarts", async () => {
    const store = memoryLockoutStore();
    const first = desk({ lockout: store });
    first.d.open();
    for (let i = 0; i < 3; i++) await first.login("0000");
    expect(first.d.screen()).toMatchObject({ problem: "locked", lockedUntil: LOCK_MS });
    // Restart: a new desk over the same store, 1 s later.
    const second = desk({ lockout: store, now: 1000 });
    second.d.open();
    expect(second.d.screen()).toMatchObject({ problem: "locked", lockedUntil: LOCK_MS });
    await second.login("2580");
    expect(second.d.screen()).toMatchObject({ problem: "locked" });
    // Two wrong PINs, restart, one more: locked (the count survived).
    const third = desk({ lockout: store, now: LOCK_MS });
    third.d.open();
    await third.login("0000");
    await third.login("0000");
    const fourth = desk({ lockout: store, now: LOCK_MS + 10 });
    fourth.d.open();
    await fourth.login("0000");
    expect(fourth.d.screen()).toMatchObject({ problem: "locked", lockedUntil: LOCK_MS + 10 + 2 * LOCK_MS });
  });

  it("never reads back a lock longer than the cap (a clock set back, a damaged file)", () => {
    const store = memoryLockoutStore({ wrong: 0, locks: 3, lockedUntil: 10 * 24 * 3600_000 });
    const { d } = desk({ lockout: store, now: 0 });
    d.open();
    expect(d.screen()).toMatchObject({ problem: "locked", lockedUntil: LOCK_CAP_MS });
  });

  it("measures the sustained guess rate of an attacker who also restarts the daemon every 2 minutes", async () => {
    const store = memoryLockoutStore();
    const hours = 24;
    let guesses = 0;
    let now = 0;
    let d = desk({ lockout: store, now });
    let restartAt = 2 * 60_000;
    while (now < hours * 3600_000) {
      if (now >= restartAt) {
        d = desk({ lockout: store, now });
        restartAt = now + 2 * 60_000;
      }
      d.d.open();
      const before = d.d.screen();
      if (before?.name === "staff-login" && before.problem === "locked" && before.lockedUntil !== null) {
        now = Math.max(now + 1000, Math.min(before.lockedUntil, restartAt));
      } else {
        await d.login(String(1000 + (guesses % 9000)).padStart(4, "0"));
        guesses++;
        now += 1000; // one guess a second while the pad is open
      }
      vi.setSystemTime(now);
      d.d.close();
    }
    const perHour = guesses / hours;
    console.log(`staff PIN: ${guesses} guesses in ${hours} h with a restart every 2 min = ${perHour.toFixed(1)} per hour (cap 3 per ${LOCK_CAP_MS / 60_000} min = 12/h)`);
    expect(perHour).toBeLessThanOrEqual(12.5);
  });

  it("makes staff login impossible, and says so, when no PIN is set", async () => {
    const { d, login } = desk({ pin: NO_STAFF_PIN });
    d.open();
    expect(d.screen()).toMatchObject({ name: "staff-login", problem: "no-pin-set", pin: "not-set" });
    for (const pin of ["2580", "0000", ""]) await login(pin);
    expect(d.screen()).toMatchObject({ name: "staff-login", problem: "no-pin-set" });
  });

  it("runs an LED test and hands the lights back to the flow when closed", async () => {
    const { d, tests, login } = desk();
    d.open();
    await login("2580");
    d.ledTest("fail");
    expect(d.screen()).toMatchObject({ name: "staff", staff: { ledTest: "fail" } });
    d.close();
    expect(tests).toEqual(["fail", null]);
    expect(d.screen()).toBeNull();
  });

  it("closes itself after its budget without a staff action, and each action restarts the budget", async () => {
    const { d, login } = desk();
    d.open();
    vi.advanceTimersByTime(50_000);
    await login("0000");
    vi.advanceTimersByTime(50_000);
    expect(d.overlay()).not.toBeNull();
    vi.advanceTimersByTime(10_000);
    expect(d.overlay()).toBeNull();
  });
});
