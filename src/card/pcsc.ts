/**
 * The real card reader: pcscd through the `pcsclite` 1.0.1 binding (async API only; every binding call
 * runs in a native thread or the libuv pool, never on the event loop).
 *
 * Contract (see reader.ts for the port):
 * - `openPcscReader()` resolves at once with a port whose status is "missing" or "error" until pcscd
 *   lists a reader whose name contains `readerName` (case-insensitive; empty = the first reader).
 * - Card events concern the selected reader only; reader events concern every reader.
 * - Recovery: the binding does not notice a restarted pcscd or a re-plugged reader
 *   (santigimeno/node-pcsclite#68), so when its context fails (service lost) or while no matching
 *   reader is listed, the adapter throws the binding instance away and creates a new one, with backoff
 *   (100 ms doubling to 1.6 s while the service is down; every `rescanMs` while the reader is missing).
 *   Measured here with pcscd 1.9.9 + vpcd: a killed-and-restarted pcscd is seen again ~0.3 s after it
 *   is back (the acceptance bound is 5 s).
 * - Every wait is bounded: connect (`connectTimeoutMs`), transmit (`transmitTimeoutMs`), disconnect.
 *   A transmit that times out or is aborted kills the channel; the native call may still be running in
 *   the libuv pool until the driver gives up (the binding cannot cancel SCardTransmit).
 * - A channel dies with its card: removal (including a swap between two status polls, seen through the
 *   event counter in the upper 16 bits of the reader state), reader loss or service loss.
 * - Binding event handlers never throw and never call back into the binding synchronously: the binding
 *   holds the reader's mutex while it emits, so `close()` from inside a handler would deadlock.
 *
 * Logs (optional `log`) carry outcomes and reader names only, never APDU bytes.
 */
import pcsclite from "pcsclite";
import { CardError, type CardProblem } from "./errors";
import type { CardChannel, CardReaderPort, ReaderEvent, ReaderHealth } from "./reader";
import { isServiceLoss, pcscCode, problemForPcscError } from "./pcsc/codes";
import { probeExtendedApdu } from "./pcsc/features";

/** The slice of a `pcsclite` CardReader the adapter uses (structural, so a test can hand in a fake). */
export interface BindingReader {
  readonly name: string;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_EMPTY: number;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_RESET_CARD: number;
  on(event: "status", listener: (s: { state: number; atr?: Buffer }) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (e: unknown) => void): unknown;
  connect(opts: { share_mode: number; protocol: number }, cb: (err: unknown, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: unknown, res: Buffer) => void): void;
  control(data: Buffer, code: number, resLen: number, cb: (err: unknown, res: Buffer) => void): void;
  SCARD_CTL_CODE(code: number): number;
  close(): void;
}

/** The slice of a `pcsclite()` instance the adapter uses. */
export interface BindingContext {
  on(event: "reader", listener: (r: BindingReader) => void): unknown;
  on(event: "error", listener: (e: unknown) => void): unknown;
  close(): void;
}

export interface PcscReaderOptions {
  /** Reader name substring (case-insensitive); empty or absent = the first reader listed. */
  readerName?: string;
  /** Bound on one APDU round trip (ms). Default 5000. */
  transmitTimeoutMs?: number;
  /** Bound on SCardConnect / SCardDisconnect (ms). Default 3000. */
  connectTimeoutMs?: number;
  /** While no matching reader is listed, re-create the binding instance this often (ms). Default 2000. */
  rescanMs?: number;
  /**
   * After a transmit fails with a transport error, wait this long (ms) for pcscd to report the card
   * gone, so a pulled card reads as no-card, not as a transport fault. Default 1000 (pcscd polls
   * presence every 400 ms).
   */
  removalGraceMs?: number;
  /** "exclusive" (default): no other program can interleave APDUs during a read. */
  shareMode?: "exclusive" | "shared";
  /**
   * Extended-length APDUs: "probe" (default) asks the reader (PC/SC part 10 dwMaxAPDUDataSize) and,
   * when it cannot say, trusts only vpcd ("Virtual PCD", tested to pass 3000-byte answers); or force.
   */
  extendedApdu?: "probe" | boolean;
  /** One line per outcome (no card data). */
  log?: (line: string) => void;
  deps?: { createBinding?: () => BindingContext };
}

