/**
 * Multi-frame agreement, per field. A value is agreed when it was read in at least `need` frames and
 * at least two more often than any other value of the same field (so A, B, A is not enough; A, B, A, A
 * is). Pure.
 */
export class FieldVotes<T> {
  readonly #tally = new Map<string, { value: T; count: number }>();

  constructor(private readonly keyOf: (v: T) => string) {}

  add(value: T): void {
    const k = this.keyOf(value);
    const e = this.#tally.get(k);
    if (e) e.count++;
    else this.#tally.set(k, { value, count: 1 });
  }

  /** The agreed value, or null. */
  agreed(need: number): T | null {
    const [first, second] = this.ranked();
    if (!first || first.count < need) return null;
    if (second && first.count < second.count + 2) return null;
    return first.value;
  }

  /** The most frequent value so far (for pre-filling manual entry), or undefined. */
  leading(): T | undefined {
    return this.ranked()[0]?.value;
  }

  /** More than one distinct value was read. */
  get disagreement(): boolean {
    return this.#tally.size > 1;
  }

  get total(): number {
    let n = 0;
    for (const e of this.#tally.values()) n += e.count;
    return n;
  }

  private ranked(): { value: T; count: number }[] {
    return [...this.#tally.values()].sort((a, b) => b.count - a.count);
  }
}
