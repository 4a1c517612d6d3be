/**
 * A software residence card / SPR certificate (first generation [spec], second generation [2nd]):
 * answers the APDUs of 在留カード等仕様書 Ver 1.5 §4 from a profile, with the same timing model and
 * removal behaviour as the My Number simulator (sim/card.ts), so the kiosk reads it exactly like a card
 * behind PC/SC (sim/reader.ts, sim/vpcd.ts).
 *
 * - SELECT MF `00 A4 00 00 02 3F 00`, SELECT DF by AID `00 A4 04 0C 10 …` → 9000; unknown → 6A82.
 * - READ BINARY plain (P1 = 80|SFI): MF EF01/EF02 free; DF3 EF01 after VERIFY; DF1 → 6982.
 * - GET CHALLENGE `00 84 00 00 08`; MUTUAL AUTHENTICATE `00 82 00 00 28 …`: a MAC that does not verify
 *   under the card's key (a wrong card number) → 63 00, nothing counted (§4.2.2) [the exact command
 *   that answers 63 00 is a guess]; VERIFY (SM) `08 20 00 86 …` → 9000 / 63 00.
 * - READ BINARY with SM `08 B0 P1 00 00 00 04 96 02 00 00 00 00` (extended only) → `86 L 01 ‖ E(KSenc,
 *   data ‖ pad)` 9000; before VERIFY → 6982; short form → 6700.
 * - Unknown INS → 6D00, unknown CLA → 6E00, malformed → 6700.
 * Security state is lost on removal and on SELECT MF after authentication is kept [guess].
 */
import { randomBytes } from "node:crypto";
import { decodeCommand, withSw, concatBytes } from "../../apdu";
import { CardError } from "../../errors";
import { authMac, cardNumberKey, decryptCbc, encryptCbc, equalBytes, pad, sessionKey, blockSize, type Generation } from "../../residence/crypto";
import { DF1_AID, DF2_AID, DF3_AID, SFI } from "../../residence/ids";
import type { Transmit } from "../../transmit";
import { realClock, type SimClock, type SimFault } from "../card";
import { NO_LATENCY, transferMs, type LatencyModel } from "../latency";

/** One simulated residence card's chip content. */
export interface ResidenceProfile {
  readonly atr: Uint8Array;
  readonly generation: Generation;
  /** The 12 ASCII bytes the card compares (its key). */
  readonly cardNumber: Uint8Array;
  /** File contents by location: "mf:0b", "mf:0a", "df1:05", "df1:06", "df1:02", "df1:03", "df3:02". */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export interface ResidenceSimDeps {
  latency?: LatencyModel;
  clock?: SimClock;
  /** Random bytes for RND.ICC and K.ICC (tests make them deterministic). */
  random?: (n: number) => Uint8Array;
}

type Df = "mf" | "df1" | "df2" | "df3";

const sw = (s: number) => withSw(new Uint8Array(0), s);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export class ResidenceSimCard implements Transmit {
  readonly profile: ResidenceProfile;
  readonly atr: Uint8Array;
  readonly #latency: LatencyModel;
  readonly #clock: SimClock;
  readonly #random: (n: number) => Uint8Array;
  readonly #log: { index: number; bytes: Uint8Array; sw: number | null }[] = [];
  #faults: SimFault[] = [];
  #present = true;
  #removal = new AbortController();
  #index = 0;
  #busy = false;
  // volatile state
  #df: Df = "mf";
  #rndIcc: Uint8Array | null = null;
  #ks: Uint8Array | null = null;
  #verified = false;

  constructor(profile: ResidenceProfile, deps: ResidenceSimDeps = {}) {
    this.profile = profile;
    this.atr = profile.atr.slice();
    this.#latency = deps.latency ?? NO_LATENCY;
    this.#clock = deps.clock ?? realClock;
    this.#random = deps.random ?? ((n) => new Uint8Array(randomBytes(n)));
  }

  get present(): boolean {
    return this.#present;
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

  /** Every command received (copies) with the status word answered. */
  received(): readonly { index: number; bytes: Uint8Array; sw: number | null }[] {
    return this.#log.map((c) => ({ ...c, bytes: c.bytes.slice() }));
  }

  clearLog(): void {
    this.#log.length = 0;
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
    const entry = { index, bytes: command, sw: null as number | null };
    this.#log.push(entry);
    if (this.#log.length > 1024) this.#log.splice(0, this.#log.length - 1024);
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
    entry.sw = answer.length >= 2 ? ((answer[answer.length - 2] ?? 0) << 8) | (answer[answer.length - 1] ?? 0) : null;
    return answer;
  }

  #reset(): void {
    this.#df = "mf";
    this.#rndIcc = null;
    this.#ks?.fill(0);
    this.#ks = null;
    this.#verified = false;
  }

  #execute(bytes: Uint8Array): Uint8Array {
    const c = decodeCommand(bytes);
    if (!c) return sw(0x6700);
    const data = c.data ?? new Uint8Array(0);
    if (c.cla === 0x00) {
      switch (c.ins) {
        case 0xa4:
          return this.#select(c.p1, c.p2, data);
        case 0xb0:
          if (data.length > 0) return sw(0x6700);
          return this.#readPlain(c.p1, c.p2, c.le);
        case 0x84:
          if (c.p1 !== 0 || c.p2 !== 0 || c.le !== 8) return sw(c.le === undefined ? 0x6700 : 0x6a86);
          this.#rndIcc = this.#random(8);
          return withSw(this.#rndIcc.slice(), 0x9000);
        case 0x82:
          return this.#mutualAuthenticate(c.p1, c.p2, data);
        default:
          return sw(0x6d00);
      }
    }
    if (c.cla === 0x08) {
      if (c.ins === 0x20) return this.#verify(c.p1, c.p2, data);
      if (c.ins === 0xb0) return this.#readSm(c.p1, c.p2, data, c.le, c.extended);
      return sw(0x6d00);
    }
    return sw(0x6e00);
  }

  #select(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 === 0x00 && same(data, Uint8Array.of(0x3f, 0x00))) {
      this.#df = "mf";
      return sw(0x9000);
    }
    if (p1 === 0x04 && (p2 === 0x0c || p2 === 0x00)) {
      if (same(data, DF1_AID)) this.#df = "df1";
      else if (same(data, DF2_AID)) this.#df = "df2";
      else if (same(data, DF3_AID)) this.#df = "df3";
      else return sw(0x6a82);
      return sw(0x9000);
    }
    return sw(0x6a82);
  }

