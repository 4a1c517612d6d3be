/**
 * Face-match calibration: labelled pairs in, false-accept / false-reject rates across thresholds out.
 *
 *   npm run calibrate:face [-- --target-far 0.01] [--json]
 *
 * Data: test/fixtures/faces/calibration.json names images inside installed npm packages
 * (@vladmandic/human's facematch screenshot, @vladmandic/face-api's six demo photographs) and how
 * to cut faces out of them; nothing is copied or written to disk. Each pair is compared the way the
 * kiosk does it: the "chip" side is made greyscale and round-tripped through JPEG 2000 (OpenJPEG
 * encoder at ratio 10, then the kiosk's own decoder, jp2.ts); the "live" side is a colour crop
 * handled like the capture policy's best frame (detected in colour, embedded in grey: sides.ts
 * greyEmbedding); both go through the real engine (human.ts); the score is the cosine similarity of
 * the embeddings (compare.ts).
 *
 * Pair classes:
 *  genuine-cross  one person in two different photographs (person M, 9 tiles → 36 pairs)
 *  genuine-same   one face of a group photo as "chip" (tight crop) vs the same photo as "live"
 *                 (wider crop, mirrored, 20 % darker): a pipeline check, NOT real-world evidence
 *  impostor       M vs 15 other people (both directions), and every two faces of one group photo
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { cosineSimilarity } from "../src/face/compare";
import { decodeImageFile } from "../src/image/decode";
import type { FaceObservation } from "../src/face/engine";
import { createHumanEngine, type HumanEngine } from "../src/face/human";
import { toGrey, type Box, type GreyImage, type RgbImage } from "../src/image/image";
import { createJp2Decoder, type Jp2Decoder } from "../src/face/jp2";
import { greyEmbedding } from "../src/face/sides";

interface Manifest {
  sources: Record<string, { package: string; path: string }>;
  tileGrid: { source: string; x0: number; colPitch: number; y0: number; rowPitch: number; width: number; height: number };
  people: { id: string; tiles: [number, number][] }[];
  groupPhotos: string[];
}

interface Sample {
  id: string;
  person: string;
  chip: Float32Array | null;
  live: Float32Array | null;
  liveFace: FaceObservation | null;
}

type PairClass = "genuine-cross" | "genuine-same" | "impostor";
interface Pair {
  a: string;
  b: string;
  cls: PairClass;
  score: number;
}

const root = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const json = args.includes("--json");
const farIdx = args.indexOf("--target-far");
const targetFar = farIdx >= 0 ? Number(args[farIdx + 1]) : 0.01;

const manifest = JSON.parse(readFileSync(path.join(root, "test/fixtures/faces/calibration.json"), "utf8")) as Manifest;
const require = createRequire(path.join(root, "package.json"));

function packageDir(name: string): string {
  // Neither package exports ./package.json; walk up from the resolved entry to the folder named like the package.
  let dir = path.dirname(require.resolve(name));
  while (!dir.endsWith(path.join(...name.split("/"))) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

async function loadSource(key: string): Promise<RgbImage> {
  const src = manifest.sources[key];
  if (!src) throw new Error(`unknown source ${key}`);
  const r = await decodeImageFile(readFileSync(path.join(packageDir(src.package), src.path)));
  if (!r.ok) throw new Error(`${key}: ${r.problem.kind}`);
  return r.image;
}

function crop(img: RgbImage, b: Box, mirror = false, gain = 1): RgbImage {
  const x0 = Math.max(0, Math.round(b.x));
  const y0 = Math.max(0, Math.round(b.y));
  const w = Math.min(img.width - x0, Math.round(b.width));
  const h = Math.min(img.height - y0, Math.round(b.height));
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = mirror ? x0 + w - 1 - x : x0 + x;
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = Math.min(255, (img.data[((y0 + y) * img.width + sx) * 3 + c] ?? 0) * gain);
    }
  }
  return { kind: "rgb", width: w, height: h, data: out };
}

function grow(b: Box, f: number, dy = 0): Box {
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2 + dy * b.height;
  return { x: cx - (b.width * f) / 2, y: cy - (b.height * f) / 2, width: b.width * f, height: b.height * f };
}

interface OpenJpegEncoderModule {
  J2KEncoder: new () => {
    getDecodedBuffer(info: object): Uint8Array;
    setQuality(lossless: boolean, q: number): void;
    setCompressionRatio(layer: number, ratio: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete(): void;
  };
}

async function makeChip(enc: OpenJpegEncoderModule, dec: Jp2Decoder, rgb: RgbImage): Promise<{ image: GreyImage; bytes: number }> {
  const grey = toGrey(rgb);
  const e = new enc.J2KEncoder();
  const buf = e.getDecodedBuffer({ width: grey.width, height: grey.height, bitsPerSample: 8, componentCount: 1, isSigned: false, isUsingColorTransform: false });
  buf.set(grey.data);
  e.setQuality(false, 0);
  e.setCompressionRatio(0, 10);
  e.encode();
  const j2k = e.getEncodedBuffer().slice();
  e.delete();
  const d = await dec.decode(j2k);
  if (!d.ok) throw new Error(`JPEG 2000 round trip failed: ${d.problem.kind}`);
  return { image: d.image, bytes: j2k.length };
}

function largest(faces: readonly FaceObservation[]): FaceObservation | null {
  let best: FaceObservation | null = null;
  for (const f of faces) if (!best || f.box.width > best.box.width) best = f;
  return best;
}

async function embed(engine: HumanEngine, img: GreyImage, role: "chip" | "live"): Promise<FaceObservation | null> {
  return largest((await engine.analyse(img, role)).faces);
}

/** The live side as the capture policy does it: detect on colour, embed the grey version. */
async function embedLive(engine: HumanEngine, img: RgbImage): Promise<{ face: FaceObservation; embedding: Float32Array } | null> {
  const face = largest((await engine.analyse(img, "live")).faces);
  if (!face) return null;
  return { face, embedding: (await greyEmbedding(engine, img, face)).embedding };
}

