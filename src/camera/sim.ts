/**
 * The simulated camera (demo mode and tests): replays in-memory images, or image files and folders
 * read once at open. What lies "under" the camera can be changed at any time with `show()`; with
 * nothing shown it serves an empty dark tray. The document role can map deck card ids to rendered
 * card fronts (`src/camera/sim-assets/<id>.jpg`, made by `npm run gen:cardfaces -- --sim-assets`):
 * `place(id)` shows that card, `place(null)` takes it away.
 *
 * Frames are fresh copies (the receiver wipes them); `frames()` yields one every `intervalMs`
 * (default 100 ms ≈ 10 fps) and stops promptly when its signal aborts.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { CameraFailure, throwIfAborted, type CameraPort, type CameraRole, type CameraStatus, type Frame } from "./camera";
import { encodedSize } from "./image-size";

export interface SimImage {
  readonly format: "jpeg" | "png" | "gray";
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface SimCameraOptions {
  readonly role: CameraRole;
  readonly images?: readonly SimImage[];
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const TRAY = { width: 320, height: 240, level: 50 };

export class SimCamera implements CameraPort {
  readonly role: CameraRole;
  #images: readonly SimImage[];
  #next = 0;
  #closed = false;
  readonly #intervalMs: number;
  readonly #now: () => number;

  constructor(o: SimCameraOptions) {
    this.role = o.role;
    this.#images = o.images ?? [];
    this.#intervalMs = o.intervalMs ?? 100;
    this.#now = o.now ?? Date.now;
  }

  status(): CameraStatus {
    return this.#closed ? "missing" : "ok";
  }

  /** Replace what the camera sees (empty list or null = the empty tray). */
  show(images: readonly SimImage[] | null): void {
    this.#images = images ?? [];
    this.#next = 0;
  }

  still(signal: AbortSignal): Promise<Frame> {
    try {
      throwIfAborted(signal);
      if (this.#closed) throw new CameraFailure({ kind: "missing", detail: "closed" });
      return Promise.resolve(this.#frame());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  async *frames(signal: AbortSignal): AsyncIterable<Frame> {
    while (!signal.aborted && !this.#closed) {
      yield this.#frame();
      await sleep(this.#intervalMs, signal);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #frame(): Frame {
    const img = this.#images[this.#next % Math.max(1, this.#images.length)];
    this.#next++;
    if (!img) {
      return { width: TRAY.width, height: TRAY.height, format: "gray", data: new Uint8Array(TRAY.width * TRAY.height).fill(TRAY.level), capturedAt: this.#now() };
    }
    return { width: img.width, height: img.height, format: img.format, data: img.data.slice(), capturedAt: this.#now() };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** An encoded JPEG/PNG as a sim image, or a typed failure for anything else. */
export function simImageFromBytes(data: Uint8Array): SimImage {
  const size = encodedSize(data);
  if (!size) throw new CameraFailure({ kind: "bad-image", detail: "not a JPEG or PNG" });
  return { format: size.format, width: size.width, height: size.height, data };
}

const IMAGE_EXT = /\.(jpe?g|png)$/i;

/** Read image files, and the images inside folders (sorted by name, not recursive). */
export async function loadSimImages(paths: readonly string[]): Promise<SimImage[]> {
  const out: SimImage[] = [];
  for (const p of paths) {
    const s = await stat(p);
    const files = s.isDirectory() ? (await readdir(p)).filter((f) => IMAGE_EXT.test(f)).sort().map((f) => path.join(p, f)) : [p];
    for (const f of files) out.push(simImageFromBytes(new Uint8Array(await readFile(f))));
  }
  return out;
}

export async function openSimCamera(o: SimCameraOptions & { readonly files?: readonly string[] }): Promise<SimCamera> {
  const images = o.files ? await loadSimImages(o.files) : (o.images ?? []);
  return new SimCamera({ ...o, images });
}

/** The simulated document camera for the demo: deck card id → that card's rendered front. */
export class SimDocumentCamera extends SimCamera {
  readonly #fronts: ReadonlyMap<string, SimImage>;
  constructor(fronts: ReadonlyMap<string, SimImage>, o: Omit<SimCameraOptions, "role" | "images"> = {}) {
    super({ ...o, role: "document" });
    this.#fronts = fronts;
  }

  /** Put a deck card on the tray (null = take it away). Returns false for an id without a front. */
  place(cardId: string | null): boolean {
    const img = cardId === null ? undefined : this.#fronts.get(cardId);
    this.show(img ? [img] : null);
    return cardId === null || img !== undefined;
  }

  get cardIds(): string[] {
    return [...this.#fronts.keys()];
  }
}

/** Default folder of the demo card fronts (next to this file in the source tree). */
export const SIM_ASSETS_DIR = "src/camera/sim-assets";

/** Load `<dir>/<cardId>.jpg` for every card front in the folder. */
export async function openSimDocumentCamera(o: { readonly assetsDir: string; readonly intervalMs?: number }): Promise<SimDocumentCamera> {
  const fronts = new Map<string, SimImage>();
  for (const f of (await readdir(o.assetsDir)).filter((x) => IMAGE_EXT.test(x)).sort()) {
    fronts.set(f.replace(IMAGE_EXT, ""), simImageFromBytes(new Uint8Array(await readFile(path.join(o.assetsDir, f)))));
  }
  return new SimDocumentCamera(fronts, o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs });
}
