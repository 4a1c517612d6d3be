/**
 * The audit port: one record per session, with no personal data. What a record may hold is fixed by
 * this type: time, kiosk, mode, document kind, outcome, reason code, per-step durations, the tries-left
 * band, which checks ran and the software version. No field can carry a name, a date of birth, an image or a code.
 * Adapter: sqlite.ts (better-sqlite3). Tests use an in-memory array.
 */
import type { DocumentKindId, KioskMode, Outcome, ReasonCode, StaffCounts } from "../protocol";

/** Steps whose durations are recorded (the flow's session states). */
export type AuditStep =
  | "place-card"
  | "capture-card-face"
  | "manual-entry"
  | "check-entry"
  | "reading-chip"
  | "replace-card"
  | "checking"
  | "face-check";

export type AuditCheck = "ocr" | "manual-entry" | "chip" | "authenticity" | "face";

/** Tries-left as the audit keeps it: a band, not the count (the flow computes it, `flow/outcome.ts`). */
export type TriesBand = "unknown" | "blocked" | "low" | "ok";

export interface AuditRecord {
  /** Session start, epoch ms. */
  startedAt: number;
  /** Verdict time, epoch ms. */
  endedAt: number;
  kioskId: string;
  mode: KioskMode;
  /** The document kind read ("mynumber", "residence"…; a short lower-case id, never data from the
   *  card); null when no card was recognised. Rows written before schema 3 read as "mynumber". */
  document: DocumentKindId | null;
  outcome: Outcome;
  reason: ReasonCode | null;
  /** Time spent in each step, ms (a step entered twice is summed). */
  durations: Partial<Record<AuditStep, number>>;
  triesBand: TriesBand;
  checks: readonly AuditCheck[];
  version: string;
  /** The verdict token's single-use id (issue 19), nothing else from the token; absent when no token
   *  was issued (tokens off, an abandoned session). Rows written before schema 4 read as none. */
  tokenId?: string;
}

/** A session that has begun and not yet been recorded: what the audit needs to record it as
 *  "interrupted" if the daemon dies before the verdict (crash, kill, power loss). */
export interface OpenSession {
  startedAt: number;
  kioskId: string;
  mode: KioskMode;
  version: string;
}

export interface AuditSink {
  /** A session began. A sink that survives restarts keeps this until `record()`, and records a session
   *  still open at its next start as abandoned / "interrupted" (no personal data: only these fields).
   *  Optional: in-memory sinks have nothing to recover. Never throws. */
  begin?(s: OpenSession): void;
  /** Never throws into the flow: a failing sink logs and reports unhealthy itself. */
  record(r: AuditRecord): void;
  /** Sessions since `sinceMs` (epoch ms) by outcome and by reason, for the staff screen. */
  counts(sinceMs: number): StaffCounts;
}
