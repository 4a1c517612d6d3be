/**
 * UI budgets, measured (not asserted by timed tests): the bundle's gzipped size (≤ 60 KB) and the
 * time from navigation start to the first screen (median ≤ 500 ms, at 1× and at 4×), in Debian's Chromium against the test
 * harness (tests/ui/helpers), which serves the page as the daemon does (with the idle screen drawn
 * into it, ui/src/ssr.tsx). Also reported: first contentful paint and the same first screen with
 * Chromium's CPU throttled 4× (a rough stand-in for a Raspberry Pi).
 * Usage: npm run bench:ui [-- --runs 15] [--compare DIR]. Exits 1 when a budget is exceeded.
 *
 * "First screen" is when the idle screen is both on the glass and working: the later of
 * - painted: when its title was first painted (Element Timing, `elementtiming="first-screen"` on the
 *   idle title; a build without it, e.g. a `--compare` build from before, falls back to the first
 *   contentful paint, which in those builds is the first screen), and
 * - drawn by the app: the "mynaguard:first-screen" mark (ui/src/main.tsx: the app has drawn or
 *   hydrated the screen, so its buttons work, and the socket has delivered a view).
 * Until issue 16's fourth round the mark alone was reported, which is before Chromium has laid out
 * and painted what the app drew (at 4× throttle 150–450 ms before, mostly font matching and CJK text
 * shaping); a server-rendered screen is painted before the app runs. Both parts are printed.
 *
 * `--compare DIR` also serves another built UI (e.g. main's, built with `node scripts/build.mjs
 * --ui-only` in a checkout of it) from a second harness and loads the two in turn, so that the
 * before/after ratio comes from one run on this shared, noisy machine (issue 16).
 *
 * Every run also loads a blank page (one line of Japanese text, served by a third harness) in turn
 * with the others and prints each first screen as a ratio to that page's first contentful paint:
 * the floor of "navigate, fetch, lay out some CJK text, paint" on this machine at that moment.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
const compareArg = process.argv.indexOf("--compare");
const compareDir = compareArg > 0 ? process.argv[compareArg + 1] : undefined;

execFileSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--ui-only"], { cwd: root, stdio: "inherit" });
const size = JSON.parse(readFileSync(path.join(UI_DIR, "bundle-size.json"), "utf8")) as { bytes: number; gzipBytes: number };

interface Sample {
  /** The later of `painted` and `drawn`: on the glass and working. */
  firstScreen: number;
  /** The idle title first painted (Element Timing), or the first contentful paint without it. */
  painted: number;
  paintedBy: "element" | "fcp";
  /** The app drew (or hydrated) the screen and the socket had delivered a view. */
  drawn: number;
  fcp: number;
  domContentLoaded: number;
  /** app.js fully received; the bundle starts running; the first view message arrives. */
  appLoaded: number;
  boot: number;
  view: number;
  /** boot.js ran and opened the socket; the daemon's first message reached it (NaN without boot.js). */
  earlySocket: number;
  earlyMessage: number;
}

const harness = await startHarness(view({ name: "idle", staffCall: false }));
// The other build is served as built (no server-rendered screen: see test/ui/helpers/harness.ts).
const other = compareDir ? await startHarness(view({ name: "idle", staffCall: false }), path.resolve(compareDir)) : null;
const blankDir = mkdtempSync(path.join(tmpdir(), "bench-ui-blank-"));
writeFileSync(path.join(blankDir, "index.html"), '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>blank</title></head><body><p>準備中です</p></body></html>\n');
const blank = await startHarness(view({ name: "idle", staffCall: false }), blankDir);
const browser = await launchChromium();

/** First contentful paint of the blank page (the machine's floor at this moment). */
async function measureBlank(throttle: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
  const page = await context.newPage();
  if (throttle > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  }
  await page.goto(blank.url);
  const fcp = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const read = (): void => {
          const e = performance.getEntriesByName("first-contentful-paint")[0];
          if (e) resolve(e.startTime);
          else setTimeout(read, 20);
        };
        read();
      }),
  );
  await context.close();
  return fcp;
}

async function measure(throttle: number, url = harness.url): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
  const page = await context.newPage();
  if (throttle > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  }
  await page.goto(url);
  await page.waitForSelector('[data-screen="idle"]');
  const sample = await page.evaluate(
    () =>
      new Promise<Sample>((resolve) => {
        let element = NaN;
        // Element Timing entries are only given to an observer (buffered: the ones before it too).
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as (PerformanceEntry & { identifier?: string; renderTime?: number })[]) {
            if (e.identifier === "first-screen" && Number.isNaN(element)) element = e.renderTime || e.startTime;
          }
        }).observe({ type: "element", buffered: true });
        const hasElementTiming = document.querySelector("[elementtiming=first-screen]") !== null;
        const read = (): void => {
          const mark = performance.getEntriesByName("mynaguard:first-screen")[0];
          const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
          const app = performance.getEntriesByType("resource").find((r) => r.name.endsWith("/app.js")) as PerformanceResourceTiming | undefined;
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
          if (!mark || !fcp || !nav || (hasElementTiming && Number.isNaN(element))) {
            setTimeout(read, 20);
            return;
          }
          const painted = hasElementTiming ? element : fcp.startTime;
          resolve({
            firstScreen: Math.max(painted, mark.startTime),
            painted,
            paintedBy: hasElementTiming ? "element" : "fcp",
            drawn: mark.startTime,
            fcp: fcp.startTime,
            domContentLoaded: nav.domContentLoadedEventEnd,
            appLoaded: app?.responseEnd ?? NaN,
            boot: at("mynaguard:boot"),
            view: at("mynaguard:view"),
            earlySocket: at("mynaguard:early-socket"),
            earlyMessage: at("mynaguard:early-message"),
          });
        };
        read();
      }),
  );
  await context.close();
  return sample;
}

