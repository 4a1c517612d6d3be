/**
 * A software e-passport chip (ICAO eMRTD application) for tests and the demo: answers the reader's
 * plain and secure-messaging APDUs the way Doc 9303-11 describes, from a `PassportProfile`.
 *
 * - SELECT by AID A0 00 00 02 47 10 01 (P1 04) → 9000; other AIDs → 6A82. Selecting clears BAC.
 * - Before BAC: GET CHALLENGE (00 84 00 00 08) and EXTERNAL AUTHENTICATE (00 82 00 00 28 …); a wrong
 *   MRZ key gives 6300 [guess: chips differ between 6300 and 6982]; SELECT EF / READ BINARY → 6982.
 * - After BAC every command must be protected (CLA 0C, DO87/DO97/DO8E with a good MAC and SSC); a
 *   plain or badly protected command ends the session with a plain 6987/6988 (Doc 9303-11 §9.8.4).
 *   Protected SELECT EF (P1 02) → 9000 / 6A82, READ BINARY (offset P1-P2, Le up to the end) → data,
 *   6282 at the end of the file, 6B00 past it; INTERNAL AUTHENTICATE (00 88 00 00, 8-byte nonce) →
 *   Active Authentication signature (RSA ISO/IEC 9796-2 scheme 1 with SHA-1, or ECDSA with SHA-256,
 *   plain r‖s) with the chip's AA key, which a "clone" profile holds different from DG15's.
 * - Removal: `remove()` makes pending and later transmits reject with no-card; `insert()` resets.
 *   Faults as SimulatedCard's (remove-before, remove-after-execute, hang, respond) by command index.
 * Timing: the same LatencyModel as the My Number simulator (424 kbit/s in the bench).
 */
import { createECDH, createHash, createPrivateKey, privateEncrypt, constants, randomBytes, sign as nodeSign, type KeyObject } from "node:crypto";
import { concatBytes, decodeCommand, withSw } from "../../apdu";
import { CardError } from "../../errors";
import { bacKeys } from "../../icao/bac";
import * as asn1js from "asn1js";
import { aesEcb, blockSize, bytesEqual, decryptCbc, encryptCbc, kdf, KDF_ENC, KDF_MAC, mac8, pad, smMac, unpad, type SmCipher } from "../../icao/crypto";
import { bigToBytes, decodePoint, encodePoint, mul, onCurve, randomScalar, type Point } from "../../icao/ec";
import { CA_OID_BY_CIPHER } from "../../icao/ca";
import { authToken, choosePace, mapGenerator, paceKpi, parseCardAccess, type PaceChoice } from "../../icao/pace";
import { MRTD_AID } from "../../icao/ids";
import { MrzKey } from "../../icao/mrz-key";
import { encodeTlv, readTlvList } from "../../tlv";
import type { Transmit } from "../../transmit";
import { realClock, type SimClock, type SimFault } from "../card";
import { NO_LATENCY, transferMs, type LatencyModel } from "../latency";

export interface PassportProfile {
  readonly label: string;
  readonly atr: Uint8Array;
  /** The MRZ fields that open the chip (test data). */
  readonly mrz: { documentNumber: string; birthDate: string; expiry: string };
  /** LDS files by file id (EF.COM 011E, DG1 0101, …), as stored. */
  readonly files: ReadonlyMap<number, Uint8Array>;
  /** The chip's Active Authentication private key (PKCS#8 DER, RSA or EC); null: no AA. */
  readonly aaKeyPkcs8: Uint8Array | null;
  /** ECDSA AA hash (default sha256); a profile that uses another names it in DG14's ActiveAuthenticationInfo. */
  readonly aaEcdsaHash?: string;
  /**
   * The chip's Chip Authentication private key (raw scalar on `curve`; DG14 carries the public key the
   * issuer signed); absent: no CA. A "clone" profile holds a key that is not DG14's.
   */
  readonly ca?: { readonly curve: string; readonly privateKey: Uint8Array; readonly cipher: SmCipher; readonly keyId: Uint8Array | null };
  /** PACE offered in EF.CardAccess (ECDH Generic Mapping): standard parameter id and cipher; absent: BAC only. */
  readonly pace?: { readonly parameterId: number; readonly cipher: SmCipher };
}

