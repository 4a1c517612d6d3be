/**
 * Device factories: the one place that names the device adapters and simulators. The composition root
 * (src/main.ts) opens the daemon's devices through `openProductionDevices` / `openDemoDevices`;
 * `kioskctl` commands (src/cli/) open the one device they need through `openCardReader` /
 * `openFaceEngine`. Nothing else imports an adapter (checked by dependency-cruiser).
 *
 * Adapters are loaded with dynamic `import()` when a device is opened, so a command that opens no
 * camera never loads the camera code, and one that opens a card reader never loads the face engine
 * (tesseract.js, Human/tfjs, pcsclite and better-sqlite3 take 20–120 ms each just to load).
 *
 * Production never falls back to a simulator: a reader, camera, face engine or light tower that
 * cannot be opened is `null` / "missing" here, and the flow shows out-of-service.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config";
import type { Logger } from "./log";
import type { DeviceHealth } from "./protocol";
import type { CardReaderPort } from "./card/reader";
import type { Deck } from "./card/sim/deck";
import type { SimReaderCard } from "./card/sim/reader";
import { parseCameraSpec, type CameraPort } from "./camera/camera";
import type { FaceEngine } from "./face/engine";
import type { SimScene } from "./face/sim";
import { missingLeds, type LedPort } from "./leds/leds";
import type { DemoDeckPort } from "./flow/ports";
import { closeAll } from "./lifecycle";

/** Package root: dist/ when built (dist/daemon.js, dist/kioskctl.js), src/ under tests. */
const PACKAGE_ROOT = path.resolve(import.meta.dirname, "..");