export interface PcscReader extends CardReaderPort {
  /** The selected reader's name, or null while none matches. */
  selectedReader(): string | null;
}

const SERVICE_BACKOFF_MS = [100, 200, 400, 800, 1600] as const;
/** pcsc-lite keeps a card event counter in the upper 16 bits of dwEventState. */
const eventCount = (state: number): number => (state >>> 16) & 0xffff;
/** MAX_BUFFER_SIZE_EXTENDED in pcsc-lite (4 + 3 + 65536 + 3 + 2) and MAX_BUFFER_SIZE for short APDUs. */
const RECV_EXTENDED = 65548;
const RECV_SHORT = 264;

interface ReaderEntry {
  readonly r: BindingReader;
  state: number;
  atr: Uint8Array | null;
}

interface LiveChannel {
  readonly reader: string;
  kill(problem: CardProblem): void;
}

export function openPcscReader(opts: PcscReaderOptions = {}): Promise<PcscReader> {
  const adapter = new PcscAdapter(opts);
  adapter.start(false);
  return Promise.resolve(adapter.port());
}

/**
 * The adapter's state and its named steps: binding lifecycle (start, teardown, serviceLost, rescan),
 * binding events (onReader, onStatus, onEnd), reader selection, connect, and channels.
 */
class PcscAdapter {
  private readonly wanted: string;
  private readonly transmitTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly rescanMs: number;
  private readonly removalGraceMs: number;
  private readonly log: (line: string) => void;
  private readonly createBinding: () => BindingContext;

  private readonly listeners = new Set<(e: ReaderEvent) => void>();
  private readonly readers = new Map<string, ReaderEntry>();
  private readonly extendedCache = new Map<string, boolean>();
  /** Disconnects in flight (bounded); close() waits for them so no exclusive handle outlives the port. */
  private readonly releasing = new Set<Promise<void>>();
  private ctx: BindingContext | null = null;
  private generation = 0;
  private selected: string | null = null;
  private serviceDown = false;
  private serviceLostAnnounced = false;
  private backoffStep = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private missingSince: number | null = Date.now();
  private channel: LiveChannel | null = null;
  private closed = false;
  private readonly rescanTimer: NodeJS.Timeout;

  constructor(private readonly opts: PcscReaderOptions) {
    this.wanted = (opts.readerName ?? "").toLowerCase();
    this.transmitTimeoutMs = opts.transmitTimeoutMs ?? 5000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
    this.rescanMs = opts.rescanMs ?? 2000;
    this.removalGraceMs = opts.removalGraceMs ?? 1000;
    this.log = opts.log ?? (() => undefined);
    this.createBinding = opts.deps?.createBinding ?? (() => pcsclite());
    this.rescanTimer = setInterval(() => this.rescanIfMissing(), Math.max(100, Math.floor(this.rescanMs / 2)));
  }

  port(): PcscReader {
    return {
      status: () => this.health(),
      readers: () => [...this.readers.keys()],
      selectedReader: () => this.selected,
      cardPresent: () => {
        const atr = this.selected !== null ? this.readers.get(this.selected)?.atr : null;
        return this.selected !== null && atr ? { reader: this.selected, atr: atr.slice() } : null;
      },
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      connect: (signal) => this.connect(signal),
      close: () => this.close(),
    };
  }

  private emit(e: ReaderEvent): void {
    // Listeners are taken when the event happens: one subscribed later never hears of it.
    const targets = [...this.listeners];
    setImmediate(() => {
      for (const l of targets) {
        try {
          l(e);
        } catch {
          /* a listener never throws into the adapter */
        }
      }
    });
  }

  private health(): ReaderHealth {
    return this.serviceDown ? "error" : this.selected !== null ? "ok" : "missing";
  }

  private reselect(): void {
    if (this.selected !== null && this.readers.has(this.selected)) return;
    const prev = this.selected;
    this.selected = null;
    for (const name of this.readers.keys()) {
      if (name.toLowerCase().includes(this.wanted)) {
        this.selected = name;
        break;
      }
    }
    if (this.selected !== prev) this.log(`pcsc: selected reader ${this.selected ?? "(none)"}`);
    this.missingSince = this.selected === null ? (this.missingSince ?? Date.now()) : null;
    const atr = this.selected !== null ? this.readers.get(this.selected)?.atr : null;
    if (this.selected !== null && atr) this.emit({ kind: "card-inserted", reader: this.selected, atr: atr.slice() });
  }

