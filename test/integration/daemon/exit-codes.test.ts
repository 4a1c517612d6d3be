/**
 * Start-up problems that are configuration problems exit 78 (EX_CONFIG), so systemd and the
 * technician see "fix the configuration", not a crash (issue 15, problem 8).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DAEMON, freePort, ROOT } from "../helpers/daemon";

const dir = mkdtempSync(path.join(tmpdir(), "mynaguard-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exitOf(config: object): Promise<{ code: number | null; out: string }> {
  const file = path.join(dir, `config-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const port = await freePort();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [DAEMON, "--mode", "demo", "--port", String(port), "--config", file], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("daemon exit codes for configuration problems", () => {
  it("exits 78 naming audit.path when the audit folder does not exist", async () => {
    const r = await exitOf({ audit: { path: path.join(dir, "no-such-folder", "audit.sqlite") } });
    expect(r.code, r.out).toBe(78);
    expect(r.out).toMatch(/audit\.path: the folder .*no-such-folder does not exist/);
  });

  it("exits 78 naming an unknown budget as unknown, even with a small value", async () => {
    const r = await exitOf({ audit: { path: ":memory:" }, budgets: { placecard: 50 } });
    expect(r.code, r.out).toBe(78);
    expect(r.out).toMatch(/budgets\.placecard: unknown budget/);
    expect(r.out).not.toMatch(/too small/i);
  });

  it("exits 78 naming the full path of an unknown key inside a section", async () => {
    const r = await exitOf({ kiosk: { staffPIN: "9999" } });
    expect(r.code, r.out).toBe(78);
    expect(r.out).toContain("kiosk.staffPIN: unknown setting");
  });
});
