/**
 * Builds the kioskctl CLI for child-process tests with the same esbuild options as scripts/build.mjs
 * (bundle, node20, ESM, node_modules external), but only that entry point, so a test does not depend
 * on the daemon or UI building. The output sits under node_modules/.cache so external packages
 * resolve from the repository's node_modules.
 */
import { build } from "esbuild";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export async function buildKioskctl(root = ROOT): Promise<string> {
  const outdir = path.join(root, "node_modules/.cache/mynaguard-test", String(process.pid));
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, "kioskctl.js");
  await build({
    entryPoints: [path.join(root, "src/bin/kioskctl.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    define: { __MYNAGUARD_VERSION__: JSON.stringify("test") },
    banner: { js: "#!/usr/bin/env node" },
    logLevel: "warning",
    absWorkingDir: root,
  });
  return outfile;
}

/** Remove a build made by buildKioskctl (afterAll). */
export function removeKioskctlBuild(cli: string): void {
  rmSync(path.dirname(cli), { recursive: true, force: true });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the built CLI as a child process, bounded by `timeoutMs` (then SIGKILL). */
export function runCli(cli: string, args: readonly string[], opts: { timeoutMs?: number; stdin?: string } = {}): Promise<CliRun> {
  const t0 = Date.now();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (opts.stdin !== undefined) p.stdin?.end(opts.stdin);
    let stdout = "";
    let stderr = "";
    p.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
