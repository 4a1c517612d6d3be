/**
 * The retry-counter policy: the card's 照合番号B counter (10 tries, reference §1.3) belongs to the
 * holder, and a kiosk must never be the thing that locks it.
 *
 * - Refuse to VERIFY when the card has fewer than `minTriesLeft` tries (config card.minTriesLeft, default 3).
 * - At most one wrong VERIFY per guard (one guard per customer session).
 * - Never send a code that the card has already refused (kept as a zeroable CodeB clone, wiped with the guard).
 * A blocked key (63C0/6984) is not a policy question: it is reported as its own outcome.
 */
import type { CodeB } from "../secret";

export interface RetryPolicy {
  readonly minTriesLeft: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { minTriesLeft: 3 };

export type PolicyRefusal =
  | { kind: "low-tries"; triesLeft: number; minimum: number }
  | { kind: "wrong-code-already-spent" }
  | { kind: "same-wrong-code" };

export class RetryGuard {
  readonly policy: RetryPolicy;
  readonly #wrong: CodeB[] = [];
  /** A VERIFY whose answer was lost (card pulled, timeout): the card may or may not have counted it. */
  #uncertain: { code: CodeB; triesBefore: number | null } | null = null;

  constructor(policy: RetryPolicy = DEFAULT_RETRY_POLICY) {
    this.policy = policy;
  }

  get wrongAttempts(): number {
    return this.#wrong.length;
  }

  /** null = allowed to VERIFY `code` now; else why not. `triesLeft` null = the card did not say. */
  check(triesLeft: number | null, code: CodeB): PolicyRefusal | null {
    this.#settleUncertain(triesLeft);
    if (this.#wrong.some((w) => w.equals(code))) return { kind: "same-wrong-code" };
    if (this.#wrong.length >= 1) return { kind: "wrong-code-already-spent" };
    if (triesLeft !== null && triesLeft < this.policy.minTriesLeft) {
      return { kind: "low-tries", triesLeft, minimum: this.policy.minTriesLeft };
    }
    return null;
  }

  recordWrong(code: CodeB): void {
    this.#wrong.push(code.clone());
  }

  /**
   * The VERIFY of `code` was sent but its answer never arrived. The next `check()` settles it from the
   * card's tries-left answer: fewer tries than before → it was wrong (counted as the session's one wrong
   * VERIFY); the same or more → it was right or never executed. A count now but none before counts as
   * wrong; no count now (the card answered 9000: already verified) means it was right.
   */
  recordUncertain(code: CodeB, triesBefore: number | null): void {
    this.#uncertain?.code.wipe();
    this.#uncertain = { code: code.clone(), triesBefore };
  }

  #settleUncertain(triesLeft: number | null): void {
    const u = this.#uncertain;
    if (!u) return;
    this.#uncertain = null;
    const counted = triesLeft === null || u.triesBefore === null ? triesLeft !== null : triesLeft < u.triesBefore;
    if (counted) this.#wrong.push(u.code);
    else u.code.wipe();
  }

  /** Forget every remembered code (end of session). */
  wipe(): void {
    for (const w of this.#wrong) w.wipe();
    this.#wrong.length = 0;
    this.#uncertain?.code.wipe();
    this.#uncertain = null;
  }
}
