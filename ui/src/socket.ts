/**
 * The one WebSocket to the daemon (`ws://<host>/ws`). Reconnects with a short back-off when the
 * daemon restarts; while disconnected the UI shows the "getting ready" screen. Messages that are not
 * view messages are ignored.
 */
import type { ClientMessage, ViewMessage } from "../../src/protocol";

export interface Connection {
  send(message: ClientMessage): void;
  close(): void;
}

export function connect(onView: (view: ViewMessage) => void, onDown: () => void, url = defaultUrl()): Connection {
  let ws: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = 250;
  let closed = false;

  const open = () => {
    ws = new WebSocket(url);
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

function isView(m: unknown): m is ViewMessage {
  if (typeof m !== "object" || m === null) return false;
  const v = m as Partial<ViewMessage>;
  return v.type === "view" && typeof v.seq === "number" && typeof v.screen === "object" && v.screen !== null;
}
