/**
 * The card reader port: which reader is there, whether a card is on it, and a channel to that card.
 * Real adapter: pcsc.ts (pcscd through the `pcsclite` binding). Simulator: sim/reader.ts (an in-process
 * virtual reader whose cards are placed and removed by the demo panel and by tests).
 *
 * Contract:
 * - `open()` (a factory in each adapter) returns a ready reader port; nothing does I/O in a constructor.
 * - Events arrive asynchronously, in order; a listener never throws into the adapter.
 * - `status()` is "missing" while no reader is attached, "error" while the PC/SC service is unusable
 *   (the adapter keeps trying to recover), "ok" otherwise.
 * - `connect()` opens a channel to the card now on the reader, or rejects with CardError no-card.
 *   A channel dies with its card: after removal every transmit rejects with no-card.
 */
import type { Transmit } from "./transmit";

export type ReaderHealth = "ok" | "missing" | "error";

export type ReaderEvent =
  | { kind: "reader-attached"; reader: string }
  | { kind: "reader-detached"; reader: string }
  | { kind: "card-inserted"; reader: string; atr: Uint8Array }
  | { kind: "card-removed"; reader: string }
  | { kind: "service-lost"; detail: string }
  | { kind: "service-restored" };

export interface CardChannel extends Transmit {
  readonly reader: string;
  readonly atr: Uint8Array;
  /** Whether the reader passes extended-length APDUs to this card. */
  readonly extendedApdu: boolean;
  /** Release the card (idempotent, never throws). */
  disconnect(): Promise<void>;
}

export interface CardReaderPort {
  status(): ReaderHealth;
  /** Names of the readers now attached. */
  readers(): readonly string[];
  /** Whether a card is on the (selected) reader now, with its ATR. */
  cardPresent(): { reader: string; atr: Uint8Array } | null;
  subscribe(listener: (e: ReaderEvent) => void): () => void;
  connect(signal: AbortSignal): Promise<CardChannel>;
  close(): Promise<void>;
}
