/**
 * kioskctl start-up benchmark (issue 16, "snappy tools"): how long `kioskctl read-card --help` takes
 * compared with a bare `node -e 0`, as a ratio measured in the same run (the machine is shared and
 * noisy, so absolute times mean little). Target: read-card --help ≤ 1.8× a bare node start.
 *
 *   npm run build && npm run bench:cli            # 15 rounds
 *   npm run bench:cli -- --rounds 30
 *
 * "after" is the shipped build, dist/kioskctl.js (esbuild code splitting: each command and each device
 * adapter is a chunk loaded by dynamic import). "before" is rebuilt here from the same sources with
 * every command module, the composition root and every adapter and engine imported eagerly at start,
 * which is what kioskctl did before the split (every cli/*.ts was imported by kioskctl.ts, and
 * read-card/readers/face-compare imported src/main.ts, which imported every adapter).
 * Each round runs the variants in a rotating order; the table shows medians, and each ratio is the
 * median over rounds of (variant time / bare node time in the same round).
 */
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const roundsArg = args.indexOf("--rounds");
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 15;
const TARGET = 1.8;

const after = path.join(ROOT, "dist/kioskctl.js");
if (!existsSync(after)) {
  console.error("bench:cli: dist/kioskctl.js is missing: run `npm run build` first");
  process.exit(2);
}

const EAGER_IMPORTS = [
  "src/main.ts",
  "src/devices.ts",
  "src/card/pcsc.ts",
  "src/card/sim/reader.ts",
  "src/camera/rpicam.ts",
  "src/camera/v4l2.ts",
  "src/camera/sim.ts",
  "src/face/human.ts",
  "src/face/sim.ts",
  "src/leds/onoff.ts",
  "src/leds/sim.ts",
  "src/cardfront/tesseract.ts",
  "src/audit/sqlite.ts",
  "src/config.ts",
  "src/card/mynumber/auth/trust.ts",
  "src/cli/health.ts",
  "src/cli/ocr-card.ts",
  "src/cli/readers.ts",
  "src/cli/read-card.ts",
  "src/cli/stats.ts",
  "src/cli/update.ts",
  "src/cli/rollback.ts",
  "src/cli/trust.ts",
  "src/cli/face-compare.ts",
];

async function buildEager(): Promise<string> {
  const outdir = path.join(ROOT, "dist/bench-cli");
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, "kioskctl-eager.js");
  // Namespace imports keep every module (and its packages) in the bundle and evaluated at start.
  const contents = [
    ...EAGER_IMPORTS.map((f, i) => `import * as m${i} from "./${f}";`),
    `export const all = [${EAGER_IMPORTS.map((_, i) => `m${i}`).join(", ")}];`,
    `import "./src/bin/kioskctl.ts";`,
  ].join("\n");
  await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: "kioskctl-eager.ts", loader: "ts" },
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    define: { __MYNAGUARD_VERSION__: JSON.stringify("bench") },
    logLevel: "warning",
    absWorkingDir: ROOT,
  });
  return outfile;
}

function timeMs(argv: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, MYNAGUARD_CONFIG: "" } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return ms;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

const eager = await buildEager();
const variants: { name: string; argv: string[] }[] = [
  { name: "node -e 0", argv: ["-e", "0"] },
  { name: "before: read-card --help (eager)", argv: [eager, "read-card", "--help"] },
  { name: "after:  read-card --help", argv: [after, "read-card", "--help"] },
  { name: "before: kioskctl --help (eager)", argv: [eager, "--help"] },
  { name: "after:  kioskctl --help", argv: [after, "--help"] },
  { name: "after:  health --help", argv: [after, "health", "--help"] },
];

// One warm-up of each (file cache), not counted.
for (const v of variants) timeMs(v.argv);
const times = variants.map(() => [] as number[]);
const ratios = variants.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  const round: number[] = new Array<number>(variants.length).fill(0);
  for (let k = 0; k < variants.length; k++) {
    const i = (k + r) % variants.length;
    const v = variants[i];
    if (v) round[i] = timeMs(v.argv);
  }
  round.forEach((ms, i) => {
    times[i]?.push(ms);
    ratios[i]?.push(ms / (round[0] ?? NaN));
  });
}

console.log(`kioskctl start-up, ${rounds} rounds, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, load ${os.loadavg()[0]?.toFixed(1)}, Node ${process.version}`);
console.log("");
console.log(`${"variant".padEnd(36)} ${"median ms".padStart(10)} ${"× node".padStart(8)}`);
variants.forEach((v, i) => {
  console.log(`${v.name.padEnd(36)} ${median(times[i] ?? []).toFixed(1).padStart(10)} ${median(ratios[i] ?? []).toFixed(2).padStart(8)}`);
});
const afterRatio = median(ratios[2] ?? []);
const beforeRatio = median(ratios[1] ?? []);
console.log("");
console.log(`read-card --help: before ${beforeRatio.toFixed(2)}× node, after ${afterRatio.toFixed(2)}× node (target ≤ ${TARGET}×): ${afterRatio <= TARGET ? "ok" : "OVER"}`);
process.exitCode = afterRatio <= TARGET ? 0 : 1;
