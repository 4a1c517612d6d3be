/**
 * A software My Number card: answers the APDUs of reference §10 from a `CardProfile`, with honest retry
 * counters, access rules and timing. It implements the Transmit port, so the kiosk code reads it exactly
 * like a card behind PC/SC; sim/reader.ts and sim/vpcd.ts put it on a (virtual) reader.
 *
 * Behaviour (reference §2, §10):
 * - SELECT by AID (P1 04) → 9000 and clears every VERIFY; unknown AID → 6A82. SELECT EF (P1 02) → 9000/6A82.
 *   `00 A4 00 00` → 6A86 at MF level, 9000 without effect inside an AP; 3F00 → 6A82. The ISD AID returns
 *   to MF level.
 * - READ BINARY: offset in P1-P2 or SFI (P1 = 80|EF); Le 00 = 256, extended Le allowed; offset at or past
 *   the end → 6B00; a read that runs past the end returns what is left with `profile.shortReadAtEnd`
 *   (6282 or 9000); protected and not verified → 6982.
 * - VERIFY (P2 80 = current key EF, or 80|EF): empty → 63Cx / 9000 if verified / 6984 when blocked;
 *   wrong → 63Cx with one try less (63C0 on the last), then 6984 forever; right → counter reset to max.
 * - 80 2A P1 P2: P1 00 = PKCS#1 v1.5 over the data as given; other P1 → 6A86. P2 00 = the AP's default key,
 *   80 = the current EF, 80|EF names the key. Keys behind a PIN answer 6982 before VERIFY.
 * - GET CHALLENGE 00 84 00 00 Le(1..256) → random bytes; extended Le → 6985. 00 88 → the AP's answer.
 * - Unknown INS → 6D00, unknown CLA → 6E00, logical channel 1–3 → 6881, malformed APDU → 6700.
 * - Retry counters survive removal (they live in the chip); security state does not.
 *
 * Removal: `remove()` makes every pending and later transmit reject with CardError no-card until
 * `insert()`, which is a power-on reset. A command is executed half-way through its modelled time, so a
 * card pulled during a VERIFY may have counted the try without the reader hearing the answer — as a real
 * card would.
 */
import { createPrivateKey, privateEncrypt, constants, randomBytes, type KeyObject } from "node:crypto";
import { decodeCommand, withSw } from "../apdu";
import { CardError } from "../errors";
import type { Transmit } from "../transmit";
import { ISD_AID } from "../mynumber/ids";
import type { Access, CardProfile, SimApplication, SimFile, SimSigner } from "./profile";
import { NO_LATENCY, transferMs, type LatencyModel } from "./latency";

export interface SimClock {
  /** Resolve after `ms`; reject (any error) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Milliseconds on a monotonic clock; when given, an exchange's second wait absorbs the first wait's overshoot. */
  now?(): number;
}

/** A scripted misbehaviour at a given command index (0 = the first command after insert or creation). */
export type SimFault =
  | { at: number; kind: "remove-before" }
  | { at: number; kind: "remove-after-execute" }
  | { at: number; kind: "hang" }
  | { at: number; kind: "respond"; bytes: Uint8Array };

export interface SimCardDeps {
  latency?: LatencyModel;
  clock?: SimClock;
  /** Random bytes for GET CHALLENGE (tests make it deterministic). */
  random?: (n: number) => Uint8Array;
}

export interface ReceivedCommand {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly sw: number | null;
}

interface KeyState {
  triesLeft: number;
  readonly maxTries: number;
  readonly secret: Uint8Array;
}

export const realClock: SimClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Error("aborted"));
        return;
      }
      const done = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const t = ms <= 0 ? null : setTimeout(done, ms);
      if (t === null) setImmediate(done);
      const onAbort = () => {
        if (t !== null) clearTimeout(t);
        reject(new Error("aborted"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }),
};

