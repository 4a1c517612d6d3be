/**
 * Entry point: takes over the socket boot.js opened (or opens one) and renders the screen for each
 * new view message. A kiosk page: no text selection, no context menu, nothing stored in the browser.
 *
 * First render (issue 16, docs/performance.md): the daemon's first view usually arrived on boot.js's
 * socket while this bundle loaded, so the first render is already the real screen. When it has not,
 * the "getting ready" screen is drawn only after CONNECTING_GRACE_MS: laying out a screen that the
 * view replaces a moment later cost the first real screen ~0.2 s at 4× CPU throttle (the first CJK
 * text layout). A socket that drops shows it at once, as before.
 *
 * Only the Japanese catalogue is in this bundle (i18n/index.ts): a first view in another default
 * language waits for that language's chunk before it is drawn (no flash of Japanese), and every
 * language is fetched PRELOAD_AFTER_MS after the first screen, before a customer can tap one.
 */
import { render } from "preact";
import type { ViewMessage } from "../../src/protocol";
import { App } from "./app";
import { hasLanguage, loadLanguage, preloadLanguages } from "./i18n";
import { connect, tokenFromFragment } from "./socket";

const CONNECTING_GRACE_MS = 300;
const PRELOAD_AFTER_MS = 500;

performance.mark("mynaguard:boot");
const root = document.getElementById("app");
if (!root) throw new Error("#app missing from index.html");

document.addEventListener("contextmenu", (e) => e.preventDefault());
document.addEventListener("selectstart", (e) => e.preventDefault());

let current: ViewMessage | null = null;
// Opened without this run's token (e.g. a demo user typing the bare address): the daemon will refuse
// the socket, so say what to open instead of "getting ready" for ever.
const noToken = tokenFromFragment() === "";
let firstRender = true;

const draw = () => {
  render(<App view={current} send={(m) => connection.send(m)} noToken={noToken} />, root);
  if (firstRender && current) {
    firstRender = false;
    performance.mark("mynaguard:first-screen");
    setTimeout(() => void preloadLanguages().catch(() => undefined), PRELOAD_AFTER_MS);
  }
};

const connection = connect(
  (view) => {
    // Ignore stale views (a restarted daemon starts again on a new connection, after `current` was reset).
    if (current && view.seq <= current.seq) return;
    if (!current) performance.mark("mynaguard:view");
    current = view;
    if (hasLanguage(view.defaultLanguage)) draw();
    else void loadLanguage(view.defaultLanguage).then(draw, draw);
  },
  () => {
    current = null;
    draw();
  },
);

// Nothing drawn yet when no view came with the early socket: "getting ready" after the grace period.
setTimeout(() => {
  if (!current && firstRender) draw();
}, CONNECTING_GRACE_MS);
