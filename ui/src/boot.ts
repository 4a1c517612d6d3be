/**
 * The first script of the page (boot.js, a few hundred bytes, `async` in index.html): opens the socket
 * to the daemon at once, so that the WebSocket handshake and the daemon's first view overlap the
 * download, parse and start of the app bundle instead of following them (issue 16: the first screen
 * waited for app.js, then for the socket). Messages that arrive before the app starts are kept, in
 * order, and handed over with the socket (`adoptEarlySocket` in socket.ts); nothing else is done here.
 *
 * If the app started first (the order of an async script and a module script is not fixed), the app
 * has claimed the hand-over slot and this script does nothing, so there is never a second socket.
 */
import { EARLY_SLOT, defaultUrl, protocolsFor, tokenFromFragment, type EarlySocket } from "./socket";

const w = window as unknown as Record<string, EarlySocket | "claimed" | undefined>;
if (w[EARLY_SLOT] === undefined) {
  const early: EarlySocket = { ws: new WebSocket(defaultUrl(), protocolsFor(tokenFromFragment())), messages: [], closed: false };
  early.ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === "string") early.messages.push(e.data);
  };
  early.ws.onclose = () => {
    early.closed = true;
  };
  w[EARLY_SLOT] = early;
}
