/**
 * The face step: decode the chip photo, watch the camera for up to `budgetMs`, pick the best live
 * frame, compare. This is what the session flow calls (through main.ts) in its face-check state.
 *
 * Capture policy:
 * - Frames are taken from the `face` camera one after another and each goes through the quality gate
 *   as delivered (engine role "gate": detection, pose, liveness, sharpness — no identity embedding).
 *   Frames the gate rejects never reach the embedder, which is most of an analysis's cost (issue 16).
 * - The best frame is then converted to greyscale and embedded (the only embedder run on a live
 *   frame), so that the identity embedding
 *   is in the chip photo's monochrome domain (sides.ts `greyEmbedding`; on the fixtures grey-vs-grey
 *   scored higher for the same person than colour-vs-grey, e.g. 0.94 against 0.90).
 * - A frame is usable when it shows exactly one face, at least `minFacePixels` on its shorter side,
 *   at least `minSharpness` sharp. Usable frames are ranked by
 *   quality = facePixels × sharpness × cos(yaw) × cos(pitch) (bigger, sharper, more frontal wins).
 * - Capture stops after `goodFrames` usable frames, after `maxFrames` frames, when the budget would
 *   be overrun by one more gate pass plus the embedding pass (estimates: the last gate pass's time,
 *   and the chip photo's analysis time, which runs the same embedder), or on abort.
 * - With no usable frame, the last frame's problem is the answer (e.g. "several-faces"), so the
 *   customer is told what was wrong, not just "timeout".
 * - Hints for the screen while capturing: no face → "look", several → "one-person", too small →
 *   "closer", blurred → "hold-still", usable → null.
 *
 * Privacy: every frame received is wiped (camera `wipeFrame` contract), every grey copy and every
 * embedding is zeroed before this function returns, including on abort and on errors.
 *
 * Every way out is a `FaceDecision` value; nothing throws (engine failures → reason "engine-error").
 */
import { wipeFrame, type CameraPort, type Frame } from "../camera/camera";
import { compare, cosineSimilarity, failure, type FaceDecision, type FaceThresholds, type SideScores } from "./compare";
import { purgeFaces, type FaceAnalysis, type FaceEngine, type FaceObservation } from "./engine";
import type { FaceHint } from "./capture-types";
import { frameToImage } from "./frame";
import { purge, type Image } from "../image/image";
import type { Jp2Decoder } from "./jp2";
import { analyseChip, frameProblem, greyEmbedding, liveScores, NO_LIVE, type ChipSide } from "./sides";

export type { FaceHint } from "./capture-types";

export interface CaptureOptions {
  /** Stop after this many usable frames (default 3). */
  readonly goodFrames: number;
  /** Stop after this many frames in all (default 30). */
  readonly maxFrames: number;
}

export const DEFAULT_CAPTURE: CaptureOptions = { goodFrames: 3, maxFrames: 30 };

/** Same shape as the flow's Clock (src/flow/ports.ts), so the flow can pass its own. */
export interface FaceClock {
  now(): number;
  after(ms: number, fn: () => void): () => void;
}

export interface FaceCheckDeps {
  readonly camera: Pick<CameraPort, "frames">;
  readonly engine: FaceEngine;
  readonly decoder: Jp2Decoder;
  readonly config: FaceThresholds & Partial<CaptureOptions>;
  readonly clock: FaceClock;
  readonly onHint?: (hint: FaceHint | null) => void;
}

interface Candidate {
  readonly analysis: FaceAnalysis;
  readonly face: FaceObservation;
  readonly scores: SideScores;
  readonly quality: number;
  readonly image: Image;
}

export async function checkFace(
  deps: FaceCheckDeps,
  chipPhoto: Uint8Array,
  signal: AbortSignal,
  budgetMs: number,
): Promise<FaceDecision> {
  const run = startRun(deps, signal, budgetMs);
  try {
    if (signal.aborted) return failure("aborted");
    const chip = await readChipSide(run, chipPhoto);
    if (isDecision(chip)) return chip;
    const best = await captureBestFrame(run, chip);
    if (isDecision(best)) return best;
    return await compareBestFrame(run, chip, best);
  } finally {
    endRun(run);
  }
}

/** One checkFace call: its inputs, its deadline, and everything it must zero before it returns. */
interface FaceRun {
  readonly deps: FaceCheckDeps;
  readonly opts: CaptureOptions;
  /** The caller's signal (the flow state's). */
  readonly signal: AbortSignal;
  /** Ends the camera stream (on return, or when the caller aborts). */
  readonly stop: AbortController;
  readonly onAbort: () => void;
  remaining(): number;
  readonly held: FaceAnalysis[];
  readonly images: Image[];
  readonly embeddings: Float32Array[];
}

