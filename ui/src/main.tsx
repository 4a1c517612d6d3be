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
 * Server-rendered first screen (ssr.tsx): when the daemon drew its view into the HTML, #app holds that
 * screen and the view it came from. The app hydrates it with that view (the same DOM, handlers
 * attached; after the view's catalogue has loaded), then draws the socket's views as before; the
 * socket's first view is taken whatever its seq (the daemon may have restarted in between), and a
 * different one replaces the rendered screen. A page opened without the token drops the rendered
 * screen and says what to open instead. "mynaguard:first-screen" is marked once a screen is drawn
 * and the socket has delivered a view (its buttons reach the daemon).
 *
 * Only the Japanese catalogue is in this bundle (i18n/index.ts): a first view in another default
 * language waits for that language's chunk before it is drawn (no flash of Japanese), and every
 * language is fetched PRELOAD_AFTER_MS after the first screen, before a customer can tap one.
 */
import { hydrate, render } from "preact";
import type { ViewMessage } from "../../src/protocol";
import { App } from "./app";
import { hasLanguage, loadLanguage, preloadLanguages } from "./i18n";
import { connect, tokenFromFragment } from "./socket";
import { FIRST_VIEW_ATTR } from "./ssr-attr";

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
/** A view has come from the socket (the server-rendered one does not count). */
let fromSocket = false;
/** The JSON of the view the daemon rendered into #app, until the first draw hydrates or replaces it. */
let renderedJson = root.getAttribute(FIRST_VIEW_ATTR);
root.removeAttribute(FIRST_VIEW_ATTR);

const draw = () => {
  const app = <App view={current} send={(m) => connection.send(m)} noToken={noToken} />;
  if (renderedJson !== null) {
    // Hydrate only with the very view the HTML was rendered from; anything else starts afresh.
    const same = current !== null && JSON.stringify(current) === renderedJson;
    renderedJson = null;
    if (same) hydrate(app, root);
    else {
      root.textContent = "";
      render(app, root);
    }
  } else render(app, root);
  if (firstRender && current && fromSocket) {
    firstRender = false;
    performance.mark("mynaguard:first-screen");
    setTimeout(() => void preloadLanguages().catch(() => undefined), PRELOAD_AFTER_MS);
  }
};

/** Draws the current view once `view`'s default language is loaded (at once for Japanese). */
const show = (view: ViewMessage) => {
  if (hasLanguage(view.defaultLanguage)) draw();
  else void loadLanguage(view.defaultLanguage).then(draw, draw);
};

// The server-rendered screen is hydrated now, before the socket's first view (usually already in).
const rendered = parseView(renderedJson);
if (rendered && !noToken) {
  current = rendered;
  show(rendered);
} else if (renderedJson !== null) {
  renderedJson = null;
  root.textContent = "";
}

const connection = connect(
  (view) => {
    // Ignore stale views (a restarted daemon starts again on a new connection, after `current` was
    // reset). The first from the socket replaces the server-rendered one whatever its seq.
    if (current && fromSocket && view.seq <= current.seq) return;
    if (!fromSocket) performance.mark("mynaguard:view");
    fromSocket = true;
    current = view;
    show(view);
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

function parseView(json: string | null): ViewMessage | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as ViewMessage;
  } catch {
    return null;
  }
}
