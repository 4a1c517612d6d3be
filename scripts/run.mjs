// Runs a TypeScript script (benchmarks, generators, calibration) without a separate TS runtime:
// esbuild bundles it into dist/scripts/ with node_modules external, then Node runs it.
// Usage: node scripts/run.mjs scripts/bench-card.ts [args...]
import { build } from "esbuild";
import path from "node:path";
import { spawnSync } from "node:child_process";

const root = path.resolve(import.meta.dirname, "..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run.mjs <script.ts> [args...]");
  process.exit(2);
}
const outfile = path.join(root, "dist/scripts", path.basename(entry).replace(/\.tsx?$/, ".mjs"));
await build({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: "inline",
  define: { __MYNAGUARD_VERSION__: JSON.stringify("dev") },
  logLevel: "warning",
});
const r = spawnSync(process.execPath, ["--enable-source-maps", "--expose-gc", outfile, ...args], { stdio: "inherit" });
process.exit(r.status ?? 1);