export interface SimPassportDeps {
  latency?: LatencyModel;
  clock?: SimClock;
  random?: (n: number) => Uint8Array;
}

interface Session {
  cipher: SmCipher;
  ksEnc: Uint8Array;
  ksMac: Uint8Array;
  ssc: Uint8Array;
}

/** PACE in progress (chip side). */
interface PaceState {
  step: 1 | 2 | 3 | 4;
  choice: PaceChoice;
  s?: Uint8Array;
  g2?: Point;
  pkIc?: Uint8Array;
  pkIfd?: Uint8Array;
  ksEnc?: Uint8Array;
  ksMac?: Uint8Array;
}

const OID_BY_CIPHER: Record<SmCipher, string> = { "3des": "0.4.0.127.0.7.2.2.4.2.1", aes128: "0.4.0.127.0.7.2.2.4.2.2", aes192: "0.4.0.127.0.7.2.2.4.2.3", aes256: "0.4.0.127.0.7.2.2.4.2.4" };

/** EF.CardAccess with one PACEInfo (version 2) for this profile's PACE. */
export function cardAccessFor(pace: { parameterId: number; cipher: SmCipher }): Uint8Array {
  const info = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_BY_CIPHER[pace.cipher] }), new asn1js.Integer({ value: 2 }), new asn1js.Integer({ value: pace.parameterId })] });
  return new Uint8Array(new asn1js.Set({ value: [info] }).toBER(false));
}

const sw = (v: number) => Uint8Array.of((v >> 8) & 0xff, v & 0xff);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function increment(ssc: Uint8Array): void {
  for (let i = ssc.length - 1; i >= 0; i--) {
    ssc[i] = ((ssc[i] ?? 0) + 1) & 0xff;
    if (ssc[i] !== 0) break;
  }
}

export class SimulatedPassport implements Transmit {
  readonly profile: PassportProfile;
  readonly atr: Uint8Array;
  readonly #latency: LatencyModel;
  readonly #clock: SimClock;
  readonly #random: (n: number) => Uint8Array;
  readonly #kEnc: Uint8Array;
  readonly #kMac: Uint8Array;
  readonly #kpi: Uint8Array | null;
  readonly #cardAccess: Uint8Array | null;
  #pace: PaceState | null = null;
  #aaKey: KeyObject | null = null;
  #faults: SimFault[] = [];
  #present = true;
  #removal = new AbortController();
  #index = 0;
  #count = 0;
  #busy = false;
  // volatile
  #selected = false;
  #challenge: Uint8Array | null = null;
  #session: Session | null = null;
  #ef: number | null = null;
  /** CA: MSE:Set AT chose CA (AES path), waiting for GENERAL AUTHENTICATE. */
  #caAt = false;
  /** CA: the session that replaces the current one once this answer is protected. */
  #nextSession: Session | null = null;

  constructor(profile: PassportProfile, deps: SimPassportDeps = {}) {
    this.profile = profile;
    this.atr = profile.atr.slice();
    this.#latency = deps.latency ?? NO_LATENCY;
    this.#clock = deps.clock ?? realClock;
    this.#random = deps.random ?? ((n) => new Uint8Array(randomBytes(n)));
    const key = MrzKey.fromFields(profile.mrz);
    if (!key.ok) throw new RangeError(`passport ${profile.label}: bad MRZ fields`);
    const k = bacKeys(key.key);
    this.#cardAccess = profile.pace ? cardAccessFor(profile.pace) : null;
    this.#kpi = profile.pace ? paceKpi(key.key, profile.pace.cipher) : null;
    key.key.wipe();
    this.#kEnc = k.kEnc;
    this.#kMac = k.kMac;
  }

  get present(): boolean {
    return this.#present;
  }

  /** Commands received since creation (all insertions). */
  get commandCount(): number {
    return this.#count;
  }

