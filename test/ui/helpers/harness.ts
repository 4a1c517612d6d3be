/**
 * A stand-in for the daemon's server, for browser tests and the UI benchmark: serves the built UI
 * (dist/ui) and one WebSocket at /ws that speaks the protocol. Tests push scripted ViewMessages and
 * read back the ClientMessages the UI sent, so every screen can be walked without the real flow.
 */
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { ClientMessage, ViewMessage } from "../../../src/protocol";
import { loadFirstScreen } from "../../../src/server/first-screen";
import { repoRoot } from "./paths";

const ROOT = repoRoot();
export const UI_DIR = path.join(ROOT, "dist/ui");
/** The first-screen renderer the daemon uses (scripts/build.mjs, ui/src/ssr.tsx). */
export const SSR_MODULE = path.join(ROOT, "dist/ui-ssr.js");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Builds the UI bundle if dist/ui is missing (npm test builds it before the browser project runs). */
export function ensureUiBuilt(): void {
  if (existsSync(path.join(UI_DIR, "app.js")) && existsSync(path.join(UI_DIR, "index.html")) && existsSync(SSR_MODULE)) return;
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build.mjs"), "--ui-only"], { cwd: ROOT, stdio: "inherit" });
}

export type ViewInput = Omit<ViewMessage, "type" | "seq">;
/** Optional scripted daemon: answers a client message with a new view (or nothing). */
export type Responder = (message: ClientMessage, current: ViewInput) => ViewInput | null;

export interface Harness {
  url: string;
  /** Every ClientMessage received, in order. */
  received: ClientMessage[];
  /** Sends a view to every connected page (and to pages that connect later). */
  push(view: ViewInput): void;
  respond(responder: Responder | null): void;
  waitForMessage<T extends ClientMessage["type"]>(type: T, timeoutMs?: number): Promise<Extract<ClientMessage, { type: T }>>;
  /** Paths of the HTTP requests served. */
  requests: string[];
  /** Cuts every open socket and refuses new ones until `acceptConnections()` (a daemon restart). */
  dropConnections(): void;
  acceptConnections(): void;
  close(): Promise<void>;
}

/**
 * `uiDir`: another built UI to serve (bench:ui's before/after comparison); dist/ui by default.
 * `serverRender`: draw the current view into index.html as the daemon does (src/server/http.ts with
 * dist/ui-ssr.js); on by default for dist/ui, off for another folder (a build from before it existed).
 */
export async function startHarness(initial: ViewInput, uiDir = UI_DIR, opts: { serverRender?: boolean } = {}): Promise<Harness> {
  const renderIndex = (opts.serverRender ?? uiDir === UI_DIR) ? await loadFirstScreen(SSR_MODULE) : null;
  let seq = 0;
  let current: ViewMessage = { type: "view", seq: ++seq, ...initial };
  let responder: Responder | null = null;
  const received: ClientMessage[] = [];
  const requests: string[] = [];
  const waiters: { type: string; resolve: (m: ClientMessage) => void }[] = [];
  const sockets = new Set<WebSocket>();
  let refusing = false;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.pathname);
    const name = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const type = TYPES[path.extname(name)];
    if (!type || name.includes("..") || name.includes("/")) {
      res.writeHead(404).end();
      return;
    }
    readFile(path.join(uiDir, name))
      .then((body): Promise<string | Buffer> | Buffer => (name === "index.html" && renderIndex ? renderIndex(body.toString("utf8"), current) : body))
      .then(
        (body) => res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body),
        () => res.writeHead(404).end(),
      );
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (req.url !== "/ws" || refusing) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      ws.on("message", (data: Buffer) => {
        const msg = JSON.parse(data.toString("utf8")) as ClientMessage;
        received.push(msg);
        for (const w of [...waiters]) {
          if (w.type === msg.type) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(msg);
          }
        }
        const { type: _t, seq: _s, ...cur } = current;
        const next = responder?.(msg, cur);
        if (next) push(next);
      });
      ws.send(JSON.stringify(current));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  function push(view: ViewInput): void {
    current = { type: "view", seq: ++seq, ...view };
    const text = JSON.stringify(current);
    for (const ws of sockets) ws.send(text);
  }

  return {
    // Opened as the kiosk launcher opens the daemon's page: with a token in the fragment (this
    // harness accepts any socket; the page shows a "needs the kiosk's key" screen without one).
    url: `http://127.0.0.1:${port}/#token=${"0f".repeat(32)}`,
    received,
    requests,
    push,
    dropConnections() {
      refusing = true;
      for (const ws of sockets) ws.terminate();
    },
    acceptConnections() {
      refusing = false;
    },
    respond(r) {
      responder = r;
    },
    waitForMessage(type, timeoutMs = 5000) {
      const seen = received.find((m) => m.type === type);
      if (seen) {
        received.splice(received.indexOf(seen), 1);
        return Promise.resolve(seen as never);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            received.splice(received.indexOf(m), 1);
            resolve(m as never);
          },
        });
      });
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
