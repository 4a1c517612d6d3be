/**
 * Starts the built daemon (dist/daemon.js) as a child process on a free loopback port and waits for
 * it to listen. Tests that need it call `npm run build` first (the test command line does).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { DEFAULT_BUDGETS } from "../../../src/flow/budgets";

export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const DAEMON = path.join(ROOT, "dist/daemon.js");
export const KIOSKCTL = path.join(ROOT, "dist/kioskctl.js");

/**
 * How long a start may take: the daemon awaits its warm start (OCR workers, face models) for at most
 * the `warmStart` budget of the one budget table before it listens, plus a margin for loading the
 * process itself on a loaded machine (two full test runs sharing two cores). Stays under the
 * integration project's hookTimeout (vitest.config.ts).
 */
export const startDeadlineMs = (): number => DEFAULT_BUDGETS.warmStart + 45_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface DaemonProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the daemon wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<number | null>;
}

export async function startDaemon(opts: {
  args: string[];
  env?: Record<string, string>;
  waitForListening?: boolean;
  timeoutMs?: number;
}): Promise<DaemonProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [DAEMON, "--port", String(port), ...opts.args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const url = `http://127.0.0.1:${port}`;
  const proc: DaemonProcess = {
    port,
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill("SIGTERM");
      }),
  };
  if (opts.waitForListening !== false) {
    const deadline = Date.now() + (opts.timeoutMs ?? startDeadlineMs());
    for (;;) {
      if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}:\n${out}`);
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await proc.stop();
        throw new Error(`daemon did not listen within ${opts.timeoutMs ?? startDeadlineMs()} ms:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return proc;
}
