/**
 * Real face engine: @vladmandic/human 3.3.6 on the tfjs WASM backend, fully offline.
 *
 * Models (all inside the npm package's models/ folder, loaded from local files, never from a hub):
 * blazeface (detector), facemesh (landmarks, pose), faceres (1024-value identity embedding),
 * antispoof ("real" score) and liveness ("live" score). Licences: see README section "face".
 *
 * Gotchas handled here (ecosystem.md §5):
 * - The package's exports map has no "./package.json"; its root is found from the resolved "node"
 *   entry (dist/human.node.js) and dist/human.node-wasm.js is required by file path.
 * - Human loads models with the global `fetch`, and Node's fetch refuses file:// URLs. During
 *   `load()` only, `globalThis.fetch` is wrapped so that file:// URLs *inside the models folder* are
 *   read from disk; every other URL goes to the original fetch; the original is restored in `finally`.
 * - The WASM backend is given the folder of @tensorflow/tfjs-backend-wasm's .wasm files, or it
 *   would try a CDN.
 * - Every per-model cache is off (skipFrames 0, skipTime 0, cacheSensitivity 0): each call sees one
 *   image only, and nothing of one customer can leak into the next call.
 *
 * `close()` only marks the engine closed: Human keeps loaded models in module-level caches of its
 * own, which a second engine in the same process reuses (disposing them would break it), so the
 * models' memory (~10 MiB of weights) goes with the process. The daemon makes one engine.
 *
 * Measured (x86 dev VM, bench:face): load 0.1 s on a quiet machine (≈ 1 s with the team's load);
 * detect + mesh + embed + antispoof + liveness of a 480×645 frame with one face: 134 ms CPU (p50).
 * Live tfjs tensors stay at 402 (the weights) across calls: nothing leaks per call.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FaceAnalysis, FaceEngine, FaceObservation, FaceRole } from "./engine";
import { toGrey, type Image } from "../image/image";
import { sharpness } from "./quality";

/** The slice of Human's API this adapter uses (the package's own types pull in all of tfjs). */
interface HumanFace {
  box: [number, number, number, number];
  score: number;
  embedding?: number[];
  real?: number;
  live?: number;
  rotation?: { angle: { yaw: number; pitch: number; roll: number } } | null;
}
interface HumanTensor {
  dispose(): void;
}
interface HumanGraphModel {
  inputs?: { shape?: number[]; dtype?: string }[];
  /** tfjs-converter's GraphModel keeps the artifacts it was loaded from, the weight file bytes included. */
  artifacts?: { weightData?: unknown };
  execute(input: HumanTensor): HumanTensor | HumanTensor[];
}
interface HumanInstance {
  version: string;
  models: { models: Record<string, HumanGraphModel | null | undefined> };
  load(): Promise<void>;
  detect(input: HumanTensor, config?: Record<string, unknown>): Promise<{ face: HumanFace[]; error?: string | null }>;
  tf: {
    ready(): Promise<void>;
    getBackend(): string;
    tensor3d(values: Uint8Array, shape: [number, number, number], dtype: "int32"): HumanTensor;
    zeros(shape: number[], dtype?: string): HumanTensor;
    dispose(t: HumanTensor | HumanTensor[]): void;
    engine(): { endScope?(): void; reset?(): void };
    memory(): { numTensors: number; numBytes: number };
  };
}
type HumanConstructor = new (config: Record<string, unknown>) => HumanInstance;

export interface HumanEngineOptions {
  /** Most faces reported per image; more are still counted up to this number ("several faces"). */
  readonly maxFaces?: number;
  /** Detector confidence below which a face is ignored. */
  readonly minConfidence?: number;
  /**
   * Run every model once before the factory returns (default true), so that the first customer after
   * a start does not pay for the backend's first-call setup (see `warmUp`).
   */
  readonly warmUp?: boolean;
}

export interface HumanEngine extends FaceEngine {
  /** Backend actually in use ("wasm"); the factory fails if it is anything else. */
  readonly backend: string;
  /** Live tfjs tensors (for the leak check in the benchmark and tests). */
  tensors(): number;
  /** How long the warm-up took in the factory (0 when `warmUp: false`). */
  readonly warmUpMs: number;
}

