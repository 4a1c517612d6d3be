/**
 * The residence card's access key: the 12-character card number printed on the card face
 * (2 upper-case letters, 8 digits, 2 upper-case letters, e.g. "AA12345678BB"; spec §3.4.2 / 別添2).
 * Not a secret in the strict sense (it is printed, and the chip counts no failures), but it identifies
 * the holder's card, so it is handled like 照合番号B: one zeroable buffer, printed as `[redacted]`, out
 * only through `useBytes()`. Pure: no node: import.
 */
import { REDACTED } from "../secret";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
export const CARD_NUMBER_LENGTH = 12;
export const CARD_NUMBER_PATTERN = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/;

export class CardNumber {
  #bytes: Uint8Array;
  #wiped = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Exactly 2 letters, 8 digits, 2 letters (upper case), else null. */
  static parse(text: string): CardNumber | null {
    if (!CARD_NUMBER_PATTERN.test(text)) return null;
    const b = new Uint8Array(CARD_NUMBER_LENGTH);
    for (let i = 0; i < CARD_NUMBER_LENGTH; i++) b[i] = text.charCodeAt(i);
    return new CardNumber(b);
  }

  /** From 12 ASCII bytes (copied); null unless they match the pattern. */
  static fromAscii(ascii: Uint8Array): CardNumber | null {
    if (ascii.length !== CARD_NUMBER_LENGTH) return null;
    for (let i = 0; i < CARD_NUMBER_LENGTH; i++) {
      const c = ascii[i] ?? 0;
      const letter = c >= 0x41 && c <= 0x5a;
      const digit = c >= 0x30 && c <= 0x39;
      if ((i < 2 || i >= 10) && !letter) return null;
      if (i >= 2 && i < 10 && !digit) return null;
    }
    return new CardNumber(ascii.slice());
  }

  useBytes<T>(fn: (ascii: Uint8Array) => T): T {
    if (this.#wiped) throw new Error("CardNumber used after wipe()");
    return fn(this.#bytes);
  }

  equals(other: CardNumber): boolean {
    return other.useBytes((o) => {
      let diff = this.#wiped ? 1 : 0;
      for (let i = 0; i < CARD_NUMBER_LENGTH; i++) diff |= (this.#bytes[i] ?? 0) ^ (o[i] ?? 0);
      return diff === 0;
    });
  }

  clone(): CardNumber {
    return this.useBytes((b) => new CardNumber(b.slice()));
  }

  get wiped(): boolean {
    return this.#wiped;
  }

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