  remove(): void {
    if (!this.#present) return;
    this.#present = false;
    this.#removal.abort();
    this.#reset();
  }

  insert(): void {
    if (this.#present) return;
    this.#present = true;
    this.#removal = new AbortController();
    this.#index = 0;
    this.#reset();
  }

  setFaults(faults: readonly SimFault[]): void {
    this.#faults = [...faults];
  }

  #reset(): void {
    this.#selected = false;
    this.#challenge = null;
    this.#pace = null;
    this.#dropSession();
    this.#ef = null;
    this.#caAt = false;
    this.#nextSession = null;
  }

  #dropSession(): void {
    if (this.#session) {
      this.#session.ksEnc.fill(0);
      this.#session.ksMac.fill(0);
    }
    this.#session = null;
  }

  async transmit(command: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    if (!this.#present) throw new CardError({ kind: "no-card" });
    if (signal.aborted) throw new CardError({ kind: "aborted" });
    if (this.#busy) throw new CardError({ kind: "transport", detail: "card busy (concurrent transmit)" });
    this.#busy = true;
    try {
      return await this.#exchange(command.slice(), signal);
    } finally {
      this.#busy = false;
    }
  }

  async #exchange(command: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    const index = this.#index++;
    this.#count++;
    const fault = this.#faults.find((f) => f.at === index);
    const removal = this.#removal.signal;
    const both = AbortSignal.any([signal, removal]);
    const wait = async (ms: number) => {
      try {
        await this.#clock.sleep(ms, both);
      } catch {
        throw removal.aborted || !this.#present ? new CardError({ kind: "no-card" }) : new CardError({ kind: "aborted" });
      }
    };
    if (fault?.kind === "remove-before") {
      this.remove();
      throw new CardError({ kind: "no-card" });
    }
    const m = this.#latency;
    const t0 = this.#clock.now?.() ?? 0;
    const firstMs = m.perApduMs / 2 + transferMs(command.length, m);
    await wait(firstMs);
    if (fault?.kind === "hang") {
      await new Promise<void>((_, reject) => {
        const stop = () => reject(removal.aborted ? new CardError({ kind: "no-card" }) : new CardError({ kind: "aborted" }));
        if (both.aborted) stop();
        else both.addEventListener("abort", stop, { once: true });
      });
    }
    const answer = fault?.kind === "respond" ? fault.bytes.slice() : this.#execute(command);
    if (fault?.kind === "remove-after-execute") {
      this.remove();
      throw new CardError({ kind: "no-card" });
    }
    const elapsed = this.#clock.now ? this.#clock.now() - t0 : firstMs;
    await wait(Math.max(0, firstMs + m.perApduMs / 2 + transferMs(answer.length, m) - elapsed));
    if (!this.#present) throw new CardError({ kind: "no-card" });
    return answer;
  }

  #execute(bytes: Uint8Array): Uint8Array {
    const c = decodeCommand(bytes);
    if (!c) return sw(0x6700);
    if (this.#session) {
      if (c.cla !== 0x0c) {
        this.#dropSession();
        return sw(0x6987);
      }
      return this.#protected(c.ins, c.p1, c.p2, c.data ?? new Uint8Array(0));
    }
    if (c.cla === 0x0c) return sw(0x6988);
    if (c.ins === 0x86 && (c.cla === 0x10 || c.cla === 0x00)) return this.#generalAuthenticate(c.cla, c.data ?? new Uint8Array(0));
    if (c.cla !== 0x00) return sw(0x6e00);
    const data = c.data ?? new Uint8Array(0);
    switch (c.ins) {
      case 0xa4:
        if (c.p1 === 0x04) return this.#selectAid(data);
        return sw(this.#selected ? 0x6982 : 0x6a82);
      case 0x84:
        if (!this.#selected) return sw(0x6985);
        if (c.le !== 8) return sw(0x6700);
        this.#challenge = this.#random(8);
        return withSw(this.#challenge, 0x9000);
      case 0x82:
        return this.#mutualAuth(data);
      case 0xb0:
        // EF.CardAccess by its short EF id (1C), readable without any authentication.
        if (c.p1 === 0x9c && this.#cardAccess && c.le !== undefined) {
          const off = c.p2;
          if (off >= this.#cardAccess.length) return sw(0x6b00);
          const end = Math.min(this.#cardAccess.length, off + c.le);
          return withSw(this.#cardAccess.slice(off, end), end - off < c.le ? 0x6282 : 0x9000);
        }
        return sw(this.#selected ? 0x6982 : 0x6985);
      case 0x22:
        return this.#mseSetAt(c.p1, c.p2, data);
      case 0x88:
        return sw(this.#selected ? 0x6982 : 0x6985);
      default:
        return sw(0x6d00);
    }
  }

  #mseSetAt(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 !== 0xc1 || p2 !== 0xa4) return sw(0x6a86);
    if (!this.#cardAccess) return sw(0x6a80);
    const choice = choosePace(parseCardAccess(this.#cardAccess));
    if (!choice) return sw(0x6a80);
    const oid = encodeTlv(0x80, choice.oidBytes);
    if (data.length < oid.length || !sameBytes(data.subarray(0, oid.length), oid)) return sw(0x6a80);
    this.#pace = { step: 1, choice };
    return sw(0x9000);
  }

  #generalAuthenticate(cla: number, data: Uint8Array): Uint8Array {
    const st = this.#pace;
    const kpi = this.#kpi;
    if (!st || !kpi) return sw(0x6985);
    const c = st.choice.curve;
    let inner: Uint8Array;
    let tag: number;
    try {
      const outer = readTlvList(data, 0, data.length)[0];
      if (!outer || outer.tag !== 0x7c) return sw(0x6a80);
      const t = outer.length > 0 ? readTlvList(data, outer.valueStart, outer.end)[0] : undefined;
      tag = t?.tag ?? 0;
      inner = t ? data.slice(t.valueStart, t.end) : new Uint8Array(0);
    } catch {
      return sw(0x6a80);
    }
    const answer = (t: number, v: Uint8Array) => withSw(encodeTlv(0x7c, encodeTlv(t, v)), 0x9000);
    const fail = (v: number) => {
      this.#pace = null;
      return sw(v);
    };
    if (st.step === 1 && tag === 0 && cla === 0x10) {
      const s = this.#random(blockSize(st.choice.cipher));
      st.s = s;
      st.step = 2;
      return answer(0x80, encryptCbc(st.choice.cipher, kpi, new Uint8Array(blockSize(st.choice.cipher)), s));
    }
    if (st.step === 2 && tag === 0x81 && cla === 0x10 && st.s) {
      const pkMapIfd = decodePoint(inner, c.size);
      if (!onCurve(c, pkMapIfd)) return fail(0x6a80);
      const sk = randomScalar(c, this.#random);
      st.g2 = mapGenerator(c, st.s, mul(c, sk, pkMapIfd));
      st.step = 3;
      return answer(0x82, encodePoint(mul(c, sk, c.g), c.size));
    }
    if (st.step === 3 && tag === 0x83 && cla === 0x10 && st.g2) {
      const pkIfd = decodePoint(inner, c.size);
      if (!onCurve(c, pkIfd)) return fail(0x6a80);
      const sk = randomScalar(c, this.#random);
      const shared = mul(c, sk, pkIfd);
      if (!shared) return fail(0x6a80);
      const x = bigToBytes(shared.x, c.size);
      st.ksEnc = kdf(x, KDF_ENC, st.choice.cipher);
      st.ksMac = kdf(x, KDF_MAC, st.choice.cipher);
      st.pkIfd = inner;
      st.pkIc = encodePoint(mul(c, sk, st.g2), c.size);
      st.step = 4;
      return answer(0x84, st.pkIc);
    }
    if (st.step === 4 && tag === 0x85 && cla === 0x00 && st.ksEnc && st.ksMac && st.pkIc && st.pkIfd) {
      // A wrong password gave the terminal another nonce, hence another generator: its token cannot match.
      if (!bytesEqual(inner, authToken(st.choice.cipher, st.ksMac, st.choice.oidBytes, st.pkIc))) return fail(0x6300);
      const token = authToken(st.choice.cipher, st.ksMac, st.choice.oidBytes, st.pkIfd);
      this.#session = { cipher: st.choice.cipher, ksEnc: st.ksEnc, ksMac: st.ksMac, ssc: new Uint8Array(blockSize(st.choice.cipher)) };
      this.#pace = null;
      return answer(0x86, token);
    }
    return fail(0x6985);
  }

  #selectAid(data: Uint8Array): Uint8Array {
    if (!sameBytes(data, MRTD_AID)) return sw(0x6a82);
    this.#reset();
    this.#selected = true;
    return sw(0x9000);
  }

  #mutualAuth(data: Uint8Array): Uint8Array {
    const rndIcc = this.#challenge;
    this.#challenge = null;
    if (!this.#selected || !rndIcc) return sw(0x6985);
    if (data.length !== 40) return sw(0x6700);
    const e = data.subarray(0, 32);
    if (!bytesEqual(mac8("3des", this.#kMac, e), data.subarray(32, 40))) return sw(0x6300);
    const s = decryptCbc("3des", this.#kEnc, new Uint8Array(8), e);
    if (!bytesEqual(s.subarray(8, 16), rndIcc)) return sw(0x6300);
    const rndIfd = s.subarray(0, 8);
    const kIfd = s.subarray(16, 32);
    const kIcc = this.#random(16);
    const r = concatBytes(rndIcc, rndIfd, kIcc);
    const eIcc = encryptCbc("3des", this.#kEnc, new Uint8Array(8), r);
    const seed = new Uint8Array(16);
    for (let i = 0; i < 16; i++) seed[i] = (kIfd[i] ?? 0) ^ (kIcc[i] ?? 0);
    this.#session = { cipher: "3des", ksEnc: kdf(seed, KDF_ENC, "3des"), ksMac: kdf(seed, KDF_MAC, "3des"), ssc: concatBytes(rndIcc.subarray(4, 8), rndIfd.subarray(4, 8)) };
    return withSw(concatBytes(eIcc, mac8("3des", this.#kMac, eIcc)), 0x9000);
  }

  /** A protected command: check and open it, run it, protect the answer. */
  #protected(ins: number, p1: number, p2: number, body: Uint8Array): Uint8Array {
    const s = this.#session;
    if (!s) return sw(0x6988);
    increment(s.ssc);
    let do87: Uint8Array = new Uint8Array(0);
    let do97: Uint8Array = new Uint8Array(0);
    let mac: Uint8Array | null = null;
    try {
      for (const t of readTlvList(body, 0, body.length, { maxItems: 3 })) {
        if (t.tag === 0x87) do87 = body.subarray(t.start, t.end);
        else if (t.tag === 0x97) do97 = body.subarray(t.start, t.end);
        else if (t.tag === 0x8e) mac = body.subarray(t.valueStart, t.end);
        else throw new RangeError("DO");
      }
    } catch {
      this.#dropSession();
      return sw(0x6988);
    }
    const header = pad(Uint8Array.of(0x0c, ins, p1, p2), blockSize(s.cipher));
    if (!mac || !bytesEqual(smMac(s.cipher, s.ksMac, concatBytes(s.ssc, header, do87, do97)), mac)) {
      this.#dropSession();
      return sw(0x6988);
    }
    let data: Uint8Array = new Uint8Array(0);
    if (do87.length > 0) {
      const enc = do87.subarray(do87.length - lengthOfValue(do87) + 1);
      const plain = unpad(decryptCbc(s.cipher, s.ksEnc, this.#iv(s), enc));
      if (!plain) {
        this.#dropSession();
        return sw(0x6988);
      }
      data = plain;
    }
    let le: number | undefined;
    if (do97.length >= 3) {
      const v = do97.subarray(2);
      const n = v.length === 1 ? (v[0] ?? 0) : ((v[0] ?? 0) << 8) | (v[1] ?? 0);
      le = n === 0 ? (v.length === 1 ? 256 : 65536) : n;
    }
    const [out, status] = this.#run(ins, p1, p2, data, le);
    const answer = this.#protect(s, out, status);
    // Chip Authentication: the answer to MSE:Set KAT / GENERAL AUTHENTICATE is still under the old
    // keys; secure messaging restarts with the new ones and SSC 0 from the next command (9303-11 §6.2).
    if (this.#nextSession) {
      this.#dropSession();
      this.#session = this.#nextSession;
      this.#nextSession = null;
    }
    return answer;
  }

  #iv(s: Session): Uint8Array {
    return s.cipher === "3des" ? new Uint8Array(8) : aesEcb(s.ksEnc, s.ssc);
  }

  #protect(s: Session, data: Uint8Array, status: number): Uint8Array {
    increment(s.ssc);
    const do87 = data.length > 0 ? encodeTlv(0x87, concatBytes(Uint8Array.of(1), encryptCbc(s.cipher, s.ksEnc, this.#iv(s), pad(data, blockSize(s.cipher))))) : new Uint8Array(0);
    const do99 = encodeTlv(0x99, sw(status));
    const mac = smMac(s.cipher, s.ksMac, concatBytes(s.ssc, do87, do99));
    return withSw(concatBytes(do87, do99, encodeTlv(0x8e, mac)), 0x9000);
  }

  #run(ins: number, p1: number, p2: number, data: Uint8Array, le: number | undefined): [Uint8Array, number] {
    const none = new Uint8Array(0);
    switch (ins) {
      case 0xa4: {
        if (p1 === 0x04) {
          if (!sameBytes(data, MRTD_AID)) return [none, 0x6a82];
          this.#selected = true;
          this.#ef = null;
          return [none, 0x9000];
        }
        if (p1 !== 0x02 || data.length !== 2) return [none, 0x6a86];
        const id = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
        if (!this.profile.files.has(id)) return [none, 0x6a82];
        this.#ef = id;
        return [none, 0x9000];
      }
      case 0xb0: {
        if (p1 & 0x80) return [none, 0x6a86];
        const f = this.#ef === null ? undefined : this.profile.files.get(this.#ef);
        if (!f) return [none, 0x6986];
        if (le === undefined) return [none, 0x6700];
        const off = (p1 << 8) | p2;
        if (off >= f.length) return [none, 0x6b00];
        const end = Math.min(f.length, off + le);
        return [f.slice(off, end), end - off < le ? 0x6282 : 0x9000];
      }
      case 0x88:
        return this.#internalAuthenticate(p1, p2, data);
      case 0x22:
        return this.#caMse(p1, p2, data);
      case 0x86:
        return this.#caGeneralAuthenticate(p1, p2, data);
      default:
        return [none, 0x6d00];
    }
  }

  /** The data objects of a CA command body (91/80/84, or 7C { 80 }); null when it does not parse. */
  #dos(data: Uint8Array): Map<number, Uint8Array> | null {
    try {
      const m = new Map<number, Uint8Array>();
      for (const t of readTlvList(data, 0, data.length, { maxItems: 4 })) m.set(t.tag, data.slice(t.valueStart, t.end));
      return m;
    } catch {
      return null;
    }
  }

  #caMse(p1: number, p2: number, data: Uint8Array): [Uint8Array, number] {
    const none = new Uint8Array(0);
    const ca = this.profile.ca;
    if (p1 !== 0x41 || (p2 !== 0xa6 && p2 !== 0xa4)) return [none, 0x6a86];
    if (!ca) return [none, 0x6a80];
    const dos = this.#dos(data);
    if (!dos) return [none, 0x6a80];
    const keyId = dos.get(0x84) ?? null;
    if ((ca.keyId === null) !== (keyId === null) || (ca.keyId && keyId && !sameBytes(ca.keyId, keyId))) return [none, 0x6a88];
    if (p2 === 0xa6) {
      // MSE:Set KAT (3DES): 91 = the terminal's ephemeral public key.
      const pk = dos.get(0x91);
      if (ca.cipher !== "3des" || !pk) return [none, 0x6a80];
      return this.#caAgree(pk);
    }
    // MSE:Set AT for CA (AES): 80 = the CA protocol OID of DG14.
    const oid = dos.get(0x80);
    const want = new Uint8Array(new asn1js.ObjectIdentifier({ value: CA_OID_BY_CIPHER[ca.cipher] }).toBER(false)).subarray(2);
    if (ca.cipher === "3des" || !oid || !sameBytes(oid, want)) return [none, 0x6a80];
    this.#caAt = true;
    return [none, 0x9000];
  }

  #caGeneralAuthenticate(p1: number, p2: number, data: Uint8Array): [Uint8Array, number] {
    const none = new Uint8Array(0);
    if (!this.#caAt || p1 !== 0 || p2 !== 0) return [none, 0x6985];
    this.#caAt = false;
    const outer = this.#dos(data)?.get(0x7c);
    const pk = outer ? this.#dos(outer)?.get(0x80) : undefined;
    if (!pk) return [none, 0x6a80];
    const [, status] = this.#caAgree(pk);
    return status === 0x9000 ? [Uint8Array.of(0x7c, 0x00), 0x9000] : [none, status];
  }

  /** K = x(SK_chip · PK_terminal); the next session: KDF(K, 1/2), SSC 0. */
  #caAgree(pk: Uint8Array): [Uint8Array, number] {
    const ca = this.profile.ca;
    if (!ca) return [new Uint8Array(0), 0x6a80];
    let k: Uint8Array;
    try {
      const ecdh = createECDH(ca.curve);
      ecdh.setPrivateKey(ca.privateKey);
      k = new Uint8Array(ecdh.computeSecret(pk));
    } catch {
      return [new Uint8Array(0), 0x6a80];
    }
    this.#nextSession = { cipher: ca.cipher, ksEnc: kdf(k, KDF_ENC, ca.cipher), ksMac: kdf(k, KDF_MAC, ca.cipher), ssc: new Uint8Array(blockSize(ca.cipher)) };
    k.fill(0);
    return [new Uint8Array(0), 0x9000];
  }

  #internalAuthenticate(p1: number, p2: number, nonce: Uint8Array): [Uint8Array, number] {
    if (p1 !== 0 || p2 !== 0) return [new Uint8Array(0), 0x6a86];
    if (!this.profile.aaKeyPkcs8) return [new Uint8Array(0), 0x6d00];
    if (nonce.length !== 8) return [new Uint8Array(0), 0x6700];
    this.#aaKey ??= createPrivateKey({ key: Buffer.from(this.profile.aaKeyPkcs8), format: "der", type: "pkcs8" });
    const key = this.#aaKey;
    if (key.asymmetricKeyType === "ec") {
      return [new Uint8Array(nodeSign(this.profile.aaEcdsaHash ?? "sha256", nonce, { key, dsaEncoding: "ieee-p1363" })), 0x9000];
    }
    // ISO/IEC 9796-2 digital signature scheme 1, SHA-1, trailer BC: 6A ‖ M1 ‖ SHA-1(M1 ‖ nonce) ‖ BC.
    const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 1024) / 8);
    const m1 = this.#random(k - 22);
    const h = createHash("sha1").update(m1).update(nonce).digest();
    const msg = concatBytes(Uint8Array.of(0x6a), m1, h, Uint8Array.of(0xbc));
    return [new Uint8Array(privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, msg)), 0x9000];
  }
}

/** The value length of a short or long-form TLV (DO87 here). */
function lengthOfValue(tlv: Uint8Array): number {
  const l0 = tlv[1] ?? 0;
  if (l0 < 0x80) return l0;
  let n = 0;
  for (let i = 0; i < (l0 & 0x7f); i++) n = n * 256 + (tlv[2 + i] ?? 0);
  return n;
}