async function main(): Promise<void> {
  const engine = await createHumanEngine();
  const dec = await createJp2Decoder();
  const encFactory = require("@cornerstonejs/codec-openjpeg/wasmjs") as (o: object) => Promise<OpenJpegEncoderModule>;
  const enc = await encFactory({ print: () => {}, printErr: () => {} });
  const samples: Sample[] = [];
  const chipBytes: number[] = [];
  const missed: string[] = [];

  // Tiles of the facematch screenshot.
  const grid = manifest.tileGrid;
  const sheet = await loadSource(grid.source);
  for (const p of manifest.people) {
    for (const [r, c] of p.tiles) {
      const box = { x: grid.x0 + c * grid.colPitch, y: grid.y0 + r * grid.rowPitch, width: grid.width, height: grid.height };
      const tile = crop(sheet, box);
      const chip = await makeChip(enc, dec, tile);
      chipBytes.push(chip.bytes);
      const cf = await embed(engine, chip.image, "chip");
      const lf = await embedLive(engine, tile);
      const id = `${p.id}@${r},${c}`;
      if (!cf || !lf) missed.push(id);
      samples.push({ id, person: p.id, chip: cf?.embedding ?? null, live: lf?.embedding ?? null, liveFace: lf?.face ?? null });
    }
  }
  const groupSamples: Sample[][] = [];
  for (const key of manifest.groupPhotos) {
    const photo = await loadSource(key);
    const faces = (await engine.analyse(photo, "live")).faces.filter((f) => f.box.width >= 80);
    const group: Sample[] = [];
    for (const [k, f] of faces.entries()) {
      const chip = await makeChip(enc, dec, crop(photo, grow(f.box, 1.5, 0.05)));
      chipBytes.push(chip.bytes);
      const cf = await embed(engine, chip.image, "chip");
      const lf = await embedLive(engine, crop(photo, grow(f.box, 2.2), true, 0.8));
      const id = `${key}#${k}`;
      if (!cf || !lf) missed.push(id);
      group.push({ id, person: id, chip: cf?.embedding ?? null, live: lf?.embedding ?? null, liveFace: lf?.face ?? null });
    }
    groupSamples.push(group);
  }

  const pairs: Pair[] = [];
  const add = (a: Sample, b: Sample, cls: PairClass) => {
    if (a.chip && b.live) pairs.push({ a: a.id, b: b.id, cls, score: cosineSimilarity(a.chip, b.live) });
  };
  const m = samples.filter((s) => s.person === "M");
  const others = samples.filter((s) => s.person !== "M");
  for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) add(m[i]!, m[j]!, "genuine-cross");
  for (const a of m) for (const o of others) {
    add(a, o, "impostor");
    add(o, a, "impostor");
  }
  for (const g of groupSamples) {
    for (const s of g) add(s, s, "genuine-same");
    for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) if (i !== j) add(g[i]!, g[j]!, "impostor");
  }

  const liveFaces = [...samples, ...groupSamples.flat()].flatMap((s) => (s.liveFace ? [s.liveFace] : []));
  const of = (cls: PairClass) => pairs.filter((p) => p.cls === cls).map((p) => p.score);
  const genuine = [...of("genuine-cross"), ...of("genuine-same")];
  const cross = of("genuine-cross");
  const impostor = of("impostor");
  const rows: { t: number; far: number; frr: number; frrCross: number }[] = [];
  for (let t = 0.3; t <= 0.951; t += 0.05) {
    rows.push({
      t: Math.round(t * 100) / 100,
      far: rate(impostor, (s) => s >= t),
      frr: rate(genuine, (s) => s < t),
      frrCross: rate(cross, (s) => s < t),
    });
  }
  const maxImpostor = Math.max(...impostor);
  const minCross = Math.min(...cross);
  // Smallest threshold (0.01 steps) whose false-accept rate on these impostor pairs is ≤ the target.
  let atTarget = 1;
  for (let t = 0; t <= 1.0001; t += 0.01) {
    if (rate(impostor, (s) => s >= t) <= targetFar) {
      atTarget = Math.round(t * 100) / 100;
      break;
    }
  }
  const summary = {
    engine: engine.embeddingId,
    pairs: { genuineCross: cross.length, genuineSame: of("genuine-same").length, impostor: impostor.length },
    facesMissed: missed,
    chipJp2Bytes: { min: Math.min(...chipBytes), max: Math.max(...chipBytes) },
    scores: {
      genuineCross: stats(cross),
      genuineSame: stats(of("genuine-same")),
      impostor: stats(impostor),
    },
    liveQuality: {
      liveness: stats(liveFaces.map((f) => f.liveness)),
      sharpness: stats(liveFaces.map((f) => f.sharpness)),
      facePixels: stats(liveFaces.map((f) => Math.min(f.box.width, f.box.height))),
    },
    maxImpostor: round(maxImpostor),
    minGenuineCross: round(minCross),
    targetFar,
    thresholdAtTargetFar: atTarget,
    rows,
  };
  if (json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(`engine ${summary.engine}; chip side = grey + JPEG 2000 (${summary.chipJp2Bytes.min}–${summary.chipJp2Bytes.max} B)`);
    console.log(`pairs: genuine-cross ${cross.length}, genuine-same ${summary.pairs.genuineSame} (same photograph), impostor ${impostor.length}`);
    if (missed.length) console.log(`no face found in: ${missed.join(", ")}`);
    for (const [k, s] of Object.entries(summary.scores)) console.log(`${k.padEnd(13)} n=${s.n} min ${s.min} median ${s.median} max ${s.max}`);
    for (const [k, s] of Object.entries(summary.liveQuality)) console.log(`live ${k.padEnd(10)} n=${s.n} min ${s.min} median ${s.median} max ${s.max}`);
    console.log("");
    console.log("threshold   FAR (impostor ≥ t)   FRR all genuine   FRR cross-photo");
    for (const r of rows) console.log(`  ${r.t.toFixed(2)}      ${pct(r.far).padStart(7)}             ${pct(r.frr).padStart(7)}          ${pct(r.frrCross).padStart(7)}`);
    console.log("");
    console.log(`highest impostor score ${summary.maxImpostor}; lowest cross-photo genuine score ${summary.minGenuineCross}`);
    console.log(`threshold for FAR ≤ ${targetFar} on these pairs: ${atTarget}`);
  }
  await engine.close();
}

function rate(xs: number[], pred: (s: number) => boolean): number {
  return xs.length ? xs.filter(pred).length / xs.length : 0;
}
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
function stats(xs: number[]): { n: number; min: number; median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, min: round(s[0] ?? NaN), median: round(s[Math.floor(s.length / 2)] ?? NaN), max: round(s[s.length - 1] ?? NaN) };
}

await main();
