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
 *   aborted signal kills the child (capture-process.ts).
 * - Flags verified in rpicam-apps `core/still_options.hpp` (ecosystem.md §1.3): `-n` no preview,
 *   `--immediate`, `-e jpg`, `--camera N`, `--codec mjpeg`, `-t 0` run until killed.
 * - Greyscale where it helps: the document role streams `--codec yuv420` (raw I420, one frame =
 *   w·h·3/2 bytes) and the card-face pipeline keeps the Y plane, so no JPEG is encoded on the Pi
 *   nor decoded by us. Width and height default to 1024 × 768, multiples of 64, so rows carry no
 *   padding (libcamera aligns YUV420 strides; second-hand from rpicam-apps' docs, not measured on a
 *   Pi here). The face role keeps MJPEG (colour, for the face detector); stills stay JPEG.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { CameraFailure, throwIfAborted, type CameraPort, type CameraRole, type CameraStatus, type Frame } from "./camera";
import { captureJpeg, kill, streamJpegs, streamRaw, type ToolRun } from "./capture-process";

export { MjpegSplitter } from "./mjpeg";

export interface RpicamOptions {
  readonly role: CameraRole;
  readonly index: number;
  readonly width?: number;
  readonly height?: number;
  readonly timeoutMs?: number;
  readonly framerate?: number;
  /** Stream format: "yuv420" (default for the document role) or "mjpeg" (default for the face role). */
  readonly stream?: "yuv420" | "mjpeg";
  /** Program names or paths (tests put fakes on PATH instead). */
  readonly stillBin?: string;
  readonly vidBin?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

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

  #run(bin: string, extra: string[]): ToolRun {
    const common = ["-n", "--camera", String(this.o.index), "--width", String(this.o.width ?? 1024), "--height", String(this.o.height ?? 768)];
    return { bin, args: [...common, ...extra], env: this.o.env ?? process.env, timeoutMs: this.o.timeoutMs ?? 5000, children: this.#children, now: this.o.now ?? Date.now };
  }

  #ready(signal: AbortSignal): void {
    throwIfAborted(signal);
    if (this.#status !== "ok") throw new CameraFailure({ kind: "missing", detail: `camera ${this.o.index} ${this.#status}` });
  }

  async still(signal: AbortSignal): Promise<Frame> {
    this.#ready(signal);
    try {
      return await captureJpeg(this.#run(this.o.stillBin ?? "rpicam-still", ["--immediate", "-e", "jpg", "-q", "90", "-t", "1", "-o", "-"]), signal);
    } catch (e) {
      if (e instanceof CameraFailure && e.error.kind === "missing") this.#status = "missing";
      throw e;
    }
  }

  async *frames(signal: AbortSignal): AsyncIterable<Frame> {
    this.#ready(signal);
    const stream = this.o.stream ?? (this.role === "document" ? "yuv420" : "mjpeg");
    const run = this.#run(this.o.vidBin ?? "rpicam-vid", ["-t", "0", "--codec", stream, "--framerate", String(this.o.framerate ?? 10), "-o", "-"]);
    if (stream === "mjpeg") {
      yield* streamJpegs(run, signal);
      return;
    }
    const width = this.o.width ?? 1024, height = this.o.height ?? 768;
    yield* streamRaw(run, { format: "yuv420", width, height, frameBytes: width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2) }, signal);
  }

  close(): Promise<void> {
    this.#status = "missing";
    for (const c of this.#children) kill(c);
    return Promise.resolve();
  }
}
