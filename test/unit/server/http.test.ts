import { createHash } from "node:crypto";
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

const TOKEN = "ab".repeat(32);
const withToken = (t: string | null = TOKEN): string[] => (t === null ? ["mynaguard"] : ["mynaguard", `mynaguard.token.${t}`]);
/** Resolves with the HTTP status of a refused upgrade, or "open". */
function outcome(ws: WebSocket): Promise<number | "open"> {
  return new Promise((resolve) => {
    ws.once("open", () => resolve("open"));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", () => undefined);
  });
}

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
    server = await startServer({ core, uiDir: dir, host: "127.0.0.1", port: 0, log, token: TOKEN });
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
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, withToken());
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
    const own = await startServer({ core: throwing, uiDir: dir, host: "127.0.0.1", port: 0, log, token: TOKEN });
    const ws = new WebSocket(`ws://127.0.0.1:${own.port}/ws`, withToken());
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "start" }));
    await expect.poll(() => log.lines.some((l) => l.includes("socket-dispatch-failed"))).toBe(true);
    expect(log.lines.find((l) => l.includes("socket-dispatch-failed"))).toContain("TypeError");
    expect((await get(own.port, "/healthz")).status).toBe(200);
    ws.close();
    await own.close();
  });

  it("refuses a WebSocket from a page of another origin", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, withToken(), { origin: "http://evil.example" });
    expect(await outcome(ws)).toBe(403);
  });

  // Issue 15 problem 4: any local process without an Origin header got the attended view.
  it("refuses a local client without this run's token, or with another one, before sending any view", async () => {
    const before = core.received.length;
    for (const offered of [null, "cd".repeat(32), TOKEN.slice(0, -1), ""]) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, withToken(offered));
      let views = 0;
      ws.on("message", () => views++);
      expect(await outcome(ws), `token ${String(offered)}`).toBe(401);
      expect(views).toBe(0);
    }
    const bare = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    expect(await outcome(bare)).toBe(401);
    expect(core.received.length).toBe(before);
  });

  it("caps concurrent sockets and closes idle ones", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-ui-"));
    const own = await startServer({ core, uiDir: dir, host: "127.0.0.1", port: 0, log, token: TOKEN, limits: { maxSockets: 3, idleMs: 400 } });
    try {
      const open: WebSocket[] = [];
      for (let i = 0; i < 3; i++) {
        const ws = new WebSocket(`ws://127.0.0.1:${own.port}/ws`, withToken(), { autoPong: false });
        expect(await outcome(ws)).toBe("open");
        open.push(ws);
      }
      expect(await outcome(new WebSocket(`ws://127.0.0.1:${own.port}/ws`, withToken()))).toBe(503);
      // None of them answers pings (autoPong off) or sends: all are closed within about one idle period.
      await Promise.all(open.map((ws) => new Promise((r) => (ws.readyState === ws.CLOSED ? r(null) : ws.once("close", r)))));
      // A socket that answers pings (the ws default, like a browser) stays open across several periods.
      const alive = new WebSocket(`ws://127.0.0.1:${own.port}/ws`, withToken());
      expect(await outcome(alive)).toBe("open");
      await new Promise((r) => setTimeout(r, 1200));
      expect(alive.readyState).toBe(alive.OPEN);
      alive.close();
    } finally {
      await own.close();
    }
  });

  // Issue 15 problem 5: one log line per invalid frame, unthrottled.
  it("logs at most a few dozen lines for 10,000 invalid frames, and reports the count", async () => {
    const own = memoryLogger();
    const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-ui-"));
    const flooded = await startServer({ core, uiDir: dir, host: "127.0.0.1", port: 0, log: own, token: TOKEN });
    const ws = new WebSocket(`ws://127.0.0.1:${flooded.port}/ws`, withToken());
    expect(await outcome(ws)).toBe("open");
    for (let i = 0; i < 10_000; i++) ws.send(i % 2 ? "{not json" : JSON.stringify({ type: "format-disk", n: i }));
    // A valid message after the flood arrives, so every bad frame before it has been handled.
    const before = core.received.length;
    ws.send(JSON.stringify({ type: "start" }));
    await expect.poll(() => core.received.length, { timeout: 20_000 }).toBe(before + 1);
    ws.close();
    await flooded.close(); // closes the window: the count is reported
    const lines = own.lines.length;
    console.log(`10,000 invalid frames → ${lines} log lines`);
    expect(lines).toBeLessThanOrEqual(36);
    expect(own.lines.filter((l) => l.includes('"event":"socket-frame-dropped"')).length).toBe(5);
    const summary = own.lines.find((l) => l.includes("client-noise-suppressed"));
    expect(summary).toContain('"suppressed":9995');
  });
});

