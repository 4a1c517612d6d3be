/**
 * The face engine port's contract (src/face/engine.ts), run against both implementations: the
 * simulator always, the real Human engine with its models from node_modules.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeImageFile } from "../../../src/image/decode";
import type { FaceEngine } from "../../../src/face/engine";
import { createHumanEngine } from "../../../src/face/human";
import type { RgbImage } from "../../../src/image/image";
import { createSimFaceEngine } from "../../../src/face/sim";

const live = await decodeImageFile(new Uint8Array(readFileSync(new URL("../../fixtures/faces/live-a.jpg", import.meta.url))));
if (!live.ok) throw new Error("fixture");
const face: RgbImage = live.image;

describe.each([
  ["simulated", (): Promise<FaceEngine> => Promise.resolve(createSimFaceEngine("holder"))],
  ["Human (WASM)", (): Promise<FaceEngine> => createHumanEngine()],
])("face engine contract: %s", (_name, make) => {
  it("finds one face in a portrait, with a box inside the image, scores in [0, 1] and a non-zero embedding", async () => {
    const engine = await make();
    try {
      const a = await engine.analyse(face, "live");
      expect(a.faces.length).toBe(1);
      const f = a.faces[0]!;
      expect(f.box.x).toBeGreaterThanOrEqual(0);
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(face.width + 1);
      for (const v of [f.confidence, f.liveness]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(f.embedding.length).toBeGreaterThan(16);
      expect(f.embedding.some((v) => v !== 0)).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it("does not modify the caller's pixels", async () => {
    const engine = await make();
    try {
      const copy = face.data.slice();
      await engine.analyse(face, "live");
      expect(Buffer.from(face.data).equals(Buffer.from(copy))).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it("rejects after close instead of answering", async () => {
    const engine = await make();
    await engine.close();
    await expect(engine.analyse(face, "live")).rejects.toThrow();
  });
});

describe("face engine contract: Human on an empty scene", () => {
  it("answers faces: [] (not an exception) for a black frame", async () => {
    const engine = await createHumanEngine();
    try {
      const black: RgbImage = { kind: "rgb", width: 320, height: 240, data: new Uint8Array(320 * 240 * 3) };
      expect((await engine.analyse(black, "live")).faces).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
