/**
 * 照合番号B as a value that cannot leak: its 14 ASCII digits live in one zeroable buffer, and every
 * way a value gets printed (`String()`, template literals, `JSON.stringify`, `util.inspect`,
 * `console.log`) yields `[redacted]`. The only way out is `useBytes()`, for the VERIFY APDU.
 *
 * Pure: the inspect hook is the registered symbol `nodejs.util.inspect.custom`, no node: import.
 */

export const REDACTED = "[redacted]";
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

export const CODE_B_LENGTH = 14;

export class CodeB {
  #bytes: Uint8Array;
  #wiped = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Exactly 14 ASCII digits, else null (callers that need reasons use deriveCodeB in code-b.ts). */
  static fromDigits(digits: string): CodeB | null {
    if (!/^[0-9]{14}$/.test(digits)) return null;
    const b = new Uint8Array(CODE_B_LENGTH);
    for (let i = 0; i < CODE_B_LENGTH; i++) b[i] = digits.charCodeAt(i);
    return new CodeB(b);
  }

  /** Lends the ASCII bytes to `fn` (e.g. to build the VERIFY APDU). Throws after wipe(). */
  useBytes<T>(fn: (ascii: Uint8Array) => T): T {
    if (this.#wiped) throw new Error("CodeB used after wipe()");
    return fn(this.#bytes);
  }

  /** Constant-time comparison with another code (for "never send the same wrong code twice"). */
  equals(other: CodeB): boolean {
    return other.useBytes((o) => {
      let diff = this.#wiped ? 1 : 0;
      for (let i = 0; i < CODE_B_LENGTH; i++) diff |= (this.#bytes[i] ?? 0) ^ (o[i] ?? 0);
      return diff === 0;
    });
  }

  /** A copy with its own buffer (the copy must be wiped too). */
  clone(): CodeB {
    return this.useBytes((b) => new CodeB(b.slice()));
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  /** Zero the digits. Idempotent. */
  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
  [INSPECT](): string {
    return REDACTED;
  }
}
