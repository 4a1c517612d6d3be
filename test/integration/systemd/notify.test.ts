/**
 * src/systemd.ts against a fake NOTIFY_SOCKET (python3 AF_UNIX datagram receiver), with the real
 * /usr/bin/systemd-notify binary from Debian's systemd package.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createSystemdNotifier } from "../../../src/systemd";
import { memoryLogger } from "../../../src/log";

let dir = "";
let receiver: ChildProcess | undefined;
let lines: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "mynaguard-sd-"));
  lines = [];
  receiver = spawn("python3", [path.join(import.meta.dirname, "notify-receiver.py"), path.join(dir, "notify.sock")]);
  let buf = "";
  await new Promise<void>((resolve, reject) => {
    receiver?.on("error", reject);
    receiver?.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      for (const p of parts) if (p === "listening") resolve();
      else lines.push(p);
    });
  });
});

afterEach(() => {
  receiver?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const waitFor = async (pred: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out; received: ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("systemd notify through systemd-notify", () => {
  it("sends READY=1 with MAINPID and STATUS, then statuses in order, then STOPPING=1", async () => {
    const sd = createSystemdNotifier({ env: { NOTIFY_SOCKET: path.join(dir, "notify.sock") }, pid: process.pid, log: memoryLogger() });
    expect(sd.enabled).toBe(true);
    sd.ready("idle");
    sd.status("reading-chip");
    await sd.stopping();
    await waitFor(() => lines.some((l) => l.includes("STOPPING=1")));
    const messages = lines.filter((l) => !l.startsWith("BARRIER=1"));
    expect(messages[0]).toContain("READY=1");
    expect(messages[0]).toContain(`MAINPID=${process.pid}`);
    expect(messages[0]).toContain("STATUS=idle");
    expect(messages.findIndex((l) => l.includes("STATUS=reading-chip"))).toBeGreaterThan(0);
    expect(messages.at(-1)).toContain("STOPPING=1");
  });

  it("sends WATCHDOG=1 at half of WATCHDOG_USEC only while healthy", async () => {
    let healthy = true;
    const sd = createSystemdNotifier({
      env: { NOTIFY_SOCKET: path.join(dir, "notify.sock"), WATCHDOG_USEC: "400000", WATCHDOG_PID: String(process.pid) },
      pid: process.pid,
      log: memoryLogger(),
    });
    expect(sd.watchdogIntervalMs).toBe(200);
    // Count the watchdog's health checks instead of timing it: every healthy tick must send exactly
    // one WATCHDOG=1 and no unhealthy tick may send one. Sends are serialised and STOPPING=1 is the
    // last of them, so once it has landed every earlier message has too (deterministic under load).
    let healthyTicks = 0;
    let unhealthyTicks = 0;
    sd.startWatchdog(() => {
      if (healthy) healthyTicks++;
      else unhealthyTicks++;
      return healthy;
    });
    await waitFor(() => healthyTicks >= 2, 30_000);
    healthy = false;
    await waitFor(() => unhealthyTicks >= 3, 30_000);
    await sd.stopping();
    await waitFor(() => lines.some((l) => l.includes("STOPPING=1")), 30_000);
    expect(lines.filter((l) => l.includes("WATCHDOG=1")).length).toBe(healthyTicks);
  });

  it("coalesces a burst of STATUS updates to the latest", async () => {
    const sd = createSystemdNotifier({ env: { NOTIFY_SOCKET: path.join(dir, "notify.sock") }, pid: process.pid, log: memoryLogger() });
    sd.ready("idle");
    for (const s of ["a", "b", "c", "d", "e"]) sd.status(s);
    await sd.stopping();
    await waitFor(() => lines.some((l) => l.includes("STOPPING=1")));
    const statuses = lines.filter((l) => /^STATUS=/.test(l) || l.includes("|STATUS=")).map((l) => /STATUS=([^|]*)/.exec(l)?.[1]);
    expect(statuses).not.toContain("b");
    expect(statuses).toContain("e");
  });

  it("logs and carries on when the systemd-notify binary is missing", async () => {
    const log = memoryLogger();
    const sd = createSystemdNotifier({
      env: { NOTIFY_SOCKET: path.join(dir, "notify.sock") },
      pid: process.pid,
      log,
      binary: "/nonexistent/systemd-notify",
    });
    sd.ready("idle");
    await sd.stopping();
    expect(log.lines.join("")).toContain("systemd.notify-failed");
  });

  it("does nothing without NOTIFY_SOCKET and ignores a watchdog meant for another process", () => {
    const off = createSystemdNotifier({ env: {}, pid: process.pid, log: memoryLogger() });
    expect(off.enabled).toBe(false);
    off.ready("idle");
    const other = createSystemdNotifier({
      env: { NOTIFY_SOCKET: "/nonexistent", WATCHDOG_USEC: "1000000", WATCHDOG_PID: "1" },
      pid: process.pid,
      log: memoryLogger(),
    });
    expect(other.watchdogIntervalMs).toBeNull();
  });
});
