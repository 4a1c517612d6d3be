/**
 * ISO 7816-4 operations over the Transmit port: SELECT, READ BINARY, VERIFY, and the 80 2A signature.
 *
 * Layers of the card stack (each imports only the ones above it):
 *
 * | layer                         | file                          | I/O |
 * |-------------------------------|-------------------------------|-----|
 * | bytes                         | apdu.ts, tlv.ts               | no  |
 * | failures, secrets             | errors.ts, secret.ts          | no  |
 * | port                          | transmit.ts (reader.ts)       | —   |
 * | ISO operations                | card.ts (this file)           | via the port |
 * | one file per application      | mynumber/surface-ap.ts, jpki-ap.ts | via card.ts |
 * | record parsers                | mynumber/card-face.ts         | no  |
 * | the kiosk's procedure         | mynumber/read-face.ts         | via surface-ap.ts |
 *
 * `call()` is the only place that sends: it bounds the wait (per-APDU timeout and the caller's signal,
 * even if the transport ignores the signal), follows 61xx with GET RESPONSE and 6Cxx with one re-send
 * (never for a VERIFY with data: a secret is sent once),
 * refuses oversized answers, traces every exchange (VERIFY data masked, response data never traced),
 * and counts APDUs and bytes for the benchmark.
 */
import { encodeCommand, parseResponse, toHex, concatBytes, type Command, type Response } from "./apdu";
import { CardError, classifySw, problemForSw, toCardError, type CardProblemKind } from "./errors";
import type { CodeB } from "./secret";
import { tlvTotalSize } from "./tlv";
import type { Transmit } from "./transmit";

export interface ApduTrace {
  /** What the exchange was for ("select 券面AP", "read EF 0002"…). */
  readonly step: string;
  /** Command as hex; VERIFY data replaced by "**". Never contains a secret. */
  readonly command: string;
  /** Final status word, or null when the exchange failed. */
  readonly sw: number | null;
  readonly commandBytes: number;
  readonly responseBytes: number;
  readonly ms: number;
  readonly error?: CardProblemKind;
}

export interface CardDeps {
  readonly transmit: Transmit;
  readonly trace?: (t: ApduTrace) => void;
  /** Longest wait for one exchange (ms). Default 5000: above the card's FWT (~309 ms at FWI 10) with a wide margin. */
  readonly apduTimeoutMs?: number;
  readonly now?: () => number;
}

export interface ExchangeStats {
  apdus: number;
  bytesOut: number;
  bytesIn: number;
  /** One entry per APDU (sizes only): for the latency model's floor. */
  readonly exchanges: { commandBytes: number; responseBytes: number; signs: boolean }[];
}

export type ReadMode = "short" | "extended";

/** Answer to a VERIFY. `verified-already` = an empty VERIFY answered 9000. */
export type VerifyAnswer =
  | { kind: "ok" }
  | { kind: "tries-left"; triesLeft: number }
  | { kind: "verified-already" }
  | { kind: "blocked" };

const MAX_CHAINED = 16;
/** The largest EF the card layer will assemble (EF 0002 is a few kB; 64 KiB bounds memory). */
export const MAX_EF_BYTES = 65536;
/** 15-bit offsets in P1-P2 (reference §2.2). */
const MAX_SHORT_OFFSET = 0x7fff;

