/**
 * The ports the session flow drives, in flow terms. main.ts glues the real modules (card core,
 * authenticity, card-face OCR, face engine, LEDs, audit) or the simulators behind these; tests use
 * test/flow/fakes.ts. The flow never sees a device library, an APDU or a camera frame.
 *
 * Contracts every port keeps:
 * - A call that takes a `signal` settles soon after the signal aborts (it may reject with anything;
 *   the runner ignores every answer from an aborted state anyway).
 * - Personal data crosses these ports only as `ChipData` and `CodeB`, in buffers that the flow owns
 *   from then on and zeroes on purge. A port must not keep references to them.
 * - Failures that are answers (wrong code, blocked, no match…) are values, not exceptions. A thrown
 *   error means the device failed and ends the session as "refer / device-error".
 */
import type { CodeB } from "../card/secret";
import type { CalendarDate } from "../age/date";
import type { EntryPrefill, LedPattern, ReasonCode } from "../protocol";
import type { AuditSink } from "../audit/sink";
import type { LedPort } from "../leds/leds";
import type { Authenticity, FaceAnswer } from "./outcome";

/** Wall clock and timers. Tests pass a fake (or vi fake timers behind `systemClock`). */
export interface Clock {
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** The chip's card-face record as the flow keeps it: zeroable buffers only. */
export interface ChipData {
  /** "YYYYMMDD" ASCII. */
  birthDate: Uint8Array;
  /** "YYYYMMDD" ASCII. */
  expiry: Uint8Array;
  /** ISO 5218 digit as ASCII ("1" male, "2" female, "0" not known, "9" not applicable). */
  sex: Uint8Array;
  /** Name and address as images (PNG), as the chip stores them. */
  nameImage: Uint8Array;
  addressImage: Uint8Array;
  /** Face photo as stored on the chip (JPEG 2000). */
  photo: Uint8Array;
}

/** Whatever the authenticity check needs (signature, certificate, the card's challenge answer).
 *  Opaque to the flow; wiped with the session. */
export interface ChipEvidence {
  wipe(): void;
}

export type ChipReadResult =
  | { kind: "ok"; chip: ChipData; evidence: ChipEvidence; triesLeft: number }
  | { kind: "wrong-code"; triesLeft: number }
  | { kind: "blocked" }
  | { kind: "refused-low-tries"; triesLeft: number }
  | { kind: "unsupported-document" }
  | { kind: "no-card" }
  | { kind: "read-error"; detail: string };

export interface ChipProgress {
  /** 0–1 */
  progress: number;
  triesLeft: number | null;
}

export type CardFrontResult =
  | { kind: "sure"; codeB: CodeB; prefill: EntryPrefill }
  /** `problem`: why OCR could not help, for the manual-entry screen (e.g. "card:back-side-up"). */
  | { kind: "unsure"; prefill: EntryPrefill; problem?: string };

export type EntryCheck = { ok: true; codeB: CodeB } | { ok: false; problem: string };

export type FaceHint = "look" | "closer" | "one-person" | "hold-still";

export type CardPresence = "inserted" | "removed";

export interface DeviceStates {
  reader: "ok" | "missing" | "error";
  camera: "ok" | "missing" | "error";
  leds: "ok" | "missing" | "error";
}

export interface FlowPorts {
  card: {
    present(): boolean;
    subscribe(listener: (e: CardPresence) => void): () => void;
  };
  /** `onFrame`: frames looked at so far (progress for the customer; never personal). */
  readCardFront(signal: AbortSignal, onFrame: (frames: number) => void): Promise<CardFrontResult>;
  /** Plausibility checks and 照合番号B derivation from what the customer typed. */
  checkEntry(entry: EntryPrefill, today: CalendarDate, signal: AbortSignal): Promise<EntryCheck>;
  /** Live validation of what is being typed (no code is derived): a problem as "field:code"
   *  (see protocol EntryProblem), or null. Without it, `entry-draft` messages are ignored. */
  entryProblem?: (entry: EntryPrefill, today: CalendarDate) => string | null;
  readChip(codeB: CodeB, signal: AbortSignal, onProgress: (p: ChipProgress) => void): Promise<ChipReadResult>;
  assessAuthenticity(chip: ChipData, evidence: ChipEvidence, signal: AbortSignal): Promise<Authenticity>;
  checkFace(photo: Uint8Array, signal: AbortSignal, onHint: (hint: FaceHint | null) => void): Promise<FaceAnswer>;
  /** Attended mode: the chip photo as PNG for the staff screen (null when it cannot be decoded). */
  photoPng(photo: Uint8Array, signal: AbortSignal): Promise<Uint8Array | null>;
  devices(): DeviceStates;
  leds: LedPort;
  audit: AuditSink;
  /** Demo mode only: the virtual card deck behind the demo panel. */
  demo: DemoDeckPort | null;
  /** Called after every purge (e.g. the card layer forgets the session's retry guard). Must not throw. */
  endSession?: () => void;
}

export interface DemoDeckPort {
  cards(): readonly { id: string; label: string }[];
  placed(): string | null;
  place(cardId: string): void;
  remove(): void;
}

/** Reason a chip read ended without data. */
export function chipFailureReason(r: Exclude<ChipReadResult, { kind: "ok" }>): ReasonCode {
  switch (r.kind) {
    case "wrong-code":
      return "wrong-code";
    case "blocked":
      return "card-blocked";
    case "refused-low-tries":
      return "low-tries";
    case "unsupported-document":
      return "unsupported-document";
    case "no-card":
      return "card-removed";
    case "read-error":
      return "read-error";
  }
}

export type { LedPattern };
