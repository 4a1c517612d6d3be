/**
 * The IC driver's licence in a whole session: the real runner, document glue, registry (My Number
 * first, the licence second, as src/main.ts registers them), the simulated reader and the simulated
 * licences of src/card/sim/licence. Recognition, PIN entry on the licence's own schema, the tries rule
 * (refuse unless all 3 remain, one VERIFY per session), the read and the verdict; the APDU log of the
 * simulated licence shows what reached the card.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createChipGlue } from "../../src/compose/chip";
import { myNumberKind } from "../../src/documents/mynumber";
import { licenceKind, LICENCE_KIND } from "../../src/documents/licence";
import { LICENCE_ACCESS_KEY } from "../../src/documents/licence/access-key";
import { createRegistry } from "../../src/documents/registry";
import { parseKeyTable } from "../../src/card/mynumber/auth/ca-keys";
import { buildTrustStore } from "../../src/card/mynumber/auth/trust";
import { loadDeck } from "../../src/card/sim/deck";
import { licenceCard } from "../../src/card/sim/licence/deck";
import type { LicenceSimCard } from "../../src/card/sim/licence/card";
import { openSimReader, type SimReader } from "../../src/card/sim/reader";
import { DEFAULT_BUDGETS } from "../../src/flow/budgets";
import type { FlowPorts } from "../../src/flow/ports";
import { systemClock } from "../../src/flow/ports";
import { createRunner, type FlowRunner } from "../../src/flow/runner";
import { createSimLeds } from "../../src/leds/sim";
import { memoryLogger } from "../../src/log";
import type { Screen, ViewMessage } from "../../src/protocol";
import { memoryAudit, type MemoryAudit } from "./fakes";
import { DEFAULT_POLICY } from "./harness";

const deck = loadDeck();

function trust() {
  const keys = parseKeyTable({ keys: deck.trustKeys() }, "demo-deck");
  if (!keys.ok) throw new Error(keys.errors.join("; "));
  const r = buildTrustStore({ mode: "demo", extraKeyFiles: [], extraAnchors: keys.anchors });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.store;
}

interface Kiosk {
  runner: FlowRunner;
  reader: SimReader;
  audit: MemoryAudit;
  views: ViewMessage[];
  /** Resolves with the first view (from now on, or the current one) whose screen matches. */
  until(pred: (s: Screen) => boolean, ms?: number): Promise<Screen>;
}

let kiosk: Kiosk | null = null;
afterEach(async () => {
  kiosk?.runner.stop();
  await kiosk?.reader.close();
  kiosk = null;
});

