/** The V4L2 adapter against a fake `v4l2-ctl` on PATH that "streams" MJPEG to stdout. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openV4l2Camera } from "../../../src/camera/v4l2";

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "fake-v4l2-"));
  writeFileSync(path.join(dir, "frame.jpg"), await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg({ quality: 80 }).toBuffer());
  const fake = `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/args.txt"
[ "$2" = "/dev/video0" ] || { echo "Cannot open device $2" >&2; exit 1; }
case "$3" in --get-fmt-video) echo "Format Video Capture:"; exit 0;; esac
n=50
for a in "$@"; do case "$a" in --stream-count=*) n="\${a#--stream-count=}";; esac; done
i=0
while [ $i -lt $n ]; do cat "${dir}/frame.jpg"; sleep 0.03; i=$((i+1)); done
`;
  writeFileSync(path.join(dir, "v4l2-ctl"), fake);
  chmodSync(path.join(dir, "v4l2-ctl"), 0o755);
  env = { ...process.env, PATH: `${dir}:${process.env["PATH"] ?? ""}` };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("v4l2 adapter", () => {
  it("captures one MJPEG frame as a still with an argument array", async () => {
    const cam = await openV4l2Camera({ role: "face", device: "/dev/video0", env });
    expect(cam.status()).toBe("ok");
    const f = await cam.still(AbortSignal.timeout(10_000));
    expect(f).toMatchObject({ format: "jpeg", width: 24, height: 16 });
    expect(readFileSync(path.join(dir, "args.txt"), "utf8").trim().split("\n")).toEqual([
      "-d", "/dev/video0", "--set-fmt-video=width=1024,height=768,pixelformat=MJPG", "--stream-mmap=3", "--stream-skip=5", "--stream-count=1", "--stream-to=-",
    ]);
  });

  it("streams frames until the consumer stops", async () => {
    const cam = await openV4l2Camera({ role: "face", device: "/dev/video0", env });
    let n = 0;
    for await (const f of cam.frames(AbortSignal.timeout(10_000))) {
      expect(f.width).toBe(24);
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });

  it("reports missing for an absent device, a bad path or a missing v4l2-ctl", async () => {
    expect((await openV4l2Camera({ role: "face", device: "/dev/video7", env })).status()).toBe("missing");
    expect((await openV4l2Camera({ role: "face", device: "/etc/passwd", env })).status()).toBe("missing");
    expect((await openV4l2Camera({ role: "face", device: "/dev/video0", env: { PATH: "/nonexistent" } })).status()).toBe("missing");
  });
});
