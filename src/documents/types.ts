/**
 * The document seam: what a document kind (My Number card, and later residence card, passport,
 * driver's licence…) declares, and the one shape every kind yields. The flow, protocol, audit and UI
 * work from these descriptions only; each kind lives in one folder under src/documents/ and is
 * registered by the composition root (src/main.ts). See src/documents/README.md.
 *
 * Types only, no node: imports. Nothing here knows a particular document.
 */
import type { CalendarDate } from "../age/date";
import type { CardChannel } from "../card/reader";
import type { AccessKeySchema, DocumentKindId, EntryPrefill } from "../protocol";

export type { AccessKeySchema, DocumentKindId, EntryPrefill };

/**
 * The secret that opens a document's chip (照合番号B, a card number, an MRZ key, a PIN), derived from
 * what the customer typed or the camera read. It lives in one zeroable buffer owned by the flow's
 * vault from the moment it is handed over; `wipe()` zeroes it (idempotent). It must print as
 * `[redacted]` (see card/secret.ts `CodeB`).
 */
export interface AccessKey {
  wipe(): void;
}

/**
 * How the kiosk recognises a kind with no secret: first the ATR (cheap, local), then SELECT probes
 * sent in order; every probe must answer 9000. Kinds are tried in registration order and the first
 * whose probes all pass wins, so a probe must not change anything on the card (SELECT, and READ
 * BINARY of a non-personal file; never VERIFY, never a read of personal data).
 */
export interface Recognition {
  /** Whether this ATR can belong to the kind (e.g. Type B, historical bytes). Omitted: any ATR. */
  readonly atr?: (atr: Uint8Array) => boolean;
  /** SELECT commands (by DF name / AID, or by file id under the MF), each expected to answer 9000. */
  readonly probes: readonly Probe[];
}

/**
 * One recognition step. "aid": SELECT by DF name. "ef": SELECT an EF of the current DF by id and,
 * with `read`, a READ BINARY of its first `length` bytes (1–256) judged by `expect` (e.g. the
 * residence card's MF/EF02 card type, reference other-ids §2/§4). Only for a file that is readable
 * with no secret and holds nothing personal: the bytes are looked at and dropped, never kept or logged.
 */
export type Probe =
  | { readonly select: "aid"; readonly aid: Uint8Array }
  | {
      readonly select: "ef";
      readonly fileId: number;
      readonly read?: { readonly length: number; readonly expect: (bytes: Uint8Array) => boolean };
    };

/**
 * Whether and how the document counts wrong access keys.
 * - "card": the chip counts (My Number: 10 tries of 照合番号B; licence PIN 1: 3). The kiosk refuses to
 *   spend a try when fewer than `minLeftToSpend` remain (licence: 3 = refuse unless all remain).
 * - "session": the chip does not count (residence card number); the kiosk allows at most
 *   `perSession` wrong keys per session.
 * - "none": a wrong key costs nothing (e.g. a card with no access control).
 */
export type TriesRule =
  | { readonly counter: "card"; readonly minLeftToSpend: number }
  | { readonly counter: "session"; readonly perSession: number }
  | { readonly counter: "none" };

/** What the flow and the UI know of a kind: a description, no code. Serialisable. */
export interface DocumentInfo {
  readonly kind: DocumentKindId;
  readonly accessKey: AccessKeySchema;
  readonly tries: TriesRule;
}

/**
 * What the authenticity check of a kind answers, in flow terms.
 * - "not-verifiable": the chip opened (its PIN/key was right) and gave data, but no public key exists
 *   to check the issuer's signature (the IC driver's licence). Refer; attended staff see the data with
 *   this label; `policy.acceptUnverifiableWithFaceMatch` lets a shop accept it with a face match.
 * - "clone-not-ruled-out": the issuer's signature over the data is good (passive authentication), but
 *   the chip proved neither Active nor Chip Authentication, so a copied chip is not ruled out. Refer.
 */
export type Authenticity =
  | "genuine"
  | "data-altered"
  | "clone-suspected"
  | "unknown-ca"
  | "expired"
  | "could-not-check"
  | "not-verifiable"
  | "clone-not-ruled-out";

