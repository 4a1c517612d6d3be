/**
 * kioskctl: the field technician's command line. Each command lives in its own file under src/cli/
 * and is listed here once, with its one-line summary. A command's module is loaded (dynamic import)
 * only when that command is run or its --help is asked for, so `kioskctl health` never loads the OCR
 * engine, the face engine, SQLite or PC/SC (test/integration/cli/lazy-imports.test.ts checks this;
 * `npm run bench:cli` measures the start time). Exit codes: 0 ok, 1 the checked thing is not ok,
 * 2 usage error, other codes are documented per command (`kioskctl <command> --help`).
 */
import type { Command, CommandIo } from "./command";

export type { Command, CommandIo } from "./command";

interface Entry {
  /** One line for `kioskctl --help`. */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, Entry>> = {
  health: {
    summary: "ask the running daemon for its health (GET /healthz); exit 0 only when ready",
    load: async () => (await import("./health")).healthCommand,
  },
  "ocr-card": {
    summary: "read birth date, expiry and security code from card-face photos (redacted unless --reveal)",
    load: async () => (await import("./ocr-card")).ocrCardCommand,
  },
  readers: {
    summary: "list PC/SC readers, card presence and ATR",
    load: async () => (await import("./readers")).readersCommand,
  },
  "read-card": {
    summary: "read the card-face application with 照合番号B (tries left, verify, fields redacted)",
    load: async () => (await import("./read-card")).readCardCommand,
  },
  stats: {
    summary: "count audited sessions by outcome and reason (no personal data is ever stored)",
    load: async () => (await import("./stats")).statsCommand,
  },
  update: {
    summary: "install a signed update bundle (RAUC) into the other slot and reboot into it once",
    load: async () => (await import("./update")).updateCommand,
  },
  rollback: {
    summary: "switch back to the other A/B slot (previous release) and reboot into it once",
    load: async () => (await import("./rollback")).rollbackCommand,
  },
  trust: {
    summary: "list the trusted card-face CA keys; derive-ca re-derives a CA key from genuine cards",
    load: async () => (await import("./trust")).trustCommand,
  },
  "face-compare": {
    summary: "compare a chip photo (JPEG 2000) with a live image (JPEG/PNG): scores and decision",
    load: async () => (await import("./face-compare")).faceCompareCommand,
  },
  token: {
    summary: "the verdict token for the till: print the public key (pubkey), check a token (verify)",
    load: async () => (await import("./token")).tokenCommand,
  },
  "staff-pin": {
    summary: "set the staff screen PIN (stored as a salted scrypt hash), or show whether one is set",
    load: async () => (await import("./staff-pin")).staffPinCommand(),
  },
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
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`kioskctl: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(cmd.usage.endsWith("\n") ? cmd.usage : cmd.usage + "\n");
    return 0;
  }
  return cmd.run(rest, io);
}
