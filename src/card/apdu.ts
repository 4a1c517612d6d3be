/**
 * ISO 7816-4 command and response APDUs as bytes. Pure: no I/O, no card knowledge.
 *
 * Encoding (ISO 7816-4 §5.1):
 * - short:    CLA INS P1 P2 [Lc(1) data(1..255)] [Le(1), 00 = 256]
 * - extended: CLA INS P1 P2 [00 Lc(2) data(1..65535)] [Le(2), 0000 = 65536] — with no data, Le is `00 Le(2)`.
 * An APDU is extended when asked, or when data > 255 bytes or Le > 256.
 */
import { CardError } from "./errors";

export interface Command {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length, 1..65536; absent = no response data expected (case 1/3). */
  readonly le?: number;
}

export interface Response {
  readonly data: Uint8Array;
  readonly sw: number;
}

export const SHORT_LE_MAX = 256;
export const EXTENDED_LE_MAX = 65536;

function byte(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new RangeError(`${what} must be a byte`);
  return n;
}

/** Whether this command needs the extended form (or was asked for it). */
export function needsExtended(c: Command): boolean {
  return (c.data?.length ?? 0) > 255 || (c.le ?? 0) > SHORT_LE_MAX;
}

export function encodeCommand(c: Command, opts: { extended?: boolean } = {}): Uint8Array {
  const data = c.data ?? new Uint8Array(0);
  const le = c.le;
  if (data.length > 65535) throw new RangeError("data longer than 65535 bytes");
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > EXTENDED_LE_MAX)) {
    throw new RangeError("Le must be 1..65536");
  }
  const ext = opts.extended === true || needsExtended(c);
  const head = [byte(c.cla, "CLA"), byte(c.ins, "INS"), byte(c.p1, "P1"), byte(c.p2, "P2")];
  const out: number[] = head;
  if (!ext) {
    if (data.length > 0) out.push(data.length, ...data);
    if (le !== undefined) out.push(le === 256 ? 0 : le);
    return Uint8Array.from(out);
  }
  if (data.length > 0) {
    out.push(0, (data.length >> 8) & 0xff, data.length & 0xff, ...data);
    if (le !== undefined) out.push((le >> 8) & 0xff, le & 0xff); // 65536 → 00 00
  } else if (le !== undefined) {
    out.push(0, (le >> 8) & 0xff, le & 0xff);
  }
  return Uint8Array.from(out);
}

/** Split an R-APDU into data and SW; fewer than 2 bytes is malformed. */
export function parseResponse(r: Uint8Array): Response {
  if (r.length < 2) throw new CardError({ kind: "malformed", what: `response of ${r.length} bytes (no status word)` });
  const sw = ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);
  return { data: r.subarray(0, r.length - 2), sw };
}

/** Decode a C-APDU back into its fields (used by the simulator). Null when the bytes are not a valid APDU. */
export function decodeCommand(b: Uint8Array): (Command & { extended: boolean }) | null {
  if (b.length < 4) return null;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = b;
  const base = { cla, ins, p1, p2 };
  const n = b.length - 4;
  if (n === 0) return { ...base, extended: false };
  const b4 = b[4] ?? 0;
  if (n === 1) return { ...base, le: b4 === 0 ? 256 : b4, extended: false };
  if (b4 !== 0 || n < 3) {
    // short case 3 or 4
    const lc = b4;
    if (lc === 0) return null;
    if (n === 1 + lc) return { ...base, data: b.slice(5, 5 + lc), extended: false };
    if (n === 2 + lc) {
      const le = b[5 + lc] ?? 0;
      return { ...base, data: b.slice(5, 5 + lc), le: le === 0 ? 256 : le, extended: false };
    }
    return null;
  }
  // extended: 00 then 2 bytes
  const v = ((b[5] ?? 0) << 8) | (b[6] ?? 0);
  if (n === 3) return { ...base, le: v === 0 ? 65536 : v, extended: true };
  const lc = v;
  if (lc === 0) return null;
  if (n === 3 + lc) return { ...base, data: b.slice(7, 7 + lc), extended: true };
  if (n === 5 + lc) {
    const le = ((b[7 + lc] ?? 0) << 8) | (b[8 + lc] ?? 0);
    return { ...base, data: b.slice(7, 7 + lc), le: le === 0 ? 65536 : le, extended: true };
  }
  return null;
}

export function toHex(b: Uint8Array, sep = " "): string {
  return Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, "0")).join(sep);
}

/** "00 A4 04 0C" or "00A4040C" → bytes. Throws RangeError on odd length or non-hex characters. */
export function fromHex(s: string): Uint8Array {
  const clean = s.replace(/[\s:]/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new RangeError("not a hex string");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function withSw(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}
