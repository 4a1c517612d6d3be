/**
 * `kioskctl update` and `kioskctl rollback` (src/cli/update.ts, rollback.ts) as a technician runs them
 * over SSH, against the real rauc service on a simulated Pi (pi-sim.ts). The reboot goes to a recording
 * systemctl; the test then boots the simulated firmware the way the real one would.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeDaemon, kioskctlWrapper, tamper, updateFixtures, type UpdateFixtures } from "./fixtures";
import { SimPi } from "./pi-sim";
import { installed, REPO, run } from "./run";

const ready = installed("rauc") && installed("dbus-daemon") && installed("mksquashfs") && process.getuid?.() === 0;

let f: UpdateFixtures;
let daemon: FakeDaemon;
let kioskctlSh = "";
let pi: SimPi;

function kioskctl(args: readonly string[]) {
  return run("node", [f.kioskctl, ...args], { env: pi.env({ MYNAGUARD_URL: daemon.url }) });
}

function healthCheck() {
  return run(path.join(REPO, "system/lib/boot-health-check"), [], {
    env: pi.env({
      MYNAGUARD_KIOSKCTL: kioskctlSh,
      MYNAGUARD_URL: daemon.url,
      MYNAGUARD_HEALTH_TIMEOUT: "2",
      MYNAGUARD_HEALTH_INTERVAL: "1",
    }),
  });
}

async function rootSlotHead(part: number): Promise<string> {
  return (await readFile(path.join(pi.root, `p${part}.img`))).subarray(0, 1).toString("latin1");
}

describe.skipIf(!ready)("kioskctl update and rollback", () => {
  beforeAll(async () => {
    f = await updateFixtures();
    daemon = new FakeDaemon();
    await daemon.start();
    kioskctlSh = await kioskctlWrapper(f);
  });
  afterAll(async () => {
    await daemon.stop();
    await f.dispose();
  });
  beforeEach(async () => {
    pi = await SimPi.create({ caDir: f.caDir });
    daemon.ready = true;
    await pi.boot({ tryboot: false });
  });
  afterEach(async () => {
    await pi.dispose();
  });

  it("update checks the signature, shows progress, installs into the other slot and reboots with tryboot", async () => {
    const r = await kioskctl(["update", await f.bundle("2.0")]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("[1/4] checking the signature");
    expect(r.stdout).toContain("signature ok; compatible mynaguard-rpi-arm64, version 2.0");
    expect(r.stdout).toContain("[2/4] running slot A; installing into slot B");
    expect(r.stdout).toMatch(/^ +\d+% Copying image to rootfs\.1/m);
    expect(r.stdout).toContain("next boot tries slot B once");
    expect(await pi.takeReboots()).toEqual(["reboot 0 tryboot"]);
    expect(await rootSlotHead(5)).toBe("2");
    // What the firmware then does, and the health check after it; then the technician asks.
    expect(await pi.boot({ tryboot: true })).toBe("B");
    expect((await healthCheck()).code).toBe(0);
    const result = await kioskctl(["update", "--result"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("running slot  B");
    expect(result.stdout).toMatch(/slot B +good, booted, version 2\.0/);
    expect(result.stdout).toMatch(/last update +updated: slot B is healthy and committed/);
  });

  it("update refuses a bundle with a broken signature and installs nothing", async () => {
    const bundle = await f.bundle("2.0");
    const bad = await tamper(bundle, -100, path.join(f.dir, "bad.raucb"));
    const r = await kioskctl(["update", bad]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("bundle refused");
    expect(r.stdout).not.toContain("[3/4]");
    expect(await pi.takeReboots()).toEqual([]);
    expect(await rootSlotHead(5)).toBe("\0");
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
  });

  it("update reports an install that rauc rejects and does not reboot", async () => {
    // Correctly signed, but for another device: rauc install refuses it after the signature check.
    const other = await f.bundle("9.9", { compatible: "some-other-device" });
    const r = await kioskctl(["update", other]);
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stderr).toContain("install failed");
    expect(r.stdout + r.stderr).toMatch(/compatible.*mismatch|mismatch.*compatible/i);
    expect(await pi.takeReboots()).toEqual([]);
    expect(await rootSlotHead(5)).toBe("\0");
  });

  it("update without a bundle or with a missing file is a usage error", async () => {
    expect((await kioskctl(["update"])).code).toBe(2);
    expect((await kioskctl(["update", path.join(f.dir, "nope.raucb")])).code).toBe(3);
  });

  it("rollback goes back to the previous release through a one-shot tryboot", async () => {
    expect((await kioskctl(["update", await f.bundle("2.0")])).code).toBe(0);
    await pi.takeReboots();
    await pi.boot({ tryboot: true });
    expect((await healthCheck()).code).toBe(0);
    // Now on B (2.0); the technician wants the old release back.
    const r = await kioskctl(["rollback"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("running slot B; other slot A (good)");
    expect(await pi.takeReboots()).toEqual(["reboot 0 tryboot"]);
    expect(await pi.readAutoboot()).toEqual({ all: 3, tryboot: 2 });
    expect(await pi.boot({ tryboot: true })).toBe("A");
    expect((await healthCheck()).code).toBe(0);
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
  });

  it("rollback refuses to switch to a slot marked bad unless forced", async () => {
    expect((await kioskctl(["update", await f.bundle("2.0")])).code).toBe(0);
    await pi.boot({ tryboot: true });
    daemon.ready = false;
    expect((await healthCheck()).code).toBe(1);
    daemon.ready = true;
    await pi.takeReboots();
    await pi.boot({ tryboot: false });
    const r = await kioskctl(["rollback"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("slot B is marked bad");
    expect(await pi.takeReboots()).toEqual([]);
    const forced = await kioskctl(["rollback", "--force", "--no-reboot"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
    expect((await pi.readState())["pending"]).toBe("B");
  });
});
