/**
 * JIS X 0208 text as the licence stores it (2 bytes a character, each 21–7E: row/cell, reference §1.5)
 * → UTF-8 bytes, without ever making a string of the personal text: one table of the 94 × 94 code
 * points is built once from the runtime's EUC-JP decoder (EUC-JP = JIS X 0208 with 0x80 added to both
 * bytes, [code] TRET), and the text is converted character by character into a byte buffer.
 *
 * Characters outside the table — the 外字 references FFF1–FFF7 (their glyphs are bitmaps in EF03,
 * which the kiosk does not read), FFFA (欠字, a missing character), cells the table has no character
 * for — become 〓 (U+3013 GETA MARK, the customary stand-in), so staff see that a character is missing.
 */

const GETA = 0x3013;
let table: Uint32Array | null = null;

/** Code point of JIS row/cell (each 0x21–0x7E), 0 when none. Built on first use (non-personal). */
function codePoints(): Uint32Array {
  if (table) return table;
  const t = new Uint32Array(94 * 94);
  let decoder: TextDecoder | null = null;
  try {
    decoder = new TextDecoder("euc-jp", { fatal: true });
  } catch {
    decoder = null; // a runtime without EUC-JP: every character shows as 〓
  }
  if (decoder) {
    for (let r = 0; r < 94; r++) {
      for (let c = 0; c < 94; c++) {
        try {
          const s = decoder.decode(Uint8Array.of(0xa1 + r, 0xa1 + c));
          const cp = s.codePointAt(0);
          t[r * 94 + c] = cp !== undefined && s.length <= 2 && cp !== 0xfffd ? cp : 0;
        } catch {
          t[r * 94 + c] = 0;
        }
      }
    }
  }
  table = t;
  return t;
}

function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

function putUtf8(out: Uint8Array, at: number, cp: number): number {
  if (cp < 0x80) {
    out[at] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[at] = 0xc0 | (cp >> 6);
    out[at + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    out[at] = 0xe0 | (cp >> 12);
    out[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[at + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  out[at] = 0xf0 | (cp >> 18);
  out[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[at + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[at + 3] = 0x80 | (cp & 0x3f);
  return 4;
}

function pointAt(jis: Uint8Array, i: number, t: Uint32Array): number {
  const r = (jis[i] ?? 0) - 0x21;
  const c = (jis[i + 1] ?? 0) - 0x21;
  if (r < 0 || r >= 94 || c < 0 || c >= 94) return GETA;
  return t[r * 94 + c] || GETA;
}

/**
 * JIS X 0208 bytes → UTF-8 bytes (a fresh buffer the caller owns and zeroes). An odd trailing byte
 * is dropped; trailing full-width spaces (21 21) are kept as the card has them.
 */
export function jisX0208ToUtf8(jis: Uint8Array): Uint8Array {
  const t = codePoints();
  const n = jis.length - (jis.length % 2);
  let size = 0;
  for (let i = 0; i < n; i += 2) size += utf8Length(pointAt(jis, i, t));
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < n; i += 2) at += putUtf8(out, at, pointAt(jis, i, t));
  return out;
}

/** UTF-8 text → JIS X 0208 bytes, for the simulator and tests (non-personal test data only). */
export function textToJisX0208(text: string): Uint8Array {
  const t = codePoints();
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? GETA;
    const idx = t.indexOf(cp);
    if (idx < 0) throw new RangeError(`no JIS X 0208 code for U+${cp.toString(16)}`);
    out.push(0x21 + Math.floor(idx / 94), 0x21 + (idx % 94));
  }
  return Uint8Array.from(out);
}
