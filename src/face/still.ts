/**
 * Compare one still image with the chip photo: what `kioskctl face-compare` and the benchmark run.
 * Same decision path as the capture policy (sides.ts, compare.ts) but with one given image instead
 * of camera frames. Every buffer it makes is zeroed before it returns.
 */
import { compare, cosineSimilarity, failure, type FaceDecision, type FaceThresholds } from "./compare";
import { decodeImageFile, type ImageFileProblem } from "../image/decode";
import { purgeFaces, type FaceAnalysis, type FaceEngine } from "./engine";
import { purge } from "../image/image";
import type { Jp2Decoder, Jp2Problem } from "./jp2";
import { analyseChip, frameProblem, greyEmbedding, liveScores } from "./sides";

export interface StillResult {
  readonly result: FaceDecision;
  /** Why a side could not be read, for the technician (never shown to a customer). */
  readonly chipProblem: Jp2Problem | null;
  readonly liveProblem: ImageFileProblem | null;
  readonly timings: { readonly chipMs: number; readonly liveMs: number };
}

export interface StillDeps {
  readonly engine: FaceEngine;
  readonly decoder: Jp2Decoder;
  readonly thresholds: FaceThresholds;
  readonly now?: () => number;
}

export async function compareStill(deps: StillDeps, chipPhoto: Uint8Array, liveFile: Uint8Array): Promise<StillResult> {
  const now = deps.now ?? (() => performance.now());
  const t0 = now();
  const chip = await analyseChip(deps.engine, deps.decoder, chipPhoto);
  const t1 = now();
  const timings = (t2: number) => ({ chipMs: t1 - t0, liveMs: t2 - t1 });
  if (!chip.ok) return { result: failure("chip-photo-unreadable"), chipProblem: chip.problem, liveProblem: null, timings: timings(t1) };
  try {
    const file = await decodeImageFile(liveFile);
    if (!file.ok) {
      return { result: failure("no-face", { chip: chip.scores }), chipProblem: null, liveProblem: file.problem, timings: timings(now()) };
    }
    let analysis: FaceAnalysis | null = null;
    let embedding: Float32Array | null = null;
    try {
      analysis = await deps.engine.analyse(file.image, "gate");
      const live = liveScores(analysis.faces);
      const face = analysis.faces[0];
      const usable = frameProblem(live, deps.thresholds) === null;
      if (face && usable) embedding = (await greyEmbedding(deps.engine, file.image, face)).embedding;
      const similarity = chip.face && embedding && embedding.length > 0 ? cosineSimilarity(chip.face.embedding, embedding) : null;
      const result = compare({ chip: chip.scores, live, similarity }, deps.thresholds);
      return { result, chipProblem: null, liveProblem: null, timings: timings(now()) };
    } finally {
      purge(file.image);
      purgeFaces(analysis);
      embedding?.fill(0);
    }
  } finally {
    purgeFaces(chip.analysis);
  }
}
