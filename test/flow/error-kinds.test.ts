/** One scenario per error kind: screen (what the customer may be told), lights, audit. */
import { afterEach, describe, expect, it } from "vitest";
import type { ChipReadResult } from "../../src/flow/ports";
import type { Authenticity, FaceAnswer } from "../../src/flow/outcome";
import type { Outcome, ReasonCode } from "../../src/protocol";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";
import { ADULT, chipZeroed } from "./fakes";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

const FULL = 800 + 1500 + 200 + 2000;

describe("chip read errors", () => {
  const cases: [ChipReadResult["kind"], number, ReasonCode, string][] = [
    ["wrong-code", 5, "wrong-code", "ok"],
    ["blocked", 0, "card-blocked", "blocked"],
    ["refused-low-tries", 2, "low-tries", "low"],
    ["unsupported-document", 5, "unsupported-document", "ok"],
    ["read-error", 5, "read-error", "ok"],
  ];
  it.each(cases)("a %s answer (tries left %i) refers the customer to staff without saying why, and audits %s", async (kind, tries, reason, band) => {
    k = startKiosk({ script: { chip: { after: 700, value: kind }, triesLeft: tries } });
    k.world.insert();
    await k.advance(800 + 700);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null, attended: null });
    expect(k.leds()).toEqual(["ready", "busy", "refer"]);
    expect(k.world.audit.records).toHaveLength(1);
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason, checks: ["ocr", "chip"] });
    if (kind !== "blocked" && kind !== "unsupported-document" && kind !== "read-error") expect(k.world.audit.records[0]?.triesBand).toBe(band);
    expect(k.world.handed.codes.every((c) => c.wiped)).toBe(true);
  });

  it("a card that vanishes during the read (no-card) waits for it to come back", async () => {
    k = startKiosk({ script: { chip: { after: 700, value: "no-card" } } });
    k.world.insert();
    await k.advance(800 + 700);
    expect(k.screens.at(-1)).toBe("reading-chip(card-removed)");
  });

  it("a reader that throws refers the customer as a device error", async () => {
    k = startKiosk({ script: { chip: "throw" } });
    k.world.insert();
    await k.advance(800 + 10);
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason: "device-error" });
    expect(k.log.lines.some((l) => l.includes("flow.port-failed"))).toBe(true);
  });

  it("treats a port that throws synchronously like one that rejects", async () => {
    k = startKiosk();
    k.world.ports.readChip = () => {
      throw new Error("binding exploded");
    };
    k.world.insert();
    await k.advance(800);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer" });
    expect(k.world.audit.records[0]).toMatchObject({ reason: "device-error" });
  });

  it("shows the staff the technical reason in attended mode", async () => {
    k = startKiosk({ kioskMode: "attended", script: { chip: { after: 700, value: "wrong-code" } } });
    k.world.insert();
    await k.advance(800 + 700);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: "wrong-code", attended: null });
  });
});

describe("authenticity answers", () => {
  const cases: [Authenticity, Outcome, ReasonCode][] = [
    ["data-altered", "refer", "data-altered"],
    ["clone-suspected", "refer", "clone-suspected"],
    ["unknown-ca", "refer", "unknown-ca"],
    ["could-not-check", "refer", "could-not-check"],
    ["expired", "fail", "card-expired"],
  ];
  it.each(cases)("%s ends as %s (%s) before any face check, and the unattended screen never names forgery", async (auth, outcome, reason) => {
    k = startKiosk({ script: { auth: { after: 200, value: auth } } });
    k.world.insert();
    await k.advance(800 + 1500 + 200);
    expect(k.screens).not.toContain("face-check");
    const shown = outcome === "fail" ? reason : null;
    expect(k.last().screen).toMatchObject({ name: "result", outcome, reason: shown });
    expect(k.leds().at(-1)).toBe(outcome);
    expect(k.world.audit.records[0]).toMatchObject({ outcome, reason, checks: ["ocr", "chip", "authenticity"] });
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
  });

  it("accepts an unknown CA when the policy does not require a genuine chip, but never an altered record", async () => {
    k = startKiosk({ policy: { requireGenuineChip: false }, script: { auth: { after: 200, value: "unknown-ca" } } });
    k.world.insert();
    await k.advance(FULL);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });
});

