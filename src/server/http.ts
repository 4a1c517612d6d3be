/**
 * The daemon's only network surface: loopback HTTP serving the built UI, `GET /healthz`, and one
 * WebSocket at `/ws` (socket.ts). No session logic lives here: the server relays the flow's views
 * to screens and the screens' messages to the flow.
 *
 * Hardening, because any web page the kiosk browser (or anything else on the machine) opens could
 * try to reach a loopback port: requests whose Host is not this loopback address are refused (DNS
 * rebinding), WebSocket upgrades from another Origin are refused, responses are never cached, and a
 * strict Content-Security-Policy lets the page load only its own script and style. The WebSocket also
 * needs this run's token (socket.ts, token.ts). Connections are capped and every request is bounded in
 * time (slow-header clients are cut off); refusals are logged through the client-noise rate limit.
 *
 * The page (`/`, index.html) may carry the first screen drawn from the current view (`firstScreen`,
 * first-screen.ts; issue 16): only a screen without personal data (idle, out of service — what anyone
 * at the kiosk sees, and what /healthz already tells), because the page is fetched without the token.
 * It adds no script or style to the page. The page's own inline script (boot.js, inlined by the build)
 * is allowed by its hash (csp.ts), taken from the page as built.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { KioskCore } from "../flow/core";
import type { Logger } from "../log";
import { contentSecurityPolicy, inlineScriptHashes } from "./csp";
import type { RenderIndex } from "./first-screen";
import { createNoiseLog, type NoiseLog } from "./noise";
import { attachSocket, type SocketHub, type SocketLimits } from "./socket";

export interface ServerDeps {
  core: KioskCore;
  /** Folder with the built UI (index.html, app.js, styles.css). */
  uiDir: string;
  host: string;
  port: number;
  log: Logger;
  /** This run's WebSocket token (token.ts). */
  token: string;
  /** Default: 4 sockets, 60 s idle. */
  limits?: Partial<SocketLimits>;
  /** Client-noise log (rate-limited); default one over `log`. */
  noise?: NoiseLog;
  /** Draws the current view into index.html (first-screen.ts); without it the page goes out as built. */
  firstScreen?: RenderIndex | null;
}

/** Open TCP connections at most (HTTP and WebSocket together). */
const MAX_CONNECTIONS = 32;
/** A request's headers must arrive within this, and the whole request within REQUEST_MS (ms). */
const HEADERS_MS = 5_000;
const REQUEST_MS = 10_000;

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": contentSecurityPolicy(),
};

// eslint-disable-next-line max-lines-per-function -- landed with issue 15 before the length rule; its owner (security) splits it
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const log = deps.log.child("server");
  const uiRoot = path.resolve(deps.uiDir);
  const noise = deps.noise ?? createNoiseLog(log);
  let hub: SocketHub | null = null;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error("http-error", { message: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = HEADERS_MS;
  server.requestTimeout = REQUEST_MS;

  const allowedHosts = (port: number) => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const port = (server.address() as { port: number }).port;
    if (!allowedHosts(port).has(req.headers.host ?? "")) {
      noise.note("http-refused", { status: 421 });
      send(res, 421, "text/plain; charset=utf-8", "misdirected request\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      noise.note("http-refused", { status: 405 });
      send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", { allow: "GET, HEAD" });
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/healthz") {
      send(res, 200, "application/json", JSON.stringify(deps.core.health()) + "\n");
      return;
    }
    const rel = url.pathname === "/" ? "index.html" : decodedPath(url.pathname.slice(1));
    const file = rel === null ? "" : path.resolve(uiRoot, rel);
    const type = TYPES[path.extname(file)];
    if (!file.startsWith(uiRoot + path.sep) || type === undefined) {
      send(res, 404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      send(res, 404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    if (rel !== "index.html") {
      send(res, 200, type, body, {}, req.method === "HEAD");
      return;
    }
    // The page's own inline scripts (boot.js) by hash, taken before the first screen is drawn in.
    const csp = { "content-security-policy": contentSecurityPolicy(inlineScriptHashes(body.toString("utf8"))) };
    if (deps.firstScreen) body = await withFirstScreen(deps.firstScreen, body);
    send(res, 200, type, body, csp, req.method === "HEAD");
  }

  async function withFirstScreen(render: RenderIndex, page: Buffer): Promise<Buffer> {
    try {
      return Buffer.from(await render(page.toString("utf8"), deps.core.view()), "utf8");
    } catch (e) {
      // The page as built still works (the app draws the socket's first view).
      log.error("first-screen-failed", { error: e instanceof Error ? e.name : typeof e });
      return page;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.port, deps.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  hub = attachSocket({
    server,
    core: deps.core,
    log,
    noise,
    allowedHosts: allowedHosts(port),
    token: deps.token,
    limits: { maxSockets: deps.limits?.maxSockets ?? 4, idleMs: deps.limits?.idleMs ?? 60_000 },
  });
  const url = `http://${deps.host.includes(":") ? `[${deps.host}]` : deps.host}:${port}`;
  log.info("listening", { url });

  return {
    port,
    url,
    async close() {
      await hub?.close();
      noise.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A percent-decoded path, or null when its escapes are malformed (a 404, not a server error). */
function decodedPath(p: string): string | null {
  try {
    return decodeURIComponent(p);
  } catch {
    return null;
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  extra: Readonly<Record<string, string>> = {},
  headOnly = false,
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "content-length": Buffer.byteLength(body), ...extra });
  res.end(headOnly ? undefined : body);
}
