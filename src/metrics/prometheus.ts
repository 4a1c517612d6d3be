/**
 * Fleet metrics (issue 19): the Prometheus text format from prom-client, on its own Registry (never
 * the global one, so nothing a library registers leaks in), served on loopback only.
 *
 * Fed from the same facts the audit gets: `observeAudit` wraps the AuditSink port, so every session
 * counted here is a row the audit wrote, with the same outcome, reason, document kind and per-step
 * durations. The audit record's type has no field for personal data, so neither has a label here;
 * label values are the audit's closed vocabularies (outcome, reason code, step, document kind id).
 *
 * Metric names (docs/fleet.md has the table and example alert rules):
 *   mynaguard_sessions_total{outcome,reason,document}      counter
 *   mynaguard_session_step_seconds{step}                   histogram (time in each session state)
 *   mynaguard_session_seconds{outcome}                     histogram (start → verdict)
 *   mynaguard_device_up{device}                            gauge 1 ok / 0 missing or failing
 *   mynaguard_audit_up                                     gauge 1 / 0 (the audit could write)
 *   mynaguard_build_info{version,slot,mode,kiosk_mode}     gauge 1
 *   mynaguard_last_update{outcome}                         gauge 1 (updated / failed / none), with
 *   mynaguard_last_update_timestamp_seconds                the boot health check's last verdict
 *   mynaguard_token_deliveries_total{channel,result}       counter (qr: shown; post: till POST)
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AuditRecord, AuditSink } from "../audit/sink";

export type DeliveryChannel = "qr" | "post";
export type DeliveryResult = "ok" | "failed";

export interface MetricsDeps {
  version: string;
  /** The booted A/B slot (system/lib/rauc-rpi-tryboot's names), or "unknown". */
  slot: string;
  /** The last update's outcome as system/lib/boot-health-check recorded it, read at scrape time. */
  lastUpdate: () => LastUpdate | null;
  mode: string;
  kioskMode: string;
  /** Device health at scrape time: "ok" counts as up. */
  devices: () => Readonly<Record<string, string>>;
  auditHealthy: () => boolean;
}

export interface KioskMetrics {
  readonly registry: Registry;
  /** The AuditSink decorator: records reach `inner` first, then the counters. */
  observeAudit(inner: AuditSink): AuditSink;
  tokenDelivery(channel: DeliveryChannel, result: DeliveryResult): void;
  /** Token deliveries so far, by channel and result (the staff screen shows the till POST failures). */
  deliveries(channel: DeliveryChannel, result: DeliveryResult): number;
}

/** Seconds; session steps run from a fraction of a second (checks) to minutes (typing, a card left). */
const STEP_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export function createMetrics(deps: MetricsDeps): KioskMetrics {
  const registry = new Registry();
  const sessions = new Counter({
    name: "mynaguard_sessions_total",
    help: "Sessions recorded by the audit, by outcome, reason code (none for a pass) and document kind.",
    labelNames: ["outcome", "reason", "document"] as const,
    registers: [registry],
  });
  const steps = new Histogram({
    name: "mynaguard_session_step_seconds",
    help: "Time spent in each session state (a state entered twice is summed per session).",
    labelNames: ["step"] as const,
    buckets: STEP_BUCKETS,
    registers: [registry],
  });
  const total = new Histogram({
    name: "mynaguard_session_seconds",
    help: "Session start to verdict, by outcome.",
    labelNames: ["outcome"] as const,
    buckets: STEP_BUCKETS,
    registers: [registry],
  });
  healthGauges(registry, deps);
  const deliveries = new Counter({
    name: "mynaguard_token_deliveries_total",
    help: "Verdict tokens delivered to the till: qr = shown on the result screen, post = HTTPS POST; by result.",
    labelNames: ["channel", "result"] as const,
    registers: [registry],
  });
  const delivered = new Map<string, number>();
  for (const channel of ["qr", "post"] as const) for (const result of ["ok", "failed"] as const) deliveries.inc({ channel, result }, 0);

  const observe = (r: AuditRecord): void => {
    sessions.inc({ outcome: r.outcome, reason: r.reason ?? "none", document: r.document ?? "none" });
    for (const [step, ms] of Object.entries(r.durations)) steps.observe({ step }, ms / 1000);
    total.observe({ outcome: r.outcome }, Math.max(0, r.endedAt - r.startedAt) / 1000);
  };

  return {
    registry,
    observeAudit(inner) {
      return {
        ...(inner.begin ? { begin: (s) => inner.begin?.(s) } : {}),
        record(r) {
          inner.record(r);
          try {
            observe(r);
          } catch {
            /* metrics never break the audit or the flow */
          }
        },
        counts: (since) => inner.counts(since),
      };
    },
    tokenDelivery(channel, result) {
      deliveries.inc({ channel, result });
      const k = `${channel}/${result}`;
      delivered.set(k, (delivered.get(k) ?? 0) + 1);
    },
    deliveries: (channel, result) => delivered.get(`${channel}/${result}`) ?? 0,
  };
}

