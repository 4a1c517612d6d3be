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

/** The socket boot.js opened before the app started, with the messages that came before it did. */
export interface EarlySocket {
  ws: WebSocket;
  messages: string[];
  closed: boolean;
}
/** The window property boot.js leaves its socket in; the app sets it to "claimed" when it takes over. */
export const EARLY_SLOT = "__mynaguardEarlySocket";

/** Takes the socket boot.js opened (once); null when boot.js has not run, so the app opens its own. */
export function adoptEarlySocket(): EarlySocket | null {
  const w = window as unknown as Record<string, EarlySocket | "claimed" | undefined>;
  const early = w[EARLY_SLOT];
  w[EARLY_SLOT] = "claimed";
  return early === undefined || early === "claimed" ? null : early;
}

export function connect(
  onView: (view: ViewMessage) => void,
  onDown: () => void,
  url = defaultUrl(),
  token = tokenFromFragment(),
  early: EarlySocket | null = adoptEarlySocket(),
): Connection {
  let ws: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = 250;
  let closed = false;

  const receive = (data: unknown) => {
    if (typeof data !== "string") return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (isView(msg)) onView(msg);
  };
  const down = () => {
    ws = null;
    if (closed) return;
    onDown();
    retry = setTimeout(open, delay);
    delay = Math.min(delay * 2, 4000);
  };
  const attach = (socket: WebSocket) => {
    ws = socket;
    socket.onopen = () => {
      delay = 250;
    };
    socket.onmessage = (e: MessageEvent) => receive(e.data);
    socket.onclose = down;
  };
  function open() {
    attach(new WebSocket(url, protocolsFor(token)));
  }

  if (early) {
    // The early socket's messages so far, in order, then its later ones as usual.
    attach(early.ws);
    for (const m of early.messages.splice(0)) receive(m);
    if (early.closed) down();
  } else {
    open();
  }

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

/** The subprotocols the socket offers: `mynaguard`, and the run's token when the page has one. */
export function protocolsFor(token: string): string[] {
  return token ? ["mynaguard", `mynaguard.token.${token}`] : ["mynaguard"];
}

export function defaultUrl(): string {
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
