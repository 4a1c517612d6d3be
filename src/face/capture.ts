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
  const { engine, decoder, config, clock } = deps;
  const opts: CaptureOptions = {
    goodFrames: config.goodFrames ?? DEFAULT_CAPTURE.goodFrames,
    maxFrames: config.maxFrames ?? DEFAULT_CAPTURE.maxFrames,
  };
  const deadline = clock.now() + budgetMs;
  const remaining = () => deadline - clock.now();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const held: FaceAnalysis[] = [];
  const images: Image[] = [];
  const embeddings: Float32Array[] = [];
  let chipFace: FaceObservation | null = null;
  let chipScores: SideScores | null = null;
  try {
    if (signal.aborted) return failure("aborted");
    // 1. The chip photo.
    let chip: ChipSide | "timeout";
    const chipStarted = clock.now();
    const pendingChip = analyseChip(engine, decoder, chipPhoto);
    try {
      chip = await within(pendingChip, remaining(), clock, signal);
    } catch {
      return failure("engine-error");
    }
    if (chip === "timeout") {
      pendingChip.then((c) => c.ok && purgeFaces(c.analysis), () => undefined);
      return failure(signal.aborted ? "aborted" : "timeout");
    }
    if (!chip.ok) return failure("chip-photo-unreadable");
    held.push(chip.analysis);
    const embedCostMs = clock.now() - chipStarted;
    chipFace = chip.face;
    chipScores = chip.scores;
    if (!chipFace || chipScores.faces !== 1) return compare({ chip: chipScores, live: NO_LIVE, similarity: null }, config);

    // 2. Live frames.
    let best: Candidate | null = null;
    let last: SideScores | null = null;
    let good = 0;
    let frames = 0;
    let lastCostMs = 0;
    const it = deps.camera.frames(stop.signal)[Symbol.asyncIterator]();
    try {
      while (frames < opts.maxFrames && good < opts.goodFrames && !signal.aborted) {
        // Keep time for one more frame and for the final grey embedding pass.
        if (remaining() <= lastCostMs + embedCostMs) break;
        let next: IteratorResult<Frame> | "timeout";
        const pendingFrame = it.next();
        try {
          next = await within(pendingFrame, remaining(), clock, signal);
        } catch {
          break; // the camera failed: answer with what was seen so far
        }
        if (next === "timeout") {
          // A frame that arrives after the deadline is still wiped.
          pendingFrame.then((r) => r.done || wipeFrame(r.value), () => undefined);
          break;
        }
        if (next.done) break;
        const frame = next.value;
        frames++;
        const started = clock.now();
        const decoded = await frameToImage(frame);
        wipeFrame(frame);
        if (!decoded.ok) continue;
        const image = decoded.image;
        let analysis: FaceAnalysis | "timeout";
        const pendingAnalysis = engine.analyse(image, "gate");
        try {
          analysis = await within(pendingAnalysis, remaining(), clock, signal);
        } catch {
          purge(image);
          return failure("engine-error", { chip: chipScores });
        }
        if (analysis === "timeout") {
          // The engine cannot be cancelled: zero its late answer and the pixels once it is done.
          pendingAnalysis.then(purgeFaces, () => undefined).finally(() => purge(image));
          break;
        }
        lastCostMs = clock.now() - started;
        const scores = liveScores(analysis.faces);
        last = scores;
        const problem = frameProblem(scores, config);
        deps.onHint?.(problem);
        const face = analysis.faces[0];
        if (problem !== null || !face) {
          purgeFaces(analysis);
          purge(image);
          continue;
        }
        good++;
        const quality = scores.facePixels * scores.sharpness * Math.max(0, Math.cos(face.yaw)) * Math.max(0, Math.cos(face.pitch));
        if (!best || quality > best.quality) {
          if (best) {
            purgeFaces(best.analysis);
            purge(best.image);
          }
          best = { analysis, face, scores, quality, image };
          held.push(analysis);
          images.push(image);
        } else {
          purgeFaces(analysis);
          purge(image);
        }
      }
    } finally {
      stop.abort();
      void Promise.resolve(it.return?.()).catch(() => undefined);
    }
    if (signal.aborted) return failure("aborted", { chip: chipScores });
    if (!best) return last ? compare({ chip: chipScores, live: last, similarity: null }, config) : failure("timeout", { chip: chipScores });

    // 3. The best frame in grey, embedded in the chip photo's domain (sides.ts greyEmbedding).
    // Out of time for it (or no face found again): no similarity, so the answer is "not sure", never a guess.
    let embedding: Float32Array | null = null;
    const pendingGrey = greyEmbedding(engine, best.image, best.face);
    try {
      const g = await within(pendingGrey, remaining(), clock, signal);
      if (g !== "timeout") {
        embeddings.push(g.embedding);
        if (g.embedding.length > 0) embedding = g.embedding;
      } else {
        pendingGrey.then((late) => late.embedding.fill(0), () => undefined);
      }
    } catch {
      return failure("engine-error", { chip: chipScores, live: best.scores });
    }
    if (signal.aborted) return failure("aborted", { chip: chipScores });
    const similarity = embedding ? cosineSimilarity(chipFace.embedding, embedding) : null;
    return compare({ chip: chipScores, live: best.scores, similarity }, config);
  } finally {
    signal.removeEventListener("abort", onAbort);
    stop.abort();
    for (const a of held) purgeFaces(a);
    for (const img of images) purge(img);
    for (const e of embeddings) e.fill(0);
  }
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
