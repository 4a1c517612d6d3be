/**
 * The first script of the page (boot.js, a few hundred bytes, a plain classic script that
 * scripts/build.mjs inlines into index.html, allowed by its hash in the CSP): opens the socket
 * to the daemon at once, so that the WebSocket handshake and the daemon's first view overlap the
 * download, parse and start of the app bundle instead of following them (issue 16: the first screen
 * waited for app.js, then for the socket). Messages that arrive before the app starts are kept, in
 * order, and handed over with the socket (`adoptEarlySocket` in socket.ts); nothing else is done here.
 *
 * It is parser-blocking on purpose: as an `async` script Chromium fetched it at low priority and
 * ran it only after app.js had arrived (bench:ui at 4× throttle: socket opened at 970 ms, app.js in at
 * 881 ms, the first view 1,886 ms); blocking, it runs first (socket at ~580 ms, the daemon's first
 * message before the bundle starts), and it is too small to hold the parser up. As a file it was still
 * a fetch that held up the requests for styles.css and app.js (~150 ms at 4×); inlined (issue 16,
 * round 4) it runs as soon as the parser reaches it. Should the app still start first (boot.js failed to
 * load), the app has claimed the hand-over slot and this script does nothing: never a second socket.
 */
import { EARLY_SLOT, defaultUrl, protocolsFor, tokenFromFragment, type EarlySocket } from "./socket";

const w = window as unknown as Record<string, EarlySocket | "claimed" | undefined>;
if (w[EARLY_SLOT] === undefined) {
  // Marks for bench:ui's breakdown: when this script ran and when the daemon's first message came.
  performance.mark("mynaguard:early-socket");
  const early: EarlySocket = { ws: new WebSocket(defaultUrl(), protocolsFor(tokenFromFragment())), messages: [], closed: false };
  early.ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === "string" && early.messages.push(e.data) === 1) performance.mark("mynaguard:early-message");
  };
  early.ws.onclose = () => {
    early.closed = true;
  };
  w[EARLY_SLOT] = early;
}
