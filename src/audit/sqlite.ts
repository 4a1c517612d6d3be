/**
 * The audit in SQLite (better-sqlite3): one row per session, nothing personal, schema versioned with
 * `PRAGMA user_version`, WAL journal, rows older than `retentionDays` deleted at open and hourly.
 *
 * Every field is checked against its closed set before it is written (outcome, reason, steps, band,
 * checks; kiosk id and version against a short token pattern), so a programming error elsewhere
 * cannot smuggle free text into the file (the document kind against the registry's id pattern). Writes are synchronous and small (one INSERT of ~200
 * bytes); a failed write is logged by event name and reported by `health()`, never thrown into
 * the flow.
 */
import Database from "better-sqlite3";
import type { Logger } from "../log";
import type { StaffCounts } from "../protocol";
import type { AuditCheck, AuditRecord, AuditSink, AuditStep, OpenSession } from "./sink";
import { OUTCOMES, REASONS, STEPS, CHECKS, BANDS, MODES, LEGACY_REASONS } from "./vocabulary";

export const SCHEMA_VERSION = 4;

/** Schema steps, version v → v+1 (exported for the upgrade tests, which build old databases from them). */
export const MIGRATIONS: readonly string[] = [
  // 0 → 1
  `CREATE TABLE sessions (
     id          INTEGER PRIMARY KEY,
     started_at  INTEGER NOT NULL,           -- epoch ms
     ended_at    INTEGER NOT NULL,           -- epoch ms
     kiosk_id    TEXT    NOT NULL,
     mode        TEXT    NOT NULL,           -- unattended | attended
     outcome     TEXT    NOT NULL,           -- pass | fail | refer | abandoned
     reason      TEXT,                       -- ReasonCode, NULL for pass
     durations   TEXT    NOT NULL,           -- JSON {step: ms}
     tries_band  TEXT    NOT NULL,           -- unknown | blocked | low | ok
     checks      TEXT    NOT NULL,           -- comma-separated AuditCheck
     version     TEXT    NOT NULL
   );
   CREATE INDEX sessions_started_at ON sessions (started_at);`,
  // 1 → 2: the session under way (at most one row), so a crash leaves a trace (issue 15)
  `CREATE TABLE open_session (
     id          INTEGER PRIMARY KEY CHECK (id = 1),
     started_at  INTEGER NOT NULL,           -- epoch ms
     kiosk_id    TEXT    NOT NULL,
     mode        TEXT    NOT NULL,
     version     TEXT    NOT NULL
   );`,
  // 2 → 3: the document kind (issue 17/18/20); every earlier row was a My Number card session
  `ALTER TABLE sessions ADD COLUMN document TEXT DEFAULT 'mynumber';  -- DocumentKindId, NULL = none recognised`,
  // 3 → 4: the verdict token's single-use id (issue 19); earlier rows had no token (NULL)
  `ALTER TABLE sessions ADD COLUMN token_id TEXT;  -- jti of the verdict token, NULL = none issued`,
];

export interface SqliteAuditDeps {
  path: string;
  retentionDays: number;
  now: () => number;
  log: Logger;
}

export interface SqliteAudit extends AuditSink {
  /** Required here: this sink survives restarts, so it keeps the open session (see AuditSink). */
  begin(s: OpenSession): void;
  /** Delete rows older than the retention; returns how many. */
  prune(): number;
  health(): "ok" | "error";
  close(): void;
}

