/**
 * Simulated face engine for demo mode. It does not look at pixels: it answers what the current
 * *scene* says is in front of the camera, so the demo panel (and the card deck) decide the outcome.
 *
 * - The chip photo always shows one face with the "holder" embedding.
 * - `followCard(card)` is how main.ts ties it to the simulated deck: a deck card whose holder
 *   "is" the person at the kiosk (`holderPresent: true`) → scene "holder"; false → "stranger";
 *   no card → "nobody". `setScene()` selects the other cases (several people, a face far away, a
 *   blurred face, a photo of the holder held up) for demos and flow tests.
 * - Scores are fixed so each scene lands clearly on one side of the default thresholds:
 *   holder similarity 0.95, stranger 0.05, liveness 0.95 (photo: 0.1), sharpness 0.6 (blurred 0.02),
 *   face 40 % of the frame's shorter side (far away: 5 %).
 * - Like every simulator here it answers asynchronously and records what it was asked (`calls`).
 *
 * Production never constructs this (src/main.ts refuses the sim outside demo mode).
 */
import type { FaceAnalysis, FaceEngine, FaceObservation, FaceRole } from "./engine";
import type { Image } from "../image/image";

export type SimScene = "holder" | "stranger" | "nobody" | "two-people" | "far-away" | "blurred" | "photo-of-holder";

export interface SimFaceEngine extends FaceEngine {
  setScene(scene: SimScene): void;
  scene(): SimScene;
  /** Follow the deck: the placed card's `holderPresent`, or null when no card is placed. */
  followCard(card: { readonly holderPresent: boolean } | null): void;
  /** Roles of the calls so far (for tests). */
  readonly calls: readonly FaceRole[];
}

const DIM = 128;

export function createSimFaceEngine(initial: SimScene = "holder"): SimFaceEngine {
  let scene = initial;
  const calls: FaceRole[] = [];
  let closed = false;
  const face = (img: Image, who: "holder" | "stranger" | "chip", over: Partial<FaceObservation> = {}, at = 0.3): FaceObservation => {
    const side = Math.min(img.width, img.height) * (scene === "far-away" ? 0.05 : 0.4);
    return {
      box: { x: img.width * at, y: img.height * 0.3, width: side, height: side },
      confidence: 0.99,
      embedding: embedding(who),
      liveness: 0.95,
      sharpness: 0.6,
      yaw: 0,
      pitch: 0,
      ...over,
    };
  };
  return {
    embeddingId: "sim",
    calls,
    setScene(s) {
      scene = s;
    },
    scene: () => scene,
    followCard(card) {
      scene = card === null ? "nobody" : card.holderPresent ? "holder" : "stranger";
    },
    async analyse(image, role): Promise<FaceAnalysis> {
      await Promise.resolve();
      if (closed) throw new Error("face engine: closed");
      calls.push(role);
      if (role === "chip") return { faces: [face(image, "chip", { liveness: 1 })] };
      const answer = sceneFaces(image);
      // Same contract as the real engine: the gate pass has no embedding, the identity pass no liveness.
      if (role === "gate") return { faces: answer.faces.map((f) => ({ ...f, embedding: new Float32Array(0) })) };
      if (role === "identity") return { faces: answer.faces.map((f) => ({ ...f, liveness: 0 })) };
      return answer;
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };

  function sceneFaces(image: Image): FaceAnalysis {
    switch (scene) {
      case "holder":
      case "far-away":
        return { faces: [face(image, "holder")] };
      case "stranger":
        return { faces: [face(image, "stranger")] };
      case "nobody":
        return { faces: [] };
      case "two-people":
        return { faces: [face(image, "holder", {}, 0.1), face(image, "stranger", {}, 0.6)] };
      case "blurred":
        return { faces: [face(image, "holder", { sharpness: 0.02 })] };
      case "photo-of-holder":
        return { faces: [face(image, "holder", { liveness: 0.1 })] };
    }
  }
}

/**
 * Unit vectors with a fixed cosine to the chip vector e0: stranger = 0.05·e0 + √(1−0.05²)·e1. The holder's live
 * face is the chip vector nudged by 0.95·e0 + √(1−0.95²)·e2.
 */
function embedding(who: "holder" | "stranger" | "chip"): Float32Array {
  const v = new Float32Array(DIM);
  const mix = (a: number, axis: number) => {
    v[0] = a;
    v[axis] = Math.sqrt(1 - a * a);
  };
  if (who === "chip") v[0] = 1;
  else if (who === "stranger") mix(0.05, 1);
  else mix(0.95, 2);
  return v;
}
