/**
 * The face engine port: find faces in one image and describe each one. Two implementations, picked
 * once in src/main.ts: `human.ts` (real models on the tfjs WASM backend) and `sim.ts` (demo mode,
 * follows the simulated card deck). Production never uses the simulator.
 *
 * Contract:
 * - `analyse` never rejects for image content: zero faces is `faces: []`. It rejects only when the
 *   engine itself is broken (then the flow reports "could not check", not "no match").
 * - The caller owns `image` and may purge it as soon as the promise settles; the engine keeps no
 *   copy of the pixels, the boxes or the embeddings after returning (they are personal data).
 * - `role` tells the engine which side it looks at and so what it must compute (issue 16: the
 *   identity embedder is most of the cost, ~100 of ~140 ms CPU per frame here, so it runs only where
 *   its answer is used):
 *   - "chip": the chip photo (a posed, monochrome portrait): embedding, no liveness (reported 1);
 *   - "gate": a live camera frame judged for usability: boxes, pose, sharpness and liveness, but NO
 *     embedding (`embedding` is empty). Frames the quality gate rejects never reach the embedder;
 *   - "identity": the embedding of a frame already chosen (sides.ts `greyEmbedding`); liveness is
 *     not measured (reported 0);
 *   - "live": everything at once (gate + identity), for tools and calibration.
 * - Embeddings are unit-free vectors compared with `cosineSimilarity` in compare.ts; only vectors from
 *   the same engine (same `embeddingId`) are comparable.
 */
import type { Box, Image } from "../image/image";

export type FaceRole = "chip" | "gate" | "identity" | "live";

export interface FaceObservation {
  readonly box: Box;
  /** Detector confidence 0–1. */
  readonly confidence: number;
  /** Identity embedding (1024 values for Human's faceres); empty for role "gate". Zero it when done (`purgeFaces`). */
  readonly embedding: Float32Array;
  /** 0–1, higher = more likely a live person in front of the camera (1 for chip photos, 0 = not measured for "identity"). */
  readonly liveness: number;
  /** See quality.ts; computed on the grey face region. */
  readonly sharpness: number;
  /** Head pose in radians; 0,0 = looking straight at the camera. */
  readonly yaw: number;
  readonly pitch: number;
}

export interface FaceAnalysis {
  readonly faces: readonly FaceObservation[];
}

export interface FaceEngine {
  /** Which model produced the embeddings (e.g. "human-3.3.6/faceres", "sim"). */
  readonly embeddingId: string;
  analyse(image: Image, role: FaceRole): Promise<FaceAnalysis>;
  /** The engine is unusable afterwards (analyse rejects). What memory it frees is the adapter's to say. */
  close(): Promise<void>;
}

/** Zero every embedding of an analysis (the arrays stay allocated, their content is gone). */
export function purgeFaces(analysis: FaceAnalysis | null | undefined): void {
  for (const f of analysis?.faces ?? []) f.embedding.fill(0);
}