  #file(p1: number): Uint8Array | null {
    if ((p1 & 0x80) === 0) return null;
    const sfi = p1 & 0x1f;
    return this.profile.files.get(`${this.#df}:${sfi.toString(16).padStart(2, "0")}`) ?? null;
  }

  #readPlain(p1: number, p2: number, le: number | undefined): Uint8Array {
    if (le === undefined) return sw(0x6700);
    const f = this.#file(p1);
    if (f === null) return sw(0x6a82);
    if (this.#df === "df1" || this.#df === "df2") return sw(0x6982);
    if (this.#df === "df3" && !this.#verified) return sw(0x6982);
    if (p2 >= f.length && f.length > 0) return sw(0x6b00);
    return withSw(f.slice(p2, Math.min(f.length, p2 + le)), 0x9000);
  }

  #mutualAuthenticate(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 !== 0 || p2 !== 0 || data.length !== 40) return sw(0x6700);
    const rndIcc = this.#rndIcc;
    this.#rndIcc = null;
    if (!rndIcc) return sw(0x6985);
    const gen = this.profile.generation;
    const k = cardNumberKey(this.profile.cardNumber);
    try {
      const eIfd = data.subarray(0, 32);
      if (!equalBytes(authMac(gen, k, eIfd), data.subarray(32, 40))) return sw(0x6300);
      const s = decryptCbc(gen, k, eIfd);
      if (!equalBytes(s.subarray(8, 16), rndIcc)) return sw(0x6300);
      const kIcc = this.#random(16);
      const r = concatBytes(rndIcc, s.subarray(0, 8), kIcc);
      const eIcc = encryptCbc(gen, k, r);
      this.#ks?.fill(0);
      this.#ks = sessionKey(s.subarray(16, 32), kIcc);
      this.#verified = false;
      s.fill(0);
      r.fill(0);
      return withSw(concatBytes(eIcc, authMac(gen, k, eIcc)), 0x9000);
    } finally {
      k.fill(0);
    }
  }

  #verify(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 !== 0x00 || p2 !== 0x86 || data.length !== 19 || data[0] !== 0x86 || data[1] !== 0x11 || data[2] !== 0x01) return sw(0x6700);
    if (!this.#ks) return sw(0x6982);
    const plain = decryptCbc(this.profile.generation, this.#ks, data.subarray(3));
    const expected = pad(this.profile.cardNumber, blockSize(this.profile.generation));
    const ok = equalBytes(plain, expected);
    plain.fill(0);
    this.#verified = ok;
    return sw(ok ? 0x9000 : 0x6300);
  }

  #readSm(p1: number, p2: number, data: Uint8Array, le: number | undefined, extended: boolean): Uint8Array {
    if (!extended) return sw(0x6700);
    if (!same(data, Uint8Array.of(0x96, 0x02, 0x00, 0x00)) || le !== 65536 || p2 !== 0) return sw(0x6a86);
    if (!this.#ks || !this.#verified) return sw(0x6982);
    const f = this.#file(p1);
    if (f === null) return sw(0x6a82);
    const gen = this.profile.generation;
    const cryptogram = encryptCbc(gen, this.#ks, pad(f, blockSize(gen)));
    const n = cryptogram.length + 1;
    const head = n < 0x80 ? [0x86, n] : n < 0x100 ? [0x86, 0x81, n] : [0x86, 0x82, n >> 8, n & 0xff];
    return withSw(concatBytes(Uint8Array.from(head), Uint8Array.of(0x01), cryptogram), 0x9000);
  }
}

/** The spec's SFI layout for the files a profile holds. */
export const FILE_KEYS = {
  common: `mf:${SFI.MF_COMMON.toString(16).padStart(2, "0")}`,
  cardType: `mf:${SFI.MF_CARD_TYPE.toString(16).padStart(2, "0")}`,
  front: `df1:${SFI.DF1_EF01.toString(16).padStart(2, "0")}`,
  photo: `df1:${SFI.DF1_EF02.toString(16).padStart(2, "0")}`,
  printed2: `df1:${SFI.DF1_PRINTED_2.toString(16).padStart(2, "0")}`,
  images2: `df1:${SFI.DF1_IMAGES_2.toString(16).padStart(2, "0")}`,
  signature: `df3:${SFI.DF3_EF01.toString(16).padStart(2, "0")}`,
} as const;
