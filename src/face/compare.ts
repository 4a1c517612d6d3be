/**
 * The face decision, pure: scores and thresholds in, `match` | `no-match` | `not-sure` with one
 * reason out. No I/O, no clock, no node: import (dependency rule `pure-modules-import-no-node`).
 *
 * Rules, checked in this order (the first that applies decides):
 *  1. chip photo unreadable / no face in it / several faces in it → not-sure (chip-*)
 *  2. no face in the live image                  → not-sure  (no-face)
 *  3. several faces in the live image            → not-sure  (several-faces)
 *  4. live face shorter side < minFacePixels     → not-sure  (face-too-small)
 *  5. live face sharpness < minSharpness         → not-sure  (face-too-blurred)
 *  6. liveness < livenessThreshold               → not-sure  (liveness-failed)
 *  7. similarity ≥ matchThreshold                → match     (same-person)
 *  8. similarity < noMatchThreshold              → no-match  (different-person)
 *  9. otherwise                                  → not-sure  (uncertain-similarity)
 *
 * Why liveness failure is "not-sure" and not "no-match": Human's antispoof and liveness models are
 * small quick checks, not certified presentation-attack detection (their own demo README says so),
 * and they score some genuine faces low. A frame they flag therefore never yields `match`, but a genuine
 * customer is sent to staff rather than told they are someone else.
 */

export type FaceDecisionKind = "match" | "no-match" | "not-sure";

export type FaceReason =
  | "same-person"
  | "different-person"
  | "uncertain-similarity"
  | "no-face"
  | "several-faces"
  | "face-too-small"
  | "face-too-blurred"
  | "liveness-failed"
  | "chip-photo-unreadable"
  | "chip-photo-no-face"
  | "chip-photo-several-faces"
  /** The budget ran out before one usable frame was analysed. */
  | "timeout"
  /** The caller aborted (the session left the face step). */
  | "aborted"
  /** The engine itself failed (models missing, WASM trap): the kiosk could not check. */
  | "engine-error";

export interface FaceThresholds {
  readonly matchThreshold: number;
  readonly noMatchThreshold: number;
  readonly livenessThreshold: number;
  readonly minFacePixels: number;
  readonly minSharpness: number;
}

/** What the engine saw on one side, reduced to numbers. `faces` counts detected faces. */
export interface SideScores {
  readonly faces: number;
  /** Shorter side of the chosen face box, pixels (0 without a face). */
  readonly facePixels: number;
  readonly sharpness: number;
  readonly liveness: number;
}

export interface FaceScores {
  /** Cosine similarity of the two embeddings, null when there was nothing to compare. */
  readonly similarity: number | null;
  readonly chip: SideScores | null;
  readonly live: SideScores | null;
}

export interface FaceDecision {
  readonly decision: FaceDecisionKind;
  readonly reason: FaceReason;
  readonly scores: FaceScores;
}

export interface CompareInput {
  /** null when the chip photo could not be decoded. */
  readonly chip: SideScores | null;
  readonly live: SideScores;
  readonly similarity: number | null;
}

export function compare(input: CompareInput, t: FaceThresholds): FaceDecision {
  const scores: FaceScores = { similarity: input.similarity, chip: input.chip, live: input.live };
  const notSure = (reason: FaceReason): FaceDecision => ({ decision: "not-sure", reason, scores });
  const { chip, live, similarity } = input;
  if (!chip) return notSure("chip-photo-unreadable");
  if (chip.faces === 0) return notSure("chip-photo-no-face");
  if (chip.faces > 1) return notSure("chip-photo-several-faces");
  if (live.faces === 0) return notSure("no-face");
  if (live.faces > 1) return notSure("several-faces");
  if (live.facePixels < t.minFacePixels) return notSure("face-too-small");
  if (live.sharpness < t.minSharpness) return notSure("face-too-blurred");
  if (live.liveness < t.livenessThreshold) return notSure("liveness-failed");
  if (similarity === null || !Number.isFinite(similarity)) return notSure("uncertain-similarity");
  if (similarity >= t.matchThreshold) return { decision: "match", reason: "same-person", scores };
  if (similarity < t.noMatchThreshold) return { decision: "no-match", reason: "different-person", scores };
  return notSure("uncertain-similarity");
}

/** A result without scores, for failures before anything was measured (timeout, abort, engine). */
export function failure(reason: FaceReason, scores?: Partial<FaceScores>): FaceDecision {
  return {
    decision: "not-sure",
    reason,
    scores: { similarity: scores?.similarity ?? null, chip: scores?.chip ?? null, live: scores?.live ?? null },
  };
}

/** Cosine similarity in [-1, 1]; 0 when either vector is all zeros or the lengths differ. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const s = dot / (Math.sqrt(na) * Math.sqrt(nb));
  // Zero vectors (and denormal underflow) give NaN or ±Infinity: no evidence either way.
  return Number.isFinite(s) ? Math.max(-1, Math.min(1, s)) : 0;
}
