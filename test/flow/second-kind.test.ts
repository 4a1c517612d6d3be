/**
 * A second document kind is one folder: the TEST-ONLY fake licence (test/flow/documents/fake-licence/)
 * is registered next to the My Number card, and the real runner, the real document glue
 * (compose/chip.ts), the registry's recognition and the simulated reader take a session through
 * recognition, access-key entry (its own schema: a masked 4-digit PIN), the read, authenticity and the
 * verdict, with no change to the flow, protocol, audit or UI.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createChipGlue } from "../../src/compose/chip";
import { catalogueKeys } from "../../src/documents/catalogue";
import { MY_NUMBER_ACCESS_KEY, myNumberKind } from "../../src/documents/mynumber";
import { createRegistry } from "../../src/documents/registry";
import { parseKeyTable } from "../../src/card/mynumber/auth/ca-keys";
import { buildTrustStore } from "../../src/card/mynumber/auth/trust";
import { loadDeck } from "../../src/card/sim/deck";
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
import { FAKE_ACCESS_KEY, FAKE_KIND, fakeLicenceKind, type FakeLicenceOptions } from "./documents/fake-licence";
import type { FlowPolicy } from "../../src/flow/outcome";
import type { KioskMode } from "../../src/protocol";
import { fakeLicenceCard } from "./documents/fake-licence/card";
import { FAKE_LICENCE_MESSAGES } from "./documents/fake-licence/catalogue";

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

/** The composition root's job, done here with the fake licence registered after the My Number card. */
async function startKiosk(
  opts: { licence?: FakeLicenceOptions; policy?: Partial<FlowPolicy>; mode?: KioskMode } = {},
): Promise<Kiosk> {
  const log = memoryLogger();
  const reader = await openSimReader({});
  const documents = createRegistry([
    myNumberKind({ trust: trust(), minTriesLeft: 3, readMode: "short", now: () => Date.now(), log, readFront: null }),
    fakeLicenceKind(opts.licence),
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
    policy: { ...DEFAULT_POLICY, ...opts.policy },
    kioskMode: opts.mode ?? "unattended",
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

describe("a second document kind, registered next to the My Number card", () => {
  it("is recognised, asks for its own key, is read and passes", async () => {
    kiosk = await startKiosk();
    const card = fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402" });
    kiosk.reader.place(card);

    const entry = await kiosk.until(isEntry);
    if (!isEntry(entry)) throw new Error("not manual entry");
    // The screen renders the fake kind's schema, not My Number's: one masked 4-digit PIN.
    expect(entry.document).toEqual({ kind: FAKE_KIND, accessKey: FAKE_ACCESS_KEY });
    expect(entry.prefill).toEqual({});
    // A PIN is never printed: the screen must not say the camera could not read it.
    expect(entry.why).toBe("typed");

    // Live validation comes from the kind's own rules.
    kiosk.runner.dispatch({ type: "entry-draft", entry: { pin: "24" } });
    expect(await kiosk.until((s) => isEntry(s) && s.problem !== null)).toMatchObject({ problem: "pin:not-4-digits" });
    kiosk.runner.dispatch({ type: "entry-draft", entry: { pin: "2468" } });
    await kiosk.until((s) => isEntry(s) && s.problem === null);

    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "2468" } });
    const result = await kiosk.until(isResult);
    expect(result).toMatchObject({ name: "result", outcome: "pass", reason: null });
    const names = kiosk.views.map((v) => v.screen.name).filter((n, i, a) => n !== a[i - 1]);
    expect(names).toEqual(["idle", "capture-card-face", "manual-entry", "reading-chip", "checking", "face-check", "result"]);
    expect(kiosk.audit.records).toHaveLength(1);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "pass", document: FAKE_KIND, triesBand: "ok", checks: ["manual-entry", "chip", "authenticity", "face"] });
    expect(card.triesLeft()).toBe(3);
  });

  it("the customer can call staff from the entry screen instead of typing: refer (staff are called), no try spent", async () => {
    kiosk = await startKiosk();
    const card = fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402" });
    kiosk.reader.place(card);
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "call-staff" });
    expect(await kiosk.until(isResult)).toMatchObject({ outcome: "refer" });
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason: "staff-requested", document: FAKE_KIND });
    expect(card.triesLeft()).toBe(3);
  });

  it("applies its own tries rule: a wrong PIN spends one, and then the kiosk refuses to spend another", async () => {
    kiosk = await startKiosk();
    const card = fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402" });
    kiosk.reader.place(card);
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "1111" } });
    expect(await kiosk.until(isResult)).toMatchObject({ outcome: "refer" });
    expect(kiosk.audit.records[0]).toMatchObject({ reason: "wrong-code", triesBand: "low" });
    expect(card.triesLeft()).toBe(2);

    // Next customer, same card: 2 of 3 left is below the kind's minimum, so no VERIFY is sent.
    kiosk.reader.remove();
    kiosk.runner.dispatch({ type: "confirm" });
    await kiosk.until((s) => s.name === "idle");
    kiosk.reader.place(card);
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "2468" } });
    await kiosk.until(isResult);
    expect(kiosk.audit.records[1]).toMatchObject({ outcome: "refer", reason: "low-tries" });
    expect(card.triesLeft()).toBe(2);
  });

  it("its own authenticity check refuses a record that does not match its digest", async () => {
    kiosk = await startKiosk();
    kiosk.reader.place(fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402", tampered: true }));
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "2468" } });
    await kiosk.until(isResult);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason: "data-altered" });
  });

  it("still recognises a My Number card first, with the My Number entry screen", async () => {
    kiosk = await startKiosk();
    const entry = deck.card("showa-64");
    kiosk.reader.place(entry.makeCard());
    const screen = await kiosk.until(isEntry);
    expect(screen).toMatchObject({ document: { kind: "mynumber", accessKey: MY_NUMBER_ACCESS_KEY }, prefill: { calendar: "era" } });
  });

  it("ends at once, before any key is asked for, when no registered kind answers", async () => {
    kiosk = await startKiosk();
    kiosk.reader.place({ atr: Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01), transmit: () => Promise.resolve(Uint8Array.of(0x6a, 0x82)) });
    expect(await kiosk.until(isResult)).toMatchObject({ outcome: "refer" });
    expect(kiosk.views.some((v) => v.screen.name === "manual-entry")).toBe(false);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason: "unsupported-document", document: null });
  });

  it("a chip that opens but cannot be verified is referred by default, before the face check, and recorded with its kind", async () => {
    kiosk = await startKiosk({ licence: { verifiable: false } });
    kiosk.reader.place(fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402" }));
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "2468" } });
    // Unattended: the customer is not told why.
    expect(await kiosk.until(isResult)).toMatchObject({ outcome: "refer", reason: null, attended: null });
    expect(kiosk.views.some((v) => v.screen.name === "face-check")).toBe(false);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "refer", reason: "not-verifiable", document: FAKE_KIND });
    kiosk.reader.remove();
    kiosk.runner.dispatch({ type: "confirm" });
    await kiosk.until((s) => s.name === "idle");
    kiosk.runner.dispatch({ type: "staff-open" });
    kiosk.runner.dispatch({ type: "staff-login", pin: "4321" });
    const staff = await kiosk.until((s) => s.name === "staff");
    expect(staff).toMatchObject({ staff: { recent: [{ document: FAKE_KIND, outcome: "refer", reason: "not-verifiable" }] } });
  });

  it("attended: staff see the unverifiable chip's data labelled not-verifiable", async () => {
    kiosk = await startKiosk({ licence: { verifiable: false }, mode: "attended" });
    kiosk.reader.place(fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402" }));
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "2468" } });
    const result = await kiosk.until((s) => isResult(s) && s.attended !== null);
    expect(result).toMatchObject({ outcome: "refer", reason: "not-verifiable", attended: { authenticity: "not-verifiable" } });
    // The generic staff view: the kind, its dates, no sex (the document does not say), no My Number slots.
    expect(result).toMatchObject({ attended: { document: FAKE_KIND, birthDate: "1980-04-02", expiry: "2030-04-02", sex: null, images: [], text: [] } });
  });

  it("a shop that lists the kind accepts its unverifiable chip on a face match (and only after the face check)", async () => {
    kiosk = await startKiosk({ licence: { verifiable: false }, policy: { acceptUnverifiableWithFaceMatch: [FAKE_KIND] } });
    kiosk.reader.place(fakeLicenceCard({ pin: "2468", birth: "19800402", expiry: "20300402" }));
    await kiosk.until(isEntry);
    kiosk.runner.dispatch({ type: "manual-entry", entry: { pin: "2468" } });
    expect(await kiosk.until(isResult)).toMatchObject({ outcome: "pass" });
    expect(kiosk.views.some((v) => v.screen.name === "face-check")).toBe(true);
    expect(kiosk.audit.records[0]).toMatchObject({ outcome: "pass", document: FAKE_KIND, checks: ["manual-entry", "chip", "authenticity", "face"] });
  });

  it("ships a catalogue string for every key its schema names, in the six languages", () => {
    for (const messages of Object.values(FAKE_LICENCE_MESSAGES.messages)) {
      for (const key of catalogueKeys(FAKE_ACCESS_KEY)) expect((messages as Readonly<Record<string, string>>)[key], key).toBeTruthy();
    }
  });
});
