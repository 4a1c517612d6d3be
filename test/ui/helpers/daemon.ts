/**
 * Starts the real built daemon (dist/daemon.js) in demo mode on a free loopback port, for the
 * end-to-end browser tests. Resolves once GET /healthz answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./paths";
import { DEFAULT_BUDGETS } from "../../../src/flow/budgets";

/**
 * How long a start may take: the daemon awaits its warm start (OCR workers, face models) for at most
 * the `warmStart` budget of the one budget table before it listens, plus this margin for loading the
 * process itself on a loaded machine (two full test runs on two cores measured 20–40 s).
 */
export const START_MARGIN_MS = 45_000;
export const startDeadlineMs = (): number => DEFAULT_BUDGETS.warmStart + START_MARGIN_MS;

const ROOT = repoRoot();
/** The built daemon; MYNAGUARD_E2E_DAEMON may name another build of it (e.g. while dist/ is rebuilt). */
export const DAEMON = process.env["MYNAGUARD_E2E_DAEMON"] ?? path.join(ROOT, "dist/daemon.js");
export const daemonBuilt = (): boolean => existsSync(DAEMON) && existsSync(path.join(ROOT, "dist/ui/app.js"));

export interface RunningDaemon {
  /** The kiosk page with this run's WebSocket token in its fragment (what the kiosk browser opens). */
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** `config` is merged into a temporary config file (e.g. `{ kiosk: { mode: "attended" } }`). */
export async function startDaemon(config: Record<string, unknown> = {}): Promise<RunningDaemon> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "mynaguard-ui-e2e-"));
  const configFile = path.join(dir, "config.json");
  // MYNAGUARD_E2E_SIM_IMAGES: card-front images for the simulated document camera (made by
  // `npm run gen:cardfaces -- --sim-assets DIR`) when the default folder has not been generated.
  const simImages = process.env["MYNAGUARD_E2E_SIM_IMAGES"];
  const camera = simImages ? { camera: { simImages } } : {};
  writeFileSync(configFile, JSON.stringify({ audit: { path: path.join(dir, "audit.sqlite") }, ...camera, ...config }));
  let out = "";
  const child: ChildProcess = spawn(process.execPath, [DAEMON, "--mode", "demo", "--port", String(port), "--config", configFile], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + startDeadlineMs();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`daemon exited with ${child.exitCode}:\n${out}`);
    }
    try {
      const r = await fetch(new URL("/healthz", base));
      // Demo mode prints the page URL with its token right after it starts listening.
      if (r.ok && /#token=[0-9a-f]{64}/.test(out)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`daemon did not answer /healthz within ${startDeadlineMs()} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const token = /#token=([0-9a-f]{64})/.exec(out)?.[1] ?? "";
  return { url: `${base}#token=${token}`, output: () => out, stop };
}
