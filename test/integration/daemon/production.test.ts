import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Health, ViewMessage } from "../../../src/protocol";
import { KIOSKCTL, startDaemon, type DaemonProcess } from "../helpers/daemon";
import { startPcscd, type PcscdHarness } from "../helpers/pcscd";
import { kioskSocket } from "../helpers/ws";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";

/**
 * A kiosk in production mode on a machine with no card reader: a private pcscd runs (from an empty
 * reader configuration, so not even vpcd's virtual readers exist), no camera, no GPIO. The daemon must
 * say so, stay out of service, and never offer a simulated card.
 */
describe("the daemon in production mode without hardware", () => {
  let pcscd: PcscdHarness | null = null;
  let daemon: DaemonProcess;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mynaguard-prod-"));
    const config = path.join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({ audit: { path: path.join(dir, "audit.sqlite") }, server: { tokenFile: path.join(dir, "ws-token") }, state: { dir } }),
    );
    // The daemon inherits PCSCLITE_CSOCK_NAME from this process (set by the harness).
    pcscd = await startPcscd({ readers: "none" });
    // Production start-up loads the face engine and warms OCR: bounded by the warmStart budget
    // (the helper's default deadline derives from it).
    daemon = await startDaemon({ args: ["--mode", "production", "--config", config] });
  });

  afterAll(async () => {
    await daemon?.stop();
    await pcscd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports the reader missing, the camera missing and not ready in /healthz", async () => {
    const health = async (): Promise<Health> => (await (await fetch(`${daemon.url}/healthz`)).json()) as Health;
    await expect.poll(async () => (await health()).devices.reader, { timeout: 10_000, interval: 200 }).toBe("missing");
    expect(await health()).toMatchObject({ mode: "production", ready: false, devices: { reader: "missing", camera: "missing" } });
  });

  // Issue 15 problem 2: production ran with the published PIN 2580 when none was configured.
  it("runs without a staff PIN, says so and how to fix it in /healthz and kioskctl health", async () => {
    const health = (await (await fetch(`${daemon.url}/healthz`)).json()) as Health;
    expect(health.staffPin).toBe("not-set");
    expect(health.notes?.join("\n")).toMatch(/staff login is impossible.*kioskctl staff-pin set/);
    const cli = spawnSync(process.execPath, [KIOSKCTL, "health", "--url", daemon.url], { encoding: "utf8", timeout: 10_000 });
    expect(cli.stdout).toMatch(/staffpin not-set/);
    expect(cli.stdout).toMatch(/note .*sudo kioskctl staff-pin set/);
    expect(daemon.output()).toMatch(/staff-pin-not-set/);
  });

  it("writes this run's WebSocket token 0640 and refuses a socket without it", async () => {
    const st = statSync(path.join(dir, "ws-token"));
    expect(st.mode & 0o777).toBe(0o640);
    expect(daemon.output()).not.toContain(readFileSync(path.join(dir, "ws-token"), "utf8").trim());
    const refused = kioskSocket(daemon.url, null);
    const status = await new Promise<number>((resolve) => {
      refused.once("unexpected-response", (_q, res) => resolve(res.statusCode ?? 0));
      refused.once("open", () => resolve(0));
      refused.once("error", () => undefined);
    });
    expect(status).toBe(401);
  });

  it("shows out of service on the screen and never offers or accepts a simulated card", async () => {
    const ws = kioskSocket(daemon.url, readFileSync(path.join(dir, "ws-token"), "utf8").trim());
    const views: ViewMessage[] = [];
    ws.on("message", (d: Buffer) => views.push(JSON.parse(d.toString("utf8")) as ViewMessage));
    await new Promise((r) => ws.once("open", r));
    await expect.poll(() => views.at(-1)?.screen.name, { timeout: 10_000 }).toBe("out-of-service");
    const last = views.at(-1);
    expect(last?.demo).toBeNull();
    if (last?.screen.name === "out-of-service") expect(last.screen.devices.reader).toBe("missing");

    ws.send(JSON.stringify({ type: "demo-place-card", cardId: "showa-64" }));
    ws.send(JSON.stringify({ type: "start" }));
    await new Promise((r) => setTimeout(r, 1000));
    expect(views.every((v) => v.demo === null)).toBe(true);
    expect(views.at(-1)?.screen.name).toBe("out-of-service");
    ws.close();
    expect(daemon.output()).not.toMatch(/demo-devices|virtual reader/);
  });
});
