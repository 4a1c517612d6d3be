/**
 * Side decisions (src/cardfront/side.ts) on the generated TUNING frames: fronts taken for backs or
 * "unknown", backs taken for fronts. Refuses the held-out family (thresholds are chosen here).
 *
 *   node scripts/run.mjs scripts/cardface/sides.ts [--dir test-output/cardfaces] [--family tuning] [--difficulty all]
 */
import path from "node:path";
import { decodeFrame } from "../../src/image/decode";
import { locateCard } from "../../src/cardfront/locate";
import { classifySide } from "../../src/cardfront/side";
import { HELDOUT_FAMILY } from "./families";
import { loadJpegFrame, parseDifficulties, parseFamilies, readManifest } from "./generate";

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : d;
};
const families = parseFamilies(arg("family", "tuning")) ?? [];
if (families.includes(HELDOUT_FAMILY)) {
  console.error("sides.ts is for choosing thresholds: it never runs on the held-out family");
  process.exit(2);
}
const dir = arg("dir", "test-output/cardfaces");
const count: Record<string, number> = {};
const odd: string[] = [];
let cpu = 0;
let n = 0;
for (const f of families) {
  for (const d of parseDifficulties(arg("difficulty", "all")) ?? []) {
    const setDir = path.join(dir, `${f}-${d}`);
    const m = readManifest(setDir);
    if (!m) continue;
    for (const e of m.entries) {
      const g = await decodeFrame(loadJpegFrame(setDir, e.file));
      if (!g.ok) continue;
      const loc = locateCard(g.image);
      if (!loc.ok) {
        count[`${e.side}→no-card`] = (count[`${e.side}→no-card`] ?? 0) + 1;
        continue;
      }
      const c0 = process.cpuUsage();
      const s = classifySide(g.image, loc.quad);
      const c = process.cpuUsage(c0);
      cpu += (c.user + c.system) / 1000;
      n++;
      const k = `${e.side}→${s.side}`;
      count[k] = (count[k] ?? 0) + 1;
      if (s.side !== e.side) odd.push(`${k} ${f}-${d}/${e.file}${e.side === "front" ? ` photo moved ${JSON.stringify(e.layout?.find((l) => l.key === "photo") ?? {})}` : ""}`);
    }
  }
}
console.log(count);
console.log(`side decision: ${(cpu / Math.max(1, n)).toFixed(1)} ms CPU per frame (mean of ${n})`);
for (const o of odd.slice(0, 30)) console.log(`  ${o}`);