  private killChannel(reader: string | null, problem: CardProblem): void {
    if (this.channel && (reader === null || this.channel.reader === reader)) {
      this.channel.kill(problem);
      this.channel = null;
    }
  }

  /** Drop the binding instance and every reader object; `announce` emits detach/removal events. */
  private teardown(announce: boolean): void {
    this.generation++;
    this.killChannel(null, { kind: "no-reader", detail: "PC/SC context dropped" });
    for (const [name, entry] of this.readers) {
      if (announce) {
        if (entry.atr && name === this.selected) this.emit({ kind: "card-removed", reader: name });
        this.emit({ kind: "reader-detached", reader: name });
      }
      safely(() => entry.r.close());
    }
    this.readers.clear();
    this.selected = null;
    const old = this.ctx;
    this.ctx = null;
    if (old) safely(() => old.close());
  }

  private scheduleStart(delayMs: number): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start(false);
    }, delayMs);
  }

  private serviceLost(detail: string): void {
    if (this.closed) return;
    this.teardown(!this.serviceLostAnnounced);
    this.serviceDown = true;
    if (!this.serviceLostAnnounced) {
      this.serviceLostAnnounced = true;
      this.log(`pcsc: service lost (${detail})`);
      this.emit({ kind: "service-lost", detail });
    }
    const delay = SERVICE_BACKOFF_MS[Math.min(this.backoffStep, SERVICE_BACKOFF_MS.length - 1)] ?? 1600;
    this.backoffStep++;
    this.scheduleStart(delay);
  }

  private onStatus(gen: number, name: string, s: { state: number; atr?: Buffer }): void {
    if (gen !== this.generation || this.closed) return;
    const entry = this.readers.get(name);
    if (!entry) return;
    const present = (s.state & entry.r.SCARD_STATE_PRESENT) !== 0;
    const swapped = present && entry.atr !== null && eventCount(s.state) !== eventCount(entry.state);
    entry.state = s.state;
    const isSelected = name === this.selected;
    if (entry.atr !== null && (!present || swapped)) {
      entry.atr = null;
      this.killChannel(name, { kind: "no-card" });
      if (isSelected) this.emit({ kind: "card-removed", reader: name });
    }
    if (present && entry.atr === null) {
      entry.atr = new Uint8Array(s.atr ?? []);
      if (isSelected) this.emit({ kind: "card-inserted", reader: name, atr: entry.atr.slice() });
    }
  }

  private onEnd(gen: number, name: string): void {
    if (gen !== this.generation || this.closed) return;
    const entry = this.readers.get(name);
    if (!entry) return;
    this.readers.delete(name);
    this.killChannel(name, { kind: "no-reader", detail: "reader detached" });
    if (entry.atr && name === this.selected) this.emit({ kind: "card-removed", reader: name });
    this.emit({ kind: "reader-detached", reader: name });
    safely(() => entry.r.close());
    if (name === this.selected) this.selected = null;
    this.reselect();
  }

  private onReader(gen: number, r: BindingReader, quietNames: ReadonlySet<string>): void {
    // The binding emits 'error' before 'end' when a reader's context fails: always listen.
    r.on("error", () => undefined);
    r.on("status", (s) => {
      const copy = { state: s.state, ...(s.atr ? { atr: Buffer.from(s.atr) } : {}) };
      setImmediate(() => safely(() => this.onStatus(gen, r.name, copy)));
    });
    r.on("end", () => setImmediate(() => safely(() => this.onEnd(gen, r.name))));
    if (gen !== this.generation || this.closed) {
      // A reader from a dropped instance: stop its monitoring thread (later, never inside an emit).
      setImmediate(() => safely(() => r.close()));
      return;
    }
    this.readers.set(r.name, { r, state: 0, atr: null });
    if (!quietNames.has(r.name)) this.emit({ kind: "reader-attached", reader: r.name });
    this.reselect();
  }

  /** Create a binding instance. `quiet`: a rescan, so readers seen before are not announced again. */
  start(quiet: boolean): void {
    if (this.closed) return;
    const known = quiet ? new Set(this.readers.keys()) : new Set<string>();
    if (this.ctx) this.teardown(!quiet);
    const gen = ++this.generation;
    let instance: BindingContext;
    try {
      instance = this.createBinding();
    } catch (e) {
      this.serviceLost(e instanceof Error ? e.message : "SCardEstablishContext failed");
      return;
    }
    this.ctx = instance;
    instance.on("error", (e) => {
      // Fires when the context's monitoring thread fails (pcscd stopped: 0x80100013) or after close().
      if (gen !== this.generation) return;
      const detail = e instanceof Error ? e.message : "PC/SC context failed";
      setImmediate(() => safely(() => gen === this.generation && this.serviceLost(detail)));
    });
    instance.on("reader", (r) => safely(() => this.onReader(gen, r, known)));
    this.backoffStep = 0;
    if (this.serviceDown) {
      this.serviceDown = false;
      this.serviceLostAnnounced = false;
      this.log("pcsc: service restored");
      this.emit({ kind: "service-restored" });
    }
    this.missingSince = Date.now();
  }

  /** While no matching reader is listed, re-create the binding instance every `rescanMs`. */
  private rescanIfMissing(): void {
    if (this.closed || this.serviceDown || this.selected !== null || this.missingSince === null) return;
    if (Date.now() - this.missingSince < this.rescanMs) return;
    this.start(true);
  }

  /** Run one binding call with a deadline and an abort signal; binding errors become CardErrors. */
  private bounded<T>(step: string, timeoutMs: number, signal: AbortSignal | null, run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = (): void => finish(() => reject(new CardError({ kind: "aborted" })));
      const timer = setTimeout(() => finish(() => reject(new CardError({ kind: "timeout", step }))), timeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        run((err, value) => finish(() => (err ? reject(new CardError(problemForPcscError(err, step))) : resolve(value as T))));
      } catch (e) {
        finish(() => reject(new CardError(problemForPcscError(e, step))));
      }
    });
  }

  private async connect(signal: AbortSignal): Promise<CardChannel> {
    const { name, entry } = this.connectable();
    if (this.channel) this.killChannel(null, { kind: "transport", detail: "superseded by a new connection" });
    await Promise.all([...this.releasing]);
    const r = entry.r;
    const protocol = await this.connectHandle(r, signal);
    const extended = await this.extendedFor(name, r);
    // Checked after the last wait: a card taken away during connect or the probe must not get a
    // channel (its removal event has already passed, so nothing would kill that channel).
    if (entry.atr === null || this.readers.get(name) !== entry) {
      await this.disconnectQuietly(r);
      throw new CardError({ kind: "no-card" });
    }
    const ch = this.makeChannel(r, name, entry.atr.slice(), protocol, extended);
    this.channel = ch;
    return ch;
  }

  /** The selected reader with a card in it, or the CardError that says why not. */
  private connectable(): { name: string; entry: ReaderEntry } {
    if (this.closed) throw new CardError({ kind: "no-reader", detail: "reader port closed" });
    if (this.serviceDown) throw new CardError({ kind: "no-reader", detail: "PC/SC service unavailable" });
    const name = this.selected;
    const entry = name !== null ? this.readers.get(name) : undefined;
    if (name === null || !entry) {
      throw new CardError({ kind: "no-reader", detail: this.wanted ? `no reader matching "${this.wanted}"` : "no reader" });
    }
    if (!entry.atr) throw new CardError({ kind: "no-card" });
    return { name, entry };
  }

  /** SCardConnect (bounded); answers the protocol in use. */
  private async connectHandle(r: BindingReader, signal: AbortSignal): Promise<number> {
    const share = this.opts.shareMode === "shared" ? r.SCARD_SHARE_SHARED : r.SCARD_SHARE_EXCLUSIVE;
    const connectOnce = (): Promise<number | undefined> =>
      this.bounded<number | undefined>("connect", this.connectTimeoutMs, signal, (done) =>
        r.connect({ share_mode: share, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, done),
      );
    let protocol = await connectOnce();
    if (typeof protocol !== "number") {
      // The binding believes an old handle is still connected (its disconnect failed) and answers
      // without a protocol: release it and connect once more.
      await this.disconnectQuietly(r);
      protocol = await connectOnce();
      if (typeof protocol !== "number") throw new CardError({ kind: "transport", detail: "stale PC/SC handle" });
    }
    return protocol;
  }

  /** Whether the reader takes extended-length APDUs: configured, probed once per reader, or by name. */
  private async extendedFor(name: string, r: BindingReader): Promise<boolean> {
    let extended = typeof this.opts.extendedApdu === "boolean" ? this.opts.extendedApdu : this.extendedCache.get(name);
    if (extended === undefined) {
      const probed = await probeExtendedApdu({ reader: r, timeoutMs: 1000 });
      extended = probed ?? /virtual pcd/i.test(name);
      this.extendedCache.set(name, extended);
      this.log(`pcsc: ${name} extended APDU ${extended ? "yes" : "no"} (${probed === null ? "by name" : "probed"})`);
    }
    return extended;
  }

  private disconnectQuietly(r: BindingReader): Promise<void> {
    const p = this.bounded<void>("disconnect", this.connectTimeoutMs, null, (done) => r.disconnect(r.SCARD_RESET_CARD, done)).catch(
      () => undefined, // the handle is gone with the card or the service; nothing to release
    );
    this.releasing.add(p);
    void p.finally(() => this.releasing.delete(p));
    return p;
  }

  private makeChannel(r: BindingReader, name: string, atr: Uint8Array, protocol: number, extendedApdu: boolean): CardChannel & LiveChannel {
    let dead: CardProblem | null = null;
    let released: Promise<void> | null = null;
    const release = (): Promise<void> => (released ??= this.disconnectQuietly(r));
    let queue: Promise<unknown> = Promise.resolve();
    let onRemoved: (() => void) | null = null;
    const removed = new Promise<void>((resolve) => (onRemoved = resolve));
    const recvLen = extendedApdu ? RECV_EXTENDED : RECV_SHORT;
    const self: CardChannel & LiveChannel = {
      reader: name,
      atr,
      extendedApdu,
      kill: (problem) => {
        // Removal wins over an earlier failure: after removal every transmit says no-card.
        if (dead === null || problem.kind === "no-card") dead = problem;
        if (problem.kind === "no-card") onRemoved?.();
        if (this.channel === self) this.channel = null;
        // A dead channel releases its (exclusive) handle at once; the binding queues the disconnect
        // behind a transmit still running in the pool.
        void release();
      },
      transmit: (command, signal) => {
        const run = async (): Promise<Uint8Array> => {
          if (dead) throw new CardError(dead);
          try {
            const res = await this.bounded<Buffer>("transmit", this.transmitTimeoutMs, signal, (done) =>
              r.transmit(Buffer.from(command), recvLen, protocol, done),
            );
            if (res.length < 2) throw new CardError({ kind: "transport", detail: "empty R-APDU" });
            return new Uint8Array(res);
          } catch (e) {
            let problem: CardProblem = e instanceof CardError ? e.problem : { kind: "transport", detail: "transmit threw" };
            if (problem.kind === "transport" && (await settlesWithin(removed, this.removalGraceMs))) problem = { kind: "no-card" };
            self.kill(problem);
            if (isServiceLoss(pcscCode(e))) setImmediate(() => this.serviceLost("service lost during transmit"));
            throw new CardError(dead ?? problem);
          }
        };
        const p = queue.then(run, run);
        queue = p.catch(() => undefined);
        return p;
      },
      disconnect: async () => {
        self.kill({ kind: "transport", detail: "channel disconnected" });
        await release();
      },
    };
    return self;
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.killChannel(null, { kind: "no-reader", detail: "reader port closed" });
    await Promise.all([...this.releasing]);
    this.closed = true;
    clearInterval(this.rescanTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.teardown(false);
    this.listeners.clear();
  }
}

/**
 * True when `p` settles within `ms`. vpcd answers a pulled card with 0x80100016 or an empty R-APDU
 * before pcscd's next presence poll, so a transport error waits this long for the removal event.
 */
async function settlesWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return r;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    /* binding calls on a dead context may throw; the adapter carries on */
  }
}
