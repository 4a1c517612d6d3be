/**
 * The composition root. It is the only module that knows which device adapters exist: it opens each
 * device once — real ones in production, simulators in demo — and wires them, through the glue in
 * src/compose/, into the session flow, the server, the audit, the status lights and systemd.
 *
 * Production never falls back to a simulator: a reader, camera, face engine or light tower that
 * cannot be opened is reported "missing"/"error" in /healthz, and the flow shows out-of-service.
 *
 * `kioskctl` commands that need a device reach it through the factories exported at the end of this
 * file, so the choice of adapter stays here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config";
import type { Logger } from "./log";
import type { DeviceHealth, Health } from "./protocol";
import { createSystemdNotifier } from "./systemd";
import type { CardReaderPort } from "./card/reader";
import { openPcscReader } from "./card/pcsc";
import { openSimReader, type SimReader, type SimReaderCard } from "./card/sim/reader";
import { loadDeck, type Deck } from "./card/sim/deck";
import type { SimulatedCard } from "./card/sim/card";
import { LATENCY_212K } from "./card/sim/latency";
import { parseKeyTable } from "./card/mynumber/auth/ca-keys";
import { buildTrustStore, type TrustStore } from "./card/mynumber/auth/trust";
import { parseCameraSpec, type CameraPort, type CameraStatus } from "./camera/camera";
import { openRpicamCamera } from "./camera/rpicam";
import { openV4l2Camera } from "./camera/v4l2";
import { openSimCamera, openSimDocumentCamera, SIM_ASSETS_DIR, type SimDocumentCamera } from "./camera/sim";
import type { OcrPort } from "./cardfront/ocr";
import { createTesseractOcr } from "./cardfront/tesseract";
import type { FaceEngine } from "./face/engine";
import { createHumanEngine } from "./face/human";
import { createSimFaceEngine, type SimFaceEngine } from "./face/sim";
import { createJp2Decoder, type Jp2Decoder } from "./face/jp2";
import type { LedPort } from "./leds/leds";
import { openOnoffLeds } from "./leds/onoff";
import { createSimLeds } from "./leds/sim";
import { openSqliteAudit, type SqliteAudit } from "./audit/sqlite";
import { resolveBudgets } from "./flow/budgets";
import { systemClock, type DemoDeckPort, type DeviceStates, type FlowPorts } from "./flow/ports";
import { createRunner, devicesHealthy, type FlowRunner } from "./flow/runner";
import { createChipGlue } from "./compose/chip";
import { createFrontGlue } from "./compose/front";
import { createRegistry } from "./documents/registry";
import { myNumberKind } from "./documents/mynumber";
import { createFaceGlue } from "./compose/face";
import { startServer, type RunningServer } from "./server/http";

/** Package root: dist/ when built (dist/daemon.js), src/ under tests. */
const PACKAGE_ROOT = path.resolve(import.meta.dirname, "..");

export interface DaemonDeps {
  config: Config;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** Built UI folder; default dist/ui next to the daemon. */
  uiDir?: string;
}

export interface Daemon {
  readonly url: string;
  readonly port: number;
  readonly core: FlowRunner;
  health(): Health;
  /** Orderly shutdown: STOPPING=1, flow stopped and purged, devices and audit closed. */
  stop(): Promise<void>;
}

/** Every device the daemon owns, opened once. `null` = not there (production only). */
interface Devices {
  reader: CardReaderPort | null;
  documentCamera: CameraPort | null;
  faceCamera: CameraPort | null;
  faceEngine: FaceEngine | null;
  leds: LedPort;
  ledsHealth: () => DeviceHealth;
  demo: DemoDeckPort | null;
  close(): Promise<void>;
}

