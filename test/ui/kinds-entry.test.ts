/**
 * The manual-entry screen for the other document kinds in real Chromium, through the scripted harness
 * (no daemon), each rendered from the kind's own schema (src/documents/<kind>/access-key.ts):
 * - the letter keypad (residence card number, 12 letters/digits): fits, passes axe-core, sends what
 *   was tapped; letter keys are disabled while a digits-only box is active (passport dates);
 * - multi-field entry (passport: number, birth date, expiry): the boxes fill in order and the confirm
 *   button sends the three fields;
 * - the licence's "before you type" notice: shown first, "use another document" cancels the session,
 *   "call staff" asks for staff, "enter my PIN" opens the PIN pad; and no "the camera could not read"
 *   line for a key that is never printed (why "typed").
 * Screenshots: test-output/screens/kinds/<size>-<lang>-<kind>.png (ja and en at the three sizes).
 */
import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { LICENCE_ACCESS_KEY, LICENCE_KIND } from "../../src/documents/licence";
import { PASSPORT_ACCESS_KEY, PASSPORT_KIND } from "../../src/documents/passport";
import { RESIDENCE_ACCESS_KEY, RESIDENCE_KIND } from "../../src/documents/residence";
import type { Screen } from "../../src/protocol";
import { axeProblems, layoutProblems, openPage, screenshot, SIZES, waitForScreen } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { withHarnessAndBrowser } from "./helpers/suite";
import { view } from "./helpers/views";

let browser: Browser;
let harness: Harness;

const residence: Screen = { name: "manual-entry", document: { kind: RESIDENCE_KIND, accessKey: RESIDENCE_ACCESS_KEY }, prefill: {}, problem: null, why: "unread" };
const passport: Screen = { name: "manual-entry", document: { kind: PASSPORT_KIND, accessKey: PASSPORT_ACCESS_KEY }, prefill: {}, problem: null, why: "chosen" };
const licence: Screen = { name: "manual-entry", document: { kind: LICENCE_KIND, accessKey: LICENCE_ACCESS_KEY }, prefill: {}, problem: null, why: "typed" };

withHarnessAndBrowser((h, b) => {
  harness = h;
  browser = b;
});

async function tapKeys(page: Page, keys: string): Promise<void> {
  for (const k of keys) await page.locator(`[data-key="${k}"]`).tap();
}

/** Pushes a fresh idle screen, then `screen`, so the entry screen mounts anew (its state resets). */
async function show(page: Page, screen: Screen, lang: "ja" | "en" = "ja"): Promise<void> {
  harness.push(view({ name: "idle", staffCall: false }, { defaultLanguage: lang }));
  await waitForScreen(page, "idle");
  harness.push(view(screen, { defaultLanguage: lang }));
  await waitForScreen(page, "manual-entry");
  await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
}