/** Human logs and carries on when a model file fails to load; the factory refuses instead. */
const REQUIRED_MODELS = ["blazeface", "facemesh", "faceres", "antispoof", "liveness"] as const;

/** Paths of the installed packages, resolved at run time (esbuild bundles src with node_modules external). */
export function humanPaths(): { humanDir: string; modelsDir: string; wasmDir: string } {
  const require = createRequire(import.meta.url);
  const humanDir = path.resolve(path.dirname(require.resolve("@vladmandic/human")), "..");
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  return { humanDir, modelsDir: path.join(humanDir, "models"), wasmDir };
}

/** Async factory: loads the models and warms the backend; the returned engine is ready to use. */
export async function createHumanEngine(options: HumanEngineOptions = {}): Promise<HumanEngine> {
  const { humanDir, modelsDir, wasmDir } = humanPaths();
  const require = createRequire(import.meta.url);
  const { Human } = require(path.join(humanDir, "dist", "human.node-wasm.js")) as { Human: HumanConstructor };
  const faceConfig = (role: FaceRole) => faceModels(role, options);
  const human = new Human({
    backend: "wasm",
    wasmPath: wasmDir + path.sep,
    modelBasePath: pathToFileUrl(modelsDir) + "/",
    debug: false,
    cacheModels: false,
    cacheSensitivity: 0,
    warmup: "none",
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    // Every model enabled here so that load() loads them all; each call then enables what its role needs.
    face: faceConfig("live"),
  });
  await withFileFetch(modelsDir, () => human.load());
  await human.tf.ready();
  const missing = REQUIRED_MODELS.filter((m) => !human.models.models[m]);
  if (missing.length > 0) throw new Error(`face engine: models not loaded from ${modelsDir}: ${missing.join(", ")}`);
  releaseWeightFiles(human);
  const backend = human.tf.getBackend();
  if (backend !== "wasm") throw new Error(`face engine: expected the wasm backend, got ${backend}`);
  let closed = false;
  let warmUpMs = 0;

  const engine: HumanEngine = {
    backend,
    get warmUpMs() {
      return warmUpMs;
    },
    embeddingId: `human-${human.version}/faceres`,
    tensors: () => human.tf.memory().numTensors,
    async analyse(image: Image, role: FaceRole): Promise<FaceAnalysis> {
      if (closed) throw new Error("face engine: closed");
      const rgb = image.kind === "rgb" ? image.data : expandGrey(image.data);
      const input = human.tf.tensor3d(rgb, [image.height, image.width, 3], "int32");
      if (rgb !== image.data) rgb.fill(0);
      let faces: HumanFace[];
      try {
        // Human merges a per-call config into its own; the whole face section is passed every time.
        const result = await human.detect(input, { face: faceConfig(role) });
        if (result.error) throw new Error(`face engine: ${result.error}`);
        faces = result.face;
      } finally {
        input.dispose();
      }
      const grey = toGrey(image);
      try {
        return { faces: faces.map((f) => observe(f, grey, role)) };
      } finally {
        grey.data.fill(0);
        for (const f of faces) f.embedding?.fill(0);
      }
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
  if (options.warmUp !== false) warmUpMs = await warmUp(human);
  return engine;
}

/**
 * Which models run for each role (engine.ts): the identity embedder (faceres, ~100 ms CPU of a
 * frame's ~140 here) only for "chip", "identity" and "live"; antispoof + liveness (~8 ms) only for
 * "gate" and "live". Detector and mesh (box, pose) always.
 */
function faceModels(role: FaceRole, options: HumanEngineOptions): Record<string, unknown> {
  const off = { skipFrames: 0, skipTime: 0 };
  const embed = role !== "gate";
  const live = role === "gate" || role === "live";
  return {
    enabled: true,
    detector: {
      ...off,
      rotation: false,
      maxDetected: options.maxFaces ?? 5,
      minConfidence: options.minConfidence ?? 0.5,
      return: false,
    },
    mesh: { enabled: true },
    iris: { enabled: false },
    emotion: { enabled: false },
    attention: { enabled: false },
    description: { enabled: embed, ...off },
    antispoof: { enabled: live, ...off },
    liveness: { enabled: live, ...off },
  };
}

function observe(f: HumanFace, grey: ReturnType<typeof toGrey>, role: FaceRole): FaceObservation {
  const [x, y, width, height] = f.box;
  const box = { x, y, width, height };
  const liveness = role === "chip" ? 1 : role === "identity" ? 0 : Math.min(f.real ?? 0, f.live ?? 0);
  return {
    box,
    confidence: f.score,
    embedding: role === "gate" ? new Float32Array(0) : Float32Array.from(f.embedding ?? []),
    liveness,
    sharpness: sharpness(grey, box),
    yaw: f.rotation?.angle.yaw ?? 0,
    pitch: f.rotation?.angle.pitch ?? 0,
  };
}

/**
 * Memory (issue 16): once loaded, every model's weights live in WASM tensors; tfjs-converter's
 * GraphModel still holds the weight files it decoded them from (`artifacts.weightData`, ~10 MiB of
 * float16 bytes for the five models), which it reads again only to `save()` the model. Dropping that
 * reference frees them (measured: arrayBuffers 10.1 → 0.1 MiB, same embeddings after).
 */
function releaseWeightFiles(human: HumanInstance): void {
  for (const model of Object.values(human.models.models)) if (model?.artifacts) model.artifacts.weightData = undefined;
}

/**
 * Engine-level warm-up (issue 16): each loaded model runs once on zeros of its own input shape (batch
 * 1; free dimensions 64), then the whole pipeline on a blank 480×640 frame (a typical camera frame;
 * no face, so only the detector runs on it). This sets up every model's kernels and grows the WASM
 * heap to a frame's size. Measured here: the first gate + identity pass after load 796 ms CPU
 * without, 322 ms with (later ones ~240 ms). The rest of the first-call cost is on the path behind
 * a detected face; the daemon runs the whole face step on a sample portrait for that (face/warm.ts).
 */
async function warmUp(human: HumanInstance): Promise<number> {
  const t0 = performance.now();
  for (const model of Object.values(human.models.models)) {
    if (!model) continue;
    const spec = model.inputs?.[0];
    const shape = (spec?.shape ?? [1, 64, 64, 3]).map((d, i) => (d > 0 ? d : i === 0 ? 1 : 64));
    const input = human.tf.zeros(shape, spec?.dtype ?? "float32");
    try {
      const out = model.execute(input);
      human.tf.dispose(Array.isArray(out) ? out : [out]);
    } catch {
      // A model whose graph needs async execution is warmed by the full pass below instead.
    } finally {
      input.dispose();
    }
  }
  const blank = human.tf.tensor3d(new Uint8Array(480 * 640 * 3).fill(128), [640, 480, 3], "int32");
  try {
    // Twice: the second pass sees the grown heap, as a customer's first frame will.
    await human.detect(blank, { face: faceModels("live", {}) });
    await human.detect(blank, { face: faceModels("live", {}) });
  } finally {
    blank.dispose();
  }
  return Math.round(performance.now() - t0);
}

function expandGrey(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length * 3);
  for (let i = 0, j = 0; i < data.length; i++, j += 3) {
    const v = data[i] ?? 0;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
  }
  return out;
}

function pathToFileUrl(p: string): string {
  return "file://" + p.split(path.sep).map(encodeURIComponent).join("/");
}

/** Run `fn` with a fetch that serves file:// URLs below `root` from disk (see the module comment). */
async function withFileFetch<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const rootAbs = path.resolve(root) + path.sep;
  const fileFetch: typeof fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith("file:")) return original(input, init);
    const file = path.resolve(fileURLToPath(url));
    if (!file.startsWith(rootAbs)) return new Response(null, { status: 403, statusText: "outside the models folder" });
    try {
      const body = await readFile(file);
      const type = file.endsWith(".json") ? "application/json" : "application/octet-stream";
      return new Response(body, { status: 200, headers: { "content-type": type } });
    } catch {
      return new Response(null, { status: 404, statusText: "model file missing" });
    }
  };
  globalThis.fetch = fileFetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = original;
  }
}
