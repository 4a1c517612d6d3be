/**
 * Update bundles: built by image-build/rauc/make-bundle.sh, signed with a test CA made by
 * image-build/rauc/make-ca.sh, checked by Debian's rauc with the kiosk's keyring settings
 * (system/rauc/system.conf). Verity bundles are what the kiosk accepts; the dev box has no
 * device-mapper, so the payload-tamper case is installed as a plain bundle, whose signature covers the payload.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signatureSize, tamper, updateFixtures, type UpdateFixtures } from "./fixtures";
import { SimPi } from "./pi-sim";
import { installed, makeTestCa, REPO, run } from "./run";

const ready = installed("rauc") && installed("mksquashfs") && installed("openssl");
const canInstall = ready && installed("dbus-daemon") && process.getuid?.() === 0;

let f: UpdateFixtures;
let conf = "";

function info(bundle: string) {
  return run("rauc", [`--conf=${conf}`, "info", bundle]);
}

describe.skipIf(!ready)("signed update bundles", () => {
  beforeAll(async () => {
    f = await updateFixtures();
    // The kiosk's system.conf with the test CA as its keyring.
    conf = path.join(f.dir, "system.conf");
    const prod = await readFile(path.join(REPO, "system/rauc/system.conf"), "utf8");
    await writeFile(conf, prod.replaceAll("/etc/rauc/ca.cert.pem", path.join(f.caDir, "ca.cert.pem")));
  });
  afterAll(async () => {
    await f.dispose();
  });

  it("a verity bundle signed by the project CA passes rauc's signature check", async () => {
    const bundle = await f.bundle("2.0", { format: "verity" });
    const r = await info(bundle);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Compatible: \t'mynaguard-rpi-arm64'");
    expect(r.stdout).toContain("Bundle Format: \tverity");
    expect(r.stderr).toContain("Verified inline signature by 'O = mynaguard test, CN = mynaguard test bundle signing'");
  });

  it("a bundle whose signature was altered is refused", async () => {
    const bundle = await f.bundle("2.0", { format: "verity" });
    const sig = await signatureSize(bundle);
    // One byte in the middle of the CMS signature block (which sits just before the 8-byte size).
    const bad = await tamper(bundle, -8 - Math.floor(sig / 2), path.join(f.dir, "bad-signature.raucb"));
    const r = await info(bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/signature verification failed|failed to verify|error/i);
  });

  it("a bundle signed by another CA is refused", async () => {
    const otherCa = path.join(f.dir, "other-ca");
    await makeTestCa(otherCa, "someone else");
    const bundle = await f.bundle("2.0", { format: "verity", caDir: otherCa });
    const r = await info(bundle);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("signature verification failed");
  });

  it("a bundle for another device type is refused by the signature-checked manifest", async () => {
    const bundle = await f.bundle("2.0", { format: "verity" });
    const r = await info(bundle);
    expect(r.code).toBe(0);
    // The compatible string is inside the signed manifest: changing it breaks the signature.
    const bytes = await readFile(bundle);
    const at = bytes.indexOf(Buffer.from("mynaguard-rpi-arm64"));
    expect(at).toBeGreaterThan(0);
    bytes.write("mynaguard-rpi-armhf", at);
    const forged = path.join(f.dir, "forged-compatible.raucb");
    await writeFile(forged, bytes);
    expect((await info(forged)).code).not.toBe(0);
  });

  it.skipIf(!canInstall)("a plain bundle with one altered payload byte is refused by rauc install and no slot changes", async () => {
    const pi = await SimPi.create({ caDir: f.caDir });
    try {
      await pi.boot({ tryboot: false });
      const bundle = await f.bundle("3.0");
      const bad = await tamper(bundle, 4096, path.join(f.dir, "bad-payload.raucb"));
      const r = await pi.rauc(["install", bad]);
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/signature verification failed/i);
      expect((await readFile(path.join(pi.root, "p5.img"))).subarray(0, 4)).toEqual(Buffer.alloc(4));
      expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
      expect((await pi.readState())["pending"]).toBeUndefined();
    } finally {
      await pi.dispose();
    }
  });

  it("the bundle hook points the boot slot's cmdline.txt at the matching root slot", async () => {
    const mount = path.join(f.dir, "bootslot");
    await run("mkdir", ["-p", mount]);
    await writeFile(path.join(mount, "cmdline.txt"), "console=tty1 root=/dev/mmcblk0p4 rootwait rauc.slot=A ro\n");
    const r = await run(path.join(REPO, "image-build/rauc/bundle-hook.sh"), ["slot-post-install"], {
      env: {
        PATH: process.env["PATH"],
        RAUC_SYSTEM_CONFIG: path.join(REPO, "system/rauc/system.conf"),
        RAUC_SLOT_CLASS: "boot",
        RAUC_SLOT_NAME: "boot.1",
        RAUC_SLOT_MOUNT_POINT: mount,
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(path.join(mount, "cmdline.txt"), "utf8")).toBe(
      "console=tty1 rootwait ro root=/dev/mmcblk0p5 rauc.slot=B\n",
    );
  });
});
