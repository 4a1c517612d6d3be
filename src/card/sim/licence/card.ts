/**
 * A software IC driver's licence: answers the APDUs of reference §1.2–§1.6 (second-hand facts, from
 * open-source readers) with honest PIN counters, access rules and timing, through the Transmit port —
 * so the kiosk reads it exactly like a card behind PC/SC (sim/reader.ts in process, sim/vpcd.ts
 * through the real pcscd).
 *
 * The card as modelled:
 * - MF: EF 2F01 common data (17 bytes, free), EF 000A PIN setting (free), IEF 0001 PIN 1, IEF 0002 PIN 2.
 *   `00 A4 00 00` (no data) or `00 A4 00 00 02 3F 00` selects the MF.
 * - DF1 (A0 00 00 02 31 01 00…): EF 0001 entries (880 bytes, PIN 1), EF 0002 本籍 (PIN 1 + PIN 2),
 *   EF 0007 signature (PIN 1). DF2 (…02…): EF 0001 photo (PIN 1 + PIN 2 unless `photoNeedsPin2` is
 *   false, a counterfactual for tests of the photo path). DF3 (A0 00 00 02 48 03 00…): RFU, empty.
 * - SELECT by AID keeps the verified state (the PINs belong to the MF); an unknown AID → 6A82 and the
 *   selection is unchanged. SELECT EF (P1 02) → under the current DF, 6A82 if none.
 * - VERIFY P2 81/82 (short EF id of IEF01/02) only with the MF selected (69 81 under a DF: hiro99ma);
 *   P2 80 after SELECT EF 0001/0002 under the MF. Empty → 63Cx, 9000 once verified, 6984 when blocked;
 *   wrong → 63Cx one less (63C0 on the last), then 6984; right → counter back to 3 [guess: the reset
 *   on success is ISO practice, not read in the NPA text].
 * - READ BINARY: offset in P1-P2; at or past the end → 6B00; a read running past the end returns what
 *   is left with 9000; not allowed → 6982. Unknown INS → 6D00, CLA ≠ 00 → 6E00, bad APDU → 6700.
 * - PIN counters survive removal; the verified state and selection do not.
 *
 * Removal, faults, the command log and the latency model behave as in sim/card.ts (SimulatedCard): a
 * command executes half-way through its modelled time, so a card pulled during a VERIFY may have
 * counted the try without the reader hearing the answer.
 */
import { randomBytes } from "node:crypto";
import { decodeCommand, withSw } from "../../apdu";
import { CardError } from "../../errors";
import type { Transmit } from "../../transmit";
import { realClock, type ReceivedCommand, type SimClock, type SimFault } from "../card";
import { NO_LATENCY, transferMs, type LatencyModel } from "../latency";

export type Need = "free" | "pin1" | "pin1+pin2" | "never";

export interface LicenceFile {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly need: Need;
}

export interface LicenceDf {
  readonly name: string;
  readonly aid: Uint8Array;
  readonly files: readonly LicenceFile[];
}

export interface LicenceProfile {
  readonly label: string;
  readonly atr: Uint8Array;
  readonly mfFiles: readonly LicenceFile[];
  readonly dfs: readonly LicenceDf[];
  /** PIN 1 and PIN 2 as the card compares them (4 ASCII digits each). */
  readonly pins: readonly [Uint8Array, Uint8Array];
  /** Tries left when made (0 = blocked). */
  readonly triesLeft: readonly [number, number];
}

export const LICENCE_MAX_TRIES = 3;

export interface LicenceSimDeps {
  latency?: LatencyModel;
  clock?: SimClock;
}

const MAX_LOG = 4096;
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const sw = (v: number) => Uint8Array.of((v >> 8) & 0xff, v & 0xff);

export class LicenceSimCard implements Transmit {
  readonly profile: LicenceProfile;
  readonly atr: Uint8Array;
  readonly #latency: LatencyModel;
  readonly #clock: SimClock;
  readonly #tries: [number, number];
  readonly #log: ReceivedCommand[] = [];
  #faults: SimFault[] = [];
  #present = true;
  #removal = new AbortController();
  #index = 0;
  #busy = false;
  // volatile state
  #df: LicenceDf | null = null;
  #ef: number | null = null;
  #verified: [boolean, boolean] = [false, false];

  constructor(profile: LicenceProfile, deps: LicenceSimDeps = {}) {
    this.profile = profile;
    this.atr = profile.atr.slice();
    this.#latency = deps.latency ?? NO_LATENCY;
    this.#clock = deps.clock ?? realClock;
    this.#tries = [profile.triesLeft[0], profile.triesLeft[1]];
  }

