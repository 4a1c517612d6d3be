/**
 * The real camera on the Raspberry Pi camera stack: `rpicam-still` for single shots and `rpicam-vid`
 * (MJPEG on stdout) for frame streams, spawned with argument arrays (never a shell string). Not
 * node-libcamera: that package builds an unescaped shell string, hard-codes the retired `libcamera-*`
 * names (absent on current Raspberry Pi OS) and was last released in 2022 (ecosystem.md §1.3).
 *
 * Contract notes:
 * - `openRpicamCamera` asks `rpicam-still --list-cameras` once (bounded): status "missing" when the
 *   tool or the camera index is absent, "error" when the tool fails. It never falls back to a sim.
 * - Images travel over stdout pipes into memory (`-o -`); nothing is written to disk.
 * - Every capture is bounded (`timeoutMs`, default 5 s for a still, per frame for a stream) and an
 *   aborted signal kills the child (SIGTERM, then SIGKILL after 500 ms).
 * - Flags verified in rpicam-apps `core/still_options.hpp` (ecosystem.md §1.3): `-n` no preview,
 *   `--immediate`, `-e jpg`, `--camera N`, `--codec mjpeg`, `-t 0` run until killed.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { CameraFailure, throwIfAborted, type CameraPort, type CameraRole, type CameraStatus, type Frame } from "./camera";
import { encodedSize } from "./image-size";

export interface RpicamOptions {
  readonly role: CameraRole;
  readonly index: number;
  readonly width?: number;
  readonly height?: number;
  readonly timeoutMs?: number;
  readonly framerate?: number;
  /** Program names or paths (tests put fakes on PATH instead). */
  readonly stillBin?: string;
  readonly vidBin?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

const MAX_FRAME_BYTES = 20 << 20;

/** Parse `rpicam-still --list-cameras` output: the indices listed ("0 : imx708 [...]"). */
export function listedCameras(output: string): number[] {
  return [...output.matchAll(/^\s*(\d+)\s*:\s*\S+/gmu)].map((m) => Number(m[1]));
}

export async function openRpicamCamera(o: RpicamOptions): Promise<CameraPort> {
  const bin = o.stillBin ?? "rpicam-still";
  const status = await new Promise<CameraStatus>((resolve) => {
    execFile(bin, ["--list-cameras"], { timeout: o.timeoutMs ?? 5000, env: o.env ?? process.env }, (err, stdout) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") resolve("missing");
      else if (err) resolve("error");
      else resolve(listedCameras(stdout).includes(o.index) ? "ok" : "missing");
    });
  });
  return new RpicamCamera(o, status);
}

class RpicamCamera implements CameraPort {
  readonly role: CameraRole;
  #status: CameraStatus;
  readonly #children = new Set<ChildProcess>();

  constructor(
    private readonly o: RpicamOptions,
    status: CameraStatus,
  ) {
    this.role = o.role;
    this.#status = status;
  }

  status(): CameraStatus {
    return this.#status;
  }

