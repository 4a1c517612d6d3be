/**
 * The staff overlay: PIN pad, then a status screen with today's counts and an LED test. It opens
 * only between sessions (idle or out of service) and closes when a session starts, on "close", or
 * when its `staff` budget passes without a staff action. It shows no personal data: counts come
 * from the audit, which holds none.
 *
 * The PIN itself sits behind a port (`StaffPinPort`): production checks a salted scrypt hash that
 * `kioskctl staff-pin set` stored; with none stored, staff login is impossible (customer checks run);
 * demo mode uses the published demo PIN and says so on the pad.
 *
 * PIN tries are rate-limited, and the lock-out survives restarts (`LockoutStore`, a file in the
 * state directory): after MAX_TRIES wrong PINs the pad is locked for LOCK_MS, doubling with each
 * further lock up to LOCK_CAP_MS, until a correct PIN. Schedule: 3 tries, then 1, 2, 4, 8 min, then
 * 15 min per 3 tries for ever — a sustained 12 guesses per hour at most, and a customer can lock staff
 * out for 15 minutes at worst.
 */
import type { LedPattern, Screen, StaffCounts, StaffLoginProblem, StaffView } from "../protocol";
import type { Clock } from "./ports";

export const MAX_TRIES = 3;
export const LOCK_MS = 60_000;
export const LOCK_CAP_MS = 15 * 60_000;

/** What the pad knows about the PIN: a stored hash, the demo PIN, or nothing (login impossible). */
export interface StaffPinPort {
  readonly state: "set" | "demo" | "not-set";
  /** Whether `pin` is the staff PIN (constant time / slow hash in the adapter). Never rejects. */
  verify(pin: string): Promise<boolean>;
}

/** Lock-out state as persisted; `lockedUntil` is wall-clock ms (clock.now()). */
export interface LockoutState {
  wrong: number;
  locks: number;
  lockedUntil: number | null;
}

export interface LockoutStore {
  load(): LockoutState | null;
  save(state: LockoutState): void;
}

/** A store that forgets on restart (demo mode without a state directory, tests). */
export function memoryLockoutStore(initial: LockoutState | null = null): LockoutStore & { saved: LockoutState | null } {
  const store = {
    saved: initial,
    load: () => (store.saved ? { ...store.saved } : null),
    save: (s: LockoutState) => {
      store.saved = { ...s };
    },
  };
  return store;
}

/**
 * A PIN held in memory, compared in constant time: the demo PIN (state "demo") and tests. Production
 * uses the scrypt hash from the state directory instead (src/compose/staff-pin-file.ts).
 */
export function plainStaffPin(pin: string, state: "set" | "demo" = "demo"): StaffPinPort {
  return {
    state,
    verify(candidate) {
      let diff = candidate.length ^ pin.length;
      for (let i = 0; i < Math.max(candidate.length, pin.length); i++) diff |= (candidate.charCodeAt(i) || 0) ^ (pin.charCodeAt(i) || 0);
      return Promise.resolve(diff === 0);
    },
  };
}

/** No PIN stored (production before `kioskctl staff-pin set`): staff login is impossible. */
export const NO_STAFF_PIN: StaffPinPort = { state: "not-set", verify: () => Promise.resolve(false) };

/** Lock time after the n-th lock (0-based): LOCK_MS doubling, capped. */
export function lockMs(n: number): number {
  return Math.min(LOCK_CAP_MS, LOCK_MS * 2 ** Math.min(n, 30));
}

export type StaffOverlay =
  | { kind: "login"; problem: StaffLoginProblem | null; lockedUntil: number | null }
  | { kind: "staff"; ledTest: LedPattern | null };

export interface StaffDeskDeps {
  pin: StaffPinPort;
  /** Where the lock-out is kept between restarts. Default: memory. */
  lockout?: LockoutStore;
  clock: Clock;
  /** Inactivity budget (ms) after which the overlay closes by itself. */
  budgetMs: number;
  /** The overlay opened, changed or closed. */
  onChange(): void;
  /** LED test started (pattern) or ended (null: the flow shows its own pattern again). */
  onLedTest(pattern: LedPattern | null): void;
  view(): Omit<StaffView, "ledTest">;
}