  get present(): boolean {
    return this.#present;
  }

  /** PIN 1 (1) or PIN 2 (2) tries left. */
  triesLeft(pin: 1 | 2 = 1): number {
    return this.#tries[pin - 1] ?? 0;
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

  received(): readonly ReceivedCommand[] {
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
    if (this.#log.length > MAX_LOG) this.#log.splice(0, this.#log.length - MAX_LOG);
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
    this.#df = null;
    this.#ef = null;
    this.#verified = [false, false];
  }

  #execute(bytes: Uint8Array): Uint8Array {
    const c = decodeCommand(bytes);
    if (!c) return sw(0x6700);
    if (c.cla !== 0x00) return sw(0x6e00);
    const data = c.data ?? new Uint8Array(0);
    switch (c.ins) {
      case 0xa4:
        return this.#select(c.p1, c.p2, data);
      case 0xb0:
        return this.#read(c.p1, c.p2, c.le, data.length > 0);
      case 0x20:
        return this.#verify(c.p1, c.p2, data);
      case 0x84:
        return c.le === undefined ? sw(0x6700) : withSw(new Uint8Array(randomBytes(Math.min(c.le, 8))), 0x9000);
      default:
        return sw(0x6d00);
    }
  }

  #files(): readonly LicenceFile[] {
    return this.#df ? this.#df.files : this.profile.mfFiles;
  }

  #select(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p2 !== 0x0c && p2 !== 0x00) return sw(0x6a86);
    if (p1 === 0x00) {
      if (data.length === 0 || same(data, Uint8Array.of(0x3f, 0x00))) {
        this.#df = null;
        this.#ef = null;
        return sw(0x9000);
      }
      return sw(0x6a82);
    }
    if (p1 === 0x04) {
      const df = this.profile.dfs.find((d) => same(d.aid, data));
      if (!df) return sw(0x6a82);
      this.#df = df;
      this.#ef = null;
      return sw(0x9000);
    }
    if (p1 === 0x02) {
      if (data.length !== 2) return sw(0x6700);
      const id = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      const isKey = this.#df === null && (id === 0x0001 || id === 0x0002);
      if (!isKey && !this.#files().some((f) => f.id === id)) return sw(0x6a82);
      this.#ef = id;
      return sw(0x9000);
    }
    return sw(0x6a86);
  }

  #allowed(need: Need): boolean {
    switch (need) {
      case "free":
        return true;
      case "pin1":
        return this.#verified[0];
      case "pin1+pin2":
        return this.#verified[0] && this.#verified[1];
      case "never":
        return false;
    }
  }

  #read(p1: number, p2: number, le: number | undefined, hasData: boolean): Uint8Array {
    if (hasData || le === undefined) return sw(0x6700);
    if (p1 & 0x80) return sw(0x6a86); // short EF id reads: not modelled (the kiosk does not use them)
    const id = this.#ef;
    const file = id === null ? undefined : this.#files().find((f) => f.id === id);
    if (!file) return sw(id === null ? 0x6986 : 0x6981);
    if (!this.#allowed(file.need)) return sw(0x6982);
    const offset = (p1 << 8) | p2;
    if (offset >= file.bytes.length) return sw(0x6b00);
    return withSw(file.bytes.subarray(offset, Math.min(file.bytes.length, offset + le)), 0x9000);
  }

  #verify(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 !== 0x00) return sw(0x6a86);
    let pin: 0 | 1;
    if (p2 === 0x81 || p2 === 0x82) {
      if (this.#df !== null) return sw(0x6981);
      pin = p2 === 0x81 ? 0 : 1;
    } else if (p2 === 0x80) {
      if (this.#df !== null || (this.#ef !== 0x0001 && this.#ef !== 0x0002)) return sw(0x6981);
      pin = this.#ef === 0x0001 ? 0 : 1;
    } else return sw(0x6a86);
    const left = this.#tries[pin];
    if (data.length === 0) {
      if (left === 0) return sw(0x6984);
      return this.#verified[pin] ? sw(0x9000) : sw(0x63c0 | left);
    }
    if (left === 0) return sw(0x6984);
    if (same(data, this.profile.pins[pin])) {
      this.#tries[pin] = LICENCE_MAX_TRIES;
      this.#verified[pin] = true;
      return sw(0x9000);
    }
    this.#tries[pin] = left - 1;
    this.#verified[pin] = false;
    return sw(0x63c0 | (left - 1));
  }
}