/** Commands kept by `received()`. */
const MAX_LOG = 4096;

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class SimulatedCard implements Transmit {
  readonly profile: CardProfile;
  readonly atr: Uint8Array;
  readonly #latency: LatencyModel;
  readonly #clock: SimClock;
  readonly #random: (n: number) => Uint8Array;
  readonly #keys = new Map<string, KeyState>();
  readonly #keyObjects = new Map<SimSigner, KeyObject>();
  readonly #log: ReceivedCommand[] = [];
  #faults: SimFault[] = [];
  #present = true;
  #removal = new AbortController();
  #commandIndex = 0;
  #busy = false;
  // volatile (security) state
  #ap: SimApplication | null = null;
  #ef: number | null = null;
  #verified = new Set<number>();

  constructor(profile: CardProfile, deps: SimCardDeps = {}) {
    this.profile = profile;
    this.atr = profile.atr.slice();
    this.#latency = deps.latency ?? NO_LATENCY;
    this.#clock = deps.clock ?? realClock;
    this.#random = deps.random ?? ((n) => new Uint8Array(randomBytes(n)));
    for (const ap of profile.applications) {
      for (const k of ap.keys) {
        this.#keys.set(keyName(ap, k.id), { triesLeft: k.triesLeft, maxTries: k.maxTries, secret: k.secret.slice() });
      }
    }
  }

  get present(): boolean {
    return this.#present;
  }

  /** Take the card off the reader: pending and later transmits reject with no-card. */
  remove(): void {
    if (!this.#present) return;
    this.#present = false;
    this.#removal.abort();
    this.#resetVolatile();
  }

  /** Put the card (back) on the reader: a power-on reset. Retry counters are kept. */
  insert(): void {
    if (this.#present) return;
    this.#present = true;
    this.#removal = new AbortController();
    this.#commandIndex = 0;
    this.#resetVolatile();
  }

  /** Script misbehaviour (hostile-card tests). Indices count commands since creation or the last insert(). */
  setFaults(faults: readonly SimFault[]): void {
    this.#faults = [...faults];
  }

  /** Tries left of a key, by application name and key EF ("surface", 0x0012). */
  triesLeft(application: string, keyId: number): number {
    const ap = this.profile.applications.find((a) => a.name === application);
    const k = ap ? this.#keys.get(keyName(ap, keyId)) : undefined;
    if (!k) throw new RangeError(`no key ${keyId.toString(16)} in ${application}`);
    return k.triesLeft;
  }

  /** Every command received (copies), with the status word answered (null when none was delivered). */
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
    const index = this.#commandIndex++;
    const entry = { index, bytes: command, sw: null as number | null };
    this.#log.push(entry);
    // Bounded: a demo daemon runs for days; tests look at far fewer.
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
    const signs = command[1] === 0x2a;
    const t0 = this.#clock.now?.() ?? 0;
    const firstMs = m.perApduMs / 2 + transferMs(command.length, m);
    await wait(firstMs);
    if (fault?.kind === "hang") {
      // Never answers: only the caller's signal or a removal ends the wait.
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
    await wait(Math.max(0, firstMs + m.perApduMs / 2 + transferMs(answer.length, m) + (signs ? m.signMs : 0) - elapsed));
    if (!this.#present) throw new CardError({ kind: "no-card" });
    entry.sw = answer.length >= 2 ? ((answer[answer.length - 2] ?? 0) << 8) | (answer[answer.length - 1] ?? 0) : null;
    return answer;
  }

  #resetVolatile(): void {
    this.#ap = null;
    this.#ef = null;
    this.#verified.clear();
  }

  #execute(bytes: Uint8Array): Uint8Array {
    const c = decodeCommand(bytes);
    if (!c) return sw(0x6700);
    if ((c.cla & 0x03) !== 0) return sw(0x6881);
    if (c.cla !== 0x00 && c.cla !== 0x80) return sw(0x6e00);
    const data = c.data ?? new Uint8Array(0);
    if (c.cla === 0x00) {
      switch (c.ins) {
        case 0xa4:
          return this.#select(c.p1, c.p2, data);
        case 0xb0:
          return this.#readBinary(c.p1, c.p2, c.le, data.length > 0);
        case 0x20:
          return this.#verify(c.p1, c.p2, data);
        case 0x84:
          if (c.p1 !== 0 || c.p2 !== 0) return sw(0x6a86);
          if (c.extended || c.le === undefined) return sw(c.extended ? 0x6985 : 0x6700);
          return withSw(this.#random(c.le), 0x9000);
        case 0x88:
          return sw(this.#ap ? this.#ap.internalAuthenticateSw : 0x6982);
        default:
          return sw(0x6d00);
      }
    }
    if (c.ins === 0x2a) return this.#sign(c.p1, c.p2, data);
    return sw(0x6d00);
  }

  #select(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 === 0x04) {
      if (p2 !== 0x0c && p2 !== 0x00) return sw(0x6a86);
      if (sameBytes(data, ISD_AID)) {
        this.#resetVolatile();
        return sw(0x9000);
      }
      const ap = this.profile.applications.find((a) => sameBytes(a.aid, data));
      if (!ap) return sw(0x6a82);
      this.#resetVolatile();
      this.#ap = ap;
      return sw(0x9000);
    }
    if (p1 === 0x02) {
      if (data.length !== 2) return sw(0x6700);
      const id = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      if (!this.#ap) return sw(0x6a82);
      const exists =
        this.#ap.files.some((f) => f.id === id) ||
        this.#ap.keys.some((k) => k.id === id) ||
        this.#ap.signers.some((s) => s.id === id);
      if (!exists) return sw(0x6a82);
      this.#ef = id;
      return sw(0x9000);
    }
    if (p1 === 0x00) {
      if (data.length === 0) return sw(this.#ap ? 0x9000 : 0x6a86);
      return sw(0x6a82); // 3F00 and any other id by path: no usable MF (reference §2.1)
    }
    return sw(0x6a86);
  }

  #allowed(access: Access): boolean {
    switch (access.kind) {
      case "always":
        return true;
      case "never":
        return false;
      case "after-verify":
        return access.anyOf.some((k) => this.#verified.has(k));
    }
  }

  #readBinary(p1: number, p2: number, le: number | undefined, hasData: boolean): Uint8Array {
    if (hasData || le === undefined) return sw(0x6700);
    if (!this.#ap) return sw(0x6986);
    let file: SimFile | undefined;
    let offset: number;
    if (p1 & 0x80) {
      const sfi = p1 & 0x1f;
      if ((p1 & 0x60) !== 0 || sfi === 0) return sw(0x6a86);
      file = this.#ap.files.find((f) => f.id === sfi);
      if (!file) return sw(0x6a82);
      this.#ef = sfi;
      offset = p2;
    } else {
      if (this.#ef === null) return sw(0x6986);
      const id = this.#ef;
      file = this.#ap.files.find((f) => f.id === id);
      if (!file) return sw(0x6981); // a key EF has no binary content
      offset = (p1 << 8) | p2;
    }
    if (!this.#allowed(file.read)) return sw(0x6982);
    if (offset >= file.bytes.length) return sw(0x6b00);
    const end = Math.min(file.bytes.length, offset + le);
    const chunk = file.bytes.subarray(offset, end);
    return withSw(chunk, end - offset < le ? this.profile.shortReadAtEnd : 0x9000);
  }

  #verify(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (!this.#ap || p1 !== 0x00) return sw(this.#ap ? 0x6a86 : 0x6982);
    let id: number | null;
    if (p2 === 0x80) id = this.#ef;
    else if ((p2 & 0xe0) === 0x80) id = p2 & 0x1f;
    else return sw(0x6a86);
    const ap = this.#ap;
    const key = id === null ? undefined : this.#keys.get(keyName(ap, id));
    if (id === null || !key) return sw(0x6a88);
    if (data.length === 0) {
      if (key.triesLeft === 0) return sw(0x6984);
      if (this.#verified.has(id)) return sw(0x9000);
      return sw(0x63c0 | Math.min(15, key.triesLeft));
    }
    if (key.triesLeft === 0) return sw(0x6984);
    if (sameBytes(data, key.secret)) {
      key.triesLeft = key.maxTries;
      this.#verified.add(id);
      return sw(0x9000);
    }
    key.triesLeft -= 1;
    this.#verified.delete(id);
    return sw(0x63c0 | Math.min(15, key.triesLeft));
  }

  #sign(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (!this.#ap) return sw(0x6982);
    if (p1 !== 0x00) return sw(0x6a86);
    let signer: SimSigner | undefined;
    if (p2 === 0x00) signer = this.#ap.signers.find((s) => s.isDefault);
    else if (p2 === 0x80) signer = this.#ap.signers.find((s) => s.id === this.#ef);
    else if ((p2 & 0xe0) === 0x80) signer = this.#ap.signers.find((s) => s.id === (p2 & 0x1f));
    else return sw(0x6a86);
    if (!signer) return sw(0x6a88);
    if (!this.#allowed(signer.use)) return sw(0x6982);
    if (data.length === 0 || data.length > 245) return sw(0x6700);
    let key = this.#keyObjects.get(signer);
    if (!key) {
      key = createPrivateKey({ key: Buffer.from(signer.privateKeyPkcs8), format: "der", type: "pkcs8" });
      this.#keyObjects.set(signer, key);
    }
    const sig = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, data);
    return withSw(new Uint8Array(sig), 0x9000);
  }
}

function keyName(ap: SimApplication, id: number): string {
  return `${ap.name}:${id}`;
}

function sw(v: number): Uint8Array {
  return Uint8Array.of((v >> 8) & 0xff, v & 0xff);
}
