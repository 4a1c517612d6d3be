/**
 * Test harness for the real PC/SC stack: pcscd + vsmartcard-vpcd, with simulated cards served over TCP.
 *
 *   const h = await startPcscd();          // reuses a running pcscd, else starts `pcscd -f`
 *   const link = await h.serve(card);      // card "inserted" in "Virtual PCD 00 00"
 *   link.remove(); await link.insert();    // pull / put back
 *   await h.restart();                     // only when this harness started pcscd (h.owned)
 *   await h.stop();                        // stops what it started, closes every link
 *
 * Run every test file that uses it under `flock /tmp/pcscd.lock …` so two people never run pcscd at
 * once. Readiness = vpcd's TCP port 35963 is listening (read from /proc/net/tcp, so probing never
 * inserts a card); that port is opened while pcscd registers "Virtual PCD 00 00". Every wait is bounded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { serveOverVpcd, VPCD_PORT, type VpcdCard, type VpcdLink, type VpcdOptions } from "../../../src/card/sim/vpcd";

export const VPCD_READER = "Virtual PCD 00 00";
export const VPCD_READER_2 = "Virtual PCD 00 01";
const COMM_SOCKET = "/run/pcscd/pcscd.comm";

export interface PcscdHarness {
  /** Whether this harness started pcscd (and may restart and stop it). */
  readonly owned: boolean;
  /** Serve a card through vpcd (default port 35963 = "Virtual PCD 00 00"). */
  serve(card: VpcdCard, opts?: Omit<VpcdOptions, "card">): Promise<VpcdLink>;
  /** Stop and start pcscd again (owned daemons only). Links die with it; insert() them again. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** Stop pcscd without starting it again (owned daemons only). */
  kill(): Promise<void>;
  /** Start pcscd after kill(). */
  start(): Promise<void>;
  /** Close every link and stop the pcscd this harness started. Idempotent. */
  stop(): Promise<void>;
}

/** Whether any pcscd process exists (reads /proc/<pid>/comm; needs no procps on a bare CI image). */
export function pcscdRunning(): boolean {
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "pcscd") return true;
    } catch {
      /* the process ended while we looked */
    }
  }
  return false;
}

/** Whether a TCP port is in LISTEN state, read from /proc/net/tcp{,6} (no connection is made). */
export function tcpListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") return true;
    }
  }
  return false;
}

export async function waitFor(what: string, check: () => boolean, timeoutMs: number, stepMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startPcscd(opts: { readyTimeoutMs?: number } = {}): Promise<PcscdHarness> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  const links = new Set<VpcdLink>();
  const linkPort = new Map<VpcdLink, number>();
  let child: ChildProcess | null = null;
  const owned = !pcscdRunning();
  const killOnExit = (): void => {
    child?.kill("SIGTERM");
  };

  const launch = async (): Promise<void> => {
    // A pcscd killed hard leaves its socket behind, and a new one would refuse to start.
    if (!pcscdRunning() && existsSync(COMM_SOCKET)) rmSync(COMM_SOCKET, { force: true });
    const p = spawn("pcscd", ["--foreground"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child = p;
    process.once("exit", killOnExit);
    try {
      await waitFor(
        `pcscd to register "${VPCD_READER}" (vpcd on port ${VPCD_PORT})`,
        () => {
          if (p.exitCode !== null) throw new Error(`pcscd exited with ${p.exitCode}: ${stderr}`);
          return tcpListening(VPCD_PORT) && existsSync(COMM_SOCKET);
        },
        readyTimeoutMs,
      );
    } catch (e) {
      p.kill("SIGKILL");
      throw e;
    }
  };

  const terminate = async (): Promise<void> => {
    const p = child;
    child = null;
    process.removeListener("exit", killOnExit);
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM");
    const timer = setTimeout(() => p.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  if (owned) await launch();
  else await waitFor(`the running pcscd to list "${VPCD_READER}"`, () => tcpListening(VPCD_PORT), readyTimeoutMs);

  return {
    owned,
    async serve(card, o = {}) {
      // A new card on a port another link just left must wait out pcscd's presence poll.
      const port = o.port ?? VPCD_PORT;
      let notBefore = 0;
      for (const l of links) {
        if (linkPort.get(l) !== port) continue;
        l.close();
        notBefore = Math.max(notBefore, l.removedAt ?? 0);
        links.delete(l);
      }
      const link = await serveOverVpcd({ ...o, card, ...(notBefore ? { notBefore } : {}) });
      links.add(link);
      linkPort.set(link, port);
      return link;
    },
    async restart(o = {}) {
      if (!owned) throw new Error("pcscd was already running: this harness does not restart it");
      await terminate();
      if (o.downMs) await sleep(o.downMs);
      await launch();
    },
    async kill() {
      if (!owned) throw new Error("pcscd was already running: this harness does not stop it");
      await terminate();
    },
    async start() {
      if (!owned) throw new Error("pcscd was already running: this harness does not start it");
      if (!child) await launch();
    },
    async stop() {
      for (const l of links) l.close();
      links.clear();
      linkPort.clear();
      if (owned) await terminate();
    },
  };
}
