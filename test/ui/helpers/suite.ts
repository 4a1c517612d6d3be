/**
 * The set-up most browser tests share: the built UI, a harness daemon showing the idle screen, and
 * Debian's Chromium, opened once per file and closed after it. `use` receives both once they run.
 */
import { afterAll, beforeAll } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium } from "./browser";
import { ensureUiBuilt, startHarness, type Harness } from "./harness";
import { view } from "./views";

export function withHarnessAndBrowser(use: (harness: Harness, browser: Browser) => void): void {
  let harness: Harness | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureUiBuilt();
    harness = await startHarness(view({ name: "idle", staffCall: false }));
    browser = await launchChromium();
    use(harness, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });
}
