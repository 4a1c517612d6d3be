/**
 * The BAC/PACE password from the machine-readable zone: document number, birth date and expiry, each
 * with its check digit (Doc 9303-3 §4.9: weights 7-3-1, `<` = 0, A–Z = 10–35; Doc 9303-11 §9.7.2:
 * MRZ_information = doc number ‖ check ‖ birth YYMMDD ‖ check ‖ expiry YYMMDD ‖ check). [spec]
 *
 * `MrzKey` holds MRZ_information in one zeroable buffer and prints `[redacted]`, like CodeB. The `mrz`
 * package parses whole MRZ lines (and checks them) but does not export its check-digit function, so
 * the 7-3-1 sum for typed fields is written here.
 */
import { createHash } from "node:crypto";
import { REDACTED } from "../secret";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

function charValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 0; // '<'
}

/** The Doc 9303-3 check digit of ASCII MRZ characters (0-9, A-Z, <). */
export function checkDigit(field: string | Uint8Array): number {
  const w = [7, 3, 1];
  let sum = 0;
  const n = typeof field === "string" ? field.length : field.length;
  for (let i = 0; i < n; i++) {
    const c = typeof field === "string" ? field.charCodeAt(i) : (field[i] ?? 0);
    sum += charValue(c) * (w[i % 3] ?? 1);
  }
  return sum % 10;
}

export type MrzKeyProblem = { field: "documentNumber" | "birthDate" | "expiry"; code: "format" | "check-digit" };

const DOC = /^[0-9A-Z<]{1,9}$/;
const DATE = /^[0-9]{2}(0[1-9]|1[0-2]|<<)([0-2][0-9]|3[01]|<<)$/;

export class MrzKey {
  #info: Uint8Array;
  #wiped = false;

  private constructor(info: Uint8Array) {
    this.#info = info;
  }

  /**
   * From the three fields as printed in the MRZ (document number padded with `<` to 9; YYMMDD dates).
   * Check digits, when given (from an OCR'd MRZ), must match. Returns the first problem otherwise.
   */
  static fromFields(
    f: { documentNumber: string; birthDate: string; expiry: string },
    given?: { documentNumber?: number; birthDate?: number; expiry?: number },
  ): { ok: true; key: MrzKey } | { ok: false; problem: MrzKeyProblem } {
    const doc = f.documentNumber.toUpperCase().padEnd(9, "<");
    if (!DOC.test(doc) || doc.startsWith("<")) return { ok: false, problem: { field: "documentNumber", code: "format" } };
    // A birth date with unknown parts (<<) is allowed in the MRZ; the expiry always has all digits.
    if (!DATE.test(f.birthDate)) return { ok: false, problem: { field: "birthDate", code: "format" } };
    if (!/^[0-9]{6}$/.test(f.expiry) || !DATE.test(f.expiry)) return { ok: false, problem: { field: "expiry", code: "format" } };
    const cd = { documentNumber: checkDigit(doc), birthDate: checkDigit(f.birthDate), expiry: checkDigit(f.expiry) };
    for (const k of ["documentNumber", "birthDate", "expiry"] as const) {
      const g = given?.[k];
      if (g !== undefined && g !== cd[k]) return { ok: false, problem: { field: k, code: "check-digit" } };
    }
    const s = `${doc}${cd.documentNumber}${f.birthDate}${cd.birthDate}${f.expiry}${cd.expiry}`;
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return { ok: true, key: new MrzKey(b) };
  }

  /** K_seed input for BAC: SHA-1(MRZ_information) (first 16 bytes taken by the caller). */
  sha1(): Uint8Array {
    if (this.#wiped) throw new Error("MrzKey used after wipe()");
    return new Uint8Array(createHash("sha1").update(this.#info).digest());
  }

  /** Lends MRZ_information (tests, the simulator). Throws after wipe(). */
  useBytes<T>(fn: (ascii: Uint8Array) => T): T {
    if (this.#wiped) throw new Error("MrzKey used after wipe()");
    return fn(this.#info);
  }

  /** The birth date the key was made with, "YYMMDD" ASCII (a copy; BAC success confirms it). */
  birthYymmdd(): Uint8Array {
    return this.useBytes((b) => b.slice(10, 16));
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  wipe(): void {
    this.#info.fill(0);
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
