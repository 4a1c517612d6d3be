import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compare, cosineSimilarity, type FaceThresholds, type SideScores } from "../../../src/face/compare";

const T: FaceThresholds = { matchThreshold: 0.65, noMatchThreshold: 0.5, livenessThreshold: 0.5, minFacePixels: 80, minSharpness: 0.25 };
const chip: SideScores = { faces: 1, facePixels: 150, sharpness: 0.5, liveness: 1 };
const live: SideScores = { faces: 1, facePixels: 200, sharpness: 0.5, liveness: 0.9 };

describe("compare", () => {
  it("answers match at or above the match threshold when every quality gate passes", () => {
    expect(compare({ chip, live, similarity: 0.65 }, T)).toMatchObject({ decision: "match", reason: "same-person" });
  });

  it("answers no-match below the no-match threshold", () => {
    expect(compare({ chip, live, similarity: 0.49 }, T)).toMatchObject({ decision: "no-match", reason: "different-person" });
  });

  it("answers not-sure between the two thresholds", () => {
    expect(compare({ chip, live, similarity: 0.55 }, T)).toMatchObject({ decision: "not-sure", reason: "uncertain-similarity" });
  });

  it.each([
    ["no face in the live image", { ...live, faces: 0 }, "no-face"],
    ["several faces", { ...live, faces: 2 }, "several-faces"],
    ["a face below minFacePixels", { ...live, facePixels: 79 }, "face-too-small"],
    ["a face below minSharpness", { ...live, sharpness: 0.1 }, "face-too-blurred"],
    ["liveness below its threshold", { ...live, liveness: 0.2 }, "liveness-failed"],
  ] as const)("answers not-sure for %s even when the similarity is perfect", (_name, l, reason) => {
    expect(compare({ chip, live: l, similarity: 1 }, T)).toMatchObject({ decision: "not-sure", reason });
  });

  it("reports chip photo problems before anything about the live image", () => {
    const noLive = { ...live, faces: 0 };
    expect(compare({ chip: null, live: noLive, similarity: null }, T).reason).toBe("chip-photo-unreadable");
    expect(compare({ chip: { ...chip, faces: 0 }, live: noLive, similarity: null }, T).reason).toBe("chip-photo-no-face");
    expect(compare({ chip: { ...chip, faces: 2 }, live: noLive, similarity: null }, T).reason).toBe("chip-photo-several-faces");
  });

  it("never answers match unless every gate passes and the similarity reaches the threshold (property)", () => {
    const side = fc.record({
      faces: fc.integer({ min: 0, max: 4 }),
      facePixels: fc.integer({ min: 0, max: 500 }),
      sharpness: fc.double({ min: 0, max: 1, noNaN: true }),
      liveness: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(side, side, fc.option(fc.double({ min: -1, max: 1, noNaN: true })), (c, l, sim) => {
        const d = compare({ chip: c, live: l, similarity: sim }, T);
        if (d.decision === "match") {
          expect(c.faces).toBe(1);
          expect(l.faces).toBe(1);
          expect(l.facePixels).toBeGreaterThanOrEqual(T.minFacePixels);
          expect(l.sharpness).toBeGreaterThanOrEqual(T.minSharpness);
          expect(l.liveness).toBeGreaterThanOrEqual(T.livenessThreshold);
          expect(sim).not.toBeNull();
          expect(sim ?? 0).toBeGreaterThanOrEqual(T.matchThreshold);
        }
        if (d.decision === "no-match") expect(sim ?? 1).toBeLessThan(T.noMatchThreshold);
        expect(d.scores.similarity).toBe(sim);
      }),
    );
  });

  it("is monotonic: raising the similarity never turns a match into something else (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (s, bump) => {
        const rank = { "no-match": 0, "not-sure": 1, match: 2 } as const;
        const a = compare({ chip, live, similarity: s }, T).decision;
        const b = compare({ chip, live, similarity: Math.min(1, s + bump) }, T).decision;
        expect(rank[b]).toBeGreaterThanOrEqual(rank[a]);
      }),
    );
  });
});

describe("cosineSimilarity", () => {
  it("is 1 for a vector and a positive multiple of it, -1 for its negation, 0 for orthogonal ones", () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
  });

  it("answers 0 for zero vectors and mismatched lengths instead of NaN", () => {
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1, 2], [1, 2, 3])).toBe(0);
  });

  it("stays within [-1, 1] and is symmetric (property)", () => {
    const vec = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(vec, vec, (a, b) => {
        const s = cosineSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(-1 - 1e-9);
        expect(s).toBeLessThanOrEqual(1 + 1e-9);
        expect(s).toBeCloseTo(cosineSimilarity(b, a), 9);
      }),
    );
  });
});
