/**
 * The composition root. It is the only module that knows which device adapters exist: it opens each
 * device once — real ones in production, simulators in demo — and wires them, through the glue in
 * src/compose/, into the session flow, the server, the audit, the status lights and systemd.
 *
 * Production never falls back to a simulator: a reader, camera, face engine or light tower that
 * cannot be opened is reported "missing"/"error" in /healthz, and the flow shows out-of-service.
 *
 * Which adapter backs each port is decided in src/devices.ts (shared with `kioskctl`); this file
 * decides which set of devices the daemon opens (demo or production) and wires everything together.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { stateDirOf, tokenFileOf, type Config } from "./config";
import type { Logger } from "./log";
import type { DeviceHealth, Health } from "./protocol";
import { createSystemdNotifier } from "./systemd";
import { parseKeyTable } from "./card/mynumber/auth/ca-keys";
import { buildTrustStore, type TrustStore } from "./card/mynumber/auth/trust";
import type { CameraStatus } from "./camera/camera";
import type { OcrPort } from "./cardfront/ocr";
import { createTesseractOcr } from "./cardfront/tesseract";
import { createJp2Decoder, type Jp2Decoder } from "./face/jp2";
import { warmFaceStep } from "./face/warm";
import { openSqliteAudit, type SqliteAudit } from "./audit/sqlite";
import { resolveBudgets } from "./flow/budgets";
import { systemClock, type DeviceStates, type FlowPorts } from "./flow/ports";
import { createRunner, devicesHealthy, type FlowRunner } from "./flow/runner";
import { createChipGlue } from "./compose/chip";
import { createFrontGlue, warmCardFace } from "./compose/front";
import { createRegistry } from "./documents/registry";
import { documentKinds } from "./compose/documents";
import { createBirthFromImage, createExpiryFromImage } from "./cardfront/residence";
import { tokyoDate } from "./age/date";
import { buildResidenceTrust } from "./card/residence/trust";
import { residenceTrustDir } from "./cli/trust-import";
import { mrzReadFront } from "./mrz/front";
import { cscaStore, importedCscas, japanCscas } from "./card/icao/csca/store";
import { createFaceGlue } from "./compose/face";
import { startServer, type RunningServer } from "./server/http";
import { loadFirstScreen } from "./server/first-screen";
import { newToken, writeTokenFile } from "./server/token";
import { NO_STAFF_PIN, plainStaffPin, type LockoutStore, type StaffPinPort } from "./flow/staff";
import { fileLockoutStore, openStaffPinFile } from "./compose/staff-pin-file";
import { demoPassportCscas, demoResidenceCas, loadDemoDeck, openDemoDevices, openProductionDevices, type Devices } from "./devices";
import { closeAll, lazily, warmStart } from "./lifecycle";
import { createTokenGlue } from "./compose/till";
import { createMetrics, parseLastUpdate, serveMetrics, slotFromPartition, type KioskMetrics, type MetricsServer } from "./metrics/prometheus";
import { ephemeralKey, loadOrCreateKey, TokenKeyError, type TokenKey } from "./till/issuer";
import { createTillPost, type TillPost } from "./till/post";

export interface DaemonDeps {
  config: Config;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** Built UI folder; default dist/ui next to the daemon. */
  uiDir?: string;
}

export interface Daemon {
  readonly url: string;
  /** The page URL with this run's WebSocket token in its fragment (`#token=…`): what the kiosk browser opens. */
  readonly kioskUrl: string;
  readonly port: number;
  readonly core: FlowRunner;
  health(): Health;
  /** Orderly shutdown: STOPPING=1, flow stopped and purged, devices and audit closed. */
  stop(): Promise<void>;
}

