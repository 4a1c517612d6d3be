/**
 * The first screen, rendered into index.html by the daemon (issue 16, docs/performance.md "UI first
 * render"): when the page is served, the daemon's current view is drawn with the same App as in the
 * browser, so the page's first paint is already the real screen; app.js then hydrates it (attaches
 * its handlers to the same DOM) from the view embedded next to it, and takes the socket's views as
 * before. Built by scripts/build.mjs into dist/ui-ssr.js (outside dist/ui: never served), loaded by
 * the daemon (src/server/first-screen.ts) and by the test harness.
 *
 * **Only screens without personal data are ever rendered here** ({@link SERVER_RENDERED_SCREENS}): the
 * HTML is fetched without the run's token (it is in the URL fragment, never sent) and could end up in
 * a cache or a log, whereas the socket needs the token. Every other view — a result (attended mode
 * holds the chip's name, address, photo and birth date), manual entry (what the customer typed), the
 * staff screens (today's sessions) — leaves the page as it was built: empty, drawn from the socket.
 * test/ui/ssr.test.ts renders every screen state and checks both.
 */
import { renderToString } from "preact-render-to-string";
import type { Screen, ViewMessage } from "../../src/protocol";
import { App } from "./app";
import { LANG_TAGS, loadLanguage } from "./i18n";
import { FIRST_VIEW_ATTR } from "./ssr-attr";

/** The screens that may be drawn into the HTML: what anyone standing at the kiosk sees, nothing personal. */
export const SERVER_RENDERED_SCREENS: readonly Screen["name"][] = ["idle", "out-of-service"];

/** The mount point as ui/index.html has it; the rendered screen and its view go inside it. */
export const APP_SLOT = '<div id="app"></div>';

export function isServerRendered(view: ViewMessage | null): view is ViewMessage {
  return view !== null && SERVER_RENDERED_SCREENS.includes(view.screen.name);
}

/**
 * index.html with `view`'s screen drawn into #app (and `<html lang>` set to its language), or the
 * template unchanged when the view is not one of {@link SERVER_RENDERED_SCREENS} or the template has
 * no slot.
 */
export async function renderIndexHtml(template: string, view: ViewMessage | null): Promise<string> {
  if (!isServerRendered(view) || !template.includes(APP_SLOT)) return template;
  await loadLanguage(view.defaultLanguage);
  const body = renderToString(<App view={view} send={() => undefined} />);
  const app = `<div id="app" ${FIRST_VIEW_ATTR}="${escapeAttr(JSON.stringify(view))}">${body}</div>`;
  return template.replace(APP_SLOT, () => app).replace('<html lang="ja">', () => `<html lang="${LANG_TAGS[view.defaultLanguage]}">`);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
