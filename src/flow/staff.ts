/**
 * The staff overlay: PIN pad, then a status screen with today's counts and an LED test. It opens
 * only between sessions (idle or out of service) and closes when a session starts, on "close", or
 * when its `staff` budget passes without a staff action. It shows no personal data: counts come
 * from the audit, which holds none.
 *
 * PIN tries are rate-limited: after MAX_TRIES wrong PINs the pad is locked for LOCK_MS, doubling
 * with each further lock until a correct PIN. The PIN is compared in constant time.
 */
import type { LedPattern, Screen, StaffCounts, StaffLoginProblem, StaffView } from "../protocol";
import type { Clock } from "./ports";

export const MAX_TRIES = 3;
export const LOCK_MS = 60_000;

export type StaffOverlay =
  | { kind: "login"; problem: StaffLoginProblem | null; lockedUntil: number | null }
  | { kind: "staff"; ledTest: LedPattern | null };

export interface StaffDeskDeps {
  pin: string;
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

function samePin(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

export function createStaffDesk(deps: StaffDeskDeps): StaffDesk {
  let overlay: StaffOverlay | null = null;
  let wrong = 0;
  let locks = 0;
  let lockedUntil: number | null = null;
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

  return {
    overlay: () => overlay,
    open() {
      if (overlay === null) set({ kind: "login", problem: locked() ? "locked" : null, lockedUntil: locked() ? lockedUntil : null });
    },
    login(pin) {
      if (overlay?.kind !== "login") return;
      if (locked()) {
        set({ kind: "login", problem: "locked", lockedUntil });
        return;
      }
      if (samePin(pin, deps.pin)) {
        wrong = 0;
        locks = 0;
        lockedUntil = null;
        set({ kind: "staff", ledTest: null });
        return;
      }
      wrong++;
      if (wrong >= MAX_TRIES) {
        wrong = 0;
        lockedUntil = deps.clock.now() + LOCK_MS * 2 ** locks;
        locks++;
        set({ kind: "login", problem: "locked", lockedUntil });
      } else set({ kind: "login", problem: "wrong-pin", lockedUntil: null });
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
          return { name: "staff-login", problem: overlay.problem, lockedUntil: overlay.lockedUntil };
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