/** Device and audit health (read at scrape time) and the build info. */
function healthGauges(registry: Registry, deps: MetricsDeps): void {
  new Gauge({
    name: "mynaguard_device_up",
    help: "1 when the device is present and working, 0 when it is missing or failing.",
    labelNames: ["device"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [device, state] of Object.entries(deps.devices())) this.set({ device }, state === "ok" ? 1 : 0);
    },
  });
  new Gauge({
    name: "mynaguard_audit_up",
    help: "1 when the last audit write succeeded.",
    registers: [registry],
    collect() {
      this.set(deps.auditHealthy() ? 1 : 0);
    },
  });
  const info = new Gauge({
    name: "mynaguard_build_info",
    help: "Software version, booted A/B slot and modes (value always 1).",
    labelNames: ["version", "slot", "mode", "kiosk_mode"] as const,
    registers: [registry],
  });
  info.set({ version: deps.version, slot: deps.slot, mode: deps.mode, kiosk_mode: deps.kioskMode }, 1);
  new Gauge({
    name: "mynaguard_last_update",
    help: "The last update's outcome from the boot health check: updated, failed, or none recorded (value 1).",
    labelNames: ["outcome"] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.set({ outcome: deps.lastUpdate()?.outcome ?? "none" }, 1);
    },
  });
  new Gauge({
    name: "mynaguard_last_update_timestamp_seconds",
    help: "When the boot health check recorded the last update's outcome (absent when none).",
    registers: [registry],
    collect() {
      this.reset();
      const u = deps.lastUpdate();
      if (u && u.time !== null) this.set(u.time);
    },
  });
}

/**
 * The booted slot as system/lib/rauc-rpi-tryboot names it: the Pi firmware's booted partition (a
 * 32-bit big-endian cell at /proc/device-tree/chosen/bootloader/partition), 2 → A, 3 → B (the image's
 * GPT layout, system/rauc/system.conf). Anything else → "unknown".
 */
export function slotFromPartition(cell: Uint8Array | null): string {
  if (!cell || cell.length < 4) return "unknown";
  const p = new DataView(cell.buffer, cell.byteOffset, 4).getUint32(0);
  return p === 2 ? "A" : p === 3 ? "B" : "unknown";
}

export interface LastUpdate {
  outcome: "updated" | "failed";
  /** Epoch seconds, or null when the file has no readable time. */
  time: number | null;
}

/** system/lib/boot-health-check's mynaguard-last-update.txt (`time=…`, `booted=…`, `outcome=updated: …`). */
export function parseLastUpdate(text: string): LastUpdate | null {
  const outcome = /^outcome=(updated|failed):/m.exec(text)?.[1];
  if (outcome !== "updated" && outcome !== "failed") return null;
  const t = Date.parse(/^time=(\S+)$/m.exec(text)?.[1] ?? "");
  return { outcome, time: Number.isFinite(t) ? Math.floor(t / 1000) : null };
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** `GET /metrics` on a loopback address; anything else is 404. Each request is bounded in time. */
export function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(text),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics failed\n"),
    );
  });
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  server.maxConnections = 8;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
