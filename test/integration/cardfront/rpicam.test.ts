/**
 * The rpicam adapter against fake `rpicam-still` / `rpicam-vid` scripts on PATH (ecosystem.md §1.3):
 * argument arrays, JPEG over stdout, bounded waits, missing tools → "missing".
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CameraFailure } from "../../../src/camera/camera";
import { openRpicamCamera } from "../../../src/camera/rpicam";
import { decodeFrame } from "../../../src/image/decode";

let dir: string;
let env: NodeJS.ProcessEnv;
const argsFile = () => path.join(dir, "args.txt");

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "fake-rpicam-"));
  const img = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 180, g: 180, b: 180 } } }).jpeg({ quality: 80 }).toBuffer();
  writeFileSync(path.join(dir, "frame.jpg"), img);
  const still = `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/args.txt"
case "$1" in --list-cameras) printf 'Available cameras\\n-----------------\\n0 : imx708 [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)\\n'; exit 0;; esac
if [ -n "$FAKE_HANG" ]; then sleep 30; fi
if [ -n "$FAKE_FAIL" ]; then echo "ERROR: no camera" >&2; exit 1; fi
cat "${dir}/frame.jpg"
`;
  const vid = `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/vid-args.txt"
i=0
f="${dir}/frame.jpg"
case "$*" in *yuv420*) f="${dir}/frame.yuv";; esac
while [ $i -lt 50 ]; do cat "$f"; sleep 0.05; i=$((i+1)); done
`;
  // two raw I420 frames of 8 × 4 (Y 32 bytes, U and V 8 each), Y counting up from the frame number
  const yuv = new Uint8Array(2 * 48).fill(128);
  for (let k = 0; k < 2; k++) for (let i = 0; i < 32; i++) yuv[k * 48 + i] = 100 * k + i;
  writeFileSync(path.join(dir, "frame.yuv"), yuv);
  writeFileSync(path.join(dir, "rpicam-still"), still);
  writeFileSync(path.join(dir, "rpicam-vid"), vid);
  chmodSync(path.join(dir, "rpicam-still"), 0o755);
  chmodSync(path.join(dir, "rpicam-vid"), 0o755);
  env = { ...process.env, PATH: `${dir}:${process.env["PATH"] ?? ""}` };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rpicam adapter", () => {
  it("reports ok for a listed camera and captures a JPEG from stdout with an argument array", async () => {
    const cam = await openRpicamCamera({ role: "document", index: 0, env });
    expect(cam.status()).toBe("ok");
    const f = await cam.still(AbortSignal.timeout(10_000));
    expect(f).toMatchObject({ format: "jpeg", width: 40, height: 30 });
    const args = readFileSync(argsFile(), "utf8").trim().split("\n");
    expect(args).toEqual(["-n", "--camera", "0", "--width", "1024", "--height", "768", "--immediate", "-e", "jpg", "-q", "90", "-t", "1", "-o", "-"]);
    await cam.close();
  });

  it("reports missing for a camera index that is not listed", async () => {
    const cam = await openRpicamCamera({ role: "face", index: 1, env });
    expect(cam.status()).toBe("missing");
    await expect(cam.still(AbortSignal.timeout(5_000))).rejects.toMatchObject({ error: { kind: "missing" } });
  });

  it("reports missing when rpicam-still is not installed, never a simulator", async () => {
    const cam = await openRpicamCamera({ role: "face", index: 0, env: { PATH: "/nonexistent" } });
    expect(cam.status()).toBe("missing");
  });

  it("turns a failing capture into a typed failure", async () => {
    const cam = await openRpicamCamera({ role: "document", index: 0, env: { ...env, FAKE_FAIL: "1" } });
    await expect(cam.still(AbortSignal.timeout(10_000))).rejects.toMatchObject({ error: { kind: "capture-failed" } });
  });

  it("bounds a hanging capture by its timeout and by the abort signal", async () => {
    const cam = await openRpicamCamera({ role: "document", index: 0, env: { ...env, FAKE_HANG: "1" }, timeoutMs: 400 });
    const t0 = Date.now();
    await expect(cam.still(AbortSignal.timeout(10_000))).rejects.toMatchObject({ error: { kind: "timeout" } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const cam2 = await openRpicamCamera({ role: "document", index: 0, env: { ...env, FAKE_HANG: "1" }, timeoutMs: 20_000 });
    await expect(cam2.still(ac.signal)).rejects.toBeInstanceOf(CameraFailure);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("streams MJPEG frames from rpicam-vid until the consumer stops", async () => {
    const cam = await openRpicamCamera({ role: "face", index: 0, env });
    const ac = new AbortController();
    const sizes: string[] = [];
    for await (const f of cam.frames(ac.signal)) {
      sizes.push(`${f.width}x${f.height}`);
      if (sizes.length === 3) break;
    }
    expect(sizes).toEqual(["40x30", "40x30", "40x30"]);
    const args = readFileSync(path.join(dir, "vid-args.txt"), "utf8").trim().split("\n");
    expect(args).toEqual(expect.arrayContaining(["--codec", "mjpeg", "-t", "0", "-o", "-"]));
  });

  it("streams greyscale for the document role: raw yuv420 from rpicam-vid, cut into frames whose Y plane the pipeline keeps", async () => {
    const cam = await openRpicamCamera({ role: "document", index: 0, env, width: 8, height: 4 });
    const got: { format: string; size: string; y: number[] }[] = [];
    for await (const f of cam.frames(AbortSignal.timeout(10_000))) {
      got.push({ format: f.format, size: `${f.width}x${f.height}`, y: Array.from(f.data.subarray(0, 3)) });
      if (got.length === 3) break;
    }
    expect(got).toEqual([
      { format: "yuv420", size: "8x4", y: [0, 1, 2] },
      { format: "yuv420", size: "8x4", y: [100, 101, 102] },
      { format: "yuv420", size: "8x4", y: [0, 1, 2] },
    ]);
    const args = readFileSync(path.join(dir, "vid-args.txt"), "utf8").trim().split("\n");
    expect(args).toEqual(expect.arrayContaining(["--codec", "yuv420", "--width", "8", "--height", "4"]));
    const g = await decodeFrame({ width: 8, height: 4, format: "yuv420", data: Uint8Array.from({ length: 48 }, (_, i) => (i < 32 ? i : 128)), capturedAt: 0 });
    expect(g.ok && g.image.data.length).toBe(32);
  });
});