// eslint-disable-next-line max-lines-per-function -- issues 13 (document kinds), 15 (token, PIN) and 16 (warm start) wire into this in parallel; house splits it into named steps once they have landed
export async function startDaemon(deps: DaemonDeps): Promise<Daemon> {
  const { config, log } = deps;
  const systemd = createSystemdNotifier({ env: deps.env, pid: process.pid, log: log.child("systemd") });

  const budgets = resolveBudgets(config.budgets);
  if (!budgets.ok) throw new ConfigError(budgets.errors);
  // The demo deck is loaded once: its test CA is what the trust store must accept for its cards.
  const deck = config.mode === "demo" ? await loadDemoDeck(config) : null;
  const trust = openTrustStore(config, deck);

  const devices = deck ? await openDemoDevices(config, deck, log) : await openProductionDevices(config, log);
  const audit = openAudit(config, log);
  // Issue 19: the signed verdict token for the till (src/till/, docs/till.md), shown as a QR code.
  const tokenKey = await openTokenKey(config, deps.env);
  // Fleet metrics (issue 19, src/metrics/, docs/fleet.md): fed by the audit's own records.
  const metrics = metricsWanted(config)
    ? createMetrics({
        version: __MYNAGUARD_VERSION__,
        slot: slotFromPartition(readOrNull("/proc/device-tree/chosen/bootloader/partition")),
        lastUpdate: () => parseLastUpdate(readOrNull("/boot/autoboot/mynaguard-last-update.txt")?.toString("utf8") ?? ""),
        mode: config.mode,
        kioskMode: config.kiosk.mode,
        devices: () => ({ ...deviceStates() }),
        auditHealthy: () => audit.health() === "ok",
      })
    : null;
  // Optional HTTPS POST of each token to the till (fire and forget, counted, failures on the staff screen).
  const tillFailures = { n: 0 };
  const tillPost = tokenKey ? openTillPost(config, budgets.budgets.tillPost, log, (result) => {
    metrics?.tokenDelivery("post", result);
    if (result === "failed") tillFailures.n++;
  }) : null;
  const verdictToken = tokenKey
    ? createTokenGlue({
        key: tokenKey,
        lifetimeS: config.till.lifetimeSeconds,
        now: () => Date.now(),
        log: log.child("till"),
        onIssued: (t) => {
          metrics?.tokenDelivery("qr", "ok");
          tillPost?.send(t.jws);
        },
        onFailed: () => metrics?.tokenDelivery("qr", "failed"),
      })
    : null;

  const lazyOcr = lazily<OcrPort>(createTesseractOcr);
  const lazyDecoder = lazily<Jp2Decoder>(createJp2Decoder);
  // Warm start (issue 16): what a session needs is opened before READY, so the first customer after
  // boot waits no longer than the tenth. The real face engine warmed its models in its factory
  // (face/human.ts `warmUp`); the OCR thread and the JPEG 2000 decoder are opened here, and the face
  // step runs on a sample. WASM is compiled optimised up front (bin/wasm-flags.ts).
  const warm = await warmStart(
    [
      // The whole card-face step (decode, locate, OCR of real line crops) on a fictional warm-up
      // card (compose/front.ts `warmCardFace`): opening the workers alone left the first frame 3–4×
      // slower than later ones.
      ["ocr", async () => warmCardFace(await lazyOcr())],
      // The whole face step on a sample portrait (face/warm.ts), which also opens the decoder.
      ["face", async () => (devices.faceEngine ? warmFaceStep(devices.faceEngine, await lazyDecoder(), config.face) : lazyDecoder())],
    ],
    log,
    budgets.budgets.warmStart,
  );

  const deviceStates = (): DeviceStates => ({
    reader: devices.reader?.status() ?? "missing",
    camera: cameraHealth(devices),
    leds: devices.ledsHealth(),
  });

  const front = devices.documentCamera
    ? createFrontGlue({ camera: devices.documentCamera, ocr: lazyOcr, budgetMs: withinBudget(budgets.budgets.captureCardFace), now: () => Date.now(), log })
    : null;
  // The document kinds this kiosk reads, in recognition order (src/documents/README.md).
  const documents = createRegistry(documentKinds({
    mynumber: {
      trust,
      minTriesLeft: config.card.minTriesLeft,
      readMode: config.card.readMode,
      now: () => Date.now(),
      log,
      readFront: (signal, onFrame) => (front ? front.readCardFront(signal, onFrame) : Promise.reject(new Error("no document camera"))),
    },
    // e-passport (issue 18): Japan's CSCAs; in demo mode also the simulated passports' test CSCA.
    passport: {
      cscas: cscaStore(japanCscas(), importedCscas(config.trust.cscaDirs), deck ? await demoPassportCscas() : []),
      log,
      // MRZ by the document camera (src/mrz/), within the same capture budget as the card face.
      readFront: devices.documentCamera ? mrzReadFront({ camera: devices.documentCamera }, withinBudget(budgets.budgets.captureCardFace)) : null,
    },
    licence: { log },
    // Residence card / SPR certificate (issue 17): ISA CAs imported with `kioskctl trust import`
    // (pinned fingerprints); demo adds the simulator's test CAs. First generation: birth date and card
    // validity OCR'd from the SIGNED chip front image (src/cardfront/residence/), on the warmed engine.
    residence: {
      trust: openResidenceTrust(config, deps.env, deck ? await demoResidenceCas() : []),
      birthFromImage: createBirthFromImage({ ocr: lazyOcr, today: () => tokyoDate(Date.now()) }),
      expiryFromImage: createExpiryFromImage({ ocr: lazyOcr, today: () => tokyoDate(Date.now()) }),
      readFront: null,
      log,
    },
  }));
  const chip = createChipGlue({ reader: devices.reader, documents, now: () => Date.now(), log });
  const face = devices.faceCamera
    ? createFaceGlue({
        camera: devices.faceCamera,
        engine: devices.faceEngine,
        decoder: lazyDecoder,
        thresholds: config.face,
        budgetMs: withinBudget(budgets.budgets.faceCheck),
        clock: systemClock,
        log,
      })
    : null;

  const ports: FlowPorts = {
    card: chip.card,
    fallbackDocument: documents.first.info,
    recognise: (signal) => chip.recognise(signal),
    readCardFront: (kind, signal, onFrame) => chip.readCardFront(kind, signal, onFrame),
    checkEntry: (kind, entry, today) => chip.checkEntry(kind, entry, today),
    // Live validation of the manual-entry draft (issue 7): the first problem as "field:code".
    entryProblem: (kind, entry, today) => chip.entryProblem(kind, entry, today),
    readChip: (kind, key, signal, onProgress) => chip.readChip(kind, key, signal, onProgress),
    assessAuthenticity: (data, evidence) => chip.assessAuthenticity(data, evidence),
    checkFace: (photo, signal, onHint) =>
      face ? face.checkFace(photo, signal, onHint) : Promise.reject(new Error("no face camera")),
    photoPng: (photo) => (face ? face.photoPng(photo) : Promise.resolve(null)),
    devices: deviceStates,
    leds: devices.leds,
    audit: metrics ? metrics.observeAudit(audit) : audit,
    demo: devices.demo,
    endSession: () => chip.endSession(),
    verdictToken,
  };

  const staffPin = openStaffPin(config, deps.env, log);
  if (staffPin.port.state === "not-set") {
    log.warn("staff-pin-not-set", { fix: "sudo kioskctl staff-pin set", problem: staffPin.problem ?? "missing" });
  }

  const core = createRunner({
    ports,
    clock: systemClock,
    budgets: budgets.budgets,
    policy: { ...config.policy, minTriesLeft: config.card.minTriesLeft },
    kioskMode: config.kiosk.mode,
    runMode: config.mode,
    kioskId: config.kiosk.id,
    version: __MYNAGUARD_VERSION__,
    defaultLanguage: config.kiosk.defaultLanguage,
    staffPin: staffPin.port,
    ...(staffPin.lockout ? { staffLockout: staffPin.lockout } : {}),
    log,
    onStateChange: (kind) => systemd.status(`state: ${kind}`),
    ...(tillPost ? { tillPostFailures: () => tillFailures.n } : {}),
  });
  core.start();
  const unwatch = watchDevices(devices, () => core.devicesChanged());

  // Who may connect: a fresh token per start, readable only by the kiosk browser's group (token.ts).
  const token = newToken();
  let server: RunningServer;
  try {
    const tokenFile = tokenFileOf(config, deps.env);
    if (tokenFile) {
      mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o711 });
      const { grouped } = writeTokenFile(tokenFile, token, config.server.tokenGroup);
      if (!grouped) log.warn("token-file-group-missing", { file: tokenFile, group: config.server.tokenGroup });
    }
    const uiDir = deps.uiDir ?? path.join(import.meta.dirname, "ui");
    server = await startServer({
      core,
      uiDir,
      // dist/ui-ssr.js, next to dist/ui (scripts/build.mjs): the first screen drawn into the page.
      firstScreen: await loadFirstScreen(path.join(uiDir, "..", "ui-ssr.js")),
      host: config.server.host,
      port: config.server.port,
      log,
      token,
      limits: { maxSockets: config.server.maxSockets, idleMs: config.server.idleTimeoutMs },
    });
  } catch (e) {
    await closeAll([unwatch, () => core.stop(), () => devices.close(), () => audit.close()]).catch(() => undefined);
    throw e;
  }

  const metricsServer = metrics ? await openMetricsServer(metrics, config, log) : null;
  const health = (): Health => ({ ...core.health(), devices: deviceStates() });
  systemd.ready(devicesHealthy(deviceStates()) ? "ready" : "out of service: hardware missing");
  // The watchdog is fed while the event loop runs (the timer fires) and no device is failing
  // ("error": e.g. pcscd unusable for longer than WatchdogSec), so systemd restarts a wedged daemon.
  // Hardware that is simply absent ("missing") does not starve it: a restart cannot plug a camera
  // in, and a restart loop would blank the out-of-service screen and /healthz every half minute.
  systemd.startWatchdog(() => !Object.values(deviceStates()).includes("error"));
  // readyMs: process start → READY (performance.now() counts from the process's time origin).
  log.info("daemon-started", { mode: config.mode, kioskMode: config.kiosk.mode, url: server.url, warmStartMs: warm.totalMs, readyMs: Math.round(performance.now()) });

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    kioskUrl: `${server.url}/#token=${token}`,
    port: server.port,
    core,
    health,
    stop: () =>
      (stopping ??= (async () => {
        await systemd.stopping("stopping");
        await closeAll([unwatch, () => core.stop(), () => server.close(), async () => metricsServer?.close(), () => tillPost?.close(), () => devices.close(), () => audit.close()]);
        log.info("daemon-stopped", {});
      })()),
  };
}