const sha256 = (s: string) => `sha256-${createHash("sha256").update(s, "utf8").digest("base64")}`;
const BOOT = "window.booted=1";
const BOOT_HASH = sha256(BOOT);
const RENDERED = "window.injected=1";

describe("server: the first screen in the page (issue 16)", () => {
  const core = fakeCore(health);
  const log = memoryLogger();
  let server: RunningServer;
  const seen: (ViewMessage | null)[] = [];
  let fail = false;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-ui-"));
    await writeFile(path.join(dir, "index.html"), `<!doctype html><html lang="ja"><script>${BOOT}</script><div id="app"></div></html>`);
    await writeFile(path.join(dir, "app.js"), "console.log('app')");
    server = await startServer({
      core,
      uiDir: dir,
      host: "127.0.0.1",
      port: 0,
      log,
      token: TOKEN,
      firstScreen: (template, view) => {
        seen.push(view);
        if (fail) return Promise.reject(new Error("render failed"));
        // A script drawn in with the screen must not be allowed by the header (hashes come from the template).
        return Promise.resolve(template.replace('<div id="app"></div>', `<div id="app">${view?.screen.name ?? ""} ${view?.seq ?? ""}<script>${RENDERED}</script></div>`));
      },
    });
  });
  afterAll(async () => server.close());

  it("draws the flow's current view into index.html, at / and at /index.html, with the same headers", async () => {
    core.publish({ ...core.view(), seq: 7, screen: { name: "out-of-service", devices: { reader: "missing", camera: "ok", leds: "ok" } } });
    const r = await get(server.port, "/");
    expect(r.body).toContain(`<div id="app">out-of-service 7<script>${RENDERED}</script></div>`);
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(String(r.headers["content-security-policy"])).toContain(`script-src 'self' '${BOOT_HASH}';`);
    expect(Number(r.headers["content-length"])).toBe(Buffer.byteLength(r.body));
    expect((await get(server.port, "/index.html")).body).toContain("out-of-service 7");
    expect(seen.at(-1)?.seq).toBe(7);
  });

  it("allows the page's own inline script by its hash, and nothing drawn in with the screen", async () => {
    const r = await get(server.port, "/");
    const csp = String(r.headers["content-security-policy"]);
    expect(r.body).toContain(RENDERED);
    expect(csp).toContain(`'${BOOT_HASH}'`);
    expect(csp).not.toContain(`'${sha256(RENDERED)}'`);
    expect(csp.match(/'sha256-/g)).toHaveLength(1);
  });

  it("leaves every other file alone, with the policy that allows no inline script", async () => {
    const before = seen.length;
    const r = await get(server.port, "/app.js");
    expect(r.body).toBe("console.log('app')");
    expect(String(r.headers["content-security-policy"])).toContain("script-src 'self';");
    expect(seen.length).toBe(before);
  });

  it("sends the page as built when drawing fails, and logs it without content", async () => {
    fail = true;
    const r = await get(server.port, "/");
    fail = false;
    expect(r.status).toBe(200);
    expect(r.body).toContain('<div id="app"></div>');
    expect(log.lines.filter((l) => l.includes("first-screen-failed"))).toHaveLength(1);
  });
});
