/**
 * The camera port. Two roles: `document` (the card face, from above the card tray) and `face` (the
 * customer). Both roles may name the same device; each role gets its own port object. One device
 * serves one capture at a time (libcamera opens a camera exclusively), so with a shared device the
 * flow uses the roles one after the other; a stream releases the device when its iteration ends.
 *
 * Contract:
 * - A port is usable as soon as its async factory returns it (no `init()`); `status()` says whether the
 *   device is there ("missing" when the device or its tools are absent — production never swaps in a
 *   simulator) and is cheap (no I/O).
 * - `still(signal)` resolves with one frame or rejects with a {@link CameraFailure} (typed reason);
 *   every adapter bounds its own wait, and an aborted signal rejects promptly with kind "aborted".
 * - `frames(signal)` yields frames until the signal aborts or the consumer stops iterating; it then
 *   releases the device. Ending early with `break` is the normal way to stop.
 * - Frames live only in memory. Whoever is done with a frame calls {@link wipeFrame} (zeroes the
 *   buffer); adapters never write frames to disk and never log them.
 */

export type CameraRole = "document" | "face";

export type CameraStatus = "ok" | "missing" | "error";

/** jpeg/png: encoded bytes as the device delivered them. rgba: 4 bytes a pixel. gray: 1 byte a pixel.
 *  yuv420: planar I420 (Y plane w·h, then U and V at half size; rpicam `--codec yuv420`). yuyv: packed
 *  4:2:2, Y0 U Y1 V (V4L2 YUYV). The card-face OCR only needs the Y plane, so raw formats need no codec. */
export type FrameFormat = "jpeg" | "png" | "rgba" | "gray" | "yuv420" | "yuyv";

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly format: FrameFormat;
  /** Owned by the receiver; zero it with wipeFrame() when done. */
  readonly data: Uint8Array;
  /** Epoch ms when the frame was captured (the adapter's clock). */
  readonly capturedAt: number;
}

export interface CameraPort {
  readonly role: CameraRole;
  status(): CameraStatus;
  still(signal: AbortSignal): Promise<Frame>;
  frames(signal: AbortSignal): AsyncIterable<Frame>;
  /** Stop any running capture process; the port answers "missing"/rejects afterwards. Idempotent. */
  close(): Promise<void>;
}

export type CameraError =
  | { kind: "missing"; detail: string }
  | { kind: "timeout"; afterMs: number }
  | { kind: "aborted" }
  | { kind: "capture-failed"; detail: string }
  | { kind: "bad-image"; detail: string };

/** The one error a camera port throws; `error` carries the typed reason for the flow. */
export class CameraFailure extends Error {
  constructor(readonly error: CameraError) {
    super(`camera ${error.kind}${"detail" in error ? `: ${error.detail}` : ""}`);
    this.name = "CameraFailure";
  }
}

/** Zero a frame's pixels (the privacy promise: buffers are wiped when a session is purged). */
export function wipeFrame(frame: Frame): void {
  frame.data.fill(0);
}

/** Parse a config camera spec ("rpicam:0", "v4l2:/dev/video0", "sim", "sim:FOLDER", "none"). */
export type CameraSpec =
  | { kind: "rpicam"; index: number }
  | { kind: "v4l2"; device: string }
  | { kind: "sim"; source: string }
  | { kind: "none" };

export function parseCameraSpec(spec: string): CameraSpec | { kind: "invalid"; detail: string } {
  const [kind, ...rest] = spec.split(":");
  const arg = rest.join(":");
  switch (kind ?? "") {
    case "rpicam": {
      const index = arg === "" ? 0 : Number(arg);
      return Number.isInteger(index) && index >= 0 && index < 16
        ? { kind: "rpicam", index }
        : { kind: "invalid", detail: `rpicam index must be 0–15, got "${arg}"` };
    }
    case "v4l2":
      return /^\/dev\/video\d+$/.test(arg)
        ? { kind: "v4l2", device: arg }
        : { kind: "invalid", detail: `v4l2 needs /dev/videoN, got "${arg}"` };
    case "sim":
      return { kind: "sim", source: arg };
    case "none":
      return { kind: "none" };
    default:
      return { kind: "invalid", detail: `unknown camera kind "${String(kind)}" (rpicam:N, v4l2:/dev/videoN, sim[:PATH], none)` };
  }
}

/** Reject promptly when `signal` is aborted (helper for adapters). */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CameraFailure({ kind: "aborted" });
}

/** A port for a camera that is not there (spec "none", v4l2 not built, sim refused in production):
 *  status "missing"; still/frames reject with kind "missing". Never a simulator. */
export function missingCamera(role: CameraRole, detail: string): CameraPort {
  const fail = () => new CameraFailure({ kind: "missing", detail });
  return {
    role,
    status: () => "missing",
    still: () => Promise.reject(fail()),
    // eslint-disable-next-line require-yield
    frames: async function* () {
      await Promise.resolve();
      throw fail();
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A port that yields the given frames once (copies, so the caller's stay intact), then ends. Not a
 * device simulator: it feeds images already in memory through the pipeline (`kioskctl ocr-card
 * --session`, the OCR benchmark).
 */
export function framesCamera(frames: readonly Frame[], role: CameraRole = "document"): CameraPort {
  return {
    role,
    status: () => "ok",
    still: () => Promise.reject(new CameraFailure({ kind: "capture-failed", detail: "a replay has no stills" })),
    async *frames(signal: AbortSignal) {
      for (const f of frames) {
        if (signal.aborted) return;
        yield { ...f, data: f.data.slice() };
        await Promise.resolve();
      }
    },
    close: () => Promise.resolve(),
  };
}
