/**
 * The ports the session flow drives, in flow terms. main.ts glues the real modules (card core,
 * authenticity, card-face OCR, face engine, LEDs, audit) or the simulators behind these; tests use
 * test/flow/fakes.ts. The flow never sees a device library, an APDU or a camera frame.
 *
 * Contracts every port keeps:
 * - A call that takes a `signal` settles soon after the signal aborts (it may reject with anything;
 *   the runner ignores every answer from an aborted state anyway).
 * - Personal data crosses these ports only as `DocumentData` and `AccessKey`, in buffers that the flow
 *   owns from then on and zeroes on purge. A port must not keep references to them.
 * - Every document-specific call names the document kind (src/documents/) it is about; the flow
 *   learns the kind from `recognise` and never interprets it.
 * - Failures that are answers (wrong code, blocked, no match…) are values, not exceptions. A thrown
 *   error means the device failed and ends the session as "refer / device-error".
 */
import type { CalendarDate } from "../age/date";
import type { DocumentKindId, EntryPrefill, LedPattern, ReasonCode, ResultToken } from "../protocol";
import type { VerdictFacts } from "../till/claims";
import type {
  AccessKey,
  ChipProgress,
  ChipReadResult,
  DocumentData,
  DocumentEvidence,
  DocumentInfo,
  EntryCheck,
  FrontResult,
} from "../documents/types";
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

export type {
  AccessKey,
  ChipProgress,
  ChipReadResult,
  DocumentData,
  DocumentEvidence,
  DocumentInfo,
  EntryCheck,
  FrontResult,
} from "../documents/types";

/** Which document is on the reader (recognised with no secret). */
export type Recognition =
  | { kind: "known"; document: DocumentInfo }
  | { kind: "unsupported" }
  | { kind: "no-card" }
  | { kind: "read-error"; detail: string };

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
  /** The document assumed when recognition has not answered by the end of the camera step: the
   *  first registered kind (its read opens its own application before it sends any key). */
  fallbackDocument: DocumentInfo;
  /** Which registered document kind is on the reader, with no secret. */
  recognise(signal: AbortSignal): Promise<Recognition>;
  /** The kind's camera route to its access key ("typed" at once when the kind has none).
   *  `onFrame`: frames looked at so far (progress for the customer; never personal). */
  readCardFront(kind: DocumentKindId, signal: AbortSignal, onFrame: (frames: number) => void): Promise<FrontResult>;
  /** The kind's entry rules: a plausible entry becomes its access key. */
  checkEntry(kind: DocumentKindId, entry: EntryPrefill, today: CalendarDate, signal: AbortSignal): Promise<EntryCheck>;
  /** Live validation of what is being typed (no key is derived): a problem as "field:code"
   *  (see protocol EntryProblem), or null. Without it, `entry-draft` messages are ignored. */
  entryProblem?: (kind: DocumentKindId, entry: EntryPrefill, today: CalendarDate) => string | null;
  readChip(kind: DocumentKindId, key: AccessKey, signal: AbortSignal, onProgress: (p: ChipProgress) => void): Promise<ChipReadResult>;
  assessAuthenticity(data: DocumentData, evidence: DocumentEvidence, signal: AbortSignal): Promise<Authenticity>;
  checkFace(portrait: Uint8Array, signal: AbortSignal, onHint: (hint: FaceHint | null) => void): Promise<FaceAnswer>;
  /** Attended mode: the chip portrait as PNG for the staff screen (null when it cannot be decoded). */
  photoPng(portrait: Uint8Array, signal: AbortSignal): Promise<Uint8Array | null>;
  devices(): DeviceStates;
  leds: LedPort;
  audit: AuditSink;
  /** Demo mode only: the virtual card deck behind the demo panel. */
  demo: DemoDeckPort | null;
  /** Issue 19: the signed verdict token for the till (null/absent: tokens are off). */
  verdictToken?: VerdictTokenPort | null;
  /** Called after every purge (e.g. the card layer forgets the session's retry guard). Must not throw. */
  endSession?: () => void;
}

/**
 * Issues the verdict token (src/till/): its single-use id at once, so the audit row of the verdict can
 * name it, and the token (signed, as a QR code) when ready. `issue` must not throw; `token` may reject
 * (the result screen then shows no QR code, and the port counts the failure).
 */
export interface VerdictTokenPort {
  issue(facts: VerdictFacts): { id: string; token: Promise<ResultToken> };
}

export interface DemoDeckPort {
  cards(): readonly { id: string; label: string; document: string | null; key: string | null }[];
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
