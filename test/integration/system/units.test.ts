/**
 * The systemd units in system/: every one passes `systemd-analyze verify`, and the daemon's sandbox
 * scores at most 2.0 in `systemd-analyze security --offline=true` (the score is printed).
 * Helper programs the units start from /usr/lib/mynaguard/ are taken from system/lib/ for verify; the
 * other executables (node, cage, chromium) must be installed on the test machine (scripts/setup.sh --test).
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installed, REPO, run } from "./run";

const SYSTEM = path.join(REPO, "system");
const hasSystemd = installed("systemd-analyze");

let work = "";

async function unitFiles(): Promise<string[]> {
  return (await readdir(SYSTEM)).filter((f) => f.endsWith(".service")).sort();
}

/** A copy of the unit with /usr/lib/mynaguard/ helpers pointing into the repository. */
async function stage(unit: string): Promise<string> {
  const text = await readFile(path.join(SYSTEM, unit), "utf8");
  const out = path.join(work, unit);
  await writeFile(out, text.replaceAll("/usr/lib/mynaguard/", path.join(SYSTEM, "lib") + "/"));
  return out;
}

function exposure(output: string, unit: string): number {
  const m = new RegExp(`Overall exposure level for ${unit.replace(".", "\\.")}: (\\d+\\.\\d+)`).exec(output);
  if (!m?.[1]) throw new Error(`no exposure score in:\n${output}`);
  return Number(m[1]);
}

/** `Key=value` lines of the [Service] section, values of repeated keys joined by a space. */
function serviceSection(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let inService = false;
  for (const line of text.replace(/\\\n/g, " ").split("\n")) {
    if (/^\[.*\]$/.test(line.trim())) inService = line.trim() === "[Service]";
    const m = /^(\w+)=(.*)$/.exec(line);
    if (inService && m?.[1]) out.set(m[1], [out.get(m[1]), m[2]].filter((v) => v).join(" "));
  }
  return out;
}

