/**
 * PIN 1 of the licence (4 digits) in one zeroable buffer, as the card compares it: JIS X 0201 / ASCII
 * digit bytes ([code] hmpow, soft-studio; reference §1.4). Prints as [redacted]; `wipe()` zeroes it.
 */
import { PIN_LENGTH } from "./ids";

export class LicencePin {
  readonly #bytes: Uint8Array;
  #wiped = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Exactly 4 ASCII digits, else null (the entry rules said why). */
  static fromDigits(digits: string): LicencePin | null {
    if (digits.length !== PIN_LENGTH || !/^[0-9]+$/.test(digits)) return null;
    return new LicencePin(Uint8Array.from(digits, (c) => c.charCodeAt(0)));
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  /** Lend the bytes to `f` (the VERIFY); `f` must copy what it keeps and zero its copy. */
  useBytes<T>(f: (b: Uint8Array) => T): T {
    return f(this.#bytes);
  }

  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "LicencePin [redacted]";
  }
}