const TOKEN = /^[A-Za-z0-9._+-]{1,64}$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Opens (creating or migrating) the audit database. Throws when the file cannot be used. */
export function openSqliteAudit(deps: SqliteAuditDeps): SqliteAudit {
  const db = new Database(deps.path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // Insert-mostly, read for counts: 512 KB of page cache instead of SQLite's default 2 MB, so the
  // audit's share of RSS stops growing early (measured with npm run bench:soak).
  db.pragma("cache_size = -512");
  migrate(db);
  const insert = db.prepare(
    `INSERT INTO sessions (started_at, ended_at, kiosk_id, mode, outcome, reason, durations, tries_band, checks, version, document, token_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const del = db.prepare(`DELETE FROM sessions WHERE started_at < ?`);
  const open = db.prepare(`INSERT OR REPLACE INTO open_session (id, started_at, kiosk_id, mode, version) VALUES (1, ?, ?, ?, ?)`);
  const close = db.prepare(`DELETE FROM open_session`);
  const recordAndClose = db.transaction((row: Row) => {
    insert.run(...row);
    close.run();
  });
  const interrupted = recoverInterrupted(db, recordAndClose);
  if (interrupted !== null) deps.log.warn("audit.interrupted-session", {});
  let healthy: "ok" | "error" = "ok";
  let lastPrune = 0;

  const prune = () => {
    lastPrune = deps.now();
    return del.run(lastPrune - deps.retentionDays * DAY_MS).changes;
  };
  prune();

  return {
    begin(s) {
      try {
        const row = checkedOpen(s);
        open.run(...row);
      } catch (e) {
        healthy = "error";
        deps.log.error("audit.write-failed", { error: e instanceof Error ? e.name : typeof e });
      }
    },
    record(r) {
      try {
        const row = checked(r);
        recordAndClose(row);
        if (deps.now() - lastPrune > HOUR_MS) prune();
        healthy = "ok";
      } catch (e) {
        healthy = "error";
        deps.log.error("audit.write-failed", { error: e instanceof Error ? e.name : typeof e });
      }
    },
    counts: (sinceMs) => countsSince(db, sinceMs),
    prune,
    health: () => healthy,
    close: () => db.close(),
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) throw new Error(`audit schema ${current} is newer than this software (${SCHEMA_VERSION})`);
  for (let v = current; v < SCHEMA_VERSION; v++) {
    const sql = MIGRATIONS[v];
    if (sql === undefined) throw new Error(`no migration from audit schema ${v}`);
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * A session still open from the last run (the daemon died before its verdict) becomes one row:
 * abandoned / "interrupted", no durations, tries band unknown, no checks. Its end is unknown, so
 * `ended_at` = `started_at`. Returns the start time recorded, or null.
 */
function recoverInterrupted(db: Database.Database, recordAndClose: (row: Row) => void): number | null {
  const row = db.prepare(`SELECT started_at, kiosk_id, mode, version FROM open_session WHERE id = 1`).get() as
    | { started_at: number; kiosk_id: string; mode: string; version: string }
    | undefined;
  if (row === undefined) return null;
  let fields: Row;
  try {
    fields = checked({
      startedAt: row.started_at,
      endedAt: row.started_at,
      kioskId: row.kiosk_id,
      mode: row.mode as AuditRecord["mode"],
      document: null,
      outcome: "abandoned",
      reason: "interrupted",
      durations: {},
      triesBand: "unknown",
      checks: [],
      version: row.version,
    });
  } catch {
    db.prepare(`DELETE FROM open_session`).run(); // unreadable marker: nothing trustworthy to record
    return null;
  }
  recordAndClose(fields);
  return row.started_at;
}

function checkedOpen(s: OpenSession): [number, string, string, string] {
  const bad = (what: string) => new Error(`audit open session: bad ${what}`);
  if (!Number.isSafeInteger(s.startedAt)) throw bad("time");
  if (!TOKEN.test(s.kioskId)) throw bad("kiosk id");
  if (!TOKEN.test(s.version)) throw bad("version");
  if (!MODES.has(s.mode)) throw bad("mode");
  return [s.startedAt, s.kioskId, s.mode, s.version];
}

type Row = [number, number, string, string, string, string | null, string, string, string, string, string | null, string | null];

/** A verdict token id as src/till/issuer.ts makes it: 128 bits, base64url (22 characters). */
const TOKEN_ID = /^[A-Za-z0-9_-]{22}$/;

/** A document kind id as the registry allows it (src/documents/registry.ts): nothing else is written. */
const KIND = /^[a-z][a-z0-9-]{0,31}$/;

function checked(r: AuditRecord): Row {
  const bad = (what: string) => new Error(`audit record: bad ${what}`);
  if (!Number.isSafeInteger(r.startedAt) || !Number.isSafeInteger(r.endedAt)) throw bad("time");
  if (!TOKEN.test(r.kioskId)) throw bad("kiosk id");
  if (!TOKEN.test(r.version)) throw bad("version");
  if (!MODES.has(r.mode)) throw bad("mode");
  if (r.document !== null && !KIND.test(r.document)) throw bad("document");
  if (r.tokenId !== undefined && !TOKEN_ID.test(r.tokenId)) throw bad("token id");
  if (!OUTCOMES.has(r.outcome)) throw bad("outcome");
  if (r.reason !== null && !REASONS.has(r.reason)) throw bad("reason");
  if (!BANDS.has(r.triesBand)) throw bad("band");
  const durations: Partial<Record<AuditStep, number>> = {};
  for (const [k, v] of Object.entries(r.durations)) {
    if (!STEPS.has(k as AuditStep) || !Number.isFinite(v) || v < 0) throw bad("duration");
    durations[k as AuditStep] = Math.round(v);
  }
  const checks: AuditCheck[] = [];
  for (const c of r.checks) {
    if (!CHECKS.has(c)) throw bad("check");
    checks.push(c);
  }
  return [
    r.startedAt,
    r.endedAt,
    r.kioskId,
    r.mode,
    r.outcome,
    r.reason,
    JSON.stringify(durations),
    r.triesBand,
    checks.join(","),
    r.version,
    r.document,
    r.tokenId ?? null,
  ];
}

export function countsSince(db: Database.Database, sinceMs: number): StaffCounts {
  const out: StaffCounts = { byOutcome: { pass: 0, fail: 0, refer: 0, abandoned: 0 }, byReason: {} };
  const rows = db
    .prepare(`SELECT outcome, reason, count(*) AS n FROM sessions WHERE started_at >= ? GROUP BY outcome, reason`)
    .all(sinceMs) as { outcome: string; reason: string | null; n: number }[];
  for (const row of rows) {
    if (OUTCOMES.has(row.outcome as never)) out.byOutcome[row.outcome as keyof StaffCounts["byOutcome"]] += row.n;
    const name = row.reason === null ? null : (LEGACY_REASONS[row.reason] ?? row.reason);
    if (name !== null && REASONS.has(name as never)) {
      const reason = name as keyof StaffCounts["byReason"];
      out.byReason[reason] = (out.byReason[reason] ?? 0) + row.n;
    }
  }
  return out;
}