// NaN (a mark a load did not set, e.g. boot.js's first message when the app had taken the socket
// over before it came) is left out of the median.
const stats = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
};
const fmt = (n: number) => `${n.toFixed(0)} ms`;
const paintedBy = (samples: Sample[]) =>
  samples.every((s) => s.paintedBy === "element") ? "idle title, Element Timing" : samples.every((s) => s.paintedBy === "fcp") ? "first contentful paint" : "mixed";

await measure(1); // warm-up: first launch pays for Chromium's caches
const results: Record<string, Sample[]> = { "1×": [], "4× CPU throttle": [] };
const compared: Record<string, Sample[]> = { "1×": [], "4× CPU throttle": [] };
const blanks: Record<string, number[]> = { "1×": [], "4× CPU throttle": [] };
for (let i = 0; i < runs; i++) {
  blanks["1×"]?.push(await measureBlank(1));
  results["1×"]?.push(await measure(1));
  if (other) compared["1×"]?.push(await measure(1, other.url));
  blanks["4× CPU throttle"]?.push(await measureBlank(4));
  results["4× CPU throttle"]?.push(await measure(4));
  if (other) compared["4× CPU throttle"]?.push(await measure(4, other.url));
}
await browser.close();
await harness.close();
await other?.close();
await blank.close();
rmSync(blankDir, { recursive: true, force: true });

console.log(`UI bundle: app.js ${(size.bytes / 1024).toFixed(1)} KB, ${(size.gzipBytes / 1024).toFixed(1)} KB gzipped (budget ${GZIP_BUDGET / 1024} KB)`);
let over = size.gzipBytes > GZIP_BUDGET;
for (const [label, samples] of Object.entries(results)) {
  const first = stats(samples.map((s) => s.firstScreen));
  const fcp = stats(samples.map((s) => s.fcp));
  const dcl = stats(samples.map((s) => s.domContentLoaded));
  const m = (f: (s: Sample) => number) => fmt(stats(samples.map(f)).median);
  console.log(
    `${label}, ${samples.length} loads at 800×480: first screen (painted and working) median ${fmt(first.median)}, max ${fmt(first.max)}; ` +
      `painted ${m((s) => s.painted)} (${paintedBy(samples)}), drawn by the app ${m((s) => s.drawn)}; ` +
      `first contentful paint median ${fmt(fcp.median)}; DOMContentLoaded median ${fmt(dcl.median)}`,
  );
  console.log(
    `  where it goes (medians from navigation start): boot.js opens the socket ${m((s) => s.earlySocket)}, its first message ${m((s) => s.earlyMessage)}, ` +
      `app.js received ${m((s) => s.appLoaded)}, bundle starts ${m((s) => s.boot)}, ` +
      `first view from the socket ${m((s) => s.view)}, drawn ${m((s) => s.drawn)}, painted ${m((s) => s.painted)}`,
  );
  const floor = stats(blanks[label] ?? []).median;
  console.log(`  blank page (one line of text) first contentful paint median ${fmt(floor)}; first screen ÷ blank page ${(first.median / floor).toFixed(2)}`);
  // Issue 16: judged on the median, at 1× and at 4× (a single slow load on this shared machine is noise).
  if (first.median > FIRST_RENDER_BUDGET_MS) over = true;
}
if (other) {
  for (const [label, samples] of Object.entries(compared)) {
    const mine = stats((results[label] ?? []).map((s) => s.firstScreen)).median;
    const theirs = stats(samples.map((s) => s.firstScreen)).median;
    const m = (f: (s: Sample) => number) => fmt(stats(samples.map(f)).median);
    console.log(
      `${label}, ${samples.length} loads of ${compareDir ?? ""} in turn: first screen median ${fmt(theirs)} (painted ${m((s) => s.painted)} (${paintedBy(samples)}), ` +
        `drawn ${m((s) => s.drawn)}, app.js received ${m((s) => s.appLoaded)}, first view ${m((s) => s.view)}); ` +
        `this build ÷ that one: ${(mine / theirs).toFixed(2)}; that one ÷ blank page ${(theirs / stats(blanks[label] ?? []).median).toFixed(2)}`,
    );
  }
}
console.log(over ? "OVER BUDGET" : `within budget (first screen median ≤ ${FIRST_RENDER_BUDGET_MS} ms at 1× and 4×, gzip ≤ ${GZIP_BUDGET / 1024} KB)`);
process.exitCode = over ? 1 : 0;
