/**
 * A simulated Raspberry Pi for the update tests: the FAT partition with autoboot.txt (a folder), the
 * firmware's device-tree node (/chosen/bootloader/{partition,tryboot} as 32-bit big-endian cells),
 * slot devices as files, and the real RAUC service on a private D-Bus session bus, using our custom
 * backend and a system.conf derived from system/rauc/system.conf.
 *
 * `boot()` does what the firmware does (documented in the Raspberry Pi boot docs, "tryboot"): it boots
 * autoboot.txt's [tryboot] boot_partition when the previous reboot asked for "0 tryboot", otherwise
 * [all] boot_partition, and the tryboot request is used up by that one boot.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO, run, type RunResult } from "./run";

export const SLOT_PARTS: Record<string, number> = { A: 2, B: 3 };
const PART_TO_NAME = new Map(Object.entries(SLOT_PARTS).map(([k, v]) => [v, k]));

export interface SimPiOptions {
  /** Folder with ca.cert.pem (the keyring). */
  caDir: string;
}

export class SimPi {
  readonly root: string;
  readonly autobootDir: string;
  readonly dtDir: string;
  readonly conf: string;
  readonly rebootLog: string;
  readonly fakeBin: string;
  private dbus: ChildProcess | undefined;
  private dbusAddress = "";
  private service: ChildProcess | undefined;
  private serviceLog = "";
  /** Set by a simulated `systemctl reboot "0 tryboot"`; consumed by the next boot(). */
  booted: string | undefined;

  private constructor(root: string) {
    this.root = root;
    this.autobootDir = path.join(root, "autoboot");
    this.dtDir = path.join(root, "dt");
    this.conf = path.join(root, "system.conf");
    this.rebootLog = path.join(root, "reboots.log");
    this.fakeBin = path.join(root, "bin");
  }

  static async create(opts: SimPiOptions): Promise<SimPi> {
    const pi = new SimPi(await mkdtemp(path.join(tmpdir(), "mynaguard-pi-")));
    await mkdir(pi.autobootDir);
    await mkdir(pi.dtDir);
    await mkdir(pi.fakeBin);
    await mkdir(path.join(pi.root, "data"));
    await mkdir(path.join(pi.root, "mnt"));
    // The factory image: slot A committed, B as the tryboot target.
    await writeFile(
      path.join(pi.autobootDir, "autoboot.txt"),
      "[all]\ntryboot_a_b=1\nboot_partition=2\n\n[tryboot]\nboot_partition=3\n",
    );
    for (const p of [2, 3, 4, 5]) await writeFile(path.join(pi.root, `p${p}.img`), Buffer.alloc(256 * 1024));
    const prod = await readFile(path.join(REPO, "system/rauc/system.conf"), "utf8");
    // Same slots, backend and keyring checks as the kiosk; only paths differ, and the dev box has no
    // device-mapper (dm-verity), so plain bundles are allowed and boot slots are written raw (no vfat).
    const conf = prod
      .replace("bundle-formats=-plain", "bundle-formats=plain verity")
      .replaceAll("data-directory=/data/rauc", `data-directory=${pi.root}/data`)
      .replaceAll("/etc/rauc/ca.cert.pem", path.join(opts.caDir, "ca.cert.pem"))
      .replaceAll("/usr/lib/mynaguard/rauc-rpi-tryboot", path.join(REPO, "system/lib/rauc-rpi-tryboot"))
      .replace(/type=vfat/g, "type=raw")
      .replace(/\/dev\/mmcblk0p(\d)/g, `${pi.root}/p$1.img`);
    await writeFile(pi.conf, conf);
    // `systemctl reboot [ARG]` as the kiosk tools call it: recorded, then acted on by the test.
    await writeFile(
      path.join(pi.fakeBin, "systemctl"),
      `#!/bin/sh\necho "$*" >> '${pi.rebootLog}'\n`,
    );
    await chmod(path.join(pi.fakeBin, "systemctl"), 0o755);
    return pi;
  }

