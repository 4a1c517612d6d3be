/**
 * `kioskctl update BUNDLE`: the technician's A/B update over SSH, on top of RAUC (Debian's rauc).
 * Every step shells out with an argument array (no shell): `rauc info` checks the bundle's signature
 * against the project CA in /etc/rauc/system.conf, `rauc install` writes the other slot (its progress
 * lines are shown as they come), and `systemctl reboot "0 tryboot"` starts the new slot exactly once.
 * After that boot, mynaguard-health.service commits the slot when the daemon is ready or reboots back;
 * `kioskctl update --result` reports what happened.
 */
import { spawn } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Command, CommandIo } from "./command";

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool with an argument array; `onLine` receives stdout and stderr lines as they arrive. */
export function runTool(
  io: CommandIo,
  file: string,
  args: readonly string[],
  onLine?: (line: string) => void,
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const splitter = (append: (t: string) => void) => {
      let rest = "";
      return (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        append(text);
        if (!onLine) return;
        rest += text;
        const lines = rest.split(/\r?\n|\r/);
        rest = lines.pop() ?? "";
        for (const l of lines) if (l.trim() !== "") onLine(l);
      };
    };
    child.stdout.on("data", splitter((t) => (stdout += t)));
    child.stderr.on("data", splitter((t) => (stderr += t)));
    child.on("error", (e) => resolve({ code: 127, stdout, stderr: stderr + e.message }));
    child.on("close", (code) => resolve({ code: code ?? 128, stdout, stderr }));
  });
}

/** The tools, overridable for tests and unusual installs. */
export function tools(env: CommandIo["env"]) {
  const conf = env["MYNAGUARD_RAUC_CONF"];
  return {
    rauc: env["RAUC"] ?? "rauc",
    /** Global options placed before every rauc sub-command (a non-default system.conf). */
    raucGlobal: conf ? [`--conf=${conf}`] : [],
    systemctl: env["MYNAGUARD_SYSTEMCTL"] ?? "systemctl",
    autobootDir: env["MYNAGUARD_AUTOBOOT_DIR"] ?? "/boot/autoboot",
  };
}

export interface SlotInfo {
  name: string;
  bootname: string | undefined;
  state: string | undefined;
  bootStatus: string | undefined;
  installedVersion: string | undefined;
}

export interface RaucStatus {
  booted: string | undefined;
  primary: string | undefined;
  slots: SlotInfo[];
}

/** Parses `rauc status --output-format=json` (RAUC 1.8 and later). */
export function parseRaucStatus(json: string): RaucStatus {
  const raw = JSON.parse(json) as {
    booted?: string;
    boot_primary?: string;
    slots?: Record<string, Record<string, unknown>>[];
  };
  const slots: SlotInfo[] = [];
  for (const entry of raw.slots ?? []) {
    for (const [name, s] of Object.entries(entry)) {
      const str = (v: unknown) => (typeof v === "string" ? v : undefined);
      const slotStatus = s["slot_status"] as { bundle?: { version?: unknown } } | undefined;
      slots.push({
        name,
        bootname: str(s["bootname"]),
        state: str(s["state"]),
        bootStatus: str(s["boot_status"]),
        installedVersion: str(slotStatus?.bundle?.version),
      });
    }
  }
  return { booted: raw.booted, primary: raw.boot_primary, slots };
}

export async function raucStatus(io: CommandIo): Promise<RaucStatus | string> {
  const t = tools(io.env);
  const r = await runTool(io, t.rauc, [...t.raucGlobal, "status", "--detailed", "--output-format=json"]);
  if (r.code !== 0) return `rauc status failed (exit ${r.code}): ${lastLine(r.stderr)}`;
  try {
    return parseRaucStatus(r.stdout);
  } catch (e) {
    return `rauc status printed no JSON: ${(e as Error).message}`;
  }
}

export function lastLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines[lines.length - 1] ?? "";
}

/** The root-filesystem slot that is not booted (the one `rauc install` writes). */
export function otherRootSlot(status: RaucStatus): SlotInfo | undefined {
  return status.slots.find((s) => s.bootname !== undefined && s.bootname !== status.booted);
}

/** Reboot so that the firmware tries the new slot once (autoboot.txt [tryboot]). */
export async function rebootTryboot(io: CommandIo): Promise<boolean> {
  const t = tools(io.env);
  const r = await runTool(io, t.systemctl, ["reboot", "0 tryboot"]);
  if (r.code !== 0) io.err(`kioskctl: systemctl reboot failed (exit ${r.code}): ${lastLine(r.stderr)}\n`);
  return r.code === 0;
}

