/**
 * Issue 2's vertical slice through the real daemon in demo mode: idle → a virtual card is placed
 * with the demo panel → reading → result → back to idle, checking each screen passed (by the stable
 * data-screen attribute, never by timing). Then the same in attended mode, checking that the page's
 * DOM, storage and JS heap hold none of the session's personal data once it is over.
 * Skipped until `npm run build` has produced dist/daemon.js.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, layoutProblems, openPage, screenshot, waitForScreen } from "./helpers/browser";
import { daemonBuilt, startDaemon, type RunningDaemon } from "./helpers/daemon";
import { attendedFromSocket, placeCard } from "./helpers/demo";
import { findLeftovers } from "./helpers/heap";

/** An adult card of the built-in deck (src/card/sim/deck/deck.json) whose holder is at the camera. */
const ADULT_CARD = "heisei-1";

let browser: Browser;

/** Records every screen the page shows, in order, from a MutationObserver installed before load. */
async function recordScreens(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __screens: string[] }).__screens = seen;
    const note = () => {
      const s = document.querySelector("[data-screen]")?.getAttribute("data-screen");
      if (s && seen[seen.length - 1] !== s) seen.push(s);
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-screen"] });
  });
}
const screensSeen = (page: Page) => page.evaluate(() => (window as unknown as { __screens: string[] }).__screens);

beforeAll(async () => {
  if (daemonBuilt()) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!daemonBuilt())("a demo session through the real daemon", () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("goes from idle through reading to a pass and back to idle when an adult's virtual card is placed", async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 480 }, hasTouch: true });
    try {
      await recordScreens(page);
      await page.goto(daemon.url);
      await waitForScreen(page, "idle");
      await screenshot(page, "e2e", "1-idle");
      await placeCard(page, ADULT_CARD);
      await waitForScreen(page, "result", 60_000);
      await screenshot(page, "e2e", "2-result");
      expect(await layoutProblems(page)).toEqual([]);
      expect(await page.locator("[data-screen=result]").getAttribute("data-outcome")).toBe("pass");
      // Done with the card still on the reader: it is left behind (never read again) until lifted.
      await page.getByTestId("done").tap();
      await waitForScreen(page, "card-left", 30_000);
      await page.getByTestId("demo-toggle").tap();
      await page.getByTestId("demo-remove").tap();
      await page.getByTestId("demo-toggle").tap();
      await waitForScreen(page, "idle", 30_000);
      // "connecting" shows until the socket's first view arrives.
      const seen = (await screensSeen(page)).filter((s) => s !== "connecting");
      expect(seen[0]).toBe("idle");
      expect(seen).toContain("reading-chip");
      expect(seen.indexOf("reading-chip")).toBeLessThan(seen.indexOf("result"));
      expect(seen.slice(-2)).toEqual(["card-left", "idle"]);
    } catch (e) {
      throw new Error(`${String(e)}\nscreens seen: ${JSON.stringify(await screensSeen(page).catch(() => []))}\ndaemon output:\n${daemon.output().slice(-4000)}`);
    } finally {
      await page.close();
    }
  });
});

describe.skipIf(!daemonBuilt())("the staff screen through the real daemon", () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon({ kiosk: { staffPin: "4321" } });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("refuses a wrong PIN, opens with the configured one, runs an LED test and closes", async () => {
    const page = await openPage(browser, { width: 800, height: 480 }, daemon.url);
    try {
      await waitForScreen(page, "idle");
      await page.getByTestId("staff-open").tap();
      await waitForScreen(page, "staff-login");
      for (const k of "1111") await page.locator(`[data-key="${k}"]`).tap();
      await page.getByTestId("staff-enter").tap();
      await page.waitForSelector('[data-problem="wrong-pin"]');
      for (const k of "4321") await page.locator(`[data-key="${k}"]`).tap();
      await page.getByTestId("staff-enter").tap();
      await waitForScreen(page, "staff");
      expect(await page.locator('[data-device="reader"]').getAttribute("class")).toBe("health-ok");
      await page.getByTestId("led-fail").tap();
      await page.waitForSelector('.screen-staff .lamps[data-pattern="fail"]');
      await screenshot(page, "e2e", "4-staff");
      await page.getByTestId("staff-close").tap();
      await waitForScreen(page, "idle");
    } catch (e) {
      throw new Error(`${String(e)}\ndaemon output:\n${daemon.output().slice(-4000)}`);
    } finally {
      await page.context().close();
    }
  });
});

describe.skipIf(!daemonBuilt())("an attended session through the real daemon", () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon({ kiosk: { mode: "attended" } });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("shows the chip data side by side, then leaves none of it in the page's DOM, storage or heap", async () => {
    const page = await openPage(browser, { width: 800, height: 480 }, "about:blank");
    try {
      const got = attendedFromSocket(page);
      await page.goto(daemon.url);
      await waitForScreen(page, "idle");
      await placeCard(page, ADULT_CARD);
      await waitForScreen(page, "result", 60_000);
      await page.waitForFunction(() => Array.from(document.querySelectorAll("canvas")).every((c) => c.dataset["drawn"]));
      await screenshot(page, "e2e", "3-attended-result");
      // The chip's real images must fit too.
      expect(await layoutProblems(page)).toEqual([]);
      const data = got.attended;
      if (!data) throw new Error("no attended chip data arrived over the socket");
      const needles = [...data.images.map((i) => i.pngBase64.slice(0, 300)), String(data.birthDate), String(data.expiry)];
      expect(data.images.map((i) => i.label)).toEqual(["name", "address"]);
      if (data.photoPngBase64) needles.push(data.photoPngBase64.slice(0, 300));
      expect((await findLeftovers(page, needles)).heap).toEqual(needles);
      await page.getByTestId("done").tap();
      await waitForScreen(page, "card-left", 30_000);
      await page.getByTestId("demo-toggle").tap();
      await page.getByTestId("demo-remove").tap();
      await page.getByTestId("demo-toggle").tap();
      await waitForScreen(page, "idle", 30_000);
      expect(await findLeftovers(page, needles)).toEqual({ heap: [], dom: [], storage: [] });
    } catch (e) {
      throw new Error(`${String(e)}\ndaemon output:\n${daemon.output().slice(-4000)}`);
    } finally {
      await page.context().close();
    }
  });
});
