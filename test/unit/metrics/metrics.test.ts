/**
 * The fleet metrics (src/metrics/prometheus.ts): the audit decorator counts what the audit records and
 * passes everything through first; the slot and last-update readers; and the example alert rules in
 * system/prometheus/ are valid (`promtool check rules`) and fire on their series (`promtool test rules`,
 * alerts.test.yml). promtool comes with Debian's `prometheus` package; the promtool checks are skipped
 * only when it is absent, and say so.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditRecord, AuditSink } from "../../../src/audit/sink";
import { createMetrics, parseLastUpdate, slotFromPartition } from "../../../src/metrics/prometheus";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PROMTOOL = "/usr/bin/promtool";
if (!existsSync(PROMTOOL)) console.warn(`SKIPPED: ${PROMTOOL} is absent; the alert rules were not checked`);

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  startedAt: 1_000,
  endedAt: 5_500,
  kioskId: "bar-7",
  mode: "unattended",
  document: "mynumber",
  outcome: "pass",
  reason: null,
  durations: { "reading-chip": 1500, "face-check": 2000 },
  triesBand: "ok",
  checks: ["chip", "authenticity", "face"],
  version: "test",
  ...over,
});

function metrics(devices: Record<string, string> = { reader: "ok", camera: "missing" }) {
  return createMetrics({ version: "1.2.3", slot: "B", mode: "production", kioskMode: "unattended", devices: () => devices, auditHealthy: () => true, lastUpdate: () => null });
}

describe("the Prometheus metrics", () => {
  it("counts what the audit records, after the audit has it, with the audit's vocabulary as labels", async () => {
    const m = metrics();
    const order: string[] = [];
    const inner: AuditSink = {
      begin: () => order.push("begin"),
      record: () => order.push("inner"),
      counts: () => ({ byOutcome: { pass: 7, fail: 0, refer: 0, abandoned: 0 }, byReason: {} }),
    };
    const sink = m.observeAudit(inner);
    sink.begin?.({ startedAt: 1, kioskId: "bar-7", mode: "unattended", version: "t" });
    sink.record(record());
    sink.record(record({ outcome: "refer", reason: "face-no-match" }));
    expect(order).toEqual(["begin", "inner", "inner"]);
    expect(sink.counts(0).byOutcome.pass).toBe(7);
    m.tokenDelivery("post", "failed");
    const text = await m.registry.metrics();
    expect(text).toContain('mynaguard_sessions_total{outcome="pass",reason="none",document="mynumber"} 1');
    expect(text).toContain('mynaguard_sessions_total{outcome="refer",reason="face-no-match",document="mynumber"} 1');
    expect(text).toContain('mynaguard_session_step_seconds_bucket{le="2",step="reading-chip"} 2');
    expect(text).toContain('mynaguard_session_seconds_sum{outcome="pass"} 4.5');
    expect(text).toContain('mynaguard_device_up{device="reader"} 1');
    expect(text).toContain('mynaguard_device_up{device="camera"} 0');
    expect(text).toContain('mynaguard_build_info{version="1.2.3",slot="B",mode="production",kiosk_mode="unattended"} 1');
    expect(text).toContain('mynaguard_token_deliveries_total{channel="post",result="failed"} 1');
    expect(text).toContain('mynaguard_token_deliveries_total{channel="qr",result="ok"} 0');
    expect(text).toContain('mynaguard_last_update{outcome="none"} 1');
    expect(m.deliveries("post", "failed")).toBe(1);
  });

  it("keeps the audit going when a record cannot be counted", () => {
    const m = metrics();
    let n = 0;
    const sink = m.observeAudit({ record: () => n++, counts: () => ({ byOutcome: { pass: 0, fail: 0, refer: 0, abandoned: 0 }, byReason: {} }) });
    expect(() => sink.record(record({ durations: { "reading-chip": Number.NaN } }))).not.toThrow();
    expect(n).toBe(1);
  });

  it("reads the booted slot from the firmware's partition cell and the boot health check's last verdict", () => {
    expect(slotFromPartition(Uint8Array.of(0, 0, 0, 2))).toBe("A");
    expect(slotFromPartition(Uint8Array.of(0, 0, 0, 3))).toBe("B");
    expect(slotFromPartition(Uint8Array.of(0, 0, 0, 5))).toBe("unknown");
    expect(slotFromPartition(null)).toBe("unknown");
    expect(parseLastUpdate("time=2026-12-01T02:00:00Z\nbooted=B\noutcome=failed: slot B did not get ready in 300s\n")).toEqual({ outcome: "failed", time: 1_796_090_400 });
    expect(parseLastUpdate("time=x\noutcome=updated: slot A is healthy and committed\n")).toEqual({ outcome: "updated", time: null });
    expect(parseLastUpdate("")).toBeNull();
  });

  it.skipIf(!existsSync(PROMTOOL))("ships example alert rules that promtool accepts and that fire on their series", () => {
    const check = spawnSync(PROMTOOL, ["check", "rules", path.join(ROOT, "system/prometheus/mynaguard-alerts.yml")], { encoding: "utf8", timeout: 30_000 });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain("SUCCESS: 6 rules found");
    const test = spawnSync(PROMTOOL, ["test", "rules", path.join(ROOT, "test/unit/metrics/alerts.test.yml")], { encoding: "utf8", timeout: 30_000 });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});