export async function startDaemon(deps: DaemonDeps): Promise<Daemon> {
  const { config, log } = deps;
  const systemd = createSystemdNotifier({ env: deps.env, pid: process.pid, log: log.child("systemd") });

  const budgets = resolveBudgets(config.budgets);
  if (!budgets.ok) throw new ConfigError(budgets.errors);
  // The demo deck is loaded once: its test CA is what the trust store must accept for its cards.
  const deck = config.mode === "demo" ? loadDemoDeck(config) : null;
  const trust = openTrustStore(config, deck);

  const devices = deck ? await openDemoDevices(config, deck, log) : await openProductionDevices(config, log);
  const audit = openAudit(config, log);

  const lazyOcr = lazily<OcrPort>(createTesseractOcr);
  const lazyDecoder = lazily<Jp2Decoder>(createJp2Decoder);

  const deviceStates = (): DeviceStates => ({
    reader: devices.reader?.status() ?? "missing",
    camera: cameraHealth(devices),
    leds: devices.ledsHealth(),
  });

  const front = devices.documentCamera
    ? createFrontGlue({ camera: devices.documentCamera, ocr: lazyOcr, budgetMs: withinBudget(budgets.budgets.captureCardFace), now: () => Date.now(), log })
    : null;
  // The document kinds this kiosk reads, in recognition order (src/documents/README.md).
  const documents = createRegistry([
    myNumberKind({
      trust,
      minTriesLeft: config.card.minTriesLeft,
      readMode: config.card.readMode,
      now: () => Date.now(),
      log,
      readFront: (signal) => (front ? front.readCardFront(signal) : Promise.reject(new Error("no document camera"))),
    }),
  ]);
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
    readCardFront: (kind, signal) => chip.readCardFront(kind, signal),
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
    audit,
    demo: devices.demo,
    endSession: () => chip.endSession(),
  };

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
    staffPin: config.kiosk.staffPin,
    log,
    onStateChange: (kind) => systemd.status(`state: ${kind}`),
  });
  core.start();
  const unwatch = watchDevices(devices, () => core.devicesChanged());

  let server: RunningServer;
  try {
    server = await startServer({
      core,
      uiDir: deps.uiDir ?? path.join(import.meta.dirname, "ui"),
      host: config.server.host,
      port: config.server.port,
      log,
    });
  } catch (e) {
    await closeAll([unwatch, () => core.stop(), () => devices.close(), () => audit.close()]).catch(() => undefined);
    throw e;
  }

  const health = (): Health => ({ ...core.health(), devices: deviceStates() });
  systemd.ready(devicesHealthy(deviceStates()) ? "ready" : "out of service: hardware missing");
  // The watchdog is fed while the event loop runs (the timer fires) and no device is failing
  // ("error": e.g. pcscd unusable for longer than WatchdogSec), so systemd restarts a wedged daemon.
  // Hardware that is simply absent ("missing") does not starve it: a restart cannot plug a camera
  // in, and a restart loop would blank the out-of-service screen and /healthz every half minute.
  systemd.startWatchdog(() => !Object.values(deviceStates()).includes("error"));
  log.info("daemon-started", { mode: config.mode, kioskMode: config.kiosk.mode, url: server.url });

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    core,
    health,
    stop: () =>
      (stopping ??= (async () => {
        await systemd.stopping("stopping");
        await closeAll([unwatch, () => core.stop(), () => server.close(), () => devices.close(), () => audit.close()]);
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

/**
 * Opens something on first use and shares it afterwards. A failed open is not remembered: the next
 * use tries again, so one bad start (e.g. memory pressure while a model loads) does not put every
 * later session out of service until a restart.
 */
export function lazily<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | null = null;
  return () =>
    (opened ??= open().catch((e: unknown) => {
      opened = null;
      throw e;
    }));
}

/**
 * Runs every step in order even when one throws or rejects, then throws the first failure: a device
 * that fails to close must not leave the others (or the audit database) open.
 */
export async function closeAll(steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      failures.push(e);
    }
  }
  if (failures.length > 0) throw failures[0];
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

function openTrustStore(config: Config, deck: Deck | null): TrustStore {
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

function openAudit(config: Config, log: Logger): SqliteAudit {
  const file =
    config.audit.path === "auto" ? (config.mode === "production" ? "/var/lib/mynaguard/audit.sqlite" : ":memory:") : config.audit.path;
  return openSqliteAudit({ path: file, retentionDays: config.audit.retentionDays, now: () => Date.now(), log: log.child("audit") });
}

async function openProductionDevices(config: Config, log: Logger): Promise<Devices> {
  const reader = await openPcscReader({
    readerName: config.card.readerName,
    log: (line) => log.child("pcsc").info("pcsc", { line }),
  }).catch((e: unknown) => {
    log.error("reader-unavailable", { message: e instanceof Error ? e.message : String(e) });
    return null;
  });
  const openCamera = async (spec: string, role: "document" | "face"): Promise<CameraPort | null> => {
    const s = parseCameraSpec(spec);
    const unavailable = (e: unknown): null => {
      log.error("camera-unavailable", { role, message: e instanceof Error ? e.message : String(e) });
      return null;
    };
    switch (s.kind) {
      case "rpicam":
        return openRpicamCamera({ role, index: s.index }).catch(unavailable);
      case "v4l2":
        return openV4l2Camera({ role, device: s.device }).catch(unavailable);
      case "sim":
      case "none":
      case "invalid":
        // Production never simulates.
        log.error("camera-unavailable", { role, reason: `spec ${s.kind} is not usable in production` });
        return null;
    }
  };
  const documentCamera = await openCamera(config.camera.document, "document");
  const faceCamera = await openCamera(config.camera.face, "face");
  const faceEngine = await createHumanEngine().catch((e: unknown) => {
    log.error("face-engine-unavailable", { message: e instanceof Error ? e.message : String(e) });
    return null;
  });
  let ledsHealth: () => DeviceHealth;
  let leds: LedPort;
  try {
    const real = await openOnoffLeds({
      sysfsRoot: config.leds.sysfsRoot,
      lines: { green: config.leds.green, amber: config.leds.amber, red: config.leds.red },
      log: log.child("leds"),
    });
    leds = real;
    ledsHealth = () => real.health();
  } catch (e) {
    log.error("leds-unavailable", { message: e instanceof Error ? e.message : String(e) });
    leds = missingLeds();
    ledsHealth = () => "missing";
  }
  return {
    reader,
    documentCamera,
    faceCamera,
    faceEngine,
    leds,
    ledsHealth,
    demo: null,
    close: () =>
      closeAll([() => reader?.close(), () => documentCamera?.close(), () => faceCamera?.close(), () => faceEngine?.close(), () => leds.close()]),
  };
}

/** A light tower that is not there: shows nothing, reports "missing". Not a simulator. */
function missingLeds(): LedPort {
  let current: Parameters<LedPort["show"]>[0] = "off";
  return {
    show: (p) => {
      current = p;
    },
    current: () => current,
    health: () => "missing",
    close: () => Promise.resolve(),
  };
}

function loadDemoDeck(config: Config): Deck {
  return config.card.deckFile ? loadDeck(JSON.parse(readFileSync(config.card.deckFile, "utf8"))) : loadDeck();
}

async function openDemoDevices(config: Config, deck: Deck, log: Logger): Promise<Devices> {
  const reader: SimReader = await openSimReader({});
  const documentCamera: SimDocumentCamera = await openSimDocumentCamera({
    assetsDir: config.camera.simImages || path.join(PACKAGE_ROOT, SIM_ASSETS_DIR),
  });
  const faceCamera = await openSimCamera({ role: "face", images: [demoFaceFrame()] });
  const faceEngine: SimFaceEngine = createSimFaceEngine("holder");
  const leds = createSimLeds();
  // One simulated card per deck entry for the daemon's lifetime, so its retry counter persists
  // between placements like a real card's.
  const cards = new Map<string, SimulatedCard>();
  let placed: string | null = null;
  const demo: DemoDeckPort = {
    cards: () => deck.cards.map((c) => ({ id: c.id, label: c.label })),
    placed: () => placed,
    place(cardId) {
      const entry = deck.cards.find((c) => c.id === cardId);
      if (!entry) return;
      let card = cards.get(cardId);
      // The demo card takes the time a real card takes at 212 kbit/s (latency model in card/sim/latency.ts).
      if (!card) cards.set(cardId, (card = entry.makeCard({ deps: { latency: LATENCY_212K } })));
      if (placed !== null) reader.remove();
      placed = cardId;
      documentCamera.place(cardId);
      faceEngine.followCard(entry);
      reader.place(card);
    },
    remove() {
      if (placed === null) return;
      placed = null;
      reader.remove();
      documentCamera.place(null);
      faceEngine.followCard(null);
    },
  };
  log.info("demo-devices", { cards: deck.cards.length });
  return {
    reader,
    documentCamera,
    faceCamera,
    faceEngine,
    leds,
    ledsHealth: () => leds.health(),
    demo,
    close: () => closeAll([() => reader.close(), () => documentCamera.close(), () => faceCamera.close(), () => faceEngine.close(), () => leds.close()]),
  };
}

/** A plain grey frame for the simulated face camera (the simulated engine decides who is there). */
function demoFaceFrame() {
  const width = 320;
  const height = 240;
  return { format: "gray" as const, width, height, data: new Uint8Array(width * height).fill(128) };
}

// ---------------------------------------------------------------------------------------------
// Factories for kioskctl (src/cli/*) and scripts: the CLI reaches adapters only through these.

/**
 * Open the card reader port. `pcsc` is the real reader (pcscd); `sim` the in-process virtual reader
 * (demo mode, tests). There is no fallback: a pcsc reader that is missing stays "missing"/"error",
 * it never turns into a simulator.
 */
export type CardReaderChoice =
  | { kind: "pcsc"; readerName?: string; transmitTimeoutMs?: number; log?: (line: string) => void }
  | { kind: "sim"; name?: string; card?: SimReaderCard };

export function openCardReader(choice: CardReaderChoice): Promise<CardReaderPort> {
  switch (choice.kind) {
    case "pcsc":
      return openPcscReader({
        readerName: choice.readerName ?? "",
        ...(choice.transmitTimeoutMs !== undefined ? { transmitTimeoutMs: choice.transmitTimeoutMs } : {}),
        ...(choice.log ? { log: choice.log } : {}),
      });
    case "sim":
      return openSimReader({
        ...(choice.name !== undefined ? { name: choice.name } : {}),
        ...(choice.card ? { card: choice.card } : {}),
      });
  }
}

/** Open a face engine: the real one (Human on WASM) or the simulator (tests). */
export type FaceEngineChoice = { kind: "human" } | { kind: "sim"; scene?: Parameters<typeof createSimFaceEngine>[0] };

export function openFaceEngine(choice: FaceEngineChoice): Promise<FaceEngine> {
  switch (choice.kind) {
    case "human":
      return createHumanEngine();
    case "sim":
      return Promise.resolve(createSimFaceEngine(choice.scene ?? "holder"));
  }
}
