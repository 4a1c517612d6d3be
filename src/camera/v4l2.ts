/**
 * USB (UVC) cameras through V4L2, driven by `v4l2-ctl` from Debian's v4l-utils with argument arrays:
 * the camera's own MJPEG frames go to stdout (`--stream-to=-`) and are split at JPEG markers, so no
 * native binding and no disk. Flags checked against `v4l2-ctl --help-streaming` / `--help-vidcap`
 * (v4l-utils 1.22, Debian bookworm): `--set-fmt-video=width=W,height=H,pixelformat=MJPG`,
 * `--stream-mmap=3`, `--stream-skip=N` (the first frames of many UVC cameras are dark while auto
 * exposure settles), `--stream-count=N` (omitted = forever).
 *
 * Greyscale where the camera offers it: at open the adapter lists the camera's formats
 * (`--list-formats`); the document role then streams `GREY` (1 byte a pixel), else `YUYV` (the
 * pipeline keeps the Y bytes), else `MJPG`; the face role streams `MJPG` (colour), stills are MJPG.
 * Raw frames are cut by size (w·h or w·h·2), so the configured size must be one the camera offers
 * (a driver that substitutes another size makes the frames unreadable: "bad-image", never a reading).
 *
 * Not tried on a real USB camera here (none attached); tested against a fake `v4l2-ctl` on PATH.
 * Caveat: some UVC cameras send MJPEG without Huffman tables (AVI1); if libvips cannot decode those,
 * the card-face pipeline then answers "bad-image" (unsure), never a wrong reading.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { CameraFailure, throwIfAborted, type CameraPort, type CameraRole, type CameraStatus, type Frame } from "./camera";
import { captureJpeg, kill, streamJpegs, streamRaw, type ToolRun } from "./capture-process";

/** Pixel formats this adapter can stream, in the order the document role prefers them. */
export type V4l2PixelFormat = "GREY" | "YUYV" | "MJPG";

/** The fourcc codes in `v4l2-ctl --list-formats` output ("[0]: 'YUYV' (YUYV 4:2:2)"). */
export function listedFormats(output: string): string[] {
  return [...output.matchAll(/\[\d+\]:\s*'([0-9A-Z ]{4})'/g)].map((m) => (m[1] ?? "").trim());
}

/** The stream format for a role: grey first for the card face, colour (MJPG) for the face. */
export function chooseFormat(role: CameraRole, listed: readonly string[]): V4l2PixelFormat {
  if (role === "document") {
    if (listed.includes("GREY")) return "GREY";
    if (listed.includes("YUYV")) return "YUYV";
  }
  return "MJPG";
}

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
  /** Force a stream format instead of choosing from the camera's list. */
  readonly stream?: V4l2PixelFormat;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

export async function openV4l2Camera(o: V4l2Options): Promise<CameraPort> {
  const { status, formats } = await new Promise<{ status: CameraStatus; formats: string[] }>((resolve) => {
    if (!/^\/dev\/video\d+$/.test(o.device)) return resolve({ status: "missing", formats: [] });
    execFile(o.bin ?? "v4l2-ctl", ["-d", o.device, "--list-formats"], { timeout: o.timeoutMs ?? 5000, env: o.env ?? process.env }, (err, stdout) => {
      // ENOENT: v4l-utils not installed; any other failure: no such capture device.
      resolve(err ? { status: "missing", formats: [] } : { status: "ok", formats: listedFormats(stdout) });
    });
  });
  return new V4l2Camera(o, status, o.stream ?? chooseFormat(o.role, formats));
}

class V4l2Camera implements CameraPort {
  readonly role: CameraRole;
  #status: CameraStatus;
  readonly #children = new Set<ChildProcess>();

  constructor(
    private readonly o: V4l2Options,
    status: CameraStatus,
    /** The format `frames()` streams. */
    readonly streamFormat: V4l2PixelFormat,
  ) {
    this.role = o.role;
    this.#status = status;
  }

  status(): CameraStatus {
    return this.#status;
  }

  #run(extra: string[], pixelformat: V4l2PixelFormat = "MJPG"): ToolRun {
    const fmt = `--set-fmt-video=width=${this.o.width ?? 1024},height=${this.o.height ?? 768},pixelformat=${pixelformat}`;
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
    const f = this.streamFormat;
    const run = this.#run(["--stream-skip=2"], f);
    if (f === "MJPG") {
      yield* streamJpegs(run, signal);
      return;
    }
    const width = this.o.width ?? 1024, height = this.o.height ?? 768;
    yield* streamRaw(run, f === "GREY" ? { format: "gray", width, height, frameBytes: width * height } : { format: "yuyv", width, height, frameBytes: width * height * 2 }, signal);
  }

  close(): Promise<void> {
    this.#status = "missing";
    for (const c of this.#children) kill(c);
    return Promise.resolve();
  }
}