/** The chip photo, analysed, with exactly one face. */
interface ChipReady {
  readonly face: FaceObservation;
  readonly scores: SideScores;
  /** How long the chip photo's analysis took: the estimate for the final embedding pass. */
  readonly embedCostMs: number;
}

/** The capture loop's running state. */
interface CaptureState {
  best: Candidate | null;
  last: SideScores | null;
  good: number;
  frames: number;
  lastCostMs: number;
}

const isDecision = (x: object): x is FaceDecision => "decision" in x;

function startRun(deps: FaceCheckDeps, signal: AbortSignal, budgetMs: number): FaceRun {
  const { config, clock } = deps;
  const deadline = clock.now() + budgetMs;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    deps,
    opts: {
      goodFrames: config.goodFrames ?? DEFAULT_CAPTURE.goodFrames,
      maxFrames: config.maxFrames ?? DEFAULT_CAPTURE.maxFrames,
    },
    signal,
    stop,
    onAbort,
    remaining: () => deadline - clock.now(),
    held: [],
    images: [],
    embeddings: [],
  };
}

/** Zero every analysis, image and embedding the call kept, and stop the camera stream. */
function endRun(run: FaceRun): void {
  run.signal.removeEventListener("abort", run.onAbort);
  run.stop.abort();
  for (const a of run.held) purgeFaces(a);
  for (const img of run.images) purge(img);
  for (const e of run.embeddings) e.fill(0);
}

/** Step 1: decode and analyse the chip photo (within the budget). */
async function readChipSide(run: FaceRun, chipPhoto: Uint8Array): Promise<FaceDecision | ChipReady> {
  const { engine, decoder, config, clock } = run.deps;
  let chip: ChipSide | "timeout";
  const chipStarted = clock.now();
  const pendingChip = analyseChip(engine, decoder, chipPhoto);
  try {
    chip = await within(pendingChip, run.remaining(), clock, run.signal);
  } catch {
    return failure("engine-error");
  }
  if (chip === "timeout") {
    pendingChip.then((c) => c.ok && purgeFaces(c.analysis), () => undefined);
    return failure(run.signal.aborted ? "aborted" : "timeout");
  }
  if (!chip.ok) return failure("chip-photo-unreadable");
  run.held.push(chip.analysis);
  const embedCostMs = clock.now() - chipStarted;
  if (!chip.face || chip.scores.faces !== 1) return compare({ chip: chip.scores, live: NO_LIVE, similarity: null }, config);
  return { face: chip.face, scores: chip.scores, embedCostMs };
}

/**
 * Step 2: live frames through the quality gate until enough usable ones, the frame limit, the budget
 * (keeping time for one more frame and the final embedding pass) or an abort. Answers the best usable
 * frame, or the decision when there is none.
 */
async function captureBestFrame(run: FaceRun, chip: ChipReady): Promise<FaceDecision | Candidate> {
  const { opts, signal } = run;
  const state: CaptureState = { best: null, last: null, good: 0, frames: 0, lastCostMs: 0 };
  const it = run.deps.camera.frames(run.stop.signal)[Symbol.asyncIterator]();
  try {
    while (state.frames < opts.maxFrames && state.good < opts.goodFrames && !signal.aborted) {
      if (run.remaining() <= state.lastCostMs + chip.embedCostMs) break;
      const frame = await nextFrame(run, it);
      if (!frame) break;
      state.frames++;
      const gated = await gateFrame(run, frame, state);
      if (gated === "stop") break;
      if (gated === "engine-error") return failure("engine-error", { chip: chip.scores });
    }
  } finally {
    run.stop.abort();
    void Promise.resolve(it.return?.()).catch(() => undefined);
  }
  if (signal.aborted) return failure("aborted", { chip: chip.scores });
  if (state.best) return state.best;
  return state.last ? compare({ chip: chip.scores, live: state.last, similarity: null }, run.deps.config) : failure("timeout", { chip: chip.scores });
}

/** The camera's next frame within the budget; null when the stream ended, failed or ran out of time. */
async function nextFrame(run: FaceRun, it: AsyncIterator<Frame>): Promise<Frame | null> {
  let next: IteratorResult<Frame> | "timeout";
  const pendingFrame = it.next();
  try {
    next = await within(pendingFrame, run.remaining(), run.deps.clock, run.signal);
  } catch {
    return null; // the camera failed: answer with what was seen so far
  }
  if (next === "timeout") {
    // A frame that arrives after the deadline is still wiped.
    pendingFrame.then((r) => r.done || wipeFrame(r.value), () => undefined);
    return null;
  }
  return next.done ? null : next.value;
}

/**
 * One frame through the quality gate (the frame is wiped here, whatever happens). A usable frame
 * becomes the best one if its quality beats it; everything else is zeroed at once.
 */
