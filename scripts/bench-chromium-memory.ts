/**
 * bench:chromium-memory — the kiosk browser's memory on our UI (issue 16, docs/performance.md): Debian's
 * Chromium (through playwright-core, as the UI tests launch it: headless, 800×480) loads the UI from
 * the test harness, shows the idle screen, waits, and sums RSS and PSS (proportional set size: shared
 * pages divided among the processes that map them) over every Chromium process this script started.
 * Headless on x86 is not cage + Chromium with a GPU process on a Pi: a lower bound, said so in the docs.
 *   node scripts/run.mjs scripts/bench-chromium-memory.ts
 */
import { readFileSync, readdirSync } from "node:fs";
import { launchChromium } from "../test/ui/helpers/browser";
import { startHarness } from "../test/ui/helpers/harness";
import { view } from "../test/ui/helpers/views";

/** Every process below `root` (children, grandchildren…), from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(d), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [pid, pp] of parent) {
      if (pp !== p) continue;
      out.push(pid);
      walk(pid);
    }
  };
  walk(root);
  return out;
}

function memoryOf(pid: number): { rss: number; pss: number; name: string } {
  try {
    const roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(roll)?.[1] ?? 0);
    // Chromium rewrites its command line into one space-separated string.
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    const type = /--type=(\S+)/.exec(cmd)?.[1] ?? "browser";
    const sub = /--utility-sub-type=(\S+)/.exec(cmd)?.[1];
    const name = sub ? `${type} ${sub.replace(/^.*\./, "")}` : type;
    return { rss: kb("Rss"), pss: kb("Pss"), name };
  } catch {
    return { rss: 0, pss: 0, name: "gone" };
  }
}

const harness = await startHarness(view({ name: "idle", staffCall: false }));
const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true })).newPage();
await page.goto(harness.url);
await page.waitForSelector('[data-screen="idle"]');
await new Promise((r) => setTimeout(r, 3000)); // the catalogues preload, the page settles
const procs = descendants(process.pid).map((pid) => ({ pid, ...memoryOf(pid) })).filter((p) => p.rss > 0 && p.name !== "gone");
const mib = (kb: number) => (kb / 1024).toFixed(0);
for (const p of procs) console.log(`  ${String(p.pid).padStart(7)} ${p.name.padEnd(22)} RSS ${mib(p.rss).padStart(4)} MiB  PSS ${mib(p.pss).padStart(4)} MiB`);
const sum = (f: (p: (typeof procs)[number]) => number) => procs.reduce((a, p) => a + f(p), 0);
console.log(`Chromium (headless, ${procs.length} processes) on the idle screen: RSS sum ${mib(sum((p) => p.rss))} MiB (counts shared pages once per process), PSS sum ${mib(sum((p) => p.pss))} MiB`);
await browser.close();
await harness.close();
