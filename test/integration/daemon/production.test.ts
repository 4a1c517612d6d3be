import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Health, ViewMessage } from "../../../src/protocol";
import { startDaemon, type DaemonProcess } from "../helpers/daemon";
import { startPcscd, type PcscdHarness } from "../helpers/pcscd";

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
    await writeFile(config, JSON.stringify({ audit: { path: path.join(dir, "audit.sqlite") } }));
    // The daemon inherits PCSCLITE_CSOCK_NAME from this process (set by the harness).
    pcscd = await startPcscd({ readers: "none" });
    daemon = await startDaemon({ args: ["--mode", "production", "--config", config] });
  }, 60_000);

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

  it("shows out of service on the screen and never offers or accepts a simulated card", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}/ws`);
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
