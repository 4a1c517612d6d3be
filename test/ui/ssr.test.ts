/**
 * The server-rendered first screen (issue 16, ui/src/ssr.tsx): the daemon draws its current view
 * into index.html when that view holds no personal data, and the app hydrates it in place. Checked:
 * which views are rendered (idle and out of service only: never a result, an entry, a staff screen);
 * the rendered markup is what the app itself draws from the same view; the app takes over the very
 * same DOM (handlers work); a view that changed between the page and the socket replaces it; a page
 * without the token drops it; the page's Content-Security-Policy is not broken.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { ViewMessage } from "../../src/protocol";
import { loadFirstScreen, type RenderIndex } from "../../src/server/first-screen";
import { launchChromium, waitForScreen } from "./helpers/browser";
import { ensureUiBuilt, SSR_MODULE, startHarness, UI_DIR, type Harness, type ViewInput } from "./helpers/harness";
import { allStates, attendedData, DEMO, view } from "./helpers/views";
import { memoryLogger } from "../../src/log";
import { startServer } from "../../src/server/http";
import { fakeCore } from "../unit/server/fake-core";

let browser: Browser;
let harness: Harness;
/** The same UI served as built (no rendered screen): the app draws the view itself. */
let plain: Harness;
let render: RenderIndex;
let template: string;

const IDLE = view({ name: "idle", staffCall: false });

beforeAll(async () => {
  ensureUiBuilt();
  const r = await loadFirstScreen(SSR_MODULE);
  if (!r) throw new Error(`${SSR_MODULE} missing`);
  render = r;
  template = readFileSync(path.join(UI_DIR, "index.html"), "utf8");
  harness = await startHarness(IDLE);
  plain = await startHarness(IDLE, UI_DIR, { serverRender: false });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await harness.close();
  await plain.close();
});

const message = (v: ViewInput, seq = 1): ViewMessage => ({ type: "view", seq, ...v });

describe("which views are drawn into the page", () => {
  it("the built page has the slot the daemon fills", () => {
    expect(template).toContain('<div id="app"></div>');
    expect(template).toContain('<html lang="ja">');
  });

  it("draws idle and out-of-service only; every other state goes out as the page was built", async () => {
    let drawn = 0;
    for (const lang of ["ja", "en", "vi"] as const) {
      for (const s of allStates(lang)) {
        const html = await render(template, message(s.view));
        if (s.screen === "idle" || s.screen === "out-of-service") {
          expect(html, s.id).toContain(`data-screen="${s.screen}"`);
          drawn += 1;
        } else {
          expect(html, s.id).toBe(template);
        }
      }
    }
    expect(drawn).toBe(3 * 4); // idle ×3 and out-of-service per language
    expect(await render(template, null)).toBe(template);
  });

  it("never puts personal data into the page: an attended result's images and birth date stay out", async () => {
    const data = attendedData();
    const attended = message(view({ name: "result", outcome: "pass", reason: null, attended: data, minimumAge: 20, advice: null, cardOn: true }, { kioskMode: "attended" }));
    const html = await render(template, attended);
    expect(html).toBe(template);
    for (const secret of [data.birthDate ?? "", data.photoPngBase64?.slice(40, 80) ?? "", ...data.images.map((i) => i.pngBase64.slice(40, 80))]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(html).not.toContain(secret);
    }
    // Positive control: the same check sees a value that is in the page (idle's rendered view).
    expect(await render(template, message(IDLE, 4242))).toContain("4242");
  });

  it("sets the page's language to the view's, so the first paint picks the right glyphs", async () => {
    expect(await render(template, message(view({ name: "idle", staffCall: false }, { defaultLanguage: "zh" })))).toContain('<html lang="zh-Hans">');
  });
});

/** Opens the page with app.js held back until `release()`; boot.js and the HTML come as usual. */
async function openHeld(url: string): Promise<{ page: Page; release: () => void; violations: () => Promise<string[]> }> {
  const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
  const page = await context.newPage();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route("**/app.js", async (route) => {
    await gate;
    await route.continue();
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url, { waitUntil: "commit" });
  return { page, release, violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp) };
}

const appHtml = (page: Page) => page.evaluate(() => document.getElementById("app")?.innerHTML ?? "");
const firstScreenMarked = (page: Page) =>
  page.waitForFunction(() => performance.getEntriesByName("mynaguard:first-screen").length > 0, undefined, { timeout: 10_000 });

