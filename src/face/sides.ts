/**
 * The two sides of a comparison reduced to scores: the chip photo (decode, one dominant face) and a
 * live image (face count, size, sharpness, liveness). Shared by the capture policy (capture.ts) and
 * the one-still comparison (still.ts) so that both decide in exactly the same way.
 */
import type { FaceHint } from "./capture-types";
import type { FaceThresholds, SideScores } from "./compare";
import { purgeFaces, type FaceAnalysis, type FaceEngine, type FaceObservation } from "./engine";
import { purge, toGrey, type Image } from "../image/image";
import type { Jp2Decoder, Jp2Problem } from "./jp2";

export const NO_LIVE: SideScores = { faces: 0, facePixels: 0, sharpness: 0, liveness: 0 };

export type ChipSide =
  | { ok: true; analysis: FaceAnalysis; face: FaceObservation | null; scores: SideScores }
  | { ok: false; problem: Jp2Problem };

/** Decode and analyse the chip photo. The decoded pixels are purged before this returns. */
export async function analyseChip(engine: FaceEngine, decoder: Jp2Decoder, photo: Uint8Array): Promise<ChipSide> {
  const decoded = await decoder.decode(photo);
  if (!decoded.ok) return decoded;
  try {
    const analysis = await engine.analyse(decoded.image, "chip");
    const { face, count } = dominantFaces(analysis.faces);
    const scores = { faces: count, facePixels: face ? facePixels(face) : 0, sharpness: face?.sharpness ?? 0, liveness: 1 };
    return { ok: true, analysis, face, scores };
  } finally {
    purge(decoded.image);
  }
}

export function facePixels(f: FaceObservation): number {
  return Math.round(Math.min(f.box.width, f.box.height));
}

/**
 * The chip photo is a posed single portrait; a detector may still report a small spurious box. The
 * largest face counts, plus any other face at least half its size ("several faces").
 */
export function dominantFaces(faces: readonly FaceObservation[]): { face: FaceObservation | null; count: number } {
  let face: FaceObservation | null = null;
  for (const f of faces) if (!face || facePixels(f) > facePixels(face)) face = f;
  if (!face) return { face: null, count: 0 };
  const big = facePixels(face);
  return { face, count: faces.filter((f) => facePixels(f) * 2 >= big).length };
}

/** Scores of a live image: every detected face counts (a second person is a reason to stop). */
export function liveScores(faces: readonly FaceObservation[]): SideScores {
  const f = faces[0];
  if (!f) return NO_LIVE;
  return { faces: faces.length, facePixels: facePixels(f), sharpness: f.sharpness, liveness: f.liveness };
}

/** What is wrong with a live frame, as a hint for the customer; null = usable. */
export function frameProblem(s: SideScores, t: FaceThresholds): FaceHint | null {
  if (s.faces === 0) return "look";
  if (s.faces > 1) return "one-person";
  if (s.facePixels < t.minFacePixels) return "closer";
  if (s.sharpness < t.minSharpness) return "hold-still";
  return null;
}

/**
 * The embedding of a usable live face, taken from the greyscale version of the frame so that it is
 * in the chip photo's (monochrome) domain. Detection, counting, size, sharpness and liveness come from
 * the frame as delivered (the "gate" pass, without the embedder), because the detector finds faces in
 * colour more reliably: on the fixtures, blazeface missed the 58-px face of tiny.jpg and one of the
 * faces in group.jpg in grey but not in colour. This is the only pass that runs the embedder on a
 * live frame ("identity" role, engine.ts), once per session on the chosen frame (issue 16).
 * A grey frame (greyscale camera path) is embedded as it is. If the grey pass finds no face
 * overlapping the gate's, the colour frame is embedded instead (`source: "colour"`); if that finds
 * none either, the embedding is empty (`source: "none"`, similarity unknown, not zero).
 */
export async function greyEmbedding(
  engine: FaceEngine,
  image: Image,
  gateFace: FaceObservation,
): Promise<{ embedding: Float32Array; source: "grey" | "colour" | "none" }> {
  if (image.kind !== "rgb") {
    const e = await identityNear(engine, image, gateFace);
    return e ? { embedding: e, source: "grey" } : { embedding: new Float32Array(0), source: "none" };
  }
  const grey = toGrey(image);
  let e: Float32Array | null;
  try {
    e = await identityNear(engine, grey, gateFace);
  } finally {
    purge(grey);
  }
  if (e) return { embedding: e, source: "grey" };
  e = await identityNear(engine, image, gateFace);
  return e ? { embedding: e, source: "colour" } : { embedding: new Float32Array(0), source: "none" };
}

/** Embedding of the face in `image` that overlaps `near` by IoU ≥ 0.5 (a copy), or null. */
async function identityNear(engine: FaceEngine, image: Image, near: FaceObservation): Promise<Float32Array | null> {
  const analysis = await engine.analyse(image, "identity");
  try {
    let best: FaceObservation | null = null;
    let bestOverlap = 0;
    for (const f of analysis.faces) {
      const o = overlap(f, near);
      if (o > bestOverlap) {
        best = f;
        bestOverlap = o;
      }
    }
    return best && bestOverlap >= 0.5 && best.embedding.length > 0 ? best.embedding.slice() : null;
  } finally {
    purgeFaces(analysis);
  }
}

/** Intersection over union of two face boxes. */
function overlap(a: FaceObservation, b: FaceObservation): number {
  const x0 = Math.max(a.box.x, b.box.x);
  const y0 = Math.max(a.box.y, b.box.y);
  const x1 = Math.min(a.box.x + a.box.width, b.box.x + b.box.width);
  const y1 = Math.min(a.box.y + a.box.height, b.box.y + b.box.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.box.width * a.box.height + b.box.width * b.box.height - inter;
  return union > 0 ? inter / union : 0;
}