describe("policy rules", () => {
  it("fails someone under 20 and tells them so", async () => {
    k = startKiosk({ person: { ...ADULT, birth: "20060602" } });
    k.world.insert();
    await k.advance(800 + 1500 + 200);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "fail", reason: "under-age" });
    expect(k.leds().at(-1)).toBe("fail");
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "fail", reason: "under-age" });
  });

  it("passes someone at 00:00 in Japan on their 20th birthday, even though it is still the day before in UTC", async () => {
    // 2026-06-01T15:00Z is 2026-06-02 00:00 in Tokyo.
    k = startKiosk({ person: { ...ADULT, birth: "20060602" }, now: "2026-06-01T15:00:00Z" });
    k.world.insert();
    await k.advance(FULL);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });

  it("fails an expired card the day after its expiry date, in Japan", async () => {
    k = startKiosk({ person: { ...ADULT, expiry: "20260601" }, now: "2026-06-01T15:00:00Z" });
    k.world.insert();
    await k.advance(800 + 1500 + 200);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "fail", reason: "card-expired" });
  });

  it("accepts a card on its expiry day", async () => {
    k = startKiosk({ person: { ...ADULT, expiry: "20260601" }, now: "2026-06-01T14:00:00Z" });
    k.world.insert();
    await k.advance(FULL);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });

  it("uses the configured minimum age", async () => {
    k = startKiosk({ person: { ...ADULT, birth: "20060602" }, policy: { minimumAge: 18 } });
    k.world.insert();
    await k.advance(FULL);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });
});

describe("face check answers", () => {
  const cases: [string, FaceAnswer, ReasonCode][] = [
    ["no match", { kind: "no-match" }, "face-no-match"],
    ["not sure", { kind: "not-sure", reason: "face-not-sure" }, "face-not-sure"],
    ["liveness failed", { kind: "not-sure", reason: "liveness-failed" }, "liveness-failed"],
    ["no face", { kind: "not-sure", reason: "no-face" }, "no-face"],
  ];
  it.each(cases)("%s refers the customer to staff politely and audits the reason", async (_name, face, reason) => {
    k = startKiosk({ script: { face: { after: 2000, value: face } } });
    k.world.insert();
    await k.advance(FULL);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null });
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason, checks: ["ocr", "chip", "authenticity", "face"] });
  });

  it("a face engine that throws is a device error", async () => {
    k = startKiosk({ script: { face: "throw" } });
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 10);
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason: "device-error" });
  });
});

describe("card removal and devices at other moments", () => {
  it("asks for the card again when it is taken away while the camera reads it", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(300);
    k.world.remove();
    expect(k.last().screen.name).toBe("place-card");
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });

  it("asks the customer to turn the card over when the camera sees its back, without reading it", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "back-side-up" } } });
    k.world.insert();
    await k.advance(100);
    expect(k.last().screen).toMatchObject({ name: "manual-entry", problem: "card:back-side-up", prefill: { calendar: "era" } });
    k.runner.dispatch({ type: "entry-draft", entry: { calendar: "era", era: "showa" } });
    await k.advance(10);
    expect(k.last().screen).not.toMatchObject({ problem: "card:back-side-up" });
  });

  it("lets the customer lift the card to read its digits during manual entry", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "unsure" } } });
    k.world.insert();
    await k.advance(100);
    k.world.remove();
    expect(k.last().screen.name).toBe("manual-entry");
    k.runner.dispatch({ type: "manual-entry", entry: { calendar: "western" } });
    await k.advance(10);
    expect(k.screens.at(-1)).toBe("reading-chip(card-removed)");
    k.world.insert();
    await k.advance(1500 + 200 + 2000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });

  it("abandons the session when the card is lifted a second time during the read", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 100);
    k.world.remove();
    k.world.insert();
    await k.advance(100);
    k.world.remove();
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "card-removed" });
  });

  it("ignores the card being lifted once the chip has been read", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 1500 + 100);
    k.world.remove();
    await k.advance(100 + 2000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });

  it("goes out of service at once when the reader is unplugged while idle, and back when it returns", () => {
    k = startKiosk();
    k.world.devices.reader = "missing";
    k.runner.devicesChanged();
    expect(k.last().screen).toMatchObject({ name: "out-of-service", devices: { reader: "missing" } });
    expect(k.runner.health().ready).toBe(false);
    k.world.devices.reader = "ok";
    k.runner.devicesChanged();
    expect(k.last().screen.name).toBe("idle");
  });

  it("refers a session whose reader vanishes mid-read as a device error, then shows out of service", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 500);
    k.world.devices.reader = "error";
    k.runner.devicesChanged();
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null });
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason: "device-error" });
    expect(k.world.handed.codes.every((c) => c.wiped)).toBe(true);
    await k.advance(12_000);
    expect(k.last().screen.name).toBe("out-of-service");
  });

  it("refers the session as a device error when the camera disappears mid-session (reported by the device check)", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "unsure" } } });
    k.world.insert();
    await k.advance(100);
    k.world.devices.camera = "missing";
    k.runner.dispatch({ type: "cancel" });
    await k.advance(12_000);
    expect(k.last().screen.name).toBe("out-of-service");
  });
});
