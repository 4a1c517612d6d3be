/** Small helpers for the system tests: run a program with an argument array, the repo root, a test CA. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "../../..");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  file: string,
  args: readonly string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd ?? REPO,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** True when a program is installed (the system tests need systemd-analyze, rauc, openssl…). */
export function installed(program: string): boolean {
  return (process.env["PATH"] ?? "/usr/bin:/bin")
    .split(":")
    .some((dir) => existsSync(path.join(dir, program)));
}

/** A fresh update-signing PKI from image-build/rauc/make-ca.sh (test-only keys, thrown away). */
export async function makeTestCa(dir: string, org = "mynaguard test"): Promise<void> {
  // 2048-bit keys keep the tests fast; real CAs use the script's default (3072).
  const r = await run(path.join(REPO, "image-build/rauc/make-ca.sh"), [dir, org], {
    env: { ...process.env, MYNAGUARD_CA_KEY_BITS: "2048" },
  });
  if (r.code !== 0) throw new Error(`make-ca.sh failed: ${r.stderr}`);
}
