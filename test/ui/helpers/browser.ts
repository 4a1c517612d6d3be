/**
 * Debian's Chromium driven by playwright-core (never `playwright install`), with touch enabled,
 * plus the checks every screen must pass: nothing outside the viewport, no clipped or spilling text,
 * tap targets of at least 48 px, and axe-core with no serious or critical violations.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { repoRoot } from "./paths";

export const SIZES = [
  { width: 800, height: 480 },
  { width: 1024, height: 600 },
  { width: 1280, height: 800 },
] as const;
export type Size = (typeof SIZES)[number];

export const SCREENSHOTS = path.join(repoRoot(), "test-output/screens");

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export async function openPage(browser: Browser, size: { width: number; height: number }, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: size, hasTouch: true, isMobile: false, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Waits until the page shows `screen` (by its stable data-screen attribute). */
export async function waitForScreen(page: Page, screen: string, timeout = 10_000): Promise<void> {
  await page.waitForSelector(`[data-screen="${screen}"]`, { timeout });
}

export async function screenshot(page: Page, ...parts: string[]): Promise<string> {
  const file = path.join(SCREENSHOTS, ...parts) + ".png";
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

/** Layout problems on the current page, as readable lines (empty when the screen is fine). */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const out: string[] = [];
    const name = (el: Element) => {
      const text = (el.textContent ?? "").trim().slice(0, 30);
      const cls = typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "";
      return `${el.tagName.toLowerCase()}${cls} "${text}"`;
    };
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden") continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const scroller = el.parentElement?.closest("[data-scrollable]");
      if (!scroller && (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)) {
        out.push(`outside the viewport: ${name(el)} at ${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`);
      }
      if (el instanceof HTMLElement && !el.hasAttribute("data-scrollable") && el.clientWidth > 0 && el.clientHeight > 0) {
        if (el.scrollWidth > el.clientWidth + 1) out.push(`content wider than its box: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
        if (el.scrollHeight > el.clientHeight + 1) out.push(`content taller than its box: ${name(el)} (${el.scrollHeight} > ${el.clientHeight})`);
      }
      if (el.matches("button, [role=button], a[href], input, select")) {
        if (r.width < 47.5 || r.height < 47.5) out.push(`tap target under 48 px: ${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    const root = document.documentElement;
    if (root.scrollWidth > vw || root.scrollHeight > vh) out.push(`page larger than the viewport: ${root.scrollWidth}×${root.scrollHeight}`);
    return out;
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Serious and critical axe-core violations (WCAG 2.x A/AA and best practice), as readable lines. */
export async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not block.
  const hasAxe = await page.evaluate(() => "axe" in window);
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }>;
      };
    };
    const r = await w.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3) }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.targets.join(" ")}`);
}
