/**
 * kioskctl: the field technician's command line. Each command lives in its own file under src/cli/
 * and is listed here once. Exit codes: 0 ok, 1 the checked thing is not ok, 2 usage error,
 * other codes are documented per command (`kioskctl <command> --help`).
 */
import { healthCommand } from "./health";
import { ocrCardCommand } from "./ocr-card";
import { readersCommand } from "./readers";
import { readCardCommand } from "./read-card";
import { statsCommand } from "./stats";
import { rollbackCommand } from "./rollback";
import { updateCommand } from "./update";
import { trustCommand } from "./trust";
import { faceCompareCommand } from "./face-compare";
import { staffPinCommand } from "./staff-pin";

export interface Command {
  /** One line for `kioskctl --help`. */
  readonly summary: string;
  /** Full usage text for `kioskctl <command> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  health: healthCommand,
  "ocr-card": ocrCardCommand,
  readers: readersCommand,
  "read-card": readCardCommand,
  stats: statsCommand,
  update: updateCommand,
  rollback: rollbackCommand,
  trust: trustCommand,
  "face-compare": faceCompareCommand,
  "staff-pin": staffPinCommand(),
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "kioskctl: tools for the mynaguard kiosk (field technicians, over SSH)",
    "",
    "usage: kioskctl <command> [options]",
    "       kioskctl <command> --help",
    "",
    "commands:",
    ...lines,
    "",
  ].join("\n");
}

export async function runKioskctl(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.out(`${__MYNAGUARD_VERSION__}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`kioskctl: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(cmd.usage.endsWith("\n") ? cmd.usage : cmd.usage + "\n");
    return 0;
  }
  return cmd.run(rest, io);
}
