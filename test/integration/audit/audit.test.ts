/**
 * The SQLite audit: schema, WAL, retention, counts, `kioskctl stats`, and a scan of the database
 * file, its WAL and the daemon's log output for the personal values of the sessions it recorded.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, openSqliteAudit, SCHEMA_VERSION, type SqliteAudit } from "../../../src/audit/sqlite";
import type { AuditRecord } from "../../../src/audit/sink";
import { createLogger, memoryLogger } from "../../../src/log";
import { runKioskctl } from "../../../src/cli/kioskctl";
import { createRunner } from "../../../src/flow/runner";
import { DEFAULT_BUDGETS } from "../../../src/flow/budgets";
import { systemClock } from "../../../src/flow/ports";
import { createFakeWorld, ADULT, type Script } from "../../flow/fakes";
import { DEFAULT_POLICY } from "../../flow/harness";

let dir = "";
let audit: SqliteAudit | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "mynaguard-audit-"));
});
afterEach(() => {
  audit?.close();
  audit = undefined;
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  startedAt: Date.parse("2026-06-01T03:00:00Z"),
  endedAt: Date.parse("2026-06-01T03:00:05Z"),
  kioskId: "kiosk-1",
  mode: "unattended",
  document: "mynumber",
  outcome: "pass",
  reason: null,
  durations: { "reading-chip": 1500, "face-check": 2000 },
  triesBand: "ok",
  checks: ["ocr", "chip", "authenticity", "face"],
  version: "0.1.0",
  ...over,
});

async function kioskctl(args: string[]) {
  let out = "";
  let err = "";
  const code = await runKioskctl(args, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
  return { code, out, err };
}

describe("the SQLite audit", () => {
  it("creates a versioned schema in WAL mode and reads back counts by outcome and reason", () => {
    const file = path.join(dir, "audit.sqlite");
    audit = openSqliteAudit({ path: file, retentionDays: 180, now: () => Date.parse("2026-06-01T04:00:00Z"), log: memoryLogger() });
    audit.record(record());
    audit.record(record({ outcome: "refer", reason: "clone-suspected" }));
    audit.record(record({ outcome: "refer", reason: "clone-suspected" }));
    audit.record(record({ outcome: "fail", reason: "under-age", startedAt: Date.parse("2026-05-01T00:00:00Z") }));
    expect(audit.counts(Date.parse("2026-06-01T00:00:00Z"))).toEqual({
      byOutcome: { pass: 1, fail: 0, refer: 2, abandoned: 0 },
      byReason: { "clone-suspected": 2 },
    });
    const db = new Database(file, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    const row = db.prepare("SELECT * FROM sessions ORDER BY id LIMIT 1").get() as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(
      ["checks", "document", "durations", "ended_at", "id", "kiosk_id", "mode", "outcome", "reason", "started_at", "token_id", "tries_band", "version"].sort(),
    );
    expect(row["durations"]).toBe('{"reading-chip":1500,"face-check":2000}');
    db.close();
  });

  it("counts rows written under a renamed reason code under its current name", () => {
    const file = path.join(dir, "audit.sqlite");
    audit = openSqliteAudit({ path: file, retentionDays: 180, now: () => Date.parse("2026-06-01T04:00:00Z"), log: memoryLogger() });
    audit.record(record({ outcome: "refer", reason: "unsupported-document" }));
    audit.close();
    audit = undefined;
    const db = new Database(file);
    db.prepare("UPDATE sessions SET reason = 'not-my-number-card'").run();
    db.close();
    audit = openSqliteAudit({ path: file, retentionDays: 180, now: () => Date.parse("2026-06-01T04:00:00Z"), log: memoryLogger() });
    audit.record(record({ outcome: "refer", reason: "unsupported-document" }));
    expect(audit.counts(Date.parse("2026-06-01T00:00:00Z")).byReason).toEqual({ "unsupported-document": 2 });
  });

  it("deletes sessions older than the retention when opened", () => {
    const file = path.join(dir, "audit.sqlite");
    let now = Date.parse("2026-06-01T00:00:00Z");
    audit = openSqliteAudit({ path: file, retentionDays: 30, now: () => now, log: memoryLogger() });
    audit.record(record({ startedAt: Date.parse("2026-05-31T00:00:00Z") }));
    audit.record(record({ startedAt: Date.parse("2026-05-01T00:00:00Z") }));
    audit.close();
    now = Date.parse("2026-06-15T00:00:00Z");
    audit = openSqliteAudit({ path: file, retentionDays: 30, now: () => now, log: memoryLogger() });
    expect(audit.counts(0).byOutcome.pass).toBe(1);
  });

  it("refuses free text in any field and reports itself unhealthy instead of throwing", () => {
    const log = memoryLogger();
    audit = openSqliteAudit({ path: path.join(dir, "a.sqlite"), retentionDays: 30, now: Date.now, log });
    audit.record(record({ kioskId: "Yamada Taro 1987-04-23" }));
    expect(audit.health()).toBe("error");
    audit.record(record({ reason: "1987-04-23" as never }));
    audit.record(record({ durations: { "birth 19870423": 1 } as never }));
    expect(audit.counts(0).byOutcome.pass).toBe(0);
    expect(log.lines.join("")).not.toContain("Yamada");
    audit.record(record());
    expect(audit.health()).toBe("ok");
  });

  it("refuses a database written by a newer version of the software", () => {
    const file = path.join(dir, "new.sqlite");
    const db = new Database(file);
    db.pragma("user_version = 99");
    db.close();
    expect(() => openSqliteAudit({ path: file, retentionDays: 30, now: Date.now, log: memoryLogger() })).toThrow(/newer/);
  });

  it("is summarised by `kioskctl stats`, with --since and --json", async () => {
    const file = path.join(dir, "audit.sqlite");
    audit = openSqliteAudit({ path: file, retentionDays: 3650, now: Date.now, log: memoryLogger() });
    audit.record(record({ startedAt: Date.now() - 3_600_000 }));
    audit.record(record({ outcome: "abandoned", reason: "timeout", startedAt: Date.now() - 3_600_000 }));
    audit.record(record({ outcome: "fail", reason: "under-age", startedAt: Date.now() - 10 * 86_400_000 }));
    const all = await kioskctl(["stats", "--db", file]);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/sessions\s+3/);
    expect(all.out).toMatch(/under-age\s+1/);
    const recent = await kioskctl(["stats", "--db", file, "--since", "7d", "--json"]);
    expect(JSON.parse(recent.out)).toMatchObject({ byOutcome: { pass: 1, abandoned: 1, fail: 0 }, byReason: { timeout: 1 } });
    expect((await kioskctl(["stats", "--since", "last week", "--db", file])).code).toBe(2);
    expect((await kioskctl(["stats", "--db", path.join(dir, "missing.sqlite")])).code).toBe(3);
  });
});

describe("a session that began but never ended (issue 15)", () => {
  const open = (file: string, log = memoryLogger()) =>
    openSqliteAudit({ path: file, retentionDays: 180, now: () => Date.parse("2026-06-01T04:00:00Z"), log });

  it("is recorded once as abandoned / interrupted at the next start, with nothing else about it", () => {
    const file = path.join(dir, "audit.sqlite");
    audit = open(file);
    const startedAt = Date.parse("2026-06-01T03:00:00Z");
    audit.begin({ startedAt, kioskId: "kiosk-1", mode: "unattended", version: "0.1.0" });
    audit.close(); // the process dies here: no record()
    const log = memoryLogger();
    audit = open(file, log);
    expect(audit.counts(0)).toEqual({ byOutcome: { pass: 0, fail: 0, refer: 0, abandoned: 1 }, byReason: { interrupted: 1 } });
    expect(log.lines.join("")).toContain("audit.interrupted-session");
    audit.close();
    audit = open(file); // found once, not again at every start
    expect(audit.counts(0).byOutcome.abandoned).toBe(1);
    const row = new Database(file, { readonly: true }).prepare("SELECT * FROM sessions").get() as Record<string, unknown>;
    expect(row).toMatchObject({ started_at: startedAt, ended_at: startedAt, outcome: "abandoned", reason: "interrupted", durations: "{}", tries_band: "unknown", checks: "" });
  });

  it("is not recorded when the session ended normally", () => {
    const file = path.join(dir, "audit.sqlite");
    audit = open(file);
    audit.begin({ startedAt: Date.parse("2026-06-01T03:00:00Z"), kioskId: "kiosk-1", mode: "attended", version: "0.1.0" });
    audit.record(record());
    audit.close();
    audit = open(file);
    expect(audit.counts(0).byOutcome).toEqual({ pass: 1, fail: 0, refer: 0, abandoned: 0 });
  });

  it("is left by the session flow when the daemon dies mid-session", async () => {
    vi.useFakeTimers({ now: new Date("2026-06-01T03:00:00Z") });
    const file = path.join(dir, "audit.sqlite");
    audit = openSqliteAudit({ path: file, retentionDays: 180, now: Date.now, log: memoryLogger() });
    const world = createFakeWorld({ chip: { after: 60_000, value: "wrong-code" } }, ADULT);
    world.ports.audit = audit;
    const runner = createRunner({
      ports: world.ports,
      clock: systemClock,
      budgets: DEFAULT_BUDGETS,
      policy: DEFAULT_POLICY,
      kioskMode: "unattended",
      runMode: "demo",
      kioskId: "kiosk-1",
      version: "0.1.0",
      defaultLanguage: "ja",
      staffPin: "2580",
      log: memoryLogger(),
    });
    runner.start();
    world.insert();
    await vi.advanceTimersByTimeAsync(3_000); // reading the chip: the session is under way
    expect(audit.counts(0).byOutcome).toEqual({ pass: 0, fail: 0, refer: 0, abandoned: 0 });
    audit.close(); // killed: nothing more is written
    audit = openSqliteAudit({ path: file, retentionDays: 180, now: Date.now, log: memoryLogger() });
    expect(audit.counts(0).byReason).toEqual({ interrupted: 1 });
  });

  /** A database as an older version left it: the first `version` schema steps and one row. */
  function oldDatabase(file: string, version: number): void {
    const db = new Database(file);
    for (const sql of MIGRATIONS.slice(0, version)) db.exec(sql);
    db.pragma(`user_version = ${version}`);
    db.prepare(
      `INSERT INTO sessions (started_at, ended_at, kiosk_id, mode, outcome, reason, durations, tries_band, checks, version)
       VALUES (?, ?, 'kiosk-1', 'unattended', 'pass', NULL, '{}', 'ok', 'chip', '0.0.9')`,
    ).run(Date.now() - 1000, Date.now());
    db.close();
  }

  for (const version of [1, 2]) {
    it(`upgrades a schema-${version} database and keeps its rows, read as My Number card sessions`, () => {
      const file = path.join(dir, `v${version}.sqlite`);
      oldDatabase(file, version);
      audit = open(file);
      expect(audit.counts(0).byOutcome.pass).toBe(1);
      audit.record(record({ document: "residence" }));
      audit.record(record({ document: null, outcome: "refer", reason: "unsupported-document" }));
      audit.close();
      audit = undefined;
      const db = new Database(file, { readonly: true });
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT document FROM sessions ORDER BY id").all()).toEqual([{ document: "mynumber" }, { document: "residence" }, { document: null }]);
      db.close();
    });
  }

  it("upgrades a schema-3 database: old rows have no token id, new ones keep the verdict token's id and nothing else of it", () => {
    const file = path.join(dir, "v3.sqlite");
    oldDatabase(file, 3);
    audit = open(file);
    audit.record(record({ tokenId: "AAAAAAAAAAAAAAAAAAAAAA" }));
    audit.record(record({ outcome: "abandoned", reason: "timeout" }));
    audit.close();
    audit = undefined;
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT token_id FROM sessions ORDER BY id").all()).toEqual([{ token_id: null }, { token_id: "AAAAAAAAAAAAAAAAAAAAAA" }, { token_id: null }]);
    db.close();
  });

  it("refuses a token id that is not one the issuer makes (a whole JWS, free text)", () => {
    const file = path.join(dir, "jti.sqlite");
    audit = open(file);
    audit.record(record({ tokenId: "eyJhbGciOiJFZERTQSJ9.eyJhbnMiOiJ5ZXMifQ.c2ln" }));
    expect(audit.health()).toBe("error");
    expect(audit.counts(0).byOutcome.pass).toBe(0);
  });

  it("refuses a document kind that is not a registry id (nothing free-form reaches the file)", () => {
    const file = path.join(dir, "kind.sqlite");
    audit = open(file);
    audit.record(record({ document: "Tanaka Taro" }));
    expect(audit.health()).toBe("error");
    expect(audit.counts(0).byOutcome.pass).toBe(0);
  });
});