describe("in the browser", () => {
  it("paints the real screen before app.js has run, then hydrates that same DOM: its buttons work", async () => {
    const { page, release, violations } = await openHeld(harness.url);
    await waitForScreen(page, "idle");
    const before = await appHtml(page);
    const started = await page.evaluate(() => {
      const start = document.querySelector<HTMLElement & { __fromServer?: boolean }>('[data-testid="start"]');
      if (start) start.__fromServer = true;
      return performance.getEntriesByName("mynaguard:boot").length > 0;
    });
    expect(started).toBe(false); // the app had not run: this screen came with the page
    release();
    await firstScreenMarked(page);
    expect(await appHtml(page)).toBe(before);
    expect(await page.evaluate(() => document.querySelector<HTMLElement & { __fromServer?: boolean }>('[data-testid="start"]')?.__fromServer)).toBe(true);
    await page.getByTestId("start").tap();
    expect((await harness.waitForMessage("start")).type).toBe("start");
    expect(await violations()).toEqual([]);
    await page.context().close();
  });

  it("renders the same markup as the app draws from the same view (idle, demo, English, out of service)", async () => {
    const views: ViewInput[] = [
      IDLE,
      view({ name: "idle", staffCall: true }, { defaultLanguage: "en", demo: { ...DEMO, leds: "busy" } }),
      view({ name: "out-of-service", devices: { reader: "missing", camera: "ok", leds: "error" } }, { defaultLanguage: "ko" }),
    ];
    try {
      for (const v of views) {
        harness.push(v);
        plain.push(v);
        const held = await openHeld(harness.url);
        await held.page.waitForSelector("[data-screen]");
        const server = await appHtml(held.page);
        held.release();
        await held.page.context().close();

        const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
        const page = await context.newPage();
        await page.goto(plain.url);
        await firstScreenMarked(page);
        const client = await appHtml(page);
        await context.close();
        expect(server.length).toBeGreaterThan(500);
        expect(server).toBe(client);
      }
    } finally {
      harness.push(IDLE);
      plain.push(IDLE);
    }
  });

  it("replaces the rendered screen when the view changed before the socket's first one", async () => {
    const { page, release } = await openHeld(harness.url);
    await waitForScreen(page, "idle");
    harness.push(view({ name: "checking" }));
    try {
      release();
      await waitForScreen(page, "checking");
      await firstScreenMarked(page);
      expect(await page.evaluate(() => Array.from(document.querySelectorAll("[data-screen]")).map((e) => e.getAttribute("data-screen")))).toEqual(["checking"]);
    } finally {
      harness.push(IDLE);
      await page.context().close();
    }
  });

  it("drops the rendered screen on a page opened without the token, and says what to open", async () => {
    // The real daemon refuses a socket without the token; this harness accepts any, so it is cut.
    const { page, release } = await openHeld(harness.url.replace(/#.*$/, ""));
    try {
      await waitForScreen(page, "idle");
      harness.dropConnections();
      release();
      await waitForScreen(page, "connecting");
      expect(await page.locator("[data-screen]").count()).toBe(1);
      expect(await page.locator("h1").textContent()).toBe("この画面を開くには接続用の鍵が必要です");
    } finally {
      harness.acceptConnections();
      await page.context().close();
    }
  });

  it("through the daemon's own server and headers: boot.js runs inline under its hash, no policy violation, one socket", async () => {
    const token = "5a".repeat(32);
    const server = await startServer({
      core: fakeCore({ mode: "demo", version: "test", devices: { reader: "ok", camera: "ok", leds: "ok" }, ready: true }),
      uiDir: UI_DIR,
      host: "127.0.0.1",
      port: 0,
      log: memoryLogger(),
      token,
      firstScreen: render,
    });
    const { page, release, violations } = await openHeld(`${server.url}/#token=${token}`);
    try {
      let sockets = 0;
      page.on("websocket", () => (sockets += 1));
      await waitForScreen(page, "idle");
      release();
      await firstScreenMarked(page);
      expect(await page.evaluate(() => performance.getEntriesByName("mynaguard:early-socket").length)).toBe(1);
      expect(await page.evaluate(() => (window as unknown as Record<string, unknown>)["__mynaguardEarlySocket"])).toBe("claimed");
      expect(await violations()).toEqual([]);
      expect(sockets).toBeLessThanOrEqual(1);
    } finally {
      await page.context().close();
      await server.close();
    }
  });
});
