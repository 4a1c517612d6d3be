/** The V4L2 adapter against a fake `v4l2-ctl` on PATH that "streams" MJPEG to stdout. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseFormat, listedFormats, openV4l2Camera } from "../../../src/camera/v4l2";
import { decodeFrame } from "../../../src/image/decode";

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "fake-v4l2-"));
  writeFileSync(path.join(dir, "frame.jpg"), await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg({ quality: 80 }).toBuffer());
  const fake = `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/args.txt"
[ "$2" = "/dev/video0" ] || { echo "Cannot open device $2" >&2; exit 1; }
case "$3" in --list-formats) printf "ioctl: VIDIOC_ENUM_FMT\\n\\tType: Video Capture\\n\\n\\t[0]: 'MJPG' (Motion-JPEG, compressed)\\n"; [ -n "$FAKE_YUYV" ] && printf "\\t[1]: 'YUYV' (YUYV 4:2:2)\\n"; exit 0;; esac
n=50
for a in "$@"; do case "$a" in --stream-count=*) n="\${a#--stream-count=}";; esac; done
f="${dir}/frame.jpg"
case "$*" in *pixelformat=YUYV*) f="${dir}/frame.yuyv";; esac
i=0
while [ $i -lt $n ]; do cat "$f"; sleep 0.03; i=$((i+1)); done
`;
  // one raw YUYV frame of 4 × 2: Y0 U Y1 V …, Y = 10, 20, …
  writeFileSync(path.join(dir, "frame.yuyv"), Uint8Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 10 * (i / 2 + 1) : 128)));
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

  it("streams YUYV for the document role when the camera lists it (grey first), MJPG when it does not", async () => {
    expect(listedFormats("\t[0]: 'MJPG' (Motion-JPEG, compressed)\n\t[1]: 'YUYV' (YUYV 4:2:2)\n\t[2]: 'GREY' (8-bit Greyscale)")).toEqual(["MJPG", "YUYV", "GREY"]);
    expect([chooseFormat("document", ["MJPG", "YUYV", "GREY"]), chooseFormat("document", ["MJPG", "YUYV"]), chooseFormat("document", ["MJPG"]), chooseFormat("face", ["GREY", "MJPG"])]).toEqual(["GREY", "YUYV", "MJPG", "MJPG"]);
    const cam = await openV4l2Camera({ role: "document", device: "/dev/video0", env: { ...env, FAKE_YUYV: "1" }, width: 4, height: 2 });
    const got: number[][] = [];
    for await (const f of cam.frames(AbortSignal.timeout(10_000))) {
      expect([f.format, f.width, f.height]).toEqual(["yuyv", 4, 2]);
      const g = await decodeFrame(f);
      got.push(g.ok ? Array.from(g.image.data) : []);
      if (got.length === 2) break;
    }
    expect(got).toEqual([[10, 20, 30, 40, 50, 60, 70, 80], [10, 20, 30, 40, 50, 60, 70, 80]]);
    expect(readFileSync(path.join(dir, "args.txt"), "utf8")).toContain("pixelformat=YUYV");
    const mj = await openV4l2Camera({ role: "document", device: "/dev/video0", env });
    for await (const f of mj.frames(AbortSignal.timeout(10_000))) {
      expect(f.format).toBe("jpeg");
      break;
    }
  });

  it("reports missing for an absent device, a bad path or a missing v4l2-ctl", async () => {
    expect((await openV4l2Camera({ role: "face", device: "/dev/video7", env })).status()).toBe("missing");
    expect((await openV4l2Camera({ role: "face", device: "/etc/passwd", env })).status()).toBe("missing");
    expect((await openV4l2Camera({ role: "face", device: "/dev/video0", env: { PATH: "/nonexistent" } })).status()).toBe("missing");
  });
});