  #common(): string[] {
    return ["-n", "--camera", String(this.o.index), "--width", String(this.o.width ?? 1024), "--height", String(this.o.height ?? 768)];
  }

  #spawn(bin: string, args: string[]): ChildProcess {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "ignore"], env: this.o.env ?? process.env });
    this.#children.add(child);
    child.on("close", () => this.#children.delete(child));
    child.on("error", () => this.#children.delete(child));
    return child;
  }

  async still(signal: AbortSignal): Promise<Frame> {
    throwIfAborted(signal);
    if (this.#status !== "ok") throw new CameraFailure({ kind: "missing", detail: `camera ${this.o.index} ${this.#status}` });
    const timeoutMs = this.o.timeoutMs ?? 5000;
    const args = [...this.#common(), "--immediate", "-e", "jpg", "-q", "90", "-t", "1", "-o", "-"];
    const child = this.#spawn(this.o.stillBin ?? "rpicam-still", args);
    const data = await new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (e: CameraFailure) => {
        cleanup();
        kill(child);
        for (const c of chunks) c.fill(0);
        reject(e);
      };
      const timer = setTimeout(() => fail(new CameraFailure({ kind: "timeout", afterMs: timeoutMs })), timeoutMs);
      const onAbort = () => fail(new CameraFailure({ kind: "aborted" }));
      signal.addEventListener("abort", onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      child.stdout?.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_FRAME_BYTES) fail(new CameraFailure({ kind: "capture-failed", detail: "image too large" }));
        else chunks.push(c);
      });
      child.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") this.#status = "missing";
        fail(new CameraFailure({ kind: e.code === "ENOENT" ? "missing" : "capture-failed", detail: e.code ?? "spawn" }));
      });
      child.on("close", (code) => {
        cleanup();
        const all = Buffer.concat(chunks);
        for (const c of chunks) c.fill(0);
        if (code !== 0) {
          all.fill(0);
          reject(new CameraFailure({ kind: "capture-failed", detail: `exit ${String(code)}` }));
        } else resolve(new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
      });
    });
    const size = encodedSize(data);
    if (!size || size.format !== "jpeg") {
      data.fill(0);
      throw new CameraFailure({ kind: "bad-image", detail: "rpicam-still did not return a JPEG" });
    }
    return { width: size.width, height: size.height, format: "jpeg", data, capturedAt: (this.o.now ?? Date.now)() };
  }

  async *frames(signal: AbortSignal): AsyncIterable<Frame> {
    throwIfAborted(signal);
    if (this.#status !== "ok") throw new CameraFailure({ kind: "missing", detail: `camera ${this.o.index} ${this.#status}` });
    const args = [...this.#common(), "-t", "0", "--codec", "mjpeg", "--framerate", String(this.o.framerate ?? 10), "-o", "-"];
    const child = this.#spawn(this.o.vidBin ?? "rpicam-vid", args);
    const splitter = new MjpegSplitter();
    const queue: Uint8Array[] = [];
    const state: { ended: CameraFailure | null } = { ended: null };
    let wake: (() => void) | null = null;
    const poke = () => {
      wake?.();
      wake = null;
    };
    child.stdout?.on("data", (c: Buffer) => {
      for (const f of splitter.push(c)) queue.push(f);
      c.fill(0);
      if (queue.length > 3) queue.shift()?.fill(0); // keep only fresh frames
      poke();
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      state.ended = new CameraFailure({ kind: e.code === "ENOENT" ? "missing" : "capture-failed", detail: e.code ?? "spawn" });
      poke();
    });
    child.on("close", (code) => {
      state.ended ??= new CameraFailure({ kind: "capture-failed", detail: `rpicam-vid exit ${String(code)}` });
      poke();
    });
    signal.addEventListener("abort", poke, { once: true });
    const timeoutMs = this.o.timeoutMs ?? 5000;
    try {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next) {
          const size = encodedSize(next);
          if (size) yield { width: size.width, height: size.height, format: "jpeg", data: next, capturedAt: (this.o.now ?? Date.now)() };
          continue;
        }
        if (state.ended) throw state.ended;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          timer = setTimeout(() => resolve(true), timeoutMs);
        });
        clearTimeout(timer);
        if (timedOut && queue.length === 0 && !signal.aborted) throw new CameraFailure({ kind: "timeout", afterMs: timeoutMs });
      }
    } finally {
      signal.removeEventListener("abort", poke);
      kill(child);
      for (const f of queue) f.fill(0);
      splitter.wipe();
    }
  }

  close(): Promise<void> {
    this.#status = "missing";
    for (const c of this.#children) kill(c);
    return Promise.resolve();
  }
}

function kill(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const t = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 500);
  t.unref();
}

/** Splits an MJPEG byte stream into JPEGs at SOI (FF D8) … EOI (FF D9) markers. */
export class MjpegSplitter {
  #buf = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const merged = new Uint8Array(this.#buf.length + chunk.length);
    merged.set(this.#buf, 0);
    merged.set(chunk, this.#buf.length);
    this.#buf.fill(0);
    const out: Uint8Array[] = [];
    let start = -1;
    let consumed = 0;
    for (let i = 0; i + 1 < merged.length; i++) {
      if (merged[i] !== 0xff) continue;
      const m = merged[i + 1];
      if (m === 0xd8 && start < 0) start = i;
      else if (m === 0xd9 && start >= 0) {
        out.push(merged.slice(start, i + 2));
        consumed = i + 2;
        start = -1;
        i++;
      }
    }
    const keepFrom = start >= 0 ? start : Math.max(consumed, merged.length - 1);
    this.#buf = merged.slice(keepFrom);
    if (this.#buf.length > MAX_FRAME_BYTES) this.#buf = new Uint8Array(0);
    merged.fill(0);
    return out;
  }

  wipe(): void {
    this.#buf.fill(0);
    this.#buf = new Uint8Array(0);
  }
}