/**
 * One document's data as the flow keeps it: zeroable buffers only (no string is made from them,
 * except the attended staff view). Every kind yields exactly this.
 */
export interface DocumentData {
  readonly kind: DocumentKindId;
  /** "YYYYMMDD" ASCII (Gregorian; a kind that reads era dates or YYMMDD converts). */
  birthDate: Uint8Array;
  /** "YYYYMMDD" ASCII. */
  expiry: Uint8Array;
  /** The portrait as stored on the chip, for the face check and the staff screen. */
  portrait: Uint8Array;
  /** Attended mode: images shown to staff (PNG), labelled by catalogue key `attended.<label>`. */
  images: { readonly label: string; readonly png: Uint8Array }[];
  /** Attended mode: short ASCII values shown to staff, labelled by catalogue key `attended.<label>`. */
  text: { readonly label: string; readonly ascii: Uint8Array }[];
}

/** Whatever a kind's authenticity check needs (signature, certificate, the card's challenge answer).
 *  Opaque to the flow; wiped with the session. */
export interface DocumentEvidence {
  wipe(): void;
}

export type ChipReadResult =
  | { kind: "ok"; data: DocumentData; evidence: DocumentEvidence; triesLeft: number | null }
  | { kind: "wrong-code"; triesLeft: number | null }
  | { kind: "blocked" }
  | { kind: "refused-low-tries"; triesLeft: number }
  /** Recognised, but the read found it is not this kind after all (e.g. the application is missing). */
  | { kind: "unsupported-document" }
  | { kind: "no-card" }
  | { kind: "read-error"; detail: string };

export interface ChipProgress {
  /** 0–1 */
  progress: number;
  triesLeft: number | null;
}

export type FrontResult =
  | { kind: "sure"; key: AccessKey; prefill: EntryPrefill }
  /** `problem`: why the camera could not help, for the manual-entry screen (e.g. "card:back-side-up"). */
  | { kind: "unsure"; prefill: EntryPrefill; problem?: string }
  /** The kind has no camera route: its key is always typed (nothing was photographed). */
  | { kind: "typed"; prefill: EntryPrefill };

export type EntryCheck = { ok: true; key: AccessKey } | { ok: false; problem: string };

export interface ReadContext {
  signal: AbortSignal;
  onProgress: (p: ChipProgress) => void;
}

/**
 * A document kind: one folder under src/documents/ exports a factory returning this.
 * Every method that takes a signal settles soon after it aborts. Answers (wrong key, blocked…) are
 * values; a throw means the device failed.
 */
export interface DocumentKind {
  readonly info: DocumentInfo;
  readonly recognition: Recognition;
  /**
   * The camera route to the access key (OCR of the printed face). Omitted: the key is always typed
   * (e.g. a PIN), and the flow goes straight to manual entry. `onFrame`: frames looked at so far.
   */
  readFront?(signal: AbortSignal, onFrame: (frames: number) => void): Promise<FrontResult>;
  /** The entry rules: a plausible entry becomes the key, else the first problem as "field:code". */
  checkEntry(entry: EntryPrefill, today: CalendarDate): EntryCheck;
  /** Live validation of a draft (no key is derived): the first problem as "field:code", or null. */
  entryProblem(entry: EntryPrefill, today: CalendarDate): string | null;
  /** Read the chip over an open channel with the key. The key stays owned by the caller. */
  read(channel: CardChannel, key: AccessKey, ctx: ReadContext): Promise<ChipReadResult>;
  /** Authenticity from the evidence kept by `read`. */
  assess(data: DocumentData, evidence: DocumentEvidence, today: CalendarDate): Promise<Authenticity>;
  /** The flow purged the session: forget session state (e.g. remembered wrong keys). Must not throw. */
  endSession?(): void;
}

/** The first problem of a rule check as the manual-entry screen reads it. */
export function problemString(p: { field: string; code: string } | undefined): string {
  return p ? `${p.field}:${p.code}` : "entry:invalid";
}
