/**
 * The real face engine (Human on tfjs WASM, models from node_modules) on the fixtures in
 * test/fixtures/faces (provenance in its README). Thresholds are the configured defaults, so these
 * tests also check that the defaults separate the fixtures' same-person and different-person pairs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CameraPort, Frame } from "../../../src/camera/camera";
import { faceCompareCommand, type FaceCompareJson } from "../../../src/cli/face-compare";
import { parseConfig } from "../../../src/config";
import { checkFace } from "../../../src/face/capture";
import type { FaceThresholds } from "../../../src/face/compare";
import { createHumanEngine, type HumanEngine } from "../../../src/face/human";
import { createJp2Decoder, type Jp2Decoder } from "../../../src/face/jp2";
import { compareStill } from "../../../src/face/still";

const FIX = path.resolve(import.meta.dirname, "../../fixtures/faces");
const fix = (f: string) => new Uint8Array(readFileSync(path.join(FIX, f)));
const defaults = parseConfig({});
if (!defaults.ok) throw new Error("default config invalid");
const T: FaceThresholds = defaults.config.face;

function pngOf(width: number, height: number, fill: (x: number, y: number) => number): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = fill(x, y);
      png.data.set([v, v, v, 255], (y * width + x) * 4);
    }
  return new Uint8Array(PNG.sync.write(png));
}

describe("real face engine on the fixtures", () => {
  let engine: HumanEngine;
  let decoder: Jp2Decoder;
  beforeAll(async () => {
    engine = await createHumanEngine();
    decoder = await createJp2Decoder();
  });
  afterAll(async () => {
    await engine.close();
  });
  const still = (chip: string, live: Uint8Array | string) =>
    compareStill({ engine, decoder, thresholds: T }, fix(chip), typeof live === "string" ? fix(live) : live);

  it("runs on the WASM backend with every model loaded from the package", () => {
    expect(engine.backend).toBe("wasm");
    expect(engine.embeddingId).toMatch(/^human-3\.\d+\.\d+\/faceres$/);
  });

  it("matches one man's chip-like photo with a different photograph of him", async () => {
    const r = await still("chip-m.jp2", "live-m.jpg");
    expect(r.result.decision).toBe("match");
    expect(r.result.scores.similarity).toBeGreaterThanOrEqual(T.matchThreshold);
  });

  it("matches a chip-like photo with a wider, mirrored, darker colour view of the same photograph", async () => {
    const r = await still("chip-a.jp2", "live-a.jpg");
    expect(r.result.decision).toBe("match");
  });

  it.each([
    ["chip-a.jp2", "live-b.jpg"],
    ["chip-a.jp2", "live-m.jpg"],
    ["chip-m.jp2", "live-a.jpg"],
    ["chip-m.jp2", "live-b.jpg"],
  ])("answers no-match for different people (%s vs %s)", async (chip, live) => {
    const r = await still(chip, live);
    expect(r.result.decision).toBe("no-match");
    expect(r.result.scores.similarity).toBeLessThan(T.noMatchThreshold);
  });

  it("answers several-faces for a group photo", async () => {
    expect((await still("chip-a.jp2", "group.jpg")).result).toMatchObject({ decision: "not-sure", reason: "several-faces" });
  });

  it("answers face-too-small for a face far from the camera", async () => {
    const r = await still("chip-a.jp2", "tiny.jpg");
    expect(r.result).toMatchObject({ decision: "not-sure", reason: "face-too-small" });
    expect(r.result.scores.live?.facePixels).toBeLessThan(T.minFacePixels);
  });

  it("answers face-too-blurred for a blurred face", async () => {
    const r = await still("chip-a.jp2", "blurred.jpg");
    expect(r.result).toMatchObject({ decision: "not-sure", reason: "face-too-blurred" });
  });

  it("answers no-face for a black frame and for a flat grey frame", async () => {
    for (const v of [0, 128]) {
      const r = await still("chip-a.jp2", pngOf(640, 480, () => v));
      expect(r.result).toMatchObject({ decision: "not-sure", reason: "no-face" });
    }
  });

  it("answers chip-photo-no-face when the chip photo shows no face", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "face-"));
    try {
      const pgm = path.join(dir, "noise.pgm");
      const w = 180;
      const h = 224;
      const body = Buffer.alloc(w * h).map((_, i) => (i * 31 + (i >> 7) * 17) & 255);
      writeFileSync(pgm, Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`), body]));
      execFileSync("opj_compress", ["-i", pgm, "-o", path.join(dir, "noise.jp2"), "-r", "10"], { stdio: "ignore" });
      const r = await compareStill({ engine, decoder, thresholds: T }, new Uint8Array(readFileSync(path.join(dir, "noise.jp2"))), fix("live-a.jpg"));
      expect(r.result).toMatchObject({ decision: "not-sure", reason: "chip-photo-no-face" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("decodes the chip photo bit-exactly like opj_decompress", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "face-"));
    try {
      execFileSync("opj_decompress", ["-i", path.join(FIX, "chip-a.jp2"), "-o", path.join(dir, "ref.pgm")], { stdio: "ignore" });
      const ref = readFileSync(path.join(dir, "ref.pgm"));
      const pixels = ref.subarray(ref.length - 180 * 224);
      const r = await decoder.decode(fix("chip-a.jp2"));
      expect(r.ok).toBe(true);
      if (r.ok) expect(Buffer.from(r.image.data).equals(pixels)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("picks a usable frame from a camera that first shows nobody, then two people, then the holder", async () => {
    const seq = [pngOf(320, 240, () => 0), fix("group.jpg"), fix("live-m.jpg"), fix("live-m.jpg")];
    const handed: Frame[] = [];
    const camera: Pick<CameraPort, "frames"> = {
      async *frames() {
        for (const data of seq) {
          await Promise.resolve();
          const frame: Frame = { width: 0, height: 0, format: data[0] === 0xff ? "jpeg" : "png", data, capturedAt: Date.now() };
          handed.push(frame);
          yield frame;
        }
      },
    };
    const hints: (string | null)[] = [];
    const clock = {
      now: () => Date.now(),
      after(ms: number, fn: () => void) {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
    };
    const r = await checkFace(
      { camera, engine, decoder, config: { ...T, goodFrames: 2 }, clock, onHint: (h) => hints.push(h) },
      fix("chip-m.jp2"),
      new AbortController().signal,
      60_000,
    );
    expect(r.decision).toBe("match");
    expect(hints.slice(0, 2)).toEqual(["look", "one-person"]);
    for (const f of handed) expect(f.data.every((b) => b === 0)).toBe(true);
  });

  it("leaks no tfjs tensors across comparisons", async () => {
    await still("chip-a.jp2", "live-a.jpg");
    const before = engine.tensors();
    for (let i = 0; i < 3; i++) await still("chip-a.jp2", "live-a.jpg");
    expect(engine.tensors()).toBe(before);
  });
});

describe("kioskctl face-compare", () => {
  it("prints the scores and the decision as JSON and exits 0 for a match", async () => {
    let out = "";
    const code = await faceCompareCommand.run([path.join(FIX, "chip-m.jp2"), path.join(FIX, "live-m.jpg"), "--json"], {
      out: (t) => (out += t),
      err: () => {},
      env: {},
    });
    const j = JSON.parse(out) as FaceCompareJson;
    expect(code).toBe(0);
    expect(j.decision).toBe("match");
    expect(j.scores.similarity).toBeGreaterThan(j.thresholds.matchThreshold);
    expect(j.scores.live?.faces).toBe(1);
  });

  it("exits 4 with the decoder's reason when the chip photo is a JPEG", async () => {
    let out = "";
    const code = await faceCompareCommand.run([path.join(FIX, "live-a.jpg"), path.join(FIX, "live-b.jpg"), "--json"], {
      out: (t) => (out += t),
      err: () => {},
      env: {},
    });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({ decision: "not-sure", reason: "chip-photo-unreadable", chipProblem: { kind: "not-jp2", looksLike: "jpeg" } });
  });

  it("exits 2 with usage help when a file is missing", async () => {
    let err = "";
    const code = await faceCompareCommand.run([path.join(FIX, "chip-a.jp2")], { out: () => {}, err: (t) => (err += t), env: {} });
    expect(code).toBe(2);
    expect(err).toContain("CHIP_PHOTO");
  });
});

