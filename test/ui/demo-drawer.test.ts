/**
 * The demo drawer in real Chromium, through the scripted harness: the deck's cards of every document
 * kind, grouped by kind under the kind's name (a card of no supported kind under its own heading),
 * with the deck's labels and, for typed keys, the test value to type; fits and passes axe-core in ja
 * and en at the three sizes; tapping a card places it. Screenshots: test-output/screens/demo/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { axeProblems, launchChromium, layoutProblems, openPage, screenshot, SIZES, waitForScreen } from "./helpers/browser";
import { ensureUiBuilt, startHarness, type Harness } from "./helpers/harness";
import { DEMO, view } from "./helpers/views";

let browser: Browser;
let harness: Harness;

beforeAll(async () => {
  ensureUiBuilt();
  harness = await startHarness(view({ name: "idle", staffCall: false }, { demo: DEMO }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe("the demo drawer", () => {
  for (const size of SIZES) {
    it(`groups the cards by document kind, fits and passes axe-core in ja and en at ${size.width}×${size.height}`, async () => {
      const page = await openPage(browser, size, harness.url);
      const problems: string[] = [];
      try {
        for (const lang of ["ja", "en"] as const) {
          harness.push(view({ name: "idle", staffCall: false }, { demo: { ...DEMO, placed: "rc-genuine" }, defaultLanguage: lang }));
          await waitForScreen(page, "idle");
          await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
          if ((await page.locator('[data-testid="demo-panel"]').count()) === 0) await page.getByTestId("demo-toggle").tap();
          await page.waitForSelector('[data-testid="demo-panel"]');
          expect(await page.locator("[data-group]").evaluateAll((els) => els.map((e) => e.getAttribute("data-group")))).toEqual(["mynumber", "none", "residence", "passport", "licence"]);
          for (const p of await layoutProblems(page)) problems.push(`${lang}: ${p}`);
          for (const p of await axeProblems(page)) problems.push(`${lang}: ${p}`);
          await screenshot(page, "demo", `${size.width}x${size.height}-${lang}-drawer`);
          // Scrolled to the end: the other kinds' cards.
          await page.locator('[data-card="licence-showa"]').scrollIntoViewIfNeeded();
          await screenshot(page, "demo", `${size.width}x${size.height}-${lang}-drawer-end`);
        }
      } finally {
        await page.context().close();
      }
      expect(problems).toEqual([]);
    });
  }

  it("names each group by the kind, shows the key to type, and places the tapped card", async () => {
    const page = await openPage(browser, SIZES[0], harness.url);
    try {
      harness.push(view({ name: "idle", staffCall: false }, { demo: DEMO, defaultLanguage: "ja" }));
      await waitForScreen(page, "idle");
      if ((await page.locator('[data-testid="demo-panel"]').count()) === 0) await page.getByTestId("demo-toggle").tap();
      const titles = await page.locator(".demo-group-title").allTextContents();
      expect(titles).toEqual(["マイナンバーカード", "対応していないカード", "在留カード", "旅券（パスポート）", "運転免許証"]);
      expect(await page.locator('[data-group="residence"] [data-card]').count()).toBe(2);
      expect(await page.locator('[data-card="rc-genuine"]').textContent()).toContain("入力：AB12345678CD");
      expect(await page.locator('[data-card="heisei-1"] .demo-key').count()).toBe(0);
      const placed = harness.waitForMessage("demo-place-card");
      await page.locator('[data-card="passport-genuine-pace"]').tap();
      expect((await placed).cardId).toBe("passport-genuine-pace");
    } finally {
      await page.context().close();
    }
  });
});
