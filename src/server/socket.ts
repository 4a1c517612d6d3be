/**
 * The one WebSocket (`/ws`): every connected screen receives each ViewMessage the flow publishes,
 * starting with the current one; frames from a screen are validated (messages.ts) and dispatched to
 * the flow. Malformed frames are dropped with a log line (type and reason only, never content).
 */
import type { IncomingMessage, Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import type { KioskCore } from "../flow/core";
import type { Logger } from "../log";
import { parseClientMessage } from "./messages";

export interface SocketHub {
  clients(): number;
  close(): Promise<void>;
}

/** Largest frame a screen may send (bytes); real messages are well under 1 KB. */
const MAX_FRAME = 16 * 1024;

export function attachSocket(deps: {
  server: Server;
  core: KioskCore;
  log: Logger;
  allowedHosts: ReadonlySet<string>;
}): SocketHub {
  const wss = new WebSocketServer({
    server: deps.server,
    path: "/ws",
    maxPayload: MAX_FRAME,
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }) => {
      const host = req.headers.host ?? "";
      if (!deps.allowedHosts.has(host)) return false;
      // Browsers always send Origin; it must be this very page. Non-browser clients (kioskctl, tests)
      // send none.
      return origin === undefined || origin === "" || origin === `http://${host}`;
    },
  });
  const sockets = new Set<WebSocket>();
  const sendView = (ws: WebSocket, text: string) => {
    if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const unsubscribe = deps.core.subscribe((view) => {
    const text = JSON.stringify(view);
    for (const ws of sockets) sendView(ws, text);
  });

  wss.on("connection", (ws) => {
    sockets.add(ws);
    deps.log.debug("screen-connected", { screens: sockets.size });
    sendView(ws, JSON.stringify(deps.core.view()));
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        deps.log.warn("socket-frame-dropped", { reason: "binary" });
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      const parsed = parseClientMessage(text);
      if (!parsed.ok) {
        deps.log.warn("socket-frame-dropped", { reason: "invalid" });
        return;
      }
      try {
        deps.core.dispatch(parsed.message);
      } catch (e) {
        // A throw here would escape the socket's event handler and end the daemon.
        deps.log.error("socket-dispatch-failed", { type: parsed.message.type, error: e instanceof Error ? e.name : typeof e });
      }
    });
    ws.on("close", () => sockets.delete(ws));
    ws.on("error", () => sockets.delete(ws));
  });

  return {
    clients: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
