/**
 * Hermetic test harness for the real PC/SC stack: a private pcscd + vsmartcard-vpcd per test file,
 * with simulated cards served over TCP. Two test runs (or a system pcscd) on one machine never meet.
 *
 *   const h = await startPcscd();          // its own pcscd, own socket, vpcd on a free port pair
 *   const link = await h.serve(card);      // card "inserted" in "Virtual PCD 00 00"
 *   link.remove(); await link.insert();    // pull / put back
 *   await h.restart();                     // stop and start this pcscd (same socket, same ports)
 *   await h.stop();                        // stops it, closes every link, removes its directory
 *
 * How it is private (facts checked against Debian's pcsc-lite 1.9.9 and vsmartcard-vpcd 0.8/3.3):
 * - pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME (only the client library honours it) and always creates
 *   /run/pcscd/pcscd.comm. So pcscd runs in its own mount namespace (`unshare -m` as root,
 *   `unshare -rm` otherwise) where a temporary directory is bind-mounted on /run/pcscd; the socket is
 *   then reachable from outside as <dir>/pcscd.comm.
 * - `pcscd -c <dir>/reader.conf` loads only the vpcd driver, with DEVICENAME /dev/null:<port> and
 *   CHANNELID <port>: vpcd listens on <port> ("Virtual PCD 00 00") and <port>+1 ("… 00 01").
 *   `readers: "none"` gives an empty configuration (no reader at all).
 * - Clients find it through PCSCLITE_CSOCK_NAME=<dir>/pcscd.comm, which this harness sets in
 *   process.env: the in-process pcsclite binding and every child (kioskctl, the daemon, OpenSC)
 *   inherit it. libpcsclite caches the name on first use, so the directory is fixed per process
 *   (one harness at a time per process; vitest runs each file in its own worker process).
 *
 * Readiness = pcscd's socket exists and vpcd's port is in LISTEN (read from /proc/net/tcp, so probing
 * never inserts a card). Every wait is bounded. No lock is needed to run these tests concurrently.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { serveOverVpcd, type VpcdCard, type VpcdLink, type VpcdOptions } from "../../../src/card/sim/vpcd";

export const VPCD_READER = "Virtual PCD 00 00";
export const VPCD_READER_2 = "Virtual PCD 00 01";
export const VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

export interface PcscdHarness {
  /** Always true: the harness owns its private pcscd (kept for callers that asked). */
  readonly owned: true;
  /** The private directory bound on /run/pcscd inside pcscd's mount namespace. */
  readonly dir: string;
  /** The value given to clients as PCSCLITE_CSOCK_NAME. */
  readonly socket: string;
  /** vpcd's port for "Virtual PCD 00 00"; "… 00 01" is port + 1. 0 with `readers: "none"`. */
  readonly port: number;
  /** Serve a card through vpcd (slot 0 = "Virtual PCD 00 00", default; slot 1 = "… 00 01"). */
  serve(card: VpcdCard, opts?: Omit<VpcdOptions, "card" | "port"> & { slot?: 0 | 1 }): Promise<VpcdLink>;
  /** Stop and start pcscd again. Links die with it; insert() them again. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** Stop pcscd without starting it again. */
  kill(): Promise<void>;
  /** Start pcscd after kill(). */
  start(): Promise<void>;
  /** Close every link, stop pcscd, remove the directory. Idempotent. */
  stop(): Promise<void>;
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

/** Whether `port` can be bound on all interfaces right now (vpcd binds 0.0.0.0). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "0.0.0.0", exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * A free pair (p, p+1) for vpcd's two slots, drawn at random below the kernel's ephemeral range
 * (32768+), so outgoing connections never take it between this check and vpcd's bind.
 */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20_000 + 2 * Math.floor(Math.random() * 6000);
    if (tcpListening(p) || tcpListening(p + 1)) continue;
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error("no free port pair for vpcd in 20000–32000 after 200 tries");
}

/** Only one harness per process: libpcsclite caches the socket name on first use. */
let active: string | null = null;

export async function startPcscd(opts: { readyTimeoutMs?: number; readers?: "vpcd" | "none" } = {}): Promise<PcscdHarness> {
  if (active) throw new Error(`a pcscd harness is already running in this process (${active}); stop it first`);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  const withVpcd = (opts.readers ?? "vpcd") === "vpcd";
  // Fixed per process (see the header): the same path after stop() and a new startPcscd().
  const dir = path.join(tmpdir(), `mynaguard-pcscd-${process.pid}`);
  const socket = path.join(dir, "pcscd.comm");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const conf = path.join(dir, "reader.conf.d");
  mkdirSync(conf);
  const port = withVpcd ? await freePortPair() : 0;
  if (withVpcd) {
    const hex = `0x${port.toString(16).toUpperCase()}`;
    writeFileSync(
      path.join(conf, "vpcd"),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${hex}\n`,
    );
  }
  active = dir;
  process.env["PCSCLITE_CSOCK_NAME"] = socket;

  const links = new Set<VpcdLink>();
  const linkPort = new Map<VpcdLink, number>();
  let child: ChildProcess | null = null;
  const killOnExit = (): void => {
    child?.kill("SIGKILL");
  };

  const launch = async (): Promise<void> => {
    // A pcscd killed hard leaves its socket and pid file behind, and a new one would refuse to start.
    rmSync(socket, { force: true });
    rmSync(path.join(dir, "pcscd.pid"), { force: true });
    const asRoot = process.getuid?.() === 0;
    const script = `mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec pcscd --foreground --config "$2"`;
    const p = spawn("unshare", [...(asRoot ? ["-m", "--propagation", "private"] : ["-r", "-m"]), "sh", "-c", script, "sh", dir, conf], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child = p;
    process.once("exit", killOnExit);
    try {
      await waitFor(
        `the private pcscd (${socket}${withVpcd ? `, vpcd on port ${port}` : ""})`,
        () => {
          if (p.exitCode !== null) throw new Error(`pcscd exited with ${p.exitCode}: ${stderr}`);
          return existsSync(socket) && (!withVpcd || tcpListening(port));
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
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM");
    const timer = setTimeout(() => p.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (e) {
    active = null;
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  let stopped = false;
  return {
    owned: true,
    dir,
    socket,
    port,
    async serve(card, o = {}) {
      if (!withVpcd) throw new Error("this pcscd has no vpcd reader (readers: none)");
      const { slot, ...rest } = o;
      const linkTo = port + (slot ?? 0);
      // A new card on a port another link just left must wait out pcscd's presence poll.
      let notBefore = 0;
      for (const l of links) {
        if (linkPort.get(l) !== linkTo) continue;
        l.close();
        notBefore = Math.max(notBefore, l.removedAt ?? 0);
        links.delete(l);
      }
      const link = await serveOverVpcd({ ...rest, card, port: linkTo, ...(notBefore ? { notBefore } : {}) });
      links.add(link);
      linkPort.set(link, linkTo);
      return link;
    },
    async restart(o = {}) {
      await terminate();
      if (o.downMs) await sleep(o.downMs);
      await launch();
    },
    async kill() {
      await terminate();
    },
    async start() {
      if (!child) await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const l of links) l.close();
      links.clear();
      linkPort.clear();
      await terminate();
      rmSync(dir, { recursive: true, force: true });
      active = null;
    },
  };
}
