/**
 * UI budgets, measured (not asserted by timed tests): the bundle's gzipped size (≤ 60 KB) and the
 * time from navigation start to the first screen rendered from a daemon view (≤ 500 ms), in Debian's
 * Chromium against the test harness (tests/ui/helpers). Also reported: first contentful paint and
 * the same first render with Chromium's CPU throttled 4× (a rough stand-in for a Raspberry Pi).
 * Usage: npm run bench:ui [-- --runs 15]. Exits 1 when a budget is exceeded.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { launchChromium } from "../test/ui/helpers/browser";
import { startHarness, UI_DIR } from "../test/ui/helpers/harness";
import { repoRoot } from "../test/ui/helpers/paths";
import { view } from "../test/ui/helpers/views";

const GZIP_BUDGET = 60 * 1024;
const FIRST_RENDER_BUDGET_MS = 500;

const root = repoRoot();
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

execFileSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--ui-only"], { cwd: root, stdio: "inherit" });
const size = JSON.parse(readFileSync(path.join(UI_DIR, "bundle-size.json"), "utf8")) as { bytes: number; gzipBytes: number };

interface Sample {
  firstScreen: number;
  fcp: number;
  domContentLoaded: number;
}

const harness = await startHarness(view({ name: "idle", staffCall: false }));
const browser = await launchChromium();

async function measure(throttle: number): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
  const page = await context.newPage();
  if (throttle > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  }
  await page.goto(harness.url);
  await page.waitForSelector('[data-screen="idle"]');
  const sample = await page.evaluate(
    () =>
      new Promise<Sample>((resolve) => {
        const read = (): void => {
          const mark = performance.getEntriesByName("mynaguard:first-screen")[0];
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
          if (!mark || !fcp || !nav) {
            setTimeout(read, 20);
            return;
          }
          resolve({ firstScreen: mark.startTime, fcp: fcp.startTime, domContentLoaded: nav.domContentLoadedEventEnd });
        };
        read();
      }),
  );
  await context.close();
  return sample;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
};
const fmt = (n: number) => `${n.toFixed(0)} ms`;

await measure(1); // warm-up: first launch pays for Chromium's caches
const results: Record<string, Sample[]> = { "1×": [], "4× CPU throttle": [] };
for (let i = 0; i < runs; i++) {
  results["1×"]?.push(await measure(1));
  results["4× CPU throttle"]?.push(await measure(4));
}
await browser.close();
await harness.close();

console.log(`UI bundle: app.js ${(size.bytes / 1024).toFixed(1)} KB, ${(size.gzipBytes / 1024).toFixed(1)} KB gzipped (budget ${GZIP_BUDGET / 1024} KB)`);
let over = size.gzipBytes > GZIP_BUDGET;
for (const [label, samples] of Object.entries(results)) {
  const first = stats(samples.map((s) => s.firstScreen));
  const fcp = stats(samples.map((s) => s.fcp));
  const dcl = stats(samples.map((s) => s.domContentLoaded));
  console.log(
    `${label}, ${samples.length} loads at 800×480: first screen median ${fmt(first.median)}, max ${fmt(first.max)}; ` +
      `first contentful paint median ${fmt(fcp.median)}; DOMContentLoaded median ${fmt(dcl.median)}`,
  );
  if (label === "1×" && first.max > FIRST_RENDER_BUDGET_MS) over = true;
}
console.log(over ? "OVER BUDGET" : `within budget (first screen ≤ ${FIRST_RENDER_BUDGET_MS} ms at 1×, gzip ≤ ${GZIP_BUDGET / 1024} KB)`);
process.exitCode = over ? 1 : 0;
