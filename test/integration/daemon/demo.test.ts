import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Health } from "../../../src/protocol";
import { DEFAULT_BUDGETS } from "../../../src/flow/budgets";
import { KIOSKCTL, startDaemon, startDeadlineMs, type DaemonProcess } from "../helpers/daemon";

describe("the daemon in demo mode", () => {
  let daemon: DaemonProcess;

  beforeAll(async () => {
    const t0 = Date.now();
    daemon = await startDaemon({ args: ["--mode", "demo"] });
    for (;;) {
      const h = (await (await fetch(`${daemon.url}/healthz`)).json()) as Health;
      if (h.ready) break;
      if (Date.now() - t0 > startDeadlineMs()) throw new Error(`not ready: ${JSON.stringify(h)}\n${daemon.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    const code = await daemon.stop();
    expect(code).toBe(0);
  });

  // Not a wall-clock test (the machine may be shared): the daemon itself bounds its warm start by the
  // warmStart budget and prints how long it took; bench:pi reports ready times as numbers.
  it("is ready with every device simulated, its warm start within budget, and reports its mode and version", async () => {
    const started = daemon
      .output()
      .split("\n")
      .map((l) => (l.startsWith("{") ? (JSON.parse(l) as { event?: string; warmStartMs?: number; readyMs?: number }) : {}))
      .find((e) => e.event === "daemon-started");
    expect(started?.readyMs).toBeGreaterThan(0);
    expect(started?.warmStartMs).toBeLessThanOrEqual(DEFAULT_BUDGETS.warmStart + 5000);
    const h = (await (await fetch(`${daemon.url}/healthz`)).json()) as Health;
    expect(h.version).toMatch(/^\d+\.\d+\.\d+/);
    expect({ ...h, version: "" }).toEqual({
      mode: "demo",
      version: "",
      devices: { reader: "ok", camera: "ok", leds: "ok" },
      ready: true,
      staffPin: "demo",
      notes: [],
    });
  });

  it("serves the idle screen's page at /", async () => {
    const r = await fetch(`${daemon.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/<script[^>]+app\.js/);
  });

  it("answers kioskctl health with exit 0 and the device table", () => {
    const r = spawnSync(process.execPath, [KIOSKCTL, "health", "--url", daemon.url], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mode\s+demo/);
    expect(r.stdout).toMatch(/reader\s+ok/);
    expect(r.stdout).toMatch(/ready\s+yes/);
  });

  it("answers kioskctl health --json with the /healthz object", () => {
    const r = spawnSync(process.execPath, [KIOSKCTL, "health", "--json", "--url", daemon.url], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Health).mode).toBe("demo");
  });
});

describe("kioskctl without a daemon", () => {
  it("prints its help and lists the health command", () => {
    const r = spawnSync(process.execPath, [KIOSKCTL, "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: kioskctl <command>/);
    expect(r.stdout).toMatch(/^\s+health\s+/m);
  });

  it("exits 3 with a clear message when the daemon is not reachable", () => {
    const r = spawnSync(process.execPath, [KIOSKCTL, "health", "--url", "http://127.0.0.1:9"], { encoding: "utf8" });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/daemon not reachable/);
  });

  it("exits 2 on an unknown command", () => {
    const r = spawnSync(process.execPath, [KIOSKCTL, "format-card"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });
});
