/**
 * The server-rendered first screen (issue 16, docs/performance.md "UI first render"): loads
 * dist/ui-ssr.js, which the build makes from ui/src/ssr.tsx next to the daemon, and gives the
 * function that turns index.html and the flow's current view into the page to send. The module keeps
 * the rule that matters here: only screens without personal data are rendered (idle, out of
 * service); for every other view the page goes out as built. Kept out of the daemon's bundle on
 * purpose: it is the UI's code (preact and the screens), built for the browser's markup.
 */
import { access } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import type { ViewMessage } from "../protocol";

/** index.html with the current view's screen drawn in (or unchanged: see ui/src/ssr.tsx). */
export type RenderIndex = (template: string, view: ViewMessage | null) => Promise<string>;

/** The renderer from `file` (dist/ui-ssr.js), or null when there is none (e.g. the daemon run from src/). */
export async function loadFirstScreen(file: string): Promise<RenderIndex | null> {
  try {
    await access(file);
  } catch {
    return null;
  }
  const mod = (await import(pathToFileURL(file).href)) as { renderIndexHtml?: unknown };
  if (typeof mod.renderIndexHtml !== "function") throw new Error(`${file} has no renderIndexHtml`);
  const render = mod.renderIndexHtml as RenderIndex;
  return (template, view) => render(template, view);
}
