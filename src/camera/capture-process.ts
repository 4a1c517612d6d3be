/**
 * Capture tools as child processes, shared by the real adapters (rpicam.ts, v4l2.ts): spawn with an
 * argument array (never a shell), read the image over the stdout pipe into memory, bound every wait,
 * kill on abort (SIGTERM, then SIGKILL after 500 ms). Errors are CameraFailure with a typed reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CameraFailure, type Frame, type FrameFormat } from "./camera";
import { encodedSize } from "./image-size";
import { MjpegSplitter } from "./mjpeg";

export const MAX_FRAME_BYTES = 20 << 20;

export interface ToolRun {
  readonly bin: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Live children, so the port's close() can stop them. */
  readonly children: Set<ChildProcess>;
  readonly now: () => number;
}

function start(run: ToolRun): ChildProcess {
  const child = spawn(run.bin, [...run.args], { stdio: ["ignore", "pipe", "ignore"], env: run.env });
  run.children.add(child);
  child.on("close", () => run.children.delete(child));
  child.on("error", () => run.children.delete(child));
  return child;
}

export function kill(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const t = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 500);
  t.unref();
}

function failureOf(e: NodeJS.ErrnoException): CameraFailure {
  return new CameraFailure({ kind: e.code === "ENOENT" ? "missing" : "capture-failed", detail: e.code ?? "spawn" });
}

/** Run the tool once; its whole stdout must be one JPEG. */
export async function captureJpeg(run: ToolRun, signal: AbortSignal): Promise<Frame> {
  if (signal.aborted) throw new CameraFailure({ kind: "aborted" });
  const child = start(run);
  const data = await new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (e: CameraFailure | null, bytes?: Uint8Array) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      kill(child);
      for (const c of chunks) c.fill(0);
      if (e) reject(e);
      else resolve(bytes ?? new Uint8Array(0));
    };
    const timer = setTimeout(() => finish(new CameraFailure({ kind: "timeout", afterMs: run.timeoutMs })), run.timeoutMs);
    const onAbort = () => finish(new CameraFailure({ kind: "aborted" }));
    signal.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_FRAME_BYTES) finish(new CameraFailure({ kind: "capture-failed", detail: "image too large" }));
      else chunks.push(c);
    });
    child.on("error", (e: NodeJS.ErrnoException) => finish(failureOf(e)));
    child.on("close", (code) => {
      if (code !== 0) return finish(new CameraFailure({ kind: "capture-failed", detail: `exit ${String(code)}` }));
      // The whole output is the image: rpicam-still's JPEG carries an EXIF thumbnail with its own
      // EOI marker, so it must not go through the MJPEG splitter.
      const all = Buffer.concat(chunks);
      finish(null, new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
    });
  });
  const size = encodedSize(data);
  if (!size || size.format !== "jpeg") {
    data.fill(0);
    throw new CameraFailure({ kind: "bad-image", detail: `${run.bin} did not return a JPEG` });
  }
  return { width: size.width, height: size.height, format: "jpeg", data, capturedAt: run.now() };
}

/** Cuts a byte stream into frames (MJPEG at markers, raw formats by size). */
interface Splitter {
  push(chunk: Uint8Array): Uint8Array[];
  wipe(): void;
}

/**
 * Splits a stream of raw frames of a fixed size (rpicam `--codec yuv420`, v4l2 GREY/YUYV). Every
 * buffer it drops is zeroed.
 */
export class FixedSizeSplitter implements Splitter {
  #buf: Uint8Array;
  #fill = 0;

  constructor(readonly frameBytes: number) {
    this.#buf = new Uint8Array(frameBytes);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      const n = Math.min(this.frameBytes - this.#fill, chunk.length - i);
      this.#buf.set(chunk.subarray(i, i + n), this.#fill);
      this.#fill += n;
      i += n;
      if (this.#fill === this.frameBytes) {
        out.push(this.#buf);
        this.#buf = new Uint8Array(this.frameBytes);
        this.#fill = 0;
      }
    }
    return out;
  }

  wipe(): void {
    this.#buf.fill(0);
    this.#fill = 0;
  }
}

/** Raw frames: their format and size, fixed for the stream. */
export interface RawStream {
  readonly format: Exclude<FrameFormat, "jpeg" | "png">;
  readonly width: number;
  readonly height: number;
  readonly frameBytes: number;
}

/** Run the tool as an MJPEG stream; yield its newest frames until the signal aborts or the consumer
 *  stops. No frame within `timeoutMs` → CameraFailure timeout. At most 3 frames are queued. */
export function streamJpegs(run: ToolRun, signal: AbortSignal): AsyncIterable<Frame> {
  return streamFrames(run, new MjpegSplitter(MAX_FRAME_BYTES), (data) => {
    const size = encodedSize(data);
    return size ? { width: size.width, height: size.height, format: "jpeg", data, capturedAt: run.now() } : null;
  }, signal);
}

/** Run the tool as a stream of raw frames of one fixed size (same bounds as streamJpegs). */
export function streamRaw(run: ToolRun, raw: RawStream, signal: AbortSignal): AsyncIterable<Frame> {
  if (!(raw.frameBytes > 0 && raw.frameBytes <= MAX_FRAME_BYTES)) throw new CameraFailure({ kind: "capture-failed", detail: "bad raw frame size" });
  return streamFrames(run, new FixedSizeSplitter(raw.frameBytes), (data) => ({ width: raw.width, height: raw.height, format: raw.format, data, capturedAt: run.now() }), signal);
}

async function* streamFrames(run: ToolRun, splitter: Splitter, toFrame: (data: Uint8Array) => Frame | null, signal: AbortSignal): AsyncIterable<Frame> {
  if (signal.aborted) throw new CameraFailure({ kind: "aborted" });
  const child = start(run);
  const queue: Uint8Array[] = [];
  const state: { ended: CameraFailure | null; wake: (() => void) | null } = { ended: null, wake: null };
  const poke = () => {
    state.wake?.();
    state.wake = null;
  };
  child.stdout?.on("data", (c: Buffer) => {
    for (const f of splitter.push(c)) queue.push(f);
    c.fill(0);
    while (queue.length > 3) queue.shift()?.fill(0);
    poke();
  });
  child.on("error", (e: NodeJS.ErrnoException) => {
    state.ended = failureOf(e);
    poke();
  });
  child.on("close", (code) => {
    state.ended ??= new CameraFailure({ kind: "capture-failed", detail: `${run.bin} exit ${String(code)}` });
    poke();
  });
  signal.addEventListener("abort", poke, { once: true });
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next) {
        const frame = toFrame(next);
        if (frame) yield frame;
        else next.fill(0);
        continue;
      }
      if (state.ended) throw state.ended;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        state.wake = () => resolve(false);
        timer = setTimeout(() => resolve(true), run.timeoutMs);
      });
      clearTimeout(timer);
      if (timedOut && queue.length === 0 && !signal.aborted) throw new CameraFailure({ kind: "timeout", afterMs: run.timeoutMs });
    }
  } finally {
    signal.removeEventListener("abort", poke);
    kill(child);
    for (const f of queue) f.fill(0);
    splitter.wipe();
  }
}
