/**
 * USB (UVC) cameras through V4L2, driven by `v4l2-ctl` from Debian's v4l-utils with argument arrays:
 * the camera's own MJPEG frames go to stdout (`--stream-to=-`) and are split at JPEG markers, so no
 * native binding and no disk. Flags checked against `v4l2-ctl --help-streaming` / `--help-vidcap`
 * (v4l-utils 1.22, Debian bookworm): `--set-fmt-video=width=W,height=H,pixelformat=MJPG`,
 * `--stream-mmap=3`, `--stream-skip=N` (the first frames of many UVC cameras are dark while auto
 * exposure settles), `--stream-count=N` (omitted = forever).
 *
 * Not tried on a real USB camera here (none attached); tested against a fake `v4l2-ctl` on PATH.
 * Caveat: some UVC cameras send MJPEG without Huffman tables (AVI1); if libvips cannot decode those,
 * the card-face pipeline then answers "bad-image" (unsure), never a wrong reading.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { CameraFailure, throwIfAborted, type CameraPort, type CameraRole, type CameraStatus, type Frame } from "./camera";
import { captureJpeg, kill, streamJpegs, type ToolRun } from "./capture-process";

export interface V4l2Options {
  readonly role: CameraRole;
  /** /dev/videoN */
  readonly device: string;
  readonly width?: number;
  readonly height?: number;
  readonly timeoutMs?: number;
  /** Frames dropped before a still (auto exposure). Default 5. */
  readonly skip?: number;
  readonly bin?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

export async function openV4l2Camera(o: V4l2Options): Promise<CameraPort> {
  const status = await new Promise<CameraStatus>((resolve) => {
    if (!/^\/dev\/video\d+$/.test(o.device)) return resolve("missing");
    execFile(o.bin ?? "v4l2-ctl", ["-d", o.device, "--get-fmt-video"], { timeout: o.timeoutMs ?? 5000, env: o.env ?? process.env }, (err) => {
      // ENOENT: v4l-utils not installed; any other failure: no such capture device.
      resolve(err ? "missing" : "ok");
    });
  });
  return new V4l2Camera(o, status);
}

class V4l2Camera implements CameraPort {
  readonly role: CameraRole;
  #status: CameraStatus;
  readonly #children = new Set<ChildProcess>();

  constructor(
    private readonly o: V4l2Options,
    status: CameraStatus,
  ) {
    this.role = o.role;
    this.#status = status;
  }

  status(): CameraStatus {
    return this.#status;
  }

  #run(extra: string[]): ToolRun {
    const fmt = `--set-fmt-video=width=${this.o.width ?? 1024},height=${this.o.height ?? 768},pixelformat=MJPG`;
    return {
      bin: this.o.bin ?? "v4l2-ctl",
      args: ["-d", this.o.device, fmt, "--stream-mmap=3", ...extra, "--stream-to=-"],
      env: this.o.env ?? process.env,
      timeoutMs: this.o.timeoutMs ?? 5000,
      children: this.#children,
      now: this.o.now ?? Date.now,
    };
  }

  #ready(signal: AbortSignal): void {
    throwIfAborted(signal);
    if (this.#status !== "ok") throw new CameraFailure({ kind: "missing", detail: `${this.o.device} ${this.#status}` });
  }

  still(signal: AbortSignal): Promise<Frame> {
    this.#ready(signal);
    return captureJpeg(this.#run([`--stream-skip=${this.o.skip ?? 5}`, "--stream-count=1"]), signal);
  }

  async *frames(signal: AbortSignal): AsyncIterable<Frame> {
    this.#ready(signal);
    yield* streamJpegs(this.#run(["--stream-skip=2"]), signal);
  }

  close(): Promise<void> {
    this.#status = "missing";
    for (const c of this.#children) kill(c);
    return Promise.resolve();
  }
}
