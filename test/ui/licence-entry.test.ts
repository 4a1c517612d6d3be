/**
 * The IC driver's licence's PIN entry in real Chromium, through the scripted harness (no daemon): the
 * manual-entry screen rendered from the licence's own schema (src/documents/licence), its notice
 * first ("a wrong PIN costs a try") then the PIN pad, in the six languages at the three sizes fits
 * (layout) and passes axe-core; the PIN shows as dots, never as digits; the confirm button sends
 * exactly the 4 digits typed as `{ pin }`. Screenshots: test-output/screens/licence/<size>-<lang>-{notice,entry}.png.
 */
import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { LICENCE_ACCESS_KEY, LICENCE_KIND } from "../../src/documents/licence";
import type { Lang, Screen } from "../../src/protocol";
import { axeProblems, layoutProblems, openPage, screenshot, SIZES, waitForScreen } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { withHarnessAndBrowser } from "./helpers/suite";
import { view } from "./helpers/views";

let browser: Browser;
let harness: Harness;

const entry: Screen = { name: "manual-entry", document: { kind: LICENCE_KIND, accessKey: LICENCE_ACCESS_KEY }, prefill: {}, problem: null, why: "typed" };

withHarnessAndBrowser((h, b) => {
  harness = h;
  browser = b;
});

describe("the licence's PIN entry screen", () => {
  for (const size of SIZES) {
    it(`fits and passes axe-core in the six languages at ${size.width}×${size.height}`, async () => {
      const page = await openPage(browser, size, harness.url);
      const problems: string[] = [];
      try {
        for (const lang of ["ja", "en", "zh", "ko", "vi", "pt"] as const satisfies readonly Lang[]) {
          // A fresh entry screen (the notice shows once per screen).
          harness.push(view({ name: "idle", staffCall: false }, { defaultLanguage: lang }));
          await waitForScreen(page, "idle");
          harness.push(view(entry, { defaultLanguage: lang }));
          await waitForScreen(page, "manual-entry");
          await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
          for (const step of ["notice", "entry"] as const) {
            if (step === "entry") await page.getByTestId("notice-continue").tap();
            for (const p of await layoutProblems(page)) problems.push(`${lang} ${step}: ${p}`);
            for (const p of await axeProblems(page)) problems.push(`${lang} ${step}: ${p}`);
            // Every catalogue lookup resolved: no raw key on the screen.
            expect(await page.locator("body").textContent(), lang).not.toMatch(/doc\.licence\./);
            await screenshot(page, "licence", `${size.width}x${size.height}-${lang}-${step}`);
          }
        }
      } finally {
        await page.context().close();
      }
      expect(problems).toEqual([]);
    });
  }

  it("shows the PIN as dots and sends the 4 digits typed", async () => {
    const page = await openPage(browser, SIZES[0], harness.url);
    try {
      harness.push(view(entry, { defaultLanguage: "ja" }));
      await waitForScreen(page, "manual-entry");
      await page.getByTestId("notice-continue").tap();
      for (const k of "4821") await page.locator(`[data-key="${k}"]`).tap();
      await page.waitForSelector('[data-testid="entry-confirm"]:not([disabled])');
      expect(await page.locator("body").textContent()).not.toContain("4821");
      await screenshot(page, "licence", "800x480-ja-entry-typed");
      const sent = harness.waitForMessage("manual-entry");
      await page.getByTestId("entry-confirm").tap();
      expect((await sent).entry).toEqual({ pin: "4821" });
    } finally {
      await page.context().close();
    }
  });
});