export class Card {
  readonly stats: ExchangeStats = { apdus: 0, bytesOut: 0, bytesIn: 0, exchanges: [] };
  readonly #deps: CardDeps;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  constructor(deps: CardDeps) {
    this.#deps = deps;
    this.#timeoutMs = deps.apduTimeoutMs ?? 5000;
    this.#now = deps.now ?? (() => performance.now());
  }

  /** Send one command; returns the final response (after 61xx/6Cxx handling). Throws CardError on transport failure. */
  async call(cmd: Command, signal: AbortSignal, step: string, opts: { extended?: boolean } = {}): Promise<Response> {
    let r = await this.#exchange(cmd, signal, step, opts);
    let c = classifySw(r.sw);
    if (c.kind === "resend") {
      // A VERIFY with data carries the secret: it is sent once, whatever the card answers.
      if (cmd.ins === 0x20 && cmd.data) throw new CardError({ kind: "malformed", what: `${step}: 6Cxx to a VERIFY` });
      r = await this.#exchange({ ...cmd, le: c.le }, signal, step, { extended: c.le > 256 });
      c = classifySw(r.sw);
      if (c.kind === "resend") throw new CardError({ kind: "malformed", what: `${step}: 6Cxx twice` });
    }
    if (c.kind === "more") {
      const parts: Uint8Array[] = [r.data];
      let total = r.data.length;
      for (let i = 0; c.kind === "more"; i++) {
        if (i >= MAX_CHAINED) throw new CardError({ kind: "malformed", what: `${step}: endless 61xx chain` });
        r = await this.#exchange({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, le: c.available }, signal, `${step} (GET RESPONSE)`, {});
        parts.push(r.data);
        total += r.data.length;
        if (total > (cmd.le ?? 256)) throw new CardError({ kind: "malformed", what: `${step}: GET RESPONSE beyond Le` });
        c = classifySw(r.sw);
      }
      r = { data: concatBytes(...parts), sw: r.sw };
      for (const p of parts) p.fill(0);
    }
    return r;
  }

  async #exchange(cmd: Command, signal: AbortSignal, step: string, opts: { extended?: boolean }): Promise<Response> {
    const bytes = encodeCommand(cmd, opts);
    const t0 = this.#now();
    const masked = cmd.ins === 0x20 && (cmd.data?.length ?? 0) > 0 ? toHex(bytes.subarray(0, 5)) + " **" : toHex(bytes);
    const trace = (sw: number | null, responseBytes: number, error?: CardProblemKind) =>
      this.#deps.trace?.({
        step,
        command: masked,
        sw,
        commandBytes: bytes.length,
        responseBytes,
        ms: this.#now() - t0,
        ...(error ? { error } : {}),
      });
    if (signal.aborted) throw new CardError({ kind: "aborted" });
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.#timeoutMs);
    const both = AbortSignal.any([signal, timeout.signal]);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(new CardError(signal.aborted ? { kind: "aborted" } : { kind: "timeout", step }));
      both.addEventListener("abort", onAbort, { once: true });
    });
    // Through a promise even if an adapter throws synchronously: every failure takes the same path.
    const sent = Promise.resolve().then(() => this.#deps.transmit.transmit(bytes, both));
    sent.catch(() => undefined); // a late rejection after a timeout is not unhandled
    try {
      const raw = await Promise.race([sent, aborted]);
      const r = parseResponse(raw);
      this.stats.apdus++;
      this.stats.bytesOut += bytes.length;
      this.stats.bytesIn += raw.length;
      this.stats.exchanges.push({ commandBytes: bytes.length, responseBytes: raw.length, signs: cmd.ins === 0x2a });
      const limit = cmd.le ?? 0;
      const sw1 = r.sw >> 8;
      // Data is only allowed with success, 62xx/63xx warnings and 61xx; never more than Le.
      if (r.data.length > limit || (r.data.length > 0 && sw1 !== 0x90 && sw1 !== 0x62 && sw1 !== 0x63 && sw1 !== 0x61)) {
        raw.fill(0);
        throw new CardError({ kind: "malformed", what: `${step}: ${r.data.length} data bytes for Le ${limit}` });
      }
      trace(r.sw, raw.length);
      return r;
    } catch (e) {
      const err = timeout.signal.aborted && !signal.aborted && !(e instanceof CardError && e.kind === "no-card")
        ? new CardError({ kind: "timeout", step })
        : toCardError(e);
      trace(null, 0, err.kind);
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) both.removeEventListener("abort", onAbort);
      if (cmd.ins === 0x20) bytes.fill(0); // the APDU carried a secret
    }
  }

  /** Throws the classified CardError unless SW is 9000. */
  static expectOk(r: Response, step: string): void {
    if (r.sw !== 0x9000) throw new CardError(problemForSw(r.sw, step));
  }

  /** SELECT by full DF name (P1 04, P2 0C: no FCI). */
  async selectAid(aid: Uint8Array, signal: AbortSignal, step: string): Promise<void> {
    const r = await this.call({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid }, signal, step);
    Card.expectOk(r, step);
  }

  /** SELECT an EF of the current DF by its 2-byte id (P1 02, P2 0C). */
  async selectEf(id: number, signal: AbortSignal, step: string): Promise<void> {
    const r = await this.call({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(id >> 8, id & 0xff) }, signal, step);
    Card.expectOk(r, step);
  }

  /**
   * VERIFY the key of the current EF (P2 80). `secret` null = the empty VERIFY that asks for tries left
   * without spending one (reference §2.3). The secret's bytes are copied into the APDU and zeroed after.
   */
  async verify(secret: CodeB | null, signal: AbortSignal, step: string): Promise<VerifyAnswer> {
    const data = secret ? secret.useBytes((b) => b.slice()) : undefined;
    try {
      const r = await this.call({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80, ...(data ? { data } : {}) }, signal, step);
      return verifyAnswer(r.sw, secret !== null, step);
    } finally {
      data?.fill(0);
    }
  }

  /**
   * Read the current EF up to the end of its outer TLV (the FF filler is not read).
   * short: READ BINARY in steps of at most 256 bytes with 15-bit offsets.
   * extended: one READ BINARY with extended Le 65536 for the whole file (more only if the card stops early);
   *   a 6700 answer to that first read switches this file to short steps.
   * End of file: 6B00, or 6282 with the last bytes, both handled; a file that ends before its TLV is malformed.
   */
  async readTlvEf(requested: ReadMode, signal: AbortSignal, step: string, onBytes?: (read: number, total: number) => void): Promise<Uint8Array> {
    let mode = requested;
    const parts: Uint8Array[] = [];
    let have = 0;
    let total: number | null = null;
    try {
      while (total === null || have < total) {
        if (have > MAX_SHORT_OFFSET) throw new CardError({ kind: "malformed", what: `${step}: file beyond 15-bit offsets` });
        const want = mode === "extended" ? (total === null ? MAX_EF_BYTES : total - have) : Math.min(256, total === null ? 256 : total - have);
        const r = await this.call(
          { cla: 0x00, ins: 0xb0, p1: (have >> 8) & 0x7f, p2: have & 0xff, le: want },
          signal,
          step,
          { extended: mode === "extended" },
        );
        const c = classifySw(r.sw);
        if (mode === "extended" && total === null && r.sw === 0x6700) {
          // The reader or card refused the extended Le after all: read this file in short steps.
          mode = "short";
          continue;
        }
        if (c.kind === "past-end") throw new CardError({ kind: "malformed", what: `${step}: file ends at ${have} bytes, inside its TLV` });
        if (c.kind !== "ok" && c.kind !== "end-of-file-short") throw new CardError(problemForSw(r.sw, step));
        if (r.data.length === 0) throw new CardError({ kind: "malformed", what: `${step}: empty READ BINARY answer at ${have}` });
        parts.push(r.data);
        have += r.data.length;
        if (total === null) {
          const head = parts[0] ?? new Uint8Array(0);
          total = tlvTotalSize(head.subarray(0, Math.min(head.length, 8)));
          if (total > MAX_EF_BYTES) throw new CardError({ kind: "malformed", what: `${step}: TLV of ${total} bytes` });
        }
        onBytes?.(Math.min(have, total), total);
        if (c.kind === "end-of-file-short" && have < total) {
          throw new CardError({ kind: "malformed", what: `${step}: file ends at ${have} bytes, inside its TLV` });
        }
      }
      const all = concatBytes(...parts);
      const out = all.slice(0, total);
      all.fill(0);
      return out;
    } finally {
      for (const p of parts) p.fill(0);
    }
  }

  /** Read the current EF to its physical end (until 6B00 or 6282), in 256-byte steps. */
  async readToEnd(signal: AbortSignal, step: string, maxBytes = MAX_EF_BYTES): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    try {
      for (;;) {
        if (have > MAX_SHORT_OFFSET || have >= maxBytes) throw new CardError({ kind: "malformed", what: `${step}: file larger than ${maxBytes}` });
        const r = await this.call({ cla: 0x00, ins: 0xb0, p1: (have >> 8) & 0x7f, p2: have & 0xff, le: 256 }, signal, step);
        const c = classifySw(r.sw);
        if (c.kind === "past-end") break;
        if (c.kind !== "ok" && c.kind !== "end-of-file-short") throw new CardError(problemForSw(r.sw, step));
        parts.push(r.data);
        have += r.data.length;
        if (c.kind === "end-of-file-short" || r.data.length === 0) break;
      }
      return concatBytes(...parts);
    } finally {
      for (const p of parts) p.fill(0);
    }
  }

  /** 80 2A 00 P2 <data> 00: the card signs `data` as given (PKCS#1 v1.5, reference §2.4). */
  async sign(data: Uint8Array, p2: number, signal: AbortSignal, step: string): Promise<Uint8Array> {
    const r = await this.call({ cla: 0x80, ins: 0x2a, p1: 0x00, p2, data, le: 256 }, signal, step);
    Card.expectOk(r, step);
    if (r.data.length === 0) throw new CardError({ kind: "malformed", what: `${step}: empty signature` });
    return r.data.slice();
  }
}

function verifyAnswer(sw: number, withSecret: boolean, step: string): VerifyAnswer {
  const c = classifySw(sw);
  switch (c.kind) {
    case "ok":
      return withSecret ? { kind: "ok" } : { kind: "verified-already" };
    case "tries-left":
      return c.triesLeft === 0 && !withSecret ? { kind: "blocked" } : { kind: "tries-left", triesLeft: c.triesLeft };
    case "blocked":
      return { kind: "blocked" };
    case "more":
    case "resend":
    case "end-of-file-short":
    case "past-end":
    case "security-status":
    case "not-found":
    case "refused":
    case "other":
      throw new CardError(problemForSw(sw, step));
  }
}
