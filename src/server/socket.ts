/**
 * The one WebSocket (`/ws`): every connected screen receives each ViewMessage the flow publishes,
 * starting with the current one; frames from a screen are validated (messages.ts) and dispatched to
 * the flow.
 *
 * Who may connect (issue 15): the upgrade must offer this run's token as a subprotocol
 * (`mynaguard.token.<hex>`, token.ts) — a local process without it gets 401 and never sees a view;
 * a browser page of another Origin gets 403; beyond `maxSockets` open sockets, 503. A socket that
 * neither sends a frame nor answers a ping for `idleMs` is closed. Refusals and malformed frames
 * are client noise: logged through the rate limit (noise.ts), type and reason only, never content.
 */
import type { IncomingMessage, Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import type { KioskCore } from "../flow/core";
import type { Logger } from "../log";
import { parseClientMessage } from "./messages";
import type { NoiseLog } from "./noise";
import { sameToken, tokenFromProtocols, WS_PROTOCOL } from "./token";

export interface SocketHub {
  clients(): number;
  close(): Promise<void>;
}

/** Largest frame a screen may send (bytes); real messages are well under 1 KB. */
const MAX_FRAME = 16 * 1024;

export interface SocketLimits {
  /** Open sockets at most (the kiosk needs one; a reload briefly two). */
  maxSockets: number;
  /** A socket silent this long (no frame, no pong) is closed (ms). */
  idleMs: number;
}

// eslint-disable-next-line max-lines-per-function -- landed with issue 15 before the length rule; its owner (security) splits it
export function attachSocket(deps: {
  server: Server;
  core: KioskCore;
  log: Logger;
  noise: NoiseLog;
  allowedHosts: ReadonlySet<string>;
  token: string;
  limits: SocketLimits;
}): SocketHub {
  const sockets = new Set<WebSocket>();
  const refuse = (cb: (ok: boolean, code?: number, message?: string) => void, code: number, reason: string): void => {
    deps.noise.note("socket-refused", { reason });
    cb(false, code, reason);
  };
  const wss = new WebSocketServer({
    server: deps.server,
    path: "/ws",
    maxPayload: MAX_FRAME,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
    verifyClient: (info: { origin: string; req: IncomingMessage }, cb) => {
      const host = info.req.headers.host ?? "";
      if (!deps.allowedHosts.has(host)) return refuse(cb, 421, "host");
      // Browsers always send Origin; it must be this very page. Non-browser clients send none.
      if (!(info.origin === undefined || info.origin === "" || info.origin === `http://${host}`)) return refuse(cb, 403, "origin");
      if (!sameToken(tokenFromProtocols(info.req.headers["sec-websocket-protocol"]), deps.token)) return refuse(cb, 401, "token");
      if (sockets.size >= deps.limits.maxSockets) return refuse(cb, 503, "too-many-sockets");
      cb(true);
    },
  });
  const sendView = (ws: WebSocket, text: string) => {
    if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const unsubscribe = deps.core.subscribe((view) => {
    const text = JSON.stringify(view);
    for (const ws of sockets) sendView(ws, text);
  });

  // Liveness: every idleMs/2 each socket is pinged; one that stayed silent (no frame, no pong) for a
  // whole idleMs is closed. Browsers answer pings by themselves, so the kiosk screen stays connected.
  const lastHeard = new Map<WebSocket, number>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const ws of sockets) {
      if (now - (lastHeard.get(ws) ?? now) >= deps.limits.idleMs) {
        deps.noise.note("socket-idle-closed", {});
        ws.terminate();
      } else if (ws.readyState === ws.OPEN) ws.ping();
    }
  }, Math.max(50, Math.floor(deps.limits.idleMs / 2)));
  sweep.unref();

  wss.on("connection", (ws) => {
    sockets.add(ws);
    lastHeard.set(ws, Date.now());
    deps.log.debug("screen-connected", { screens: sockets.size });
    sendView(ws, JSON.stringify(deps.core.view()));
    ws.on("pong", () => lastHeard.set(ws, Date.now()));
    ws.on("message", (data, isBinary) => {
      lastHeard.set(ws, Date.now());
      if (isBinary) {
        deps.noise.note("socket-frame-dropped", { reason: "binary" });
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      const parsed = parseClientMessage(text);
      if (!parsed.ok) {
        deps.noise.note("socket-frame-dropped", { reason: "invalid" });
        return;
      }
      try {
        deps.core.dispatch(parsed.message);
      } catch (e) {
        // A throw here would escape the socket's event handler and end the daemon.
        deps.log.error("socket-dispatch-failed", { type: parsed.message.type, error: e instanceof Error ? e.name : typeof e });
      }
    });
    const gone = (): void => {
      sockets.delete(ws);
      lastHeard.delete(ws);
    };
    ws.on("close", gone);
    ws.on("error", gone);
  });

  return {
    clients: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        unsubscribe();
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
