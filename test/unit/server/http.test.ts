import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { memoryLogger } from "../../../src/log";
import { startServer, type RunningServer } from "../../../src/server/http";
import type { Health, ViewMessage } from "../../../src/protocol";
import { fakeCore } from "./fake-core";

const health: Health = { mode: "demo", version: "test", devices: { reader: "ok", camera: "ok", leds: "ok" }, ready: true };

function get(port: number, p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: p, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("server", () => {
  const core = fakeCore(health);
  const log = memoryLogger();
  let server: RunningServer;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-ui-"));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>kiosk</title>");
    await writeFile(path.join(dir, "app.js"), "console.log('app')");
    await writeFile(path.join(dir, "secret.txt"), "not served");
    server = await startServer({ core, uiDir: dir, host: "127.0.0.1", port: 0, log });
  });
  afterAll(async () => server.close());

  it("serves /healthz as the core reports it", async () => {
    const r = await get(server.port, "/healthz");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual(health);
  });

  it("serves the built UI without caching and with a strict content security policy", async () => {
    const r = await get(server.port, "/");
    expect(r.status).toBe(200);
    expect(r.body).toContain("<title>kiosk</title>");
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(String(r.headers["content-security-policy"])).toContain("default-src 'none'");
  });

  it("serves only known file types and never leaves the UI folder", async () => {
    expect((await get(server.port, "/secret.txt")).status).toBe(404);
    expect((await get(server.port, "/../package.json")).status).toBe(404);
    expect((await get(server.port, "/%2e%2e/%2e%2e/etc/passwd")).status).toBe(404);
  });

  it("answers a path with malformed percent escapes with 404, not a server error", async () => {
    const r = await get(server.port, "/%E0%A4%A.js");
    expect(r.status).toBe(404);
    expect(log.lines.some((l) => l.includes("http-error"))).toBe(false);
  });

  it("refuses requests addressed to another host name (DNS rebinding)", async () => {
    const r = await get(server.port, "/healthz", { host: `evil.example:${server.port}` });
    expect(r.status).toBe(421);
  });

  it("sends the current view on connect, relays later views and dispatches valid messages", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const views: ViewMessage[] = [];
    ws.on("message", (d: Buffer) => views.push(JSON.parse(d.toString("utf8")) as ViewMessage));
    await new Promise((r) => ws.once("open", r));
    await expect.poll(() => views.length).toBe(1);
    core.publish({ ...core.view(), seq: 2, screen: { name: "place-card", notice: null } });
    await expect.poll(() => views.length).toBe(2);
    expect(views[1]?.screen).toEqual({ name: "place-card", notice: null });

    ws.send(JSON.stringify({ type: "start" }));
    ws.send("{not json");
    ws.send(JSON.stringify({ type: "format-disk" }));
    ws.send(JSON.stringify({ type: "demo-place-card", cardId: "showa-adult" }));
    await expect.poll(() => core.received.length).toBe(2);
    expect(core.received).toEqual([{ type: "start" }, { type: "demo-place-card", cardId: "showa-adult" }]);
    expect(log.lines.filter((l) => l.includes("socket-frame-dropped")).length).toBe(2);
    ws.close();
  });

  it("keeps serving when the flow throws on a message, and logs it by type only", async () => {
    const throwing = { ...fakeCore(health), dispatch: () => { throw new TypeError("flow bug"); } };
    const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-ui-"));
    const own = await startServer({ core: throwing, uiDir: dir, host: "127.0.0.1", port: 0, log });
    const ws = new WebSocket(`ws://127.0.0.1:${own.port}/ws`);
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "start" }));
    await expect.poll(() => log.lines.some((l) => l.includes("socket-dispatch-failed"))).toBe(true);
    expect(log.lines.find((l) => l.includes("socket-dispatch-failed"))).toContain("TypeError");
    expect((await get(own.port, "/healthz")).status).toBe(200);
    ws.close();
    await own.close();
  });

  it("refuses a WebSocket from a page of another origin", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { origin: "http://evil.example" });
    const err = await new Promise<Error>((resolve) => ws.once("error", resolve));
    expect(err.message).toMatch(/401|403|Unexpected server response/);
  });
});
