/**
 * Every time budget of the session, in one table. A budget is owned by one state (or, for
 * `session`, by the whole session): the runner starts its timer when the state is entered and
 * aborts it when the state is left, so an expiry can only ever act on the state that started it.
 *
 * Config (`budgets` in the config file, by name, ms) may tune each value within the bounds below;
 * `resolveBudgets` reports every unknown name and every out-of-bounds value, it never clamps.
 * Pure: no timers, no node: imports.
 */

export const BUDGET_TABLE = {
  /** Touch "start" → a card must be on the reader. Expiry: abandoned (timeout). */
  placeCard: { ms: 30_000, min: 5_000, max: 120_000 },
  /** Camera reads the printed card face (OCR) for 照合番号B. Expiry: manual entry, nothing pre-filled. */
  captureCardFace: { ms: 12_000, min: 3_000, max: 60_000 },
  /** Customer types birth date, expiry year and security code. Expiry: abandoned (timeout). */
  manualEntry: { ms: 90_000, min: 20_000, max: 300_000 },
  /** Typed entry → checked and 照合番号B derived (pure work; a budget so that it, too, is bounded). */
  checkEntry: { ms: 2_000, min: 500, max: 10_000 },
  /** VERIFY + READ BINARY + the card's challenge. Expiry: refer (read-error). */
  readChip: { ms: 10_000, min: 3_000, max: 30_000 },
  /** Card lifted during the chip read: time to put it back. Expiry: abandoned (card-removed). */
  replaceCard: { ms: 10_000, min: 3_000, max: 60_000 },
  /** Signature and certificate checks, offline. Expiry: refer (could-not-check). */
  checking: { ms: 5_000, min: 1_000, max: 30_000 },
  /** Live face against the chip photo, with liveness. Expiry: refer (face-not-sure). */
  faceCheck: { ms: 20_000, min: 5_000, max: 120_000 },
  /** Verdict on screen in unattended mode (long enough for staff to read it from a distance).
   *  Expiry: purge; idle, or "card left" while the card is still on the reader. */
  resultUnattended: { ms: 12_000, min: 3_000, max: 60_000 },
  /** Staff compare the chip data at a desk. Expiry: purge, idle. */
  resultAttended: { ms: 120_000, min: 10_000, max: 600_000 },
  /** Out of service: how often the devices are looked at again. Expiry: idle when healthy. */
  outOfService: { ms: 5_000, min: 1_000, max: 60_000 },
  /** A referral waiting for staff: the refer light and the idle screen's "staff called" stay this
   *  long unless staff acknowledge it on the staff screen. Expiry: the light goes out. */
  staffCall: { ms: 300_000, min: 30_000, max: 3_600_000 },
  /** Staff overlay (PIN pad, status) without a staff action. Expiry: closed. */
  staff: { ms: 60_000, min: 10_000, max: 600_000 },
  /** Daemon start, before READY: each warm-start step (the OCR thread + a warm-up card, the face
   *  models + a warm-up portrait; src/lifecycle.ts `warmStart`) is awaited at most this long, for a
   *  Pi 4 loading the Japanese OCR model from a slow SD card. Owned by no session state. Expiry: the
   *  step goes on in the background and the daemon reports ready without it (logged "timeout"). */
  warmStart: { ms: 60_000, min: 5_000, max: 300_000 },
  /** Optional till POST of the verdict token (issue 19, src/till/post.ts): every attempt and retry
   *  together. Owned by no session state: the customer never waits for it. Expiry: counted failed. */
  tillPost: { ms: 5_000, min: 1_000, max: 30_000 },
  /** Whole session, start to verdict, whatever the states did. Expiry: abandoned (timeout). */
  session: { ms: 180_000, min: 60_000, max: 600_000 },
} as const satisfies Record<string, { ms: number; min: number; max: number }>;

export type BudgetName = keyof typeof BUDGET_TABLE;
export type Budgets = Readonly<Record<BudgetName, number>>;

export const BUDGET_NAMES = Object.keys(BUDGET_TABLE) as BudgetName[];

export const DEFAULT_BUDGETS: Budgets = Object.freeze(
  Object.fromEntries(BUDGET_NAMES.map((n) => [n, BUDGET_TABLE[n].ms])) as Record<BudgetName, number>,
);

function isBudgetName(name: string): name is BudgetName {
  return Object.prototype.hasOwnProperty.call(BUDGET_TABLE, name);
}

/** Defaults overridden by config; every problem is reported with its config path. */
export function resolveBudgets(
  overrides: Readonly<Record<string, number>>,
): { ok: true; budgets: Budgets } | { ok: false; errors: string[] } {
  const out: Record<BudgetName, number> = { ...DEFAULT_BUDGETS };
  const errors: string[] = [];
  for (const [name, value] of Object.entries(overrides)) {
    if (!isBudgetName(name)) {
      errors.push(`budgets.${name}: unknown budget (known: ${BUDGET_NAMES.join(", ")})`);
      continue;
    }
    const { min, max } = BUDGET_TABLE[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(`budgets.${name}: ${value} ms is outside ${min}–${max} ms`);
      continue;
    }
    out[name] = value;
  }
  if (out.session < out.placeCard + out.readChip) {
    errors.push(`budgets.session: must be at least placeCard + readChip (${out.placeCard + out.readChip} ms)`);
  }
  return errors.length ? { ok: false, errors } : { ok: true, budgets: Object.freeze(out) };
}