describe("nothing personal reaches the audit or the logs", () => {
  it("finds none of the sessions' personal values in the database, its WAL or the log output", async () => {
    vi.useFakeTimers({ now: new Date("2026-06-01T03:00:00Z") });
    const file = path.join(dir, "audit.sqlite");
    let logText = "";
    const log = createLogger({ write: (l) => (logText += l), level: "debug" });
    audit = openSqliteAudit({ path: file, retentionDays: 180, now: Date.now, log });
    const scripts: Partial<Script>[] = [
      {},
      { auth: { after: 200, value: "clone-suspected" } },
      { chip: { after: 700, value: "wrong-code" } },
      { front: { after: 100, value: "unsure" } },
    ];
    for (const [i, script] of scripts.entries()) {
      const world = createFakeWorld(script, ADULT);
      world.ports.audit = audit;
      const runner = createRunner({
        ports: world.ports,
        clock: systemClock,
        budgets: DEFAULT_BUDGETS,
        policy: DEFAULT_POLICY,
        kioskMode: i % 2 ? "attended" : "unattended",
        runMode: "demo",
        kioskId: "kiosk-1",
        version: "0.1.0",
        defaultLanguage: "ja",
        staffPin: "2580",
        log,
      });
      runner.start();
      world.insert();
      await vi.advanceTimersByTimeAsync(200_000);
      runner.stop();
    }
    expect(audit.counts(0).byOutcome).toEqual({ pass: 1, fail: 0, refer: 2, abandoned: 1 });

    const personal = ["19870423", "1987-04-23", "870423", ADULT.codeB, "20341231", "2034-12-31", "NAME-IMAGE-", "ADDRESS-IMAGE-", "PHOTO-JP2-", "PHOTO-PNG-"];
    const files = readdirSync(dir).map((f) => path.join(dir, f));
    expect(files.some((f) => f.endsWith("-wal"))).toBe(true);
    const haystacks = [...files.map((f) => readFileSync(f).toString("latin1")), logText];
    for (const hay of haystacks) for (const value of personal) expect(hay.includes(value), value).toBe(false);
    expect(logText).toContain("flow.session");
  });
});
