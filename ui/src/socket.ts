/**
 * The one WebSocket to the daemon (`ws://<host>/ws`). Reconnects with a short back-off when the
 * daemon restarts; while disconnected the UI shows the "getting ready" screen. Messages that are not
 * view messages are ignored.
 *
 * The daemon admits only the kiosk browser: the page is opened with this run's token in its URL
 * fragment (`/#token=<hex>`, never sent over HTTP), and the socket offers it as a subprotocol
 * (`mynaguard.token.<hex>`) next to `mynaguard` (src/server/token.ts).
 */
import type { ClientMessage, ViewMessage } from "../../src/protocol";

export interface Connection {
  send(message: ClientMessage): void;
  close(): void;
}

export function connect(onView: (view: ViewMessage) => void, onDown: () => void, url = defaultUrl(), token = tokenFromFragment()): Connection {
  let ws: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = 250;
  let closed = false;

  const open = () => {
    ws = new WebSocket(url, token ? ["mynaguard", `mynaguard.token.${token}`] : ["mynaguard"]);
    ws.onopen = () => {
      delay = 250;
    };
    ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data !== "string") return;
      let msg: unknown;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (isView(msg)) onView(msg);
    };
    ws.onclose = () => {
      ws = null;
      if (closed) return;
      onDown();
      retry = setTimeout(open, delay);
      delay = Math.min(delay * 2, 4000);
    };
  };
  open();

  return {
    send(message) {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      ws?.close();
    },
  };
}

function defaultUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

/** The token from the page's fragment (`#token=<hex>`), or "" when the page was opened without one. */
export function tokenFromFragment(): string {
  const m = /(?:^#|&)token=([0-9a-f]{16,128})(?:&|$)/.exec(location.hash);
  return m?.[1] ?? "";
}

function isView(m: unknown): m is ViewMessage {
  if (typeof m !== "object" || m === null) return false;
  const v = m as Partial<ViewMessage>;
  return v.type === "view" && typeof v.seq === "number" && typeof v.screen === "object" && v.screen !== null;
}