/** Every device the daemon owns, opened once. `null` = not there (production only). */
export interface Devices {
  reader: CardReaderPort | null;
  documentCamera: CameraPort | null;
  faceCamera: CameraPort | null;
  faceEngine: FaceEngine | null;
  leds: LedPort;
  ledsHealth: () => DeviceHealth;
  demo: DemoDeckPort | null;
  close(): Promise<void>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------------------------------------
// Production: real devices only.

export async function openProductionDevices(config: Config, log: Logger): Promise<Devices> {
  const reader = await openCardReader({
    kind: "pcsc",
    readerName: config.card.readerName,
    log: (line) => log.child("pcsc").info("pcsc", { line }),
  }).catch((e: unknown) => {
    log.error("reader-unavailable", { message: message(e) });
    return null;
  });
  const documentCamera = await openProductionCamera(config.camera.document, "document", log);
  const faceCamera = await openProductionCamera(config.camera.face, "face", log);
  const faceEngine = await openFaceEngine({ kind: "human" }).catch((e: unknown) => {
    log.error("face-engine-unavailable", { message: message(e) });
    return null;
  });
  const { leds, ledsHealth } = await openProductionLeds(config, log);
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

async function openProductionCamera(spec: string, role: "document" | "face", log: Logger): Promise<CameraPort | null> {
  const s = parseCameraSpec(spec);
  const unavailable = (e: unknown): null => {
    log.error("camera-unavailable", { role, message: message(e) });
    return null;
  };
  switch (s.kind) {
    case "rpicam": {
      const { openRpicamCamera } = await import("./camera/rpicam");
      return openRpicamCamera({ role, index: s.index }).catch(unavailable);
    }
    case "v4l2": {
      const { openV4l2Camera } = await import("./camera/v4l2");
      return openV4l2Camera({ role, device: s.device }).catch(unavailable);
    }
    case "sim":
    case "none":
    case "invalid":
      // Production never simulates.
      log.error("camera-unavailable", { role, reason: `spec ${s.kind} is not usable in production` });
      return null;
  }
}

async function openProductionLeds(config: Config, log: Logger): Promise<{ leds: LedPort; ledsHealth: () => DeviceHealth }> {
  try {
    const { openOnoffLeds } = await import("./leds/onoff");
    const real = await openOnoffLeds({
      sysfsRoot: config.leds.sysfsRoot,
      lines: { green: config.leds.green, amber: config.leds.amber, red: config.leds.red },
      log: log.child("leds"),
    });
    return { leds: real, ledsHealth: () => real.health() };
  } catch (e) {
    log.error("leds-unavailable", { message: message(e) });
    return { leds: missingLeds(), ledsHealth: () => "missing" };
  }
}

// ---------------------------------------------------------------------------------------------
// Demo: every device simulated, driven by the deck.

export async function loadDemoDeck(config: Config): Promise<Deck> {
  const { loadDeck } = await import("./card/sim/deck");
  return config.card.deckFile ? loadDeck(JSON.parse(readFileSync(config.card.deckFile, "utf8"))) : loadDeck();
}

export async function openDemoDevices(config: Config, deck: Deck, log: Logger): Promise<Devices> {
  const [{ openSimReader }, { openSimCamera, openSimDocumentCamera, SIM_ASSETS_DIR }, { createSimFaceEngine }, { createSimLeds }, { LATENCY_212K }, { demoEntries }] =
    await Promise.all([import("./card/sim/reader"), import("./camera/sim"), import("./face/sim"), import("./leds/sim"), import("./card/sim/latency"), import("./card/sim/demo-entries")]);
  const reader = await openSimReader({});
  const documentCamera = await openSimDocumentCamera({
    assetsDir: config.camera.simImages || path.join(PACKAGE_ROOT, SIM_ASSETS_DIR),
  });
  const faceCamera = await openSimCamera({ role: "face", images: [demoFaceFrame()] });
  const faceEngine = createSimFaceEngine("holder");
  const leds = createSimLeds();
  // One simulated card per deck entry for the daemon's lifetime, so its retry counter persists
  // between placements like a real card's.
  const cards = new Map<string, SimReaderCard>();
  const entries = await demoEntries(deck, LATENCY_212K);
  let placed: string | null = null;
  const demo: DemoDeckPort = {
    cards: () => entries.map((c) => ({ id: c.id, label: c.label, document: c.document, key: c.key })),
    placed: () => placed,
    place(cardId) {
      const entry = entries.find((c) => c.id === cardId);
      if (!entry) return;
      let card = cards.get(cardId);
      // The demo card takes the time a real card takes at 212 kbit/s (latency model in card/sim/latency.ts).
      if (!card) cards.set(cardId, (card = entry.make()));
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
  log.info("demo-devices", { cards: entries.length });
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
// One device at a time (kioskctl commands, scripts).

/**
 * Open the card reader port. `pcsc` is the real reader (pcscd); `sim` the in-process virtual reader
 * (demo mode, tests). There is no fallback: a pcsc reader that is missing stays "missing"/"error",
 * it never turns into a simulator.
 */
export type CardReaderChoice =
  | { kind: "pcsc"; readerName?: string; transmitTimeoutMs?: number; log?: (line: string) => void }
  | { kind: "sim"; name?: string; card?: SimReaderCard };

export async function openCardReader(choice: CardReaderChoice): Promise<CardReaderPort> {
  switch (choice.kind) {
    case "pcsc": {
      const { openPcscReader } = await import("./card/pcsc");
      return openPcscReader({
        readerName: choice.readerName ?? "",
        ...(choice.transmitTimeoutMs !== undefined ? { transmitTimeoutMs: choice.transmitTimeoutMs } : {}),
        ...(choice.log ? { log: choice.log } : {}),
      });
    }
    case "sim": {
      const { openSimReader } = await import("./card/sim/reader");
      return openSimReader({
        ...(choice.name !== undefined ? { name: choice.name } : {}),
        ...(choice.card ? { card: choice.card } : {}),
      });
    }
  }
}

/** Open a face engine: the real one (Human on WASM) or the simulator (tests). */
export type FaceEngineChoice = { kind: "human" } | { kind: "sim"; scene?: SimScene };

export async function openFaceEngine(choice: FaceEngineChoice): Promise<FaceEngine> {
  switch (choice.kind) {
    case "human": {
      const { createHumanEngine } = await import("./face/human");
      return createHumanEngine();
    }
    case "sim": {
      const { createSimFaceEngine } = await import("./face/sim");
      return createSimFaceEngine(choice.scene ?? "holder");
    }
  }
}

/** Demo mode: the simulated residence cards' test CAs (issue 17), which the residence trust then holds. Never in production. */
export async function demoResidenceCas(): Promise<{ der: Uint8Array; source: string }[]> {
  const { loadResidenceDeck } = await import("./card/sim/residence/deck");
  return loadResidenceDeck().testCas.map((der, i) => ({ der, source: `demo-deck:residence-test-ca-${String(i + 1)}` }));
}

/** Demo mode: the simulated passports' test CSCA (issue 18), which passive authentication then trusts. Never in production. */
export async function demoPassportCscas(): Promise<{ der: Uint8Array; label: string }[]> {
  const { passportDeck } = await import("./card/sim/passport/deck");
  const d = await passportDeck();
  return [{ der: d.cscaDer, label: "mynaguard TEST CSCA (simulated passports)" }];
}
