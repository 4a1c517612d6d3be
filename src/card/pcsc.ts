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

// eslint-disable-next-line max-lines-per-function -- not split yet (issue 13, house): remove when split
export function openPcscReader(opts: PcscReaderOptions = {}): Promise<PcscReader> {
  const wanted = (opts.readerName ?? "").toLowerCase();
  const transmitTimeoutMs = opts.transmitTimeoutMs ?? 5000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
  const rescanMs = opts.rescanMs ?? 2000;
  const removalGraceMs = opts.removalGraceMs ?? 1000;
  const log = opts.log ?? (() => undefined);
  const createBinding = opts.deps?.createBinding ?? (() => pcsclite());

  const listeners = new Set<(e: ReaderEvent) => void>();
  const readers = new Map<string, ReaderEntry>();
  const extendedCache = new Map<string, boolean>();
  let ctx: BindingContext | null = null;
  let generation = 0;
  let selected: string | null = null;
  let serviceDown = false;
  let serviceLostAnnounced = false;
  let backoffStep = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let missingSince: number | null = Date.now();
  let channel: LiveChannel | null = null;
  let closed = false;

  const emit = (e: ReaderEvent): void => {
    // Listeners are taken when the event happens: one subscribed later never hears of it.
    const targets = [...listeners];
    setImmediate(() => {
      for (const l of targets) {
        try {
          l(e);
        } catch {
          /* a listener never throws into the adapter */
        }
      }
    });
  };

  const health = (): ReaderHealth => (serviceDown ? "error" : selected !== null ? "ok" : "missing");

  const reselect = (): void => {
    if (selected !== null && readers.has(selected)) return;
    const prev = selected;
    selected = null;
    for (const name of readers.keys()) {
      if (name.toLowerCase().includes(wanted)) {
        selected = name;
        break;
      }
    }
    if (selected !== prev) log(`pcsc: selected reader ${selected ?? "(none)"}`);
    missingSince = selected === null ? (missingSince ?? Date.now()) : null;
    const atr = selected !== null ? readers.get(selected)?.atr : null;
    if (selected !== null && atr) emit({ kind: "card-inserted", reader: selected, atr: atr.slice() });
  };

  const killChannel = (reader: string | null, problem: CardProblem): void => {
    if (channel && (reader === null || channel.reader === reader)) {
      channel.kill(problem);
      channel = null;
    }
  };

  /** Drop the binding instance and every reader object; `announce` emits detach/removal events. */
  const teardown = (announce: boolean): void => {
    generation++;
    killChannel(null, { kind: "no-reader", detail: "PC/SC context dropped" });
    for (const [name, entry] of readers) {
      if (announce) {
        if (entry.atr && name === selected) emit({ kind: "card-removed", reader: name });
        emit({ kind: "reader-detached", reader: name });
      }
      safely(() => entry.r.close());
    }
    readers.clear();
    selected = null;
    const old = ctx;
    ctx = null;
    if (old) safely(() => old.close());
  };

  const scheduleStart = (delayMs: number): void => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      start(false);
    }, delayMs);
  };

  const serviceLost = (detail: string): void => {
    if (closed) return;
    teardown(!serviceLostAnnounced);
    serviceDown = true;
    if (!serviceLostAnnounced) {
      serviceLostAnnounced = true;
      log(`pcsc: service lost (${detail})`);
      emit({ kind: "service-lost", detail });
    }
    const delay = SERVICE_BACKOFF_MS[Math.min(backoffStep, SERVICE_BACKOFF_MS.length - 1)] ?? 1600;
    backoffStep++;
    scheduleStart(delay);
  };

  const onStatus = (gen: number, name: string, s: { state: number; atr?: Buffer }): void => {
    if (gen !== generation || closed) return;
    const entry = readers.get(name);
    if (!entry) return;
    const present = (s.state & entry.r.SCARD_STATE_PRESENT) !== 0;
    const swapped = present && entry.atr !== null && eventCount(s.state) !== eventCount(entry.state);
    entry.state = s.state;
    const isSelected = name === selected;
    if (entry.atr !== null && (!present || swapped)) {
      entry.atr = null;
      killChannel(name, { kind: "no-card" });
      if (isSelected) emit({ kind: "card-removed", reader: name });
    }
    if (present && entry.atr === null) {
      entry.atr = new Uint8Array(s.atr ?? []);
      if (isSelected) emit({ kind: "card-inserted", reader: name, atr: entry.atr.slice() });
    }
  };

  const onEnd = (gen: number, name: string): void => {
    if (gen !== generation || closed) return;
    const entry = readers.get(name);
    if (!entry) return;
    readers.delete(name);
    killChannel(name, { kind: "no-reader", detail: "reader detached" });
    if (entry.atr && name === selected) emit({ kind: "card-removed", reader: name });
    emit({ kind: "reader-detached", reader: name });
    safely(() => entry.r.close());
    if (name === selected) selected = null;
    reselect();
  };

  const onReader = (gen: number, r: BindingReader, quietNames: ReadonlySet<string>): void => {
    // The binding emits 'error' before 'end' when a reader's context fails: always listen.
    r.on("error", () => undefined);
    r.on("status", (s) => {
      const copy = { state: s.state, ...(s.atr ? { atr: Buffer.from(s.atr) } : {}) };
      setImmediate(() => safely(() => onStatus(gen, r.name, copy)));
    });
    r.on("end", () => setImmediate(() => safely(() => onEnd(gen, r.name))));
    if (gen !== generation || closed) {
      // A reader from a dropped instance: stop its monitoring thread (later, never inside an emit).
      setImmediate(() => safely(() => r.close()));
      return;
    }
    readers.set(r.name, { r, state: 0, atr: null });
    if (!quietNames.has(r.name)) emit({ kind: "reader-attached", reader: r.name });
    reselect();
  };

  /** Create a binding instance. `quiet`: a rescan, so readers seen before are not announced again. */
  const start = (quiet: boolean): void => {
    if (closed) return;
    const known = quiet ? new Set(readers.keys()) : new Set<string>();
    if (ctx) teardown(!quiet);
    const gen = ++generation;
    let instance: BindingContext;
    try {
      instance = createBinding();
    } catch (e) {
      serviceLost(e instanceof Error ? e.message : "SCardEstablishContext failed");
      return;
    }
    ctx = instance;
    instance.on("error", (e) => {
      // Fires when the context's monitoring thread fails (pcscd stopped: 0x80100013) or after close().
      if (gen !== generation) return;
      const detail = e instanceof Error ? e.message : "PC/SC context failed";
      setImmediate(() => safely(() => gen === generation && serviceLost(detail)));
    });
    instance.on("reader", (r) => safely(() => onReader(gen, r, known)));
    backoffStep = 0;
    if (serviceDown) {
      serviceDown = false;
      serviceLostAnnounced = false;
      log("pcsc: service restored");
      emit({ kind: "service-restored" });
    }
    missingSince = Date.now();
  };

  const rescanTimer = setInterval(() => {
    if (closed || serviceDown || selected !== null || missingSince === null) return;
    if (Date.now() - missingSince < rescanMs) return;
    start(true);
  }, Math.max(100, Math.floor(rescanMs / 2)));

  const bounded = <T>(
    step: string,
    timeoutMs: number,
    signal: AbortSignal | null,
    run: (done: (err: unknown, value?: T) => void) => void,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
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
        run((err, value) =>
          finish(() => (err ? reject(new CardError(problemForPcscError(err, step))) : resolve(value as T))),
        );
      } catch (e) {
        finish(() => reject(new CardError(problemForPcscError(e, step))));
      }
    });

  const connect = async (signal: AbortSignal): Promise<CardChannel> => {
    if (closed) throw new CardError({ kind: "no-reader", detail: "reader port closed" });
    if (serviceDown) throw new CardError({ kind: "no-reader", detail: "PC/SC service unavailable" });
    const name = selected;
    const entry = name !== null ? readers.get(name) : undefined;
    if (name === null || !entry) {
      throw new CardError({ kind: "no-reader", detail: wanted ? `no reader matching "${wanted}"` : "no reader" });
    }
    if (!entry.atr) throw new CardError({ kind: "no-card" });
    if (channel) killChannel(null, { kind: "transport", detail: "superseded by a new connection" });
    await Promise.all([...releasing]);
    const r = entry.r;
    const share = opts.shareMode === "shared" ? r.SCARD_SHARE_SHARED : r.SCARD_SHARE_EXCLUSIVE;
    const connectOnce = (): Promise<number | undefined> =>
      bounded<number | undefined>("connect", connectTimeoutMs, signal, (done) =>
        r.connect({ share_mode: share, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, done),
      );
    let protocol = await connectOnce();
    if (typeof protocol !== "number") {
      // The binding believes an old handle is still connected (its disconnect failed) and answers
      // without a protocol: release it and connect once more.
      await disconnectQuietly(r);
      protocol = await connectOnce();
      if (typeof protocol !== "number") throw new CardError({ kind: "transport", detail: "stale PC/SC handle" });
    }
    let extended = typeof opts.extendedApdu === "boolean" ? opts.extendedApdu : extendedCache.get(name);
    if (extended === undefined) {
      const probed = await probeExtendedApdu({ reader: r, timeoutMs: 1000 });
      extended = probed ?? /virtual pcd/i.test(name);
      extendedCache.set(name, extended);
      log(`pcsc: ${name} extended APDU ${extended ? "yes" : "no"} (${probed === null ? "by name" : "probed"})`);
    }
    // Checked after the last wait: a card taken away during connect or the probe must not get a
    // channel (its removal event has already passed, so nothing would kill that channel).
    if (entry.atr === null || readers.get(name) !== entry) {
      await disconnectQuietly(r);
      throw new CardError({ kind: "no-card" });
    }
    const ch = makeChannel(r, name, entry.atr.slice(), protocol, extended);
    channel = ch;
    return ch;
  };

  /** Disconnects in flight (bounded); close() waits for them so no exclusive handle outlives the port. */
  const releasing = new Set<Promise<void>>();
  const disconnectQuietly = (r: BindingReader): Promise<void> => {
    const p = bounded<void>("disconnect", connectTimeoutMs, null, (done) => r.disconnect(r.SCARD_RESET_CARD, done)).catch(
      () => undefined, // the handle is gone with the card or the service; nothing to release
    );
    releasing.add(p);
    void p.finally(() => releasing.delete(p));
    return p;
  };

  const makeChannel = (
    r: BindingReader,
    name: string,
    atr: Uint8Array,
    protocol: number,
    extendedApdu: boolean,
  ): CardChannel & LiveChannel => {
    let dead: CardProblem | null = null;
    let released: Promise<void> | null = null;
    const release = (): Promise<void> => (released ??= disconnectQuietly(r));
    let queue: Promise<unknown> = Promise.resolve();
    let onRemoved: (() => void) | null = null;
    const removed = new Promise<void>((resolve) => (onRemoved = resolve));
    /** vpcd answers a pulled card with 0x80100016 or an empty R-APDU before pcscd's next presence poll. */
    const removedWithin = async (ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        removed.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
      ]);
      clearTimeout(timer);
      return r;
    };
    const recvLen = extendedApdu ? RECV_EXTENDED : RECV_SHORT;
    const self: CardChannel & LiveChannel = {
      reader: name,
      atr,
      extendedApdu,
      kill(problem) {
        // Removal wins over an earlier failure: after removal every transmit says no-card.
        if (dead === null || problem.kind === "no-card") dead = problem;
        if (problem.kind === "no-card") onRemoved?.();
        if (channel === self) channel = null;
        // A dead channel releases its (exclusive) handle at once; the binding queues the disconnect
        // behind a transmit still running in the pool.
        void release();
      },
      transmit(command, signal) {
        const run = async (): Promise<Uint8Array> => {
          if (dead) throw new CardError(dead);
          try {
            const res = await bounded<Buffer>("transmit", transmitTimeoutMs, signal, (done) =>
              r.transmit(Buffer.from(command), recvLen, protocol, done),
            );
            if (res.length < 2) throw new CardError({ kind: "transport", detail: "empty R-APDU" });
            return new Uint8Array(res);
          } catch (e) {
            let problem: CardProblem =
              e instanceof CardError ? e.problem : { kind: "transport", detail: "transmit threw" };
            if (problem.kind === "transport" && (await removedWithin(removalGraceMs))) problem = { kind: "no-card" };
            self.kill(problem);
            if (isServiceLoss(pcscCode(e))) setImmediate(() => serviceLost("service lost during transmit"));
            throw new CardError(dead ?? problem);
          }
        };
        const p = queue.then(run, run);
        queue = p.catch(() => undefined);
        return p;
      },
      async disconnect() {
        self.kill({ kind: "transport", detail: "channel disconnected" });
        await release();
      },
    };
    return self;
  };

  start(false);

  const port: PcscReader = {
    status: health,
    readers: () => [...readers.keys()],
    selectedReader: () => selected,
    cardPresent() {
      const atr = selected !== null ? readers.get(selected)?.atr : null;
      return selected !== null && atr ? { reader: selected, atr: atr.slice() } : null;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connect,
    async close() {
      if (closed) return;
      killChannel(null, { kind: "no-reader", detail: "reader port closed" });
      await Promise.all([...releasing]);
      closed = true;
      clearInterval(rescanTimer);
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      teardown(false);
      listeners.clear();
    },
  };
  return Promise.resolve(port);
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    /* binding calls on a dead context may throw; the adapter carries on */
  }
}