/** The composition root's job, done here with the licence registered after the My Number card (as src/main.ts does). */
async function startKiosk(): Promise<Kiosk> {
  const log = memoryLogger();
  const reader = await openSimReader({});
  const documents = createRegistry([
    myNumberKind({ trust: trust(), minTriesLeft: 3, readMode: "short", now: () => Date.now(), log, readFront: null }),
    licenceKind({ log }),
  ]);
  const chip = createChipGlue({ reader, documents, now: () => Date.now(), log });
  const audit = memoryAudit();
  const ports: FlowPorts = {
    card: chip.card,
    fallbackDocument: documents.first.info,
    recognise: (signal) => chip.recognise(signal),
    readCardFront: (kind, signal, onFrame) => chip.readCardFront(kind, signal, onFrame),
    checkEntry: (kind, entry, today) => chip.checkEntry(kind, entry, today),
    entryProblem: (kind, entry, today) => chip.entryProblem(kind, entry, today),
    readChip: (kind, key, signal, onProgress) => chip.readChip(kind, key, signal, onProgress),
    assessAuthenticity: (data, evidence) => chip.assessAuthenticity(data, evidence),
    // The face step is not what this test is about: the holder always matches.
    checkFace: () => Promise.resolve({ kind: "match" }),
    photoPng: () => Promise.resolve(null),
    devices: () => ({ reader: "ok", camera: "ok", leds: "ok" }),
    leds: createSimLeds(),
    audit,
    demo: null,
    endSession: () => chip.endSession(),
  };
  const runner = createRunner({
    ports,
    clock: systemClock,
    budgets: DEFAULT_BUDGETS,
    policy: DEFAULT_POLICY,
    kioskMode: "unattended",
    runMode: "demo",
    kioskId: "kiosk-test",
    version: "test",
    defaultLanguage: "ja",
    staffPin: "4321",
    log,
  });
  const views: ViewMessage[] = [];
  runner.subscribe((v) => views.push(v));
  runner.start();
  const until = (pred: (s: Screen) => boolean, ms = 5000) =>
    new Promise<Screen>((resolve, reject) => {
      const now = runner.view().screen;
      if (pred(now)) return resolve(now);
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no such screen; last: ${JSON.stringify(runner.view().screen)}`));
      }, ms);
      const stop = runner.subscribe((v) => {
        if (!pred(v.screen)) return;
        clearTimeout(timer);
        stop();
        resolve(v.screen);
      });
    });
  return { runner, reader, audit, views, until };
}

const isResult = (s: Screen) => s.name === "result";
const isEntry = (s: Screen): s is Extract<Screen, { name: "manual-entry" }> => s.name === "manual-entry";
const withPin = (card: LicenceSimCard) => card.received().filter((c) => c.bytes[1] === 0x20 && c.bytes.length > 5);

async function nextCustomer(k: Kiosk): Promise<void> {
  k.reader.remove();
  k.runner.dispatch({ type: "confirm" });
  await k.until((s) => s.name === "idle");
}

describe("the IC driver's licence in a session", () => {
  it("is recognised after the My Number card, asks for PIN 1 (masked), reads once and is not verifiable (refer)", async () => {
    kiosk = await startKiosk();
    const deckCard = licenceCard("licence-showa");
    const card = deckCard.makeCard();
    kiosk.reader.place(card);
    const entry = await kiosk.until(isEntry);
    if (!isEntry(entry)) throw new Error("not manual entry");
    expect(entry.document).toEqual({ kind: LICENCE_KIND, accessKey: LICENCE_ACCESS_KEY });
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: deckCard.person.pin } });
    const result = await kiosk.until(isResult);
    // The signature cannot be checked (no public NPA key, needs PIN 2): never a pass on its own.
    expect(result).toMatchObject({ outcome: "refer" });
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason: "not-verifiable" });
    expect(withPin(card)).toHaveLength(1);
    expect(card.received().some((c) => c.bytes[1] === 0x20 && c.bytes[3] === 0x82)).toBe(false);
    expect(card.triesLeft(1)).toBe(3);
  });

  it("a wrong PIN spends exactly one try; the next customer with that card is refused without a VERIFY", async () => {
    kiosk = await startKiosk();
    const deckCard = licenceCard("licence-wrong-pin");
    const card = deckCard.makeCard();
    kiosk.reader.place(card);
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: deckCard.person.demoPin } });
    await kiosk.until(isResult);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason: "wrong-code" });
    expect(card.triesLeft(1)).toBe(2);

    await nextCustomer(kiosk);
    kiosk.reader.place(card);
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: deckCard.person.pin } });
    await kiosk.until(isResult);
    expect(kiosk.audit.records[1]).toMatchObject({ outcome: "refer", reason: "low-tries" });
    expect(withPin(card)).toHaveLength(1);
    expect(card.triesLeft(1)).toBe(2);
  });

  it.each([
    ["licence-two-tries", "low-tries"],
    ["licence-blocked", "card-blocked"],
  ])("%s: refused with %s, no VERIFY carrying a PIN", async (id, reason) => {
    kiosk = await startKiosk();
    const deckCard = licenceCard(id);
    const card = deckCard.makeCard();
    kiosk.reader.place(card);
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: deckCard.person.pin } });
    await kiosk.until(isResult);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason });
    expect(withPin(card)).toHaveLength(0);
  });

  it("a My Number card is still the My Number card", async () => {
    kiosk = await startKiosk();
    kiosk.reader.place(deck.card("showa-64").makeCard());
    const screen = await kiosk.until(isEntry);
    expect(screen).toMatchObject({ document: { kind: "mynumber" } });
  });
});