async function gateFrame(run: FaceRun, frame: Frame, state: CaptureState): Promise<"next" | "stop" | "engine-error"> {
  const { engine, config, clock } = run.deps;
  const started = clock.now();
  const decoded = await frameToImage(frame);
  wipeFrame(frame);
  if (!decoded.ok) return "next";
  const image = decoded.image;
  let analysis: FaceAnalysis | "timeout";
  const pendingAnalysis = engine.analyse(image, "gate");
  try {
    analysis = await within(pendingAnalysis, run.remaining(), clock, run.signal);
  } catch {
    purge(image);
    return "engine-error";
  }
  if (analysis === "timeout") {
    // The engine cannot be cancelled: zero its late answer and the pixels once it is done.
    pendingAnalysis.then(purgeFaces, () => undefined).finally(() => purge(image));
    return "stop";
  }
  state.lastCostMs = clock.now() - started;
  const scores = liveScores(analysis.faces);
  state.last = scores;
  const problem = frameProblem(scores, config);
  run.deps.onHint?.(problem);
  const face = analysis.faces[0];
  if (problem !== null || !face) {
    purgeFaces(analysis);
    purge(image);
    return "next";
  }
  state.good++;
  keepIfBest(run, state, { analysis, face, scores, quality: frameQuality(scores, face), image });
  return "next";
}

/** quality = facePixels × sharpness × cos(yaw) × cos(pitch): bigger, sharper, more frontal wins. */
function frameQuality(scores: SideScores, face: FaceObservation): number {
  return scores.facePixels * scores.sharpness * Math.max(0, Math.cos(face.yaw)) * Math.max(0, Math.cos(face.pitch));
}

function keepIfBest(run: FaceRun, state: CaptureState, c: Candidate): void {
  if (state.best && c.quality <= state.best.quality) {
    purgeFaces(c.analysis);
    purge(c.image);
    return;
  }
  if (state.best) {
    purgeFaces(state.best.analysis);
    purge(state.best.image);
  }
  state.best = c;
  run.held.push(c.analysis);
  run.images.push(c.image);
}

/**
 * Step 3: the best frame in grey, embedded in the chip photo's domain (sides.ts greyEmbedding), and
 * the decision. Out of time for it (or no face found again): no similarity, so the answer is
 * "not sure", never a guess.
 */
async function compareBestFrame(run: FaceRun, chip: ChipReady, best: Candidate): Promise<FaceDecision> {
  const { engine, config, clock } = run.deps;
  let embedding: Float32Array | null = null;
  const pendingGrey = greyEmbedding(engine, best.image, best.face);
  try {
    const g = await within(pendingGrey, run.remaining(), clock, run.signal);
    if (g !== "timeout") {
      run.embeddings.push(g.embedding);
      if (g.embedding.length > 0) embedding = g.embedding;
    } else {
      pendingGrey.then((late) => late.embedding.fill(0), () => undefined);
    }
  } catch {
    return failure("engine-error", { chip: chip.scores, live: best.scores });
  }
  if (run.signal.aborted) return failure("aborted", { chip: chip.scores });
  const similarity = embedding ? cosineSimilarity(chip.face.embedding, embedding) : null;
  return compare({ chip: chip.scores, live: best.scores, similarity }, config);
}

/** What the flow port `checkFace` answers (src/flow/outcome.ts FaceAnswer, same shape). */
export type FlowFaceAnswer =
  | { kind: "match" }
  | { kind: "no-match" }
  | { kind: "not-sure"; reason: "face-not-sure" | "liveness-failed" | "no-face" };

/**
 * Map a decision to the flow's answer. An engine failure is not an answer about the customer: it
 * throws, which the flow treats as a device error (ports.ts contract).
 */
export function toFlowAnswer(d: FaceDecision): FlowFaceAnswer {
  if (d.reason === "engine-error") throw new Error("face engine failed");
  switch (d.decision) {
    case "match":
      return { kind: "match" };
    case "no-match":
      return { kind: "no-match" };
    case "not-sure":
      return {
        kind: "not-sure",
        reason: d.reason === "liveness-failed" ? "liveness-failed" : d.reason === "no-face" ? "no-face" : "face-not-sure",
      };
  }
}

/**
 * Resolve with the promise's value, or "timeout" after `ms` or when `signal` aborts (the promise keeps
 * running; callers zero its late answer).
 */
function within<T>(p: Promise<T>, ms: number, clock: FaceClock, signal: AbortSignal): Promise<T | "timeout"> {
  if (ms <= 0 || signal.aborted) {
    p.catch(() => undefined);
    return Promise.resolve("timeout");
  }
  return new Promise<T | "timeout">((resolve, reject) => {
    const onAbort = () => {
      cancel();
      resolve("timeout");
    };
    const cancel = clock.after(ms, () => {
      signal.removeEventListener("abort", onAbort);
      resolve("timeout");
    });
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        cancel();
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        cancel();
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
