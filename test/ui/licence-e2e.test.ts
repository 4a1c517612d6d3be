/**
 * Issue 20, browser end to end: an IC driver's licence through the real daemon in demo mode and real
 * Chromium. The simulated licence is placed from the demo drawer; the "before you type" notice comes
 * first, then PIN 1 on the digit pad; the chip is read and, since no public key can check a licence's
 * signature, the verdict is refer with "not-verifiable" in both modes — in attended mode with the chip
 * data for staff. A licence with fewer than 3 tries left is referred without a VERIFY.
 * Skipped until `npm run build` has produced dist/daemon.js.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { LICENCE_PEOPLE } from "../../src/card/sim/licence/deck";
import { launchChromium, layoutProblems, openPage, screenshot, waitForScreen } from "./helpers/browser";
import { daemonBuilt, startDaemon, type RunningDaemon } from "./helpers/daemon";
import { attendedFromSocket, placeCard, removeCard } from "./helpers/demo";

let browser: Browser;

beforeAll(async () => {
  if (daemonBuilt()) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const person = (id: string) => {
  const p = LICENCE_PEOPLE.find((l) => l.id === id);
  if (!p) throw new Error(`no deck licence ${id}`);
  return p;
};

/** The notice, then PIN 1 on the digit pad. */
async function typePin(page: Page, pin: string): Promise<void> {
  await waitForScreen(page, "manual-entry", 60_000);
  await page.getByTestId("notice-continue").tap();
  for (const k of pin) await page.locator(`[data-key="${k}"]`).tap();
  await page.getByTestId("entry-confirm").tap();
}

async function finish(page: Page): Promise<void> {
  await page.getByTestId("done").tap();
  await waitForScreen(page, "card-left", 30_000);
  await removeCard(page);
  await waitForScreen(page, "idle", 30_000);
}

describe.skipIf(!daemonBuilt())("an IC driver's licence through the real daemon, unattended", () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  for (const lang of ["ja", "en"] as const) {
    it(`${lang}: PIN 1 read, signature not verifiable → refer for staff`, async () => {
      const p = person("licence-showa");
      const page = await openPage(browser, { width: 800, height: 480 }, daemon.url);
      try {
        await waitForScreen(page, "idle");
        await page.locator(`[data-lang="${lang}"]`).tap();
        await placeCard(page, p.id);
        await typePin(page, p.demoPin);
        await waitForScreen(page, "result", 90_000);
        await screenshot(page, "e2e", `licence-${lang}-unattended`);
        expect(await layoutProblems(page)).toEqual([]);
        expect(await page.locator("[data-screen=result]").getAttribute("data-outcome")).toBe("refer");
        expect(await page.locator("html").getAttribute("lang")).toBe(lang);
        await finish(page);
      } catch (e) {
        throw new Error(`${String(e)}\ndaemon output:\n${daemon.output().slice(-4000)}`);
      } finally {
        await page.context().close();
      }
    }, 180_000);
  }

  // The tries are read when the chip is read (before any VERIFY: test/integration/card/licence.test.ts
  // proves no PIN reaches the card), which today is after the PIN was typed. Asking for the tries
  // before the PIN entry would spare the customer typing it: not built yet.
  it("a licence with 2 tries left is referred (no VERIFY: proven through pcscd in licence.test.ts)", async () => {
    const p = person("licence-two-tries");
    const page = await openPage(browser, { width: 800, height: 480 }, daemon.url);
    try {
      await waitForScreen(page, "idle");
      await placeCard(page, p.id);
      await typePin(page, p.demoPin);
      await waitForScreen(page, "result", 90_000);
      expect(await page.locator("[data-screen=result]").getAttribute("data-outcome")).toBe("refer");
      await finish(page);
    } finally {
      await page.context().close();
    }
  }, 180_000);
});

describe.skipIf(!daemonBuilt())("an IC driver's licence through the real daemon, attended", () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon({ kiosk: { mode: "attended" } });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("staff see the chip's data labelled 'not verifiable', with the birth date from the chip", async () => {
    const p = person("licence-showa");
    const page = await openPage(browser, { width: 800, height: 480 }, "about:blank");
    try {
      const got = attendedFromSocket(page);
      await page.goto(daemon.url);
      await waitForScreen(page, "idle");
      await placeCard(page, p.id);
      await typePin(page, p.demoPin);
      await waitForScreen(page, "result", 90_000);
      await screenshot(page, "e2e", "licence-attended-ja");
      expect(await layoutProblems(page)).toEqual([]);
      expect(await page.locator(".chip").getAttribute("data-document")).toBe("licence");
      expect(await page.locator("[data-authenticity]").getAttribute("data-authenticity")).toBe("not-verifiable");
      const data = got.attended;
      if (!data) throw new Error("no attended chip data arrived over the socket");
      expect(data.document).toBe("licence");
      expect(data.birthDate).toBe(p.birthDate);
      await finish(page);
    } catch (e) {
      throw new Error(`${String(e)}\ndaemon output:\n${daemon.output().slice(-4000)}`);
    } finally {
      await page.context().close();
    }
  }, 180_000);
});
