/**
 * Walks every screen state at 800×480, 1024×600 and 1280×800 in Japanese and English (and the other
 * four languages at the smallest size), through the scripted harness: each screen must fit (nothing
 * outside the viewport, no clipped text, targets ≥ 48 px) and pass axe-core with no serious or critical
 * violation. Screenshots go to test-output/screens/<size>/<lang>-<state>.png.
 */
import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Lang } from "../../src/protocol";
import { axeProblems, layoutProblems, openPage, screenshot, SIZES, waitForScreen, type Size } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { withHarnessAndBrowser } from "./helpers/suite";
import { allStates } from "./helpers/views";

let browser: Browser;
let harness: Harness;

withHarnessAndBrowser((h, b) => {
  harness = h;
  browser = b;
});

const LANG_NAMES: Record<Lang, string> = { ja: "Japanese", en: "English", zh: "Chinese", ko: "Korean", vi: "Vietnamese", pt: "Portuguese" };

/** Console errors and uncaught exceptions (CSP violations and a missing favicon show up here too). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}

async function walk(page: Page, size: Size, lang: Lang, withAxe: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const state of allStates(lang)) {
    harness.push(state.view);
    await waitForScreen(page, state.screen);
    await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
    if (state.tap) await page.getByTestId(state.tap).tap();
    // Attended images are drawn asynchronously onto canvases.
    await page.waitForFunction(() => Array.from(document.querySelectorAll("canvas")).every((c) => c.dataset["drawn"]));
    const label = `${size.width}x${size.height} ${lang} ${state.id}`;
    for (const p of await layoutProblems(page)) problems.push(`${label}: ${p}`);
    if (withAxe) for (const p of await axeProblems(page)) problems.push(`${label}: ${p}`);
    await screenshot(page, `${size.width}x${size.height}`, `${lang}-${state.id}`);
  }
  return problems;
}

describe.each(SIZES)("at $width×$height", (size) => {
  for (const lang of ["ja", "en"] as const) {
    it(`every screen fits and passes axe-core in ${LANG_NAMES[lang]}`, async () => {
      const page = await openPage(browser, size, harness.url);
      const errors = consoleErrors(page);
      await page.reload();
      try {
        expect(await walk(page, size, lang, true)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe("the other four languages at the smallest size (800×480)", () => {
  const size = SIZES[0];
  for (const lang of ["zh", "ko", "vi", "pt"] as const) {
    it(`every screen fits and passes axe-core in ${LANG_NAMES[lang]}`, async () => {
      const page = await openPage(browser, size, harness.url);
      const errors = consoleErrors(page);
      await page.reload();
      try {
        expect(await walk(page, size, lang, true)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