  /** Environment for the backend, the health check and kioskctl on this Pi. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      MYNAGUARD_AUTOBOOT_DIR: this.autobootDir,
      MYNAGUARD_DT_BOOTLOADER: this.dtDir,
      MYNAGUARD_SLOT_PARTS: "A:2 B:3",
      MYNAGUARD_SYSTEMCTL: path.join(this.fakeBin, "systemctl"),
      MYNAGUARD_BACKEND: path.join(REPO, "system/lib/rauc-rpi-tryboot"),
      RAUC: path.join(this.fakeBin, "rauc"),
      DBUS_SESSION_BUS_ADDRESS: this.dbusAddress,
      DBUS_STARTER_BUS_TYPE: "session",
      ...extra,
    };
  }

  async readAutoboot(): Promise<{ all: number | undefined; tryboot: number | undefined }> {
    const text = await readFile(path.join(this.autobootDir, "autoboot.txt"), "utf8");
    let section = "";
    const out: { all: number | undefined; tryboot: number | undefined } = { all: undefined, tryboot: undefined };
    for (const line of text.split("\n")) {
      const s = /^\[(\w+)\]/.exec(line);
      if (s) section = s[1] ?? "";
      const m = /^boot_partition=(\d+)/.exec(line);
      if (m && (section === "all" || section === "tryboot")) out[section] = Number(m[1]);
    }
    return out;
  }

  async readState(): Promise<Record<string, string>> {
    let text = "";
    try {
      text = await readFile(path.join(this.autobootDir, "mynaguard-rauc.state"), "utf8");
    } catch {
      return {};
    }
    return Object.fromEntries(
      text
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  }

  /** Reboot requests recorded by the fake systemctl since the last call. */
  async takeReboots(): Promise<string[]> {
    let text = "";
    try {
      text = await readFile(this.rebootLog, "utf8");
    } catch {
      return [];
    }
    await rm(this.rebootLog, { force: true });
    return text.split("\n").filter((l) => l !== "");
  }

  /**
   * Power on (or reboot) like the firmware: stops RAUC, picks the partition from autoboot.txt, writes
   * the device-tree cells, starts RAUC again with that slot booted. Returns the booted slot name.
   */
  async boot(opts: { tryboot: boolean }): Promise<string> {
    await this.stopService();
    const ab = await this.readAutoboot();
    const part = opts.tryboot ? ab.tryboot : ab.all;
    const name = part === undefined ? undefined : PART_TO_NAME.get(part);
    if (name === undefined) throw new Error(`firmware: autoboot.txt names no bootable slot (${String(part)})`);
    const cell = (n: number) => Buffer.from([0, 0, 0, n]);
    await writeFile(path.join(this.dtDir, "partition"), cell(part ?? 0));
    await writeFile(path.join(this.dtDir, "tryboot"), cell(opts.tryboot ? 1 : 0));
    this.booted = name;
    await this.startService(name);
    return name;
  }

  private async startService(bootname: string): Promise<void> {
    if (!this.dbus) {
      const dbus = spawn("dbus-daemon", ["--session", "--nofork", "--nopidfile", "--print-address=1"], {
        stdio: ["ignore", "pipe", "ignore"],
      });
      this.dbus = dbus;
      this.dbusAddress = await new Promise<string>((resolve, reject) => {
        let buf = "";
        dbus.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          if (buf.includes("\n")) resolve(buf.trim());
        });
        dbus.on("exit", (code) => reject(new Error(`dbus-daemon exited (${String(code)})`)));
      });
      // The kiosk tools call plain `rauc`; on this Pi it must use the simulated system.conf.
      await writeFile(
        path.join(this.fakeBin, "rauc"),
        `#!/bin/sh\nexec rauc --conf='${this.conf}' --mount='${this.root}/mnt' "$@"\n`,
      );
      await chmod(path.join(this.fakeBin, "rauc"), 0o755);
    }
    const env = this.env();
    const svc = spawn("rauc", [`--conf=${this.conf}`, `--mount=${this.root}/mnt`, "service", `--override-boot-slot=${bootname}`], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.service = svc;
    svc.stdout.on("data", (d: Buffer) => (this.serviceLog += d.toString()));
    svc.stderr.on("data", (d: Buffer) => (this.serviceLog += d.toString()));
    // Wait until the service answers on the bus.
    for (let i = 0; i < 100; i++) {
      const r = await this.rauc(["status"]);
      if (r.code === 0) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`rauc service did not start:\n${this.serviceLog}`);
  }

  private async stopService(): Promise<void> {
    const svc = this.service;
    if (!svc || svc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      svc.once("exit", () => resolve());
      svc.kill("SIGTERM");
    });
    this.service = undefined;
  }

  /** The rauc command line client, talking to this Pi's service. */
  rauc(args: readonly string[]): Promise<RunResult> {
    return run(path.join(this.fakeBin, "rauc"), args, { env: this.env() });
  }

  /** The real backend script, as RAUC would call it. */
  backend(args: readonly string[]): Promise<RunResult> {
    return run(path.join(REPO, "system/lib/rauc-rpi-tryboot"), args, { env: this.env() });
  }

  get log(): string {
    return this.serviceLog;
  }

  async dispose(): Promise<void> {
    await this.stopService();
    this.dbus?.kill("SIGTERM");
    await rm(this.root, { recursive: true, force: true });
  }
}
