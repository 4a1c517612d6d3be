/**
 * `kioskctl staff-pin set`: stores the staff screen PIN as a salted scrypt hash in the daemon's
 * state directory (src/compose/staff-pin-file.ts). The PIN is typed at a prompt without echo (twice), or read
 * as the first line of standard input when that is not a terminal — never taken from argv, so it
 * never appears in the process list or the shell history. `kioskctl staff-pin status` says whether
 * one is set. The daemon reads the file at start: restart it afterwards.
 */
import { openStaffPinFile, setStaffPin, validPin } from "../compose/staff-pin-file";
import type { Command } from "./command";
import { readStdinLine } from "./stdin";

const DEFAULT_STATE_DIR = "/var/lib/mynaguard";

export interface StaffPinDeps {
  /** Reads the PIN: a no-echo prompt on a terminal, else the first line of stdin. Null = nothing given. */
  readPin?: (prompt: string) => Promise<string | null>;
  isTty?: boolean;
}

export function staffPinCommand(deps: StaffPinDeps = {}): Command {
  return {
    usage: [
      "usage: kioskctl staff-pin set [--state-dir DIR]",
      "       kioskctl staff-pin status [--state-dir DIR]",
      "",
      "set: asks for a 4–8 digit PIN twice without echo (or reads one line from standard input when it",
      "is not a terminal: `echo 483920 | sudo kioskctl staff-pin set`) and stores only a salted scrypt",
      "hash (N=2^15, r=8, p=1) in DIR/staff-pin.json (default /var/lib/mynaguard, or",
      "MYNAGUARD_STATE_DIR), mode 0600, owned like DIR. It also clears the PIN lock-out. Restart the",
      "daemon afterwards: sudo systemctl restart mynaguard. Prefer 6 digits or more.",
      "status: prints set | not-set | unreadable.",
      "Exit codes: 0 done (status: set), 1 not set / unreadable, 2 usage or PINs that differ, 3 cannot write.",
    ].join("\n"),
    async run(args, io) {
      const [sub, ...rest] = args;
      let dir = io.env["MYNAGUARD_STATE_DIR"] ?? DEFAULT_STATE_DIR;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--state-dir" && rest[i + 1] !== undefined) dir = rest[++i] ?? dir;
        else {
          io.err(`kioskctl staff-pin: unknown argument ${String(a)}\n`);
          return 2;
        }
      }
      if (sub === "status") {
        const { problem } = openStaffPinFile(dir);
        io.out(`${problem === null ? "set" : problem === "missing" ? "not-set" : "unreadable"}\n`);
        return problem === null ? 0 : 1;
      }
      if (sub !== "set") {
        io.err("kioskctl staff-pin: expected `set` or `status` (see --help)\n");
        return 2;
      }
      const tty = deps.isTty ?? Boolean(process.stdin.isTTY);
      const read = deps.readPin ?? (tty ? promptNoEcho : (_p: string) => readStdinLine(10_000));
      const pin = (await read("New staff PIN (4-8 digits): "))?.trim() ?? null;
      if (pin === null || !validPin(pin)) {
        io.err("kioskctl staff-pin: the PIN must be 4 to 8 digits; nothing was changed\n");
        return 2;
      }
      if (tty) {
        const again = (await read("Repeat the PIN: "))?.trim() ?? null;
        if (again !== pin) {
          io.err("kioskctl staff-pin: the two PINs differ; nothing was changed\n");
          return 2;
        }
      }
      try {
        await setStaffPin(dir, pin);
      } catch (e) {
        io.err(`kioskctl staff-pin: cannot write ${dir}/staff-pin.json: ${(e as NodeJS.ErrnoException).code ?? "error"}\n`);
        return 3;
      }
      io.out(`staff PIN stored as a salted hash in ${dir}/staff-pin.json; restart the daemon: sudo systemctl restart mynaguard\n`);
      return 0;
    },
  };
}

/** Reads digits from the terminal in raw mode without echoing them. Ctrl-C / Ctrl-D give null. */
function promptNoEcho(prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    const done = (v: string | null): void => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      resolve(v);
    };
    const onData = (d: Buffer): void => {
      for (const c of d.toString("utf8")) {
        if (c === "\r" || c === "\n") return done(value);
        if (c === "\u0003" || c === "\u0004") return done(null);
        if (c === "\u007f" || c === "\b") value = value.slice(0, -1);
        else if (value.length < 64) value += c;
      }
    };
    stdin.on("data", onData);
  });
}

