/**
 * Attended mode shows the chip's photo, name and address images and birth date; after the session
 * the page's DOM, storage and JS heap must hold none of it. Checked against the scripted harness
 * (attended result, then idle). The same check against the real daemon is in demo-e2e.test.ts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, openPage, waitForScreen } from "./helpers/browser";
import { ensureUiBuilt, startHarness, type Harness } from "./helpers/harness";
import { findLeftovers } from "./helpers/heap";
import { attendedData, view } from "./helpers/views";

let browser: Browser;
let harness: Harness;
let page: Page;

beforeAll(async () => {
  ensureUiBuilt();
  harness = await startHarness(view({ name: "idle", staffCall: false }, { kioskMode: "attended" }));
  browser = await launchChromium();
  page = await openPage(browser, { width: 1024, height: 600 }, harness.url);
  await waitForScreen(page, "idle");
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

it("holds the attended session's personal data while it is shown and none of it after the session", async () => {
  const data = attendedData();
  const needles = [
    ...data.images.map((i) => i.pngBase64.slice(0, 300)),
    (data.photoPngBase64 ?? "").slice(0, 300),
    String(data.birthDate),
    "昭和51年9月23日",
    String(data.expiry),
  ];

  harness.push(view({ name: "result", outcome: "pass", reason: null, attended: data, minimumAge: 20, advice: null, cardOn: true }, { kioskMode: "attended" }));
  await waitForScreen(page, "result");
  await page.waitForFunction(() => document.querySelectorAll('canvas[data-drawn="1"]').length === 3);
  // Positive control: the probe finds the data while the result is on screen.
  const during = await findLeftovers(page, needles);
  expect(during.heap).toEqual(needles);
  expect(during.dom).toEqual([data.birthDate, "昭和51年9月23日", data.expiry]);

  harness.push(view({ name: "idle", staffCall: false }, { kioskMode: "attended" }));
  await waitForScreen(page, "idle");
  expect(await page.locator("canvas").count()).toBe(0);
  const after = await findLeftovers(page, needles);
  expect(after).toEqual({ heap: [], dom: [], storage: [] });
});
