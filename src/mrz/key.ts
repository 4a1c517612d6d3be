/**
 * The passport's access key as BAC/PACE use it: the "MRZ information" of ICAO Doc 9303 part 11 §4.3.2
 * (document number with its check digit, birth date with its check digit, expiry with its check
 * digit: 9 + 1 + 6 + 1 + 6 + 1 = 24 ASCII characters, the document number padded with `<`).
 * It lives in one zeroable buffer; every way a value gets printed yields `[redacted]`. The only way
 * out is `useBytes()` (for the key derivation). Pure.
 */
import { checkDigit, MRZ_ALPHABET } from "./check";

export const REDACTED = "[redacted]";
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
export const MRZ_KEY_LENGTH = 24;

export interface MrzKeyFields {
  /** Up to 9 characters of A–Z 0–9 (`<` fillers are added); longer numbers (TD1 overflow) are not TD3. */
  readonly documentNumber: string;
  /** YYMMDD as printed in the MRZ (digits, or `<` for an unknown part). */
  readonly birthDate: string;
  /** YYMMDD as printed in the MRZ. */
  readonly expiry: string;
}

export class MrzKey {
  #bytes: Uint8Array;
  #wiped = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** From the three fields (check digits computed here), or null when a field is malformed. */
  static fromFields(f: MrzKeyFields): MrzKey | null {
    const doc = f.documentNumber.padEnd(9, "<");
    if (doc.length !== 9 || !MRZ_ALPHABET.test(doc) || /^<*$/.test(doc)) return null;
    if (!/^[0-9<]{6}$/.test(f.birthDate) || !/^[0-9]{6}$/.test(f.expiry)) return null;
    const s = `${doc}${checkDigit(doc)}${f.birthDate}${checkDigit(f.birthDate)}${f.expiry}${checkDigit(f.expiry)}`;
    return MrzKey.#fromAscii(s);
  }

  /** From a validated TD3 line 2 (positions 1–10, 14–20, 22–28), the check digits as printed. */
  static fromLine2(line2: string): MrzKey {
    return MrzKey.#fromAscii(line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, 28));
  }

  static #fromAscii(s: string): MrzKey {
    const b = new Uint8Array(MRZ_KEY_LENGTH);
    for (let i = 0; i < MRZ_KEY_LENGTH; i++) b[i] = s.charCodeAt(i);
    return new MrzKey(b);
  }

  /** Lends the 24 ASCII bytes to `fn` (e.g. the BAC key seed). Throws after wipe(). */
  useBytes<T>(fn: (ascii: Uint8Array) => T): T {
    if (this.#wiped) throw new Error("MrzKey used after wipe()");
    return fn(this.#bytes);
  }

  /** Constant-time comparison (frame agreement, "never the same wrong key twice"). */
  equals(other: MrzKey): boolean {
    return other.useBytes((o) => {
      let diff = this.#wiped ? 1 : 0;
      for (let i = 0; i < MRZ_KEY_LENGTH; i++) diff |= (this.#bytes[i] ?? 0) ^ (o[i] ?? 0);
      return diff === 0;
    });
  }

  clone(): MrzKey {
    return this.useBytes((b) => new MrzKey(b.slice()));
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
  [INSPECT](): string {
    return REDACTED;
  }
}