export interface StaffDesk {
  overlay(): StaffOverlay | null;
  open(): void;
  login(pin: string): void;
  ledTest(pattern: LedPattern): void;
  close(): void;
  screen(): Screen | null;
  /** Ends of the inactivity budget, for the countdown. */
  countdown(): { endsAt: number; totalMs: number } | null;
}

// eslint-disable-next-line max-lines-per-function -- landed with issue 15 before the length rule; its owner (security) splits it
export function createStaffDesk(deps: StaffDeskDeps): StaffDesk {
  let overlay: StaffOverlay | null = null;
  const store = deps.lockout ?? memoryLockoutStore();
  const saved = store.load();
  let wrong = Math.max(0, Math.min(MAX_TRIES - 1, saved?.wrong ?? 0));
  let locks = Math.max(0, saved?.locks ?? 0);
  // A lock read back is never longer than the cap from now (a clock set back cannot extend it).
  let lockedUntil: number | null = saved?.lockedUntil == null ? null : Math.min(saved.lockedUntil, deps.clock.now() + LOCK_CAP_MS);
  let checking = false;
  const persist = (): void => store.save({ wrong, locks, lockedUntil });
  let cancelTimer: () => void = () => {};
  let endsAt = 0;

  function touch(): void {
    cancelTimer();
    endsAt = deps.clock.now() + deps.budgetMs;
    cancelTimer = deps.clock.after(deps.budgetMs, close);
  }

  function set(next: StaffOverlay | null): void {
    const hadTest = overlay?.kind === "staff" && overlay.ledTest !== null;
    overlay = next;
    if (next === null) {
      cancelTimer();
      cancelTimer = () => {};
    } else touch();
    if (hadTest && (next === null || next.kind !== "staff" || next.ledTest === null)) deps.onLedTest(null);
    deps.onChange();
  }

  function close(): void {
    if (overlay !== null) set(null);
  }

  const locked = () => lockedUntil !== null && deps.clock.now() < lockedUntil;

  function settle(ok: boolean): void {
    checking = false;
    if (ok) {
      wrong = 0;
      locks = 0;
      lockedUntil = null;
      persist();
      if (overlay?.kind === "login") set({ kind: "staff", ledTest: null });
      return;
    }
    wrong++;
    if (wrong >= MAX_TRIES) {
      wrong = 0;
      lockedUntil = deps.clock.now() + lockMs(locks);
      locks++;
      persist();
      if (overlay?.kind === "login") set({ kind: "login", problem: "locked", lockedUntil });
    } else {
      persist();
      if (overlay?.kind === "login") set({ kind: "login", problem: "wrong-pin", lockedUntil: null });
    }
  }

  return {
    overlay: () => overlay,
    open() {
      if (overlay !== null) return;
      if (deps.pin.state === "not-set") set({ kind: "login", problem: "no-pin-set", lockedUntil: null });
      else set({ kind: "login", problem: locked() ? "locked" : null, lockedUntil: locked() ? lockedUntil : null });
    },
    login(pin) {
      if (overlay?.kind !== "login" || checking) return;
      if (deps.pin.state === "not-set") {
        set({ kind: "login", problem: "no-pin-set", lockedUntil: null });
        return;
      }
      if (locked()) {
        set({ kind: "login", problem: "locked", lockedUntil });
        return;
      }
      checking = true;
      void deps.pin.verify(pin).then(
        (ok) => settle(ok),
        () => settle(false),
      );
    },
    ledTest(pattern) {
      if (overlay?.kind !== "staff") return;
      deps.onLedTest(pattern);
      set({ kind: "staff", ledTest: pattern });
    },
    close,
    screen() {
      if (overlay === null) return null;
      switch (overlay.kind) {
        case "login":
          return { name: "staff-login", problem: overlay.problem, lockedUntil: overlay.lockedUntil, pin: deps.pin.state };
        case "staff":
          return { name: "staff", staff: { ...deps.view(), ledTest: overlay.ledTest } };
      }
    },
    countdown: () => (overlay === null ? null : { endsAt, totalMs: deps.budgetMs }),
  };
}

/** Empty counts (every outcome present, as the protocol type requires). */
export function emptyCounts(): StaffCounts {
  return { byOutcome: { pass: 0, fail: 0, refer: 0, abandoned: 0 }, byReason: {} };
}
