/**
 * An in-process virtual reader holding simulated cards: demo mode (the demo panel places and removes
 * deck cards), unit and flow tests. It keeps the CardReaderPort contract exactly like pcsc.ts, so the
 * contract suite (test/contract/reader-suite.ts) runs against both.
 *
 * - `place(card)` puts a card on the reader (replacing any other: that one is removed first);
 *   `remove()` takes it off. A removal during a transmit rejects that transmit with no-card, and the
 *   channel stays dead: every later transmit rejects with no-card.
 * - `unplug()` / `plug()` simulate the reader being missing; `failService()` / `restoreService()` a dead
 *   PC/SC service. Both kill the open channel (no-reader).
 * - Events are delivered as microtasks (in order, asynchronously) so fake clocks need not advance.
 * - Timing belongs to the card (SimulatedCard's latency model); this reader adds none.
 */
import { CardError, type CardProblem } from "../errors";
import type { CardChannel, CardReaderPort, ReaderEvent, ReaderHealth } from "../reader";

/** A card the reader can hold: SimulatedCard satisfies it (remove/insert model power and presence). */
export interface SimReaderCard {
  readonly atr: Uint8Array;
  transmit(command: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  remove?(): void;
  insert?(): void;
}

export interface SimReaderOptions {
  /** Reader name. Default "mynaguard virtual reader". */
  name?: string;
  /** Whether channels report extended-APDU capability. Default true. */
  extendedApdu?: boolean;
  /** Bound on one transmit (ms), like the PC/SC adapter's. Default 5000. */
  transmitTimeoutMs?: number;
  /** Start with the reader unplugged. */
  unplugged?: boolean;
  /** A card on the reader from the start. */
  card?: SimReaderCard;
}

export interface SimReader extends CardReaderPort {
  readonly name: string;
  /** The card on the reader, or null. */
  readonly card: SimReaderCard | null;
  place(card: SimReaderCard): void;
  remove(): void;
  unplug(): void;
  plug(): void;
  failService(detail?: string): void;
  restoreService(): void;
}

export const SIM_READER_NAME = "mynaguard virtual reader";

// eslint-disable-next-line max-lines-per-function -- not split yet (issue 13, house): remove when split
export function openSimReader(opts: SimReaderOptions = {}): Promise<SimReader> {
  const name = opts.name ?? SIM_READER_NAME;
  const extendedApdu = opts.extendedApdu ?? true;
  const transmitTimeoutMs = opts.transmitTimeoutMs ?? 5000;
  const listeners = new Set<(e: ReaderEvent) => void>();
  let attached = !opts.unplugged;
  let serviceUp = true;
  let closed = false;
  let card: SimReaderCard | null = opts.card ?? null;
  /** Aborted when the card leaves (or the reader/service goes): ends pending transmits. */
  let presence = new AbortController();
  let channelKill: ((p: CardProblem) => void) | null = null;

  const emit = (e: ReaderEvent): void => {
    // Listeners are taken when the event happens: one subscribed later never hears of it.
    const targets = [...listeners];
    queueMicrotask(() => {
      for (const l of targets) {
        try {
          l(e);
        } catch {
          /* a listener never throws into the adapter */
        }
      }
    });
  };

  const visible = (): boolean => attached && serviceUp && !closed;

  const endChannel = (problem: CardProblem): void => {
    channelKill?.(problem);
    channelKill = null;
    presence.abort();
    presence = new AbortController();
  };

  const takeCardOff = (): void => {
    if (!card) return;
    const had = card;
    card = null;
    endChannel({ kind: "no-card" });
    had.remove?.();
    if (visible()) emit({ kind: "card-removed", reader: name });
  };

  const reader: SimReader = {
    name,
    get card() {
      return card;
    },
    status(): ReaderHealth {
      return !serviceUp ? "error" : attached ? "ok" : "missing";
    },
    readers: () => (visible() ? [name] : []),
    cardPresent: () => (visible() && card ? { reader: name, atr: card.atr.slice() } : null),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    place(next) {
      if (card === next) return;
      takeCardOff();
      card = next;
      next.insert?.();
      if (visible()) emit({ kind: "card-inserted", reader: name, atr: next.atr.slice() });
    },
    remove: takeCardOff,
    unplug() {
      if (!attached) return;
      endChannel({ kind: "no-reader", detail: "reader detached" });
      if (serviceUp && card) emit({ kind: "card-removed", reader: name });
      if (serviceUp) emit({ kind: "reader-detached", reader: name });
      attached = false;
    },
    plug() {
      if (attached) return;
      attached = true;
      if (serviceUp) {
        emit({ kind: "reader-attached", reader: name });
        if (card) emit({ kind: "card-inserted", reader: name, atr: card.atr.slice() });
      }
    },
    failService(detail = "simulated PC/SC service failure") {
      if (!serviceUp) return;
      endChannel({ kind: "no-reader", detail: "PC/SC service lost" });
      if (attached) {
        if (card) emit({ kind: "card-removed", reader: name });
        emit({ kind: "reader-detached", reader: name });
      }
      serviceUp = false;
      emit({ kind: "service-lost", detail });
    },
    restoreService() {
      if (serviceUp) return;
      serviceUp = true;
      emit({ kind: "service-restored" });
      if (attached) {
        emit({ kind: "reader-attached", reader: name });
        if (card) emit({ kind: "card-inserted", reader: name, atr: card.atr.slice() });
      }
    },
    async connect(signal) {
      await Promise.resolve();
      if (closed) throw new CardError({ kind: "no-reader", detail: "reader port closed" });
      if (!serviceUp) throw new CardError({ kind: "no-reader", detail: "PC/SC service unavailable" });
      if (!attached) throw new CardError({ kind: "no-reader", detail: "no reader" });
      if (signal.aborted) throw new CardError({ kind: "aborted" });
      const onReader = card;
      if (!onReader) throw new CardError({ kind: "no-card" });
      endChannel({ kind: "transport", detail: "superseded by a new connection" });
      return makeChannel(onReader);
    },
    async close() {
      await Promise.resolve();
      endChannel({ kind: "no-reader", detail: "reader port closed" });
      closed = true;
      listeners.clear();
    },
  };

  const makeChannel = (c: SimReaderCard): CardChannel => {
    let dead: CardProblem | null = null;
    const gone = presence.signal;
    const kill = (p: CardProblem): void => {
      if (dead === null || p.kind === "no-card") dead = p;
    };
    channelKill = kill;
    return {
      reader: name,
      atr: c.atr.slice(),
      extendedApdu,
      async transmit(command, signal) {
        if (dead) throw new CardError(dead);
        if (signal.aborted) {
          kill({ kind: "aborted" });
          throw new CardError({ kind: "aborted" });
        }
        const bound = new AbortController();
        const timer = setTimeout(() => bound.abort(), transmitTimeoutMs);
        try {
          return await c.transmit(command, AbortSignal.any([signal, gone, bound.signal]));
        } catch (e) {
          if (!dead && signal.aborted) kill({ kind: "aborted" });
          else if (!dead && bound.signal.aborted) kill({ kind: "timeout", step: "transmit" });
          if (dead) throw new CardError(dead);
          throw e instanceof CardError ? e : new CardError({ kind: "transport", detail: "simulated card failed" });
        } finally {
          clearTimeout(timer);
        }
      },
      async disconnect() {
        await Promise.resolve();
        kill({ kind: "transport", detail: "channel disconnected" });
        if (channelKill === kill) channelKill = null;
      },
    };
  };

  return Promise.resolve(reader);
}
