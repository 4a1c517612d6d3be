/**
 * The closed sets an audit row may contain, as runtime values (the types say the same at compile
 * time; these let the SQLite adapter refuse anything else at run time).
 */
import type { KioskMode, Outcome, ReasonCode } from "../protocol";
import type { AuditCheck, AuditStep, TriesBand } from "./sink";

const set = <T extends string>(values: Record<T, true>): ReadonlySet<T> => new Set(Object.keys(values) as T[]);

export const MODES = set<KioskMode>({ unattended: true, attended: true });
export const OUTCOMES = set<Outcome>({ pass: true, fail: true, refer: true, abandoned: true });
export const BANDS = set<TriesBand>({ unknown: true, blocked: true, low: true, ok: true });
export const CHECKS = set<AuditCheck>({ ocr: true, "manual-entry": true, chip: true, authenticity: true, face: true });
export const STEPS = set<AuditStep>({
  "place-card": true,
  "capture-card-face": true,
  "manual-entry": true,
  "check-entry": true,
  "reading-chip": true,
  "replace-card": true,
  checking: true,
  "face-check": true,
});
export const REASONS = set<ReasonCode>({
  "under-age": true,
  "card-expired": true,
  "wrong-code": true,
  "card-blocked": true,
  "low-tries": true,
  "unsupported-document": true,
  "card-removed": true,
  "read-error": true,
  "data-altered": true,
  "clone-suspected": true,
  "unknown-ca": true,
  "could-not-check": true,
  "not-verifiable": true,
  "clone-not-ruled-out": true,
  "face-no-match": true,
  "face-not-sure": true,
  "liveness-failed": true,
  "no-face": true,
  "ocr-unsure": true,
  timeout: true,
  "customer-cancelled": true,
  "staff-requested": true,
  interrupted: true,
  "device-error": true,
});

/** Reason codes written by older versions, read back under their current name (rows are never rewritten). */
export const LEGACY_REASONS: Readonly<Record<string, ReasonCode>> = { "not-my-number-card": "unsupported-document" };
