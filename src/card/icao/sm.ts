/**
 * Secure messaging of ICAO Doc 9303-11 §9.8 (ISO 7816-4 SM with the eMRTD profile), 3DES and AES.
 *
 * Command: CLA | 0C, header padded with method 2, DO87 = 01 ‖ E(KSenc, pad(data)) when there is data
 * (DO85 for odd INS, which this reader never sends), DO97 = Le when a response is expected, DO8E = MAC
 * over SSC ‖ pad(header) ‖ DO87 ‖ DO97; the protected APDU's Le is 00 (short) or 00 00 (extended).
 * Response: DO87 (data), DO99 (SW), DO8E = MAC over SSC ‖ DO87 ‖ DO99. The SSC is incremented before
 * every command and every response MAC. 3DES: CBC with a zero IV; AES: IV = E(KSenc, SSC) (§9.8.6.1).
 *
 * [spec] Checked byte for byte against the worked example of Doc 9303-11 appendix D.4 (3DES) in
 * test/unit/card/icao/. A response without a valid MAC is refused (CardError malformed) and ends the
 * session: the caller must not go on with it.
 */
import { concatBytes, type Command, type Response } from "../apdu";
import { CardError } from "../errors";
import { readTlvList, encodeTlv } from "../tlv";
import { aesEcb, blockSize, bytesEqual, decryptCbc, encryptCbc, pad, smMac, unpad, type SmCipher } from "./crypto";

export class SecureMessaging {
  readonly cipher: SmCipher;
  readonly #ksEnc: Uint8Array;
  readonly #ksMac: Uint8Array;
  readonly #ssc: Uint8Array;
  #broken = false;

  /** Takes ownership of the keys and the SSC (they are zeroed by `wipe()`). */
  constructor(cipher: SmCipher, ksEnc: Uint8Array, ksMac: Uint8Array, ssc: Uint8Array) {
    if (ssc.length !== blockSize(cipher)) throw new RangeError("SSC must be one cipher block");
    this.cipher = cipher;
    this.#ksEnc = ksEnc;
    this.#ksMac = ksMac;
    this.#ssc = ssc;
  }

  /** The current send-sequence counter (a copy, for tests). */
  get ssc(): Uint8Array {
    return this.#ssc.slice();
  }

  get broken(): boolean {
    return this.#broken;
  }

  #increment(): void {
    for (let i = this.#ssc.length - 1; i >= 0; i--) {
      const v = ((this.#ssc[i] ?? 0) + 1) & 0xff;
      this.#ssc[i] = v;
      if (v !== 0) break;
    }
  }

  #iv(): Uint8Array {
    return this.cipher === "3des" ? new Uint8Array(8) : aesEcb(this.#ksEnc, this.#ssc);
  }

  /** Protect a plain command (CLA 00, even INS). Increments the SSC. */
  wrap(cmd: Command): { command: Command; extended: boolean } {
    if (this.#broken) throw new CardError({ kind: "malformed", what: "secure messaging ended" });
    if (cmd.ins & 1) throw new RangeError("odd INS (DO85) is not used by this reader");
    this.#increment();
    const bs = blockSize(this.cipher);
    const cla = (cmd.cla & 0xf0) | 0x0c;
    const header = pad(Uint8Array.of(cla, cmd.ins, cmd.p1, cmd.p2), bs);
    let do87: Uint8Array = new Uint8Array(0);
    if (cmd.data && cmd.data.length > 0) {
      const padded = pad(cmd.data, bs);
      const enc = encryptCbc(this.cipher, this.#ksEnc, this.#iv(), padded);
      padded.fill(0);
      do87 = encodeTlv(0x87, concatBytes(Uint8Array.of(0x01), enc));
    }
    let do97: Uint8Array = new Uint8Array(0);
    const le = cmd.le;
    if (le !== undefined) {
      const v = le === 256 ? Uint8Array.of(0) : le === 65536 ? Uint8Array.of(0, 0) : le > 256 ? Uint8Array.of(le >> 8, le & 0xff) : Uint8Array.of(le);
      do97 = encodeTlv(0x97, v);
    }
    const mac = smMac(this.cipher, this.#ksMac, concatBytes(this.#ssc, header, do87, do97));
    const data = concatBytes(do87, do97, encodeTlv(0x8e, mac));
    const extended = data.length > 255 || (le ?? 0) > 223;
    return { command: { cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data, le: extended ? 65536 : 256 }, extended };
  }

  /**
   * Check and decrypt a protected response. Increments the SSC. A plain status word with no data
   * (the chip dropped SM, e.g. 6987/6988 or 6982) ends the session and comes back as that SW.
   */
  unwrap(r: Response): Response {
    if (this.#broken) throw new CardError({ kind: "malformed", what: "secure messaging ended" });
    this.#increment();
    if (r.data.length === 0) {
      this.#broken = true;
      return { data: new Uint8Array(0), sw: r.sw };
    }
    const fail = (what: string): never => {
      this.#broken = true;
      throw new CardError({ kind: "malformed", what: `secure messaging: ${what}` });
    };
    let do87: Uint8Array | null = null;
    let do99: Uint8Array | null = null;
    let mac: Uint8Array | null = null;
    let macStart = -1;
    for (const t of readTlvList(r.data, 0, r.data.length, { maxItems: 4 })) {
      if (t.tag === 0x87 && do87 === null && do99 === null && mac === null) do87 = r.data.subarray(t.start, t.end);
      else if (t.tag === 0x99 && do99 === null && mac === null) do99 = r.data.subarray(t.start, t.end);
      else if (t.tag === 0x8e && mac === null) {
        mac = r.data.subarray(t.valueStart, t.end);
        macStart = t.start;
      } else fail(`unexpected DO ${t.tag.toString(16)}`);
    }
    if (!mac || mac.length !== 8 || macStart + 10 !== r.data.length) return fail("no MAC");
    if (!do99 || do99.length !== 4) return fail("no status DO99");
    const expect = smMac(this.cipher, this.#ksMac, concatBytes(this.#ssc, do87 ?? new Uint8Array(0), do99));
    if (!bytesEqual(expect, mac)) return fail("MAC mismatch");
    const sw = ((do99[2] ?? 0) << 8) | (do99[3] ?? 0);
    if (!do87) return { data: new Uint8Array(0), sw };
    const t = readTlvList(do87, 0, do87.length)[0];
    if (!t || t.length < 1 || do87[t.valueStart] !== 0x01) return fail("DO87 without padding indicator 01");
    const enc = do87.subarray(t.valueStart + 1, t.end);
    if (enc.length === 0 || enc.length % blockSize(this.cipher) !== 0) return fail("DO87 not whole blocks");
    const plain = decryptCbc(this.cipher, this.#ksEnc, this.#iv(), enc);
    const data = unpad(plain);
    plain.fill(0);
    if (!data) return fail("bad padding");
    return { data, sw };
  }

  /** Zero the session keys and the counter; the session cannot be used after. Idempotent. */
  wipe(): void {
    this.#ksEnc.fill(0);
    this.#ksMac.fill(0);
    this.#ssc.fill(0);
    this.#broken = true;
  }
}