const USAGE = [
  "usage: kioskctl update BUNDLE.raucb [--no-reboot]",
  "       kioskctl update --result",
  "",
  "Installs a signed RAUC bundle into the slot that is not running, then reboots into it once",
  '(`systemctl reboot "0 tryboot"`). After that boot the health check keeps the new slot when the',
  "daemon reports ready and otherwise reboots into the previous one; a crash or power cut falls back",
  "too. Reconnect after the reboot and run `kioskctl update --result`. Run as root (sudo).",
  "",
  "Steps shown: signature check (rauc info against the project CA), current slots, install progress,",
  "reboot. --no-reboot stops after installing (the update is tried at the next `reboot '0 tryboot'`).",
  "",
  "Exit codes: 0 installed (and rebooting) / result shown, 2 usage, 3 bundle not found,",
  "4 bundle refused (signature, CA or compatibility), 5 install failed, 6 reboot failed,",
  "7 RAUC not available.",
].join("\n");

export const updateCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    let bundle: string | undefined;
    let reboot = true;
    let result = false;
    for (const a of args) {
      if (a === "--no-reboot") reboot = false;
      else if (a === "--result") result = true;
      else if (!a.startsWith("-") && bundle === undefined) bundle = a;
      else {
        io.err(`kioskctl update: unknown argument ${a}\n`);
        return 2;
      }
    }
    if (result) return showResult(io);
    if (bundle === undefined) {
      io.err(`kioskctl update: which bundle?\n\n${USAGE}\n`);
      return 2;
    }
    const file = path.resolve(bundle);
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
    } catch {
      io.err(`kioskctl update: ${file}: no such bundle\n`);
      return 3;
    }
    const t = tools(io.env);

    io.out(`[1/4] checking the signature of ${file}\n`);
    const info = await runTool(io, t.rauc, [...t.raucGlobal, "info", "--output-format=shell", file]);
    if (info.code === 127) {
      io.err(`kioskctl update: cannot run ${t.rauc}: ${lastLine(info.stderr)}\n`);
      return 7;
    }
    if (info.code !== 0) {
      io.err(`kioskctl update: bundle refused: ${lastLine(info.stderr)}\n`);
      return 4;
    }
    const fields = parseShellVars(info.stdout);
    io.out(
      `      signature ok; compatible ${fields["RAUC_MF_COMPATIBLE"] ?? "?"}, version ${fields["RAUC_MF_VERSION"] ?? "?"}\n`,
    );

    const before = await raucStatus(io);
    if (typeof before === "string") {
      io.err(`kioskctl update: ${before}\n`);
      return 7;
    }
    const target = otherRootSlot(before);
    io.out(`[2/4] running slot ${before.booted ?? "?"}; installing into slot ${target?.bootname ?? "?"}\n`);

    io.out("[3/4] installing\n");
    const install = await runTool(io, t.rauc, [...t.raucGlobal, "install", file], (line) => io.out(`      ${line}\n`));
    if (install.code !== 0) {
      io.err(`kioskctl update: install failed (exit ${install.code}); the running slot is unchanged\n`);
      return install.code === 127 ? 7 : 5;
    }
    const after = await raucStatus(io);
    const primary = typeof after === "string" ? undefined : after.slots.find((s) => s.name === after.primary);
    io.out(`      installed; next boot tries slot ${primary?.bootname ?? target?.bootname ?? "?"} once\n`);

    if (!reboot) {
      io.out('[4/4] not rebooting (--no-reboot); run `reboot "0 tryboot"` to try the new slot\n');
      return 0;
    }
    io.out("[4/4] rebooting into the new slot (tryboot); reconnect and run `kioskctl update --result`\n");
    return (await rebootTryboot(io)) ? 0 : 6;
  },
};

/** `rauc info --output-format=shell` prints KEY='value' lines. */
export function parseShellVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    out[m[1]] = (m[2] ?? "").replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
  }
  return out;
}

async function showResult(io: CommandIo): Promise<number> {
  const t = tools(io.env);
  const status = await raucStatus(io);
  if (typeof status === "string") {
    io.err(`kioskctl update: ${status}\n`);
    return 7;
  }
  let last = "";
  try {
    last = await readFile(path.join(t.autobootDir, "mynaguard-last-update.txt"), "utf8");
  } catch {
    last = "";
  }
  const fields = Object.fromEntries(
    last
      .split("\n")
      .map((l) => l.split("="))
      .filter((p) => p.length >= 2)
      .map(([k, ...v]) => [k, v.join("=")]),
  ) as Record<string, string>;
  io.out(`running slot  ${status.booted ?? "?"}\n`);
  for (const s of status.slots.filter((x) => x.bootname !== undefined)) {
    io.out(
      `slot ${s.bootname}  ${s.bootStatus ?? "?"}${s.state === "booted" ? ", booted" : ""}` +
        `${s.installedVersion ? `, version ${s.installedVersion}` : ""}\n`,
    );
  }
  if (fields["outcome"]) io.out(`last update   ${fields["outcome"]} (${fields["time"] ?? "?"})\n`);
  else io.out("last update   none recorded\n");
  return fields["outcome"]?.startsWith("failed") ? 1 : 0;
}
