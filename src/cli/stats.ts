import { parseIsoDate, tokyoMidnight } from "../age/date";
import type { Command } from "./command";

const DEFAULT_DB = "/var/lib/mynaguard/audit.sqlite";

/** "7d", "24h", "30m", or a day "YYYY-MM-DD" (from 00:00 in Japan) → epoch ms; null when malformed. */
export function parseSince(text: string, now: number): number | null {
  const rel = /^(\d{1,5})([dhm])$/.exec(text);
  if (rel) {
    const unit = rel[2] === "d" ? 86_400_000 : rel[2] === "h" ? 3_600_000 : 60_000;
    return now - Number(rel[1]) * unit;
  }
  const day = parseIsoDate(text);
  return day && text.length === 10 ? tokyoMidnight(day) : null;
}

export const statsCommand: Command = {
  usage: [
    "usage: kioskctl stats [--since 7d|24h|30m|YYYY-MM-DD] [--db PATH] [--json]",
    "",
    "Reads the audit database (default /var/lib/mynaguard/audit.sqlite, or MYNAGUARD_AUDIT_DB) read-only",
    "and prints how many sessions ended in each outcome (pass, fail, refer, abandoned) and for each",
    "reason code. --since counts only sessions started after that moment (a day means 00:00 in Japan).",
    "Exit codes: 0 ok, 2 usage, 3 database missing or unreadable.",
  ].join("\n"),
  async run(args, io) {
    let db = io.env["MYNAGUARD_AUDIT_DB"] ?? DEFAULT_DB;
    let since = 0;
    let json = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "--json") json = true;
      else if (a === "--db" && args[i + 1] !== undefined) db = args[++i] ?? db;
      else if (a === "--since" && args[i + 1] !== undefined) {
        const s = parseSince(args[++i] ?? "", Date.now());
        if (s === null) {
          io.err(`kioskctl stats: --since wants 7d, 24h, 30m or YYYY-MM-DD\n`);
          return Promise.resolve(2);
        }
        since = s;
      } else {
        io.err(`kioskctl stats: unknown argument ${String(a)}\n`);
        return Promise.resolve(2);
      }
    }
    let counts;
    try {
      // SQLite (a native addon) is loaded only when the database is read, not for --help.
      const [{ default: Database }, { countsSince }] = await Promise.all([import("better-sqlite3"), import("../audit/sqlite")]);
      const handle = new Database(db, { readonly: true, fileMustExist: true });
      try {
        counts = countsSince(handle, since);
      } finally {
        handle.close();
      }
    } catch (e) {
      io.err(`kioskctl stats: cannot read ${db} (${(e as Error).message})\n`);
      return Promise.resolve(3);
    }
    if (json) {
      io.out(JSON.stringify({ since: since ? new Date(since).toISOString() : null, ...counts }) + "\n");
      return Promise.resolve(0);
    }
    const total = Object.values(counts.byOutcome).reduce((a, b) => a + b, 0);
    const lines = [`sessions   ${total}${since ? ` since ${new Date(since).toISOString()}` : ""}`, "", "by outcome"];
    for (const [k, v] of Object.entries(counts.byOutcome)) lines.push(`  ${k.padEnd(20)} ${v}`);
    lines.push("", "by reason");
    const reasons = Object.entries(counts.byReason).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
    if (reasons.length === 0) lines.push("  (none)");
    for (const [k, v] of reasons) lines.push(`  ${k.padEnd(20)} ${v ?? 0}`);
    io.out(lines.join("\n") + "\n");
    return Promise.resolve(0);
  },
};