describe.skipIf(!hasSystemd)("systemd units", () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "mynaguard-units-"));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("every unit in system/ passes systemd-analyze verify", async () => {
    const units = await unitFiles();
    expect(units).toEqual([
      "mynaguard-health.service",
      "mynaguard-kiosk.service",
      "mynaguard-ssh-keys.service",
      "mynaguard.service",
    ]);
    for (const unit of units) {
      const staged = await stage(unit);
      const r = await run("systemd-analyze", ["verify", "--man=no", staged]);
      const problems = (r.stdout + r.stderr)
        .split("\n")
        .filter((l) => l.includes(unit) || l.includes(staged));
      expect({ unit, code: r.code, problems }).toEqual({ unit, code: 0, problems: [] });
    }
  });

  it("the pcscd drop-in applies to Debian's pcscd.service and the result verifies", async () => {
    const pcscd = "/lib/systemd/system/pcscd.service";
    const dir = path.join(work, "pcscd");
    await mkdir(dir, { recursive: true });
    await cp(pcscd, path.join(dir, "pcscd.service"));
    await cp(path.join(SYSTEM, "pcscd.service.d"), path.join(dir, "pcscd.service.d"), { recursive: true });
    const env = { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` };
    const verify = await run("systemd-analyze", ["verify", "--man=no", path.join(dir, "pcscd.service")], { env });
    expect(verify.code).toBe(0);
    const before = await run("systemd-analyze", ["security", "--offline=true", pcscd]);
    const after = await run("systemd-analyze", ["security", "--offline=true", path.join(dir, "pcscd.service")], { env });
    const [b, a] = [exposure(before.stdout, "pcscd.service"), exposure(after.stdout, "pcscd.service")];
    console.log(`pcscd.service exposure: Debian ${b.toFixed(1)}, with system/pcscd.service.d ${a.toFixed(1)}`);
    expect(a).toBeLessThan(b);
  });

  it("the daemon's exposure score is at most 2.0", async () => {
    const staged = await stage("mynaguard.service");
    const r = await run("systemd-analyze", ["security", "--offline=true", staged]);
    const score = exposure(r.stdout, "mynaguard.service");
    console.log(`mynaguard.service exposure (systemd-analyze security --offline=true): ${score.toFixed(1)}`);
    const kiosk = await run("systemd-analyze", ["security", "--offline=true", await stage("mynaguard-kiosk.service")]);
    console.log(`mynaguard-kiosk.service exposure: ${exposure(kiosk.stdout, "mynaguard-kiosk.service").toFixed(1)}`);
    expect(score).toBeLessThanOrEqual(2.0);
  });

  it("the daemon unit is a watched notify service that systemd restarts, as a dedicated user", async () => {
    const s = serviceSection(await readFile(path.join(SYSTEM, "mynaguard.service"), "utf8"));
    expect(s.get("Type")).toBe("notify");
    expect(s.get("NotifyAccess")).toBe("all");
    expect(Number.parseInt(s.get("WatchdogSec") ?? "0", 10)).toBeGreaterThan(0);
    expect(s.get("Restart")).toBe("on-failure");
    expect(s.get("User")).toBe("mynaguard");
    expect(s.get("ExecStart")).toContain("dist/daemon.js --mode production --config /etc/mynaguard/config.json");
    // The memory settings bench:memory measured with (issue 16, docs/performance.md).
    expect(s.get("ExecStart")).toContain("node --max-semi-space-size=1 ");
    expect((s.get("Environment") ?? "").split(" ")).toEqual(expect.arrayContaining(["MALLOC_ARENA_MAX=1", "MALLOC_MMAP_THRESHOLD_=32768", "MALLOC_TRIM_THRESHOLD_=32768"]));
    expect(s.get("ProtectSystem")).toBe("strict");
    expect(s.get("CapabilityBoundingSet")).toBe("");
    expect(s.get("DevicePolicy")).toBe("closed");
    expect(s.get("StateDirectory")).toBe("mynaguard");
  });

  it("the kiosk browser runs as the unprivileged kiosk user, shows only the loopback UI and is restarted", async () => {
    const s = serviceSection(await readFile(path.join(SYSTEM, "mynaguard-kiosk.service"), "utf8"));
    expect(s.get("User")).toBe("kiosk");
    expect(s.get("Restart")).toBe("always");
    // ExecStart is the launcher that adds the daemon's WebSocket token to the URL fragment (issue 15).
    expect(s.get("ExecStart")).toBe("/usr/lib/mynaguard/kiosk-browser");
    const launcher = (await readFile(path.join(SYSTEM, "lib/kiosk-browser"), "utf8")).replace(/\\\n/g, " ");
    const exec = /^exec (.*)$/m.exec(launcher)?.[1] ?? "";
    expect(exec).toMatch(/^\/usr\/bin\/cage .* -- \/usr\/bin\/chromium --kiosk /);
    expect(launcher).toContain("url=${MYNAGUARD_KIOSK_URL:-http://127.0.0.1:8080/}");
    expect(exec).toContain('"${url}#token=${token}"');
    expect(exec).toContain("--user-data-dir=/run/mynaguard-kiosk/");
    expect(await readFile(path.join(SYSTEM, "mynaguard-kiosk.service"), "utf8")).toMatch(/^PartOf=mynaguard\.service$/m);
  });

  it("sysusers and tmpfiles create the users and the private audit folder", async () => {
    const root = path.join(work, "root");
    await mkdir(path.join(root, "etc"), { recursive: true });
    const users = await run("systemd-sysusers", [`--root=${root}`, path.join(SYSTEM, "sysusers.d/mynaguard.conf")]);
    expect(users.code).toBe(0);
    const passwd = await readFile(path.join(root, "etc/passwd"), "utf8");
    expect(passwd).toMatch(/^mynaguard:x:\d+:\d+:mynaguard daemon:\/var\/lib\/mynaguard:\/usr\/sbin\/nologin$/m);
    expect(passwd).toMatch(/^kiosk:x:\d+:\d+:/m);
    const group = await readFile(path.join(root, "etc/group"), "utf8");
    expect(group).toMatch(/^gpio:x:\d+:mynaguard$/m);
    // The daemon may hand its token file to the kiosk group.
    expect(group).toMatch(/^kiosk:x:\d+:mynaguard$/m);
    const tmp = await run("systemd-tmpfiles", ["--create", `--root=${root}`, path.join(SYSTEM, "tmpfiles.d/mynaguard.conf")]);
    expect(tmp.stderr).toBe("");
    const uid = /^mynaguard:x:(\d+):/m.exec(passwd)?.[1];
    const st = await run("stat", ["-c", "%a %u", path.join(root, "var/lib/mynaguard"), path.join(root, "data/mynaguard")]);
    expect(st.stdout.trim().split("\n")).toEqual([`700 ${uid}`, `700 ${uid}`]);
  });

  it("journald keeps the log in RAM only and core dumps are not stored", async () => {
    const journald = await readFile(path.join(SYSTEM, "journald.conf.d/mynaguard.conf"), "utf8");
    expect(journald).toMatch(/^Storage=volatile$/m);
    expect(journald).toMatch(/^ForwardToSyslog=no$/m);
    const coredump = await readFile(path.join(SYSTEM, "coredump.conf.d/mynaguard.conf"), "utf8");
    expect(coredump).toMatch(/^Storage=none$/m);
  });
});