describe("entry screens of the other document kinds", () => {
  for (const size of SIZES) {
    it(`fit and pass axe-core in ja and en at ${size.width}×${size.height} (letter keypad, passport, licence notice and PIN)`, async () => {
      const page = await openPage(browser, size, harness.url);
      const problems: string[] = [];
      const check = async (lang: string, name: string) => {
        for (const p of await layoutProblems(page)) problems.push(`${lang} ${name}: ${p}`);
        for (const p of await axeProblems(page)) problems.push(`${lang} ${name}: ${p}`);
        expect(await page.locator("body").textContent(), `${lang} ${name}`).not.toMatch(/doc\.(residence|passport|licence)\.|pad\./);
        await screenshot(page, "kinds", `${size.width}x${size.height}-${lang}-${name}`);
      };
      try {
        for (const lang of ["ja", "en"] as const) {
          await show(page, residence, lang);
          await tapKeys(page, "AB1234");
          await check(lang, "residence");
          await show(page, passport, lang);
          await tapKeys(page, "TR1234567");
          await check(lang, "passport");
          await show(page, licence, lang);
          await check(lang, "licence-notice");
          await page.getByTestId("notice-continue").tap();
          await check(lang, "licence-pin");
        }
      } finally {
        await page.context().close();
      }
      expect(problems).toEqual([]);
    });
  }

  it("letter keypad: the residence card number is typed with letters and digits and sent as tapped", async () => {
    const page = await openPage(browser, SIZES[0], harness.url);
    try {
      await show(page, residence);
      expect(await page.locator(".letter-pad .pad-key").count()).toBe(37); // 10 digits, 26 letters, delete
      expect(await page.locator(".pad").count()).toBe(0); // not the digit pad
      await tapKeys(page, "AB12345678CX");
      await page.locator('[data-key="delete"]').tap();
      await tapKeys(page, "D");
      expect(await page.locator('[data-field="cardNumber"]').textContent()).toBe("AB12345678CD");
      const sent = harness.waitForMessage("manual-entry");
      await page.getByTestId("entry-confirm").tap();
      expect((await sent).entry).toEqual({ cardNumber: "AB12345678CD" });
    } finally {
      await page.context().close();
    }
  });

  it("multi-field entry: the passport's three boxes fill in order; letters are off in the date boxes", async () => {
    const page = await openPage(browser, SIZES[0], harness.url);
    try {
      await show(page, passport);
      expect(await page.locator("[data-field]").evaluateAll((els) => els.map((e) => e.getAttribute("data-field")))).toEqual(["documentNumber", "birthDate", "expiry"]);
      expect(await page.locator('[data-key="A"]').isEnabled()).toBe(true);
      await tapKeys(page, "TR1234567");
      // The number box is full: the birth date box is active and takes digits only.
      expect(await page.locator('[data-field="birthDate"]').getAttribute("aria-pressed")).toBe("true");
      expect(await page.locator('[data-key="A"]').isDisabled()).toBe(true);
      await tapKeys(page, "050601");
      expect(await page.locator('[data-field="expiry"]').getAttribute("aria-pressed")).toBe("true");
      await page.locator('[data-key="delete"]').tap(); // the empty expiry box: back into the birth date
      expect(await page.locator('[data-field="birthDate"]').textContent()).toBe("05060·");
      await tapKeys(page, "3");
      await page.locator('[data-field="documentNumber"]').tap();
      await page.locator('[data-key="next"]').tap();
      await page.locator('[data-key="next"]').tap();
      expect(await page.locator('[data-field="expiry"]').getAttribute("aria-pressed")).toBe("true");
      await tapKeys(page, "310415");
      await page.waitForSelector('[data-testid="entry-confirm"]:not([disabled])');
      await screenshot(page, "kinds", "800x480-ja-passport-typed");
      const sent = harness.waitForMessage("manual-entry");
      await page.getByTestId("entry-confirm").tap();
      expect((await sent).entry).toEqual({ documentNumber: "TR1234567", birthDate: "050603", expiry: "310415" });
    } finally {
      await page.context().close();
    }
  });

  it("licence: the notice comes first, and its three buttons do what they say", async () => {
    const page = await openPage(browser, SIZES[0], harness.url);
    try {
      await show(page, licence);
      // No "the camera could not read your card": a PIN is never printed.
      expect(await page.locator(".entry-why").count()).toBe(0);
      expect(await page.locator('[data-notice="open"] li').evaluateAll((els) => els.map((e) => e.getAttribute("data-line")))).toEqual(["tries", "police", "once", "myna"]);
      expect(await page.locator("body").textContent()).toContain("3回のうち1回分が減ります");
      expect(await page.locator(".pad").count()).toBe(0);

      const cancel = harness.waitForMessage("cancel");
      await page.getByTestId("notice-other-document").tap();
      await cancel;
      const staff = harness.waitForMessage("call-staff");
      await page.getByTestId("notice-call-staff").tap();
      await staff;

      await page.getByTestId("notice-continue").tap();
      await page.waitForSelector(".pad");
      expect(await page.locator(".entry-why").count()).toBe(0);
      await tapKeys(page, "4821");
      const sent = harness.waitForMessage("manual-entry");
      await page.getByTestId("entry-confirm").tap();
      expect((await sent).entry).toEqual({ pin: "4821" });
    } finally {
      await page.context().close();
    }
  });
});
