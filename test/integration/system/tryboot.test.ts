/**
 * A/B updates on a simulated Raspberry Pi (pi-sim.ts): the real RAUC service with our custom backend
 * (system/lib/rauc-rpi-tryboot) and the real post-boot health check (system/lib/boot-health-check),
 * through the success path, a new slot that never gets ready, and a new slot that crashes before the
 * health check runs.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeDaemon, kioskctlWrapper, updateFixtures, type UpdateFixtures } from "./fixtures";
import { SimPi } from "./pi-sim";
import { installed, REPO, run } from "./run";

const ready = installed("rauc") && installed("dbus-daemon") && installed("mksquashfs") && process.getuid?.() === 0;

let f: UpdateFixtures;
let daemon: FakeDaemon;
let kioskctl = "";
let pi: SimPi;

function healthCheck(extra: Record<string, string> = {}) {
  return run(path.join(REPO, "system/lib/boot-health-check"), [], {
    env: pi.env({
      MYNAGUARD_KIOSKCTL: kioskctl,
      MYNAGUARD_URL: daemon.url,
      MYNAGUARD_HEALTH_TIMEOUT: "2",
      MYNAGUARD_HEALTH_INTERVAL: "1",
      ...extra,
    }),
  });
}

async function slotStatus(): Promise<Record<string, string | undefined>> {
  const r = await pi.rauc(["status", "--detailed", "--output-format=json"]);
  expect(r.code).toBe(0);
  const json = JSON.parse(r.stdout) as { slots: Record<string, { bootname: string | null; boot_status: string | null }>[] };
  const out: Record<string, string | undefined> = {};
  for (const e of json.slots) for (const s of Object.values(e)) if (s.bootname) out[s.bootname] = s.boot_status ?? undefined;
  return out;
}

describe.skipIf(!ready)("A/B updates with tryboot on a simulated Pi", () => {
  beforeAll(async () => {
    f = await updateFixtures();
    daemon = new FakeDaemon();
    await daemon.start();
    kioskctl = await kioskctlWrapper(f);
  });
  afterAll(async () => {
    await daemon.stop();
    await f.dispose();
  });
  beforeEach(async () => {
    pi = await SimPi.create({ caDir: f.caDir });
    daemon.ready = true;
    expect(await pi.boot({ tryboot: false })).toBe("A");
  });
  afterEach(async () => {
    await pi.dispose();
  });

  it("installing makes the other slot the one-shot tryboot target without touching the committed slot", async () => {
    const install = await pi.rauc(["install", await f.bundle("2.0")]);
    expect(install.code, install.stderr).toBe(0);
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
    expect((await pi.readState())["pending"]).toBe("B");
    // Root slot B (p5) now holds the bundle's image; A (p4) is untouched.
    expect((await readFile(path.join(pi.root, "p5.img"))).subarray(0, 4)).toEqual(Buffer.from("2222"));
    expect((await readFile(path.join(pi.root, "p4.img"))).subarray(0, 4)).toEqual(Buffer.alloc(4));
    expect((await pi.backend(["get-primary"])).stdout.trim()).toBe("B");
    // A reboot without "0 tryboot" (power cut right after installing) still starts the old slot.
    expect(await pi.boot({ tryboot: false })).toBe("A");
  });

  it("a new slot whose daemon gets ready is committed by the health check", async () => {
    { const i = await pi.rauc(["install", await f.bundle("2.0")]); expect(i.code, i.stdout + i.stderr + pi.log).toBe(0); }
    expect(await pi.boot({ tryboot: true })).toBe("B");
    const check = await healthCheck();
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(await pi.readAutoboot()).toEqual({ all: 3, tryboot: 2 });
    expect((await pi.readState())["pending"]).toBeUndefined();
    expect(await slotStatus()).toEqual({ A: "good", B: "good" });
    expect(await pi.takeReboots()).toEqual([]);
    // From now on a plain reboot stays on the new slot.
    expect(await pi.boot({ tryboot: false })).toBe("B");
  });

  it("a new slot whose daemon never gets ready is marked bad and the kiosk reboots into the old slot", async () => {
    { const i = await pi.rauc(["install", await f.bundle("2.0")]); expect(i.code, i.stdout + i.stderr + pi.log).toBe(0); }
    expect(await pi.boot({ tryboot: true })).toBe("B");
    daemon.ready = false;
    const check = await healthCheck();
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("not healthy");
    expect(await pi.takeReboots()).toEqual(["reboot"]);
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
    expect(await pi.boot({ tryboot: false })).toBe("A");
    expect(await slotStatus()).toEqual({ A: "good", B: "bad" });
    const result = await run("node", [f.kioskctl, "update", "--result"], { env: pi.env() });
    expect(result.stdout).toMatch(/last update +failed: slot B did not get ready/);
    expect(result.code).toBe(1);
  });

  it("a new slot that crashes before its health check falls back and is reported on the next boot", async () => {
    { const i = await pi.rauc(["install", await f.bundle("2.0")]); expect(i.code, i.stdout + i.stderr + pi.log).toBe(0); }
    expect(await pi.boot({ tryboot: true })).toBe("B");
    // Kernel panic, watchdog reset or power cut: the firmware's tryboot flag is gone.
    expect(await pi.boot({ tryboot: false })).toBe("A");
    const check = await healthCheck();
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain("did not boot");
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
    expect((await pi.readState())["pending"]).toBeUndefined();
    expect(await slotStatus()).toEqual({ A: "good", B: "bad" });
  });

  it("a later good update after a failed one is still tried and committed", async () => {
    { const i = await pi.rauc(["install", await f.bundle("2.0")]); expect(i.code, i.stdout + i.stderr + pi.log).toBe(0); }
    await pi.boot({ tryboot: true });
    await pi.boot({ tryboot: false });
    expect((await healthCheck()).code).toBe(0);
    expect((await pi.rauc(["install", await f.bundle("2.1")])).code).toBe(0);
    expect(await pi.boot({ tryboot: true })).toBe("B");
    expect((await healthCheck()).code).toBe(0);
    expect(await pi.readAutoboot()).toEqual({ all: 3, tryboot: 2 });
    expect(await slotStatus()).toEqual({ A: "good", B: "good" });
  });

  it("the backend refuses unknown slots and states", async () => {
    expect((await pi.backend(["set-primary", "C"])).code).not.toBe(0);
    expect((await pi.backend(["set-state", "A", "great"])).code).not.toBe(0);
    expect((await pi.backend(["get-current"])).stdout.trim()).toBe("A");
    expect(await pi.readAutoboot()).toEqual({ all: 2, tryboot: 3 });
  });
});