/**
 * A device step's own deadline: a little inside the flow state's budget, so the step's answer (with
 * its reason) arrives before the state's timer ends it without one.
 */
function withinBudget(stateBudgetMs: number): number {
  return Math.max(Math.floor(stateBudgetMs / 2), stateBudgetMs - 500);
}

export class ConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid configuration:\n${errors.join("\n")}`);
    this.name = "ConfigError";
  }
}

function cameraHealth(d: Devices): DeviceHealth {
  const states: CameraStatus[] = [d.documentCamera?.status() ?? "missing", d.faceCamera?.status() ?? "missing"];
  if (!d.faceEngine) states.push("error");
  if (states.includes("error")) return "error";
  if (states.includes("missing")) return "missing";
  return "ok";
}

/** Tell the flow when a reader appears or disappears, so out-of-service follows the hardware. */
function watchDevices(devices: Devices, changed: () => void): () => void {
  if (!devices.reader) return () => {};
  return devices.reader.subscribe((e) => {
    if (e.kind === "reader-attached" || e.kind === "reader-detached" || e.kind === "service-lost" || e.kind === "service-restored") {
      changed();
    }
  });
}

function openResidenceTrust(config: Config, env: Readonly<Record<string, string | undefined>>, extraCas: { der: Uint8Array; source: string }[]) {
  const dir = stateDirOf(config, env);
  const r = buildResidenceTrust({ mode: config.mode, importDir: dir ? residenceTrustDir(dir) : null, extraCas });
  if (!r.ok) throw new ConfigError(r.errors);
  return r.trust;
}

function openTrustStore(config: Config, deck: Awaited<ReturnType<typeof loadDemoDeck>> | null): TrustStore {
  const extra = deck ? parseKeyTable({ keys: deck.trustKeys() }, "demo-deck") : null;
  if (extra && !extra.ok) throw new ConfigError(extra.errors);
  const r = buildTrustStore({
    mode: config.mode,
    extraKeyFiles: config.trust.extraKeyFiles,
    ...(extra ? { extraAnchors: extra.anchors } : {}),
  });
  if (!r.ok) throw new ConfigError(r.errors);
  return r.store;
}

/**
 * The staff PIN: demo mode uses kiosk.staffPin or the published demo PIN 2580 (the pad says so);
 * production only the hash `kioskctl staff-pin set` stored in the state directory — none stored means
 * staff login is impossible (never a default PIN). The lock-out persists in the state directory.
 */
function openStaffPin(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): { port: StaffPinPort; lockout: LockoutStore | null; problem: string | null } {
  const dir = stateDirOf(config, env);
  const lockout = dir ? fileLockoutStore(dir, (what) => log.error(what, { dir })) : null;
  if (config.mode === "demo") return { port: plainStaffPin(config.kiosk.staffPin ?? DEMO_STAFF_PIN, (config.kiosk.staffPin ?? DEMO_STAFF_PIN) === DEMO_STAFF_PIN ? "demo" : "set"), lockout, problem: null };
  if (!dir) return { port: NO_STAFF_PIN, lockout, problem: "no state directory" };
  const file = openStaffPinFile(dir);
  return { port: file.port, lockout, problem: file.problem };
}

/** The published demo PIN (docs, the demo pad). Never used in production. */
export const DEMO_STAFF_PIN = "2580";

/**
 * The verdict-token key: `verdict-key.pem` in the state directory (created at the first start, 0600);
 * demo mode without a state directory signs with a key for this run only. A key file that is unsafe
 * or unreadable stops the daemon as a configuration problem (exit 78), never a silent new key.
 */
async function openTokenKey(config: Config, env: Readonly<Record<string, string | undefined>>): Promise<TokenKey | null> {
  if (!config.till.enabled) return null;
  const dir = stateDirOf(config, env);
  if (!dir) return ephemeralKey();
  try {
    return await loadOrCreateKey(dir);
  } catch (e) {
    if (e instanceof TokenKeyError) throw new ConfigError([`till: ${e.message}`]);
    throw e;
  }
}

/** The till POST when `till.post.url` is set: its PEM files are read once; a missing one is a config error. */
function openTillPost(config: Config, budgetMs: number, log: Logger, onResult: (r: "ok" | "failed") => void): TillPost | null {
  const p = config.till.post;
  if (p.url === "") return null;
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ConfigError([`till.post.${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`]);
    }
  };
  return createTillPost({ url: new URL(p.url), cert: read("certFile", p.certFile), key: read("keyFile", p.keyFile), ca: read("caFile", p.caFile), budgetMs, onResult, log: log.child("till") });
}

/** Metrics: `metrics.enabled` true, or "auto" in production (off in demo, where test daemons would race for one port). */
function metricsWanted(config: Config): boolean {
  return config.metrics.enabled === true || (config.metrics.enabled === "auto" && config.mode === "production");
}

/** A small system file (slot, last update), or null when absent (a PC, a container, demo). */
function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** The /metrics listener. A port in use is logged and the daemon goes on without it: the customer's
 *  session never depends on monitoring (the fleet sees the kiosk's metrics as missing: an alert). */
async function openMetricsServer(metrics: KioskMetrics, config: Config, log: Logger): Promise<MetricsServer | null> {
  try {
    const s = await serveMetrics(metrics.registry, config.metrics.host, config.metrics.port);
    log.info("metrics-listening", { url: `http://${config.metrics.host}:${s.port}/metrics` });
    return s;
  } catch (e) {
    log.error("metrics-unavailable", { error: (e as NodeJS.ErrnoException).code ?? "error", port: config.metrics.port });
    return null;
  }
}

function openAudit(config: Config, log: Logger): SqliteAudit {
  const file =
    config.audit.path === "auto" ? (config.mode === "production" ? "/var/lib/mynaguard/audit.sqlite" : ":memory:") : config.audit.path;
  // A missing folder is a configuration problem (exit 78), not a crash at start (exit 1).
  if (file !== ":memory:" && !existsSync(path.dirname(path.resolve(file)))) {
    throw new ConfigError([`audit.path: the folder ${path.dirname(path.resolve(file))} does not exist (create it, or change audit.path)`]);
  }
  return openSqliteAudit({ path: file, retentionDays: config.audit.retentionDays, now: () => Date.now(), log: log.child("audit") });
}
