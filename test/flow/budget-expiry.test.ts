/** One scenario per time budget: what the customer sees, the lights, and the audit record. */
import { afterEach, describe, expect, it } from "vitest";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";
import { chipZeroed } from "./fakes";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

describe("every budget ends its state in a defined way", () => {
  it("placeCard: nobody puts a card down, so the session is abandoned on timeout", async () => {
    k = startKiosk();
    k.runner.dispatch({ type: "start" });
    await k.advance(29_999);
    expect(k.last().screen.name).toBe("place-card");
    await k.advance(1);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "timeout" });
    expect(k.leds()).toEqual(["ready"]);
    expect(k.world.audit.records).toMatchObject([{ outcome: "abandoned", reason: "timeout", checks: [], triesBand: "unknown" }]);
    expect(k.world.audit.records[0]?.durations).toEqual({ "place-card": 30_000 });
  });

  it("captureCardFace: the camera never settles, so the customer types the numbers instead", async () => {
    k = startKiosk({ script: { front: "hang" } });
    k.world.insert();
    await k.advance(12_000);
    expect(k.last().screen).toMatchObject({ name: "manual-entry", prefill: { calendar: "era" }, problem: null });
    expect(k.leds()).toEqual(["ready", "busy", "ready"]);
    expect(k.world.audit.records).toHaveLength(0);
  });

  it("manualEntry: the customer walks away from the digit pad, so the session is abandoned", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "unsure" } } });
    k.world.insert();
    await k.advance(100 + 90_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "timeout" });
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "abandoned", reason: "timeout", checks: ["ocr"] });
    expect(k.leds()).toEqual(["ready", "busy", "ready"]);
  });

  it("checkEntry: a check that never answers refers the customer to staff as a device error", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "unsure" }, entry: "hang" } });
    k.world.insert();
    await k.advance(100);
    k.runner.dispatch({ type: "manual-entry", entry: { calendar: "western" } });
    await k.advance(2_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null });
    expect(k.leds().at(-1)).toBe("refer");
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason: "device-error" });
  });

  it("readChip: a chip read that hangs is cut off and referred as a read error", async () => {
    k = startKiosk({ script: { chip: "hang" } });
    k.world.insert();
    await k.advance(800);
    expect(k.last().screen).toMatchObject({ name: "reading-chip", triesLeft: 5 });
    await k.advance(10_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null });
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "refer", reason: "read-error", triesBand: "ok" });
    expect(k.leds()).toEqual(["ready", "busy", "refer"]);
    expect(k.world.handed.codes.every((c) => c.wiped)).toBe(true);
  });

  it("replaceCard: a card lifted mid-read and not put back abandons the session", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 500);
    k.world.remove();
    expect(k.screens.at(-1)).toBe("reading-chip(card-removed)");
    expect(k.last().countdown?.totalMs).toBe(10_000);
    await k.advance(10_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "card-removed" });
    expect(k.world.audit.records[0]?.durations).toMatchObject({ "reading-chip": 500, "replace-card": 10_000 });
    expect(k.leds()).toEqual(["ready", "busy", "ready"]);
  });

  it("replaceCard: a card put back in time is read again from the start", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 500);
    k.world.remove();
    await k.advance(3_000);
    k.world.insert();
    expect(k.last().screen).toMatchObject({ name: "reading-chip", progress: 0.1 });
    await k.advance(1500 + 200 + 2000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
    expect(k.world.handed.chips).toHaveLength(1);
  });

  it("checking: an authenticity check that hangs refers the customer (could-not-check)", async () => {
    k = startKiosk({ script: { auth: "hang" } });
    k.world.insert();
    await k.advance(800 + 1500 + 5_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null });
    expect(k.world.audit.records[0]).toMatchObject({ reason: "could-not-check", checks: ["ocr", "chip", "authenticity"] });
    expect(k.leds()).toEqual(["ready", "busy", "refer"]);
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
  });

  it("faceCheck: a face never recognised refers the customer (face-not-sure)", async () => {
    k = startKiosk({ script: { face: "hang" } });
    k.world.faceHints(["closer", "hold-still"]);
    k.world.insert();
    await k.advance(800 + 1500 + 200);
    expect(k.last().screen).toMatchObject({ name: "face-check", hint: "hold-still" });
    await k.advance(20_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null });
    expect(k.world.audit.records[0]).toMatchObject({ reason: "face-not-sure", checks: ["ocr", "chip", "authenticity", "face"] });
    expect(k.leds()).toEqual(["ready", "busy", "refer"]);
  });

  it("resultUnattended: the verdict stays 12 s, then the kiosk is ready for the next customer", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000);
    expect(k.last().countdown).toEqual({ endsAt: Date.now() + 12_000, totalMs: 12_000 });
    k.world.remove(); // the customer takes the card: the verdict stays up for staff to read
    await k.advance(11_999);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass", cardOn: false });
    await k.advance(1);
    expect(k.last().screen.name).toBe("idle");
    expect(k.leds()).toEqual(["ready", "busy", "pass", "ready"]);
    expect(k.world.audit.records).toHaveLength(1);
  });

  it("resultUnattended: a card still on the reader when the verdict ends is left behind until lifted", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000 + 12_000);
    expect(k.last().screen.name).toBe("card-left");
    expect(k.last().countdown).toBeNull();
    expect(k.leds().at(-1)).toBe("card-left");
    k.runner.dispatch({ type: "start" });
    await k.advance(60_000);
    expect(k.last().screen.name).toBe("card-left");
    expect(k.world.audit.records).toHaveLength(1);
    k.world.remove();
    expect(k.last().screen.name).toBe("idle");
    expect(k.leds().at(-1)).toBe("ready");
  });

  it("resultAttended: staff have two minutes, then the data is purged without a confirm", async () => {
    k = startKiosk({ kioskMode: "attended" });
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000);
    await k.advance(120_000);
    expect(k.last().screen.name).toBe("card-left");
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
    k.world.remove();
    expect(k.last().screen.name).toBe("idle");
    expect(k.leds()).toEqual(["ready", "busy", "pass", "card-left", "ready"]);
    expect(k.world.audit.records).toMatchObject([{ outcome: "pass", mode: "attended" }]);
  });

  it("outOfService: a missing reader takes the kiosk out of service until it comes back", async () => {
    k = startKiosk();
    k.world.devices.reader = "missing";
    k.runner.dispatch({ type: "start" });
    // The device is only looked at between sessions: finish this one first.
    await k.advance(30_000 + 12_000);
    expect(k.last().screen).toMatchObject({ name: "out-of-service", devices: { reader: "missing" } });
    expect(k.leds().at(-1)).toBe("out-of-service");
    expect(k.runner.health().ready).toBe(false);
    k.runner.dispatch({ type: "start" });
    expect(k.last().screen.name).toBe("out-of-service");
    k.world.devices.reader = "ok";
    await k.advance(5_000);
    expect(k.last().screen.name).toBe("idle");
    expect(k.runner.health().ready).toBe(true);
  });

  it("session: however often the states restart, the whole session ends after its budget", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "unsure" }, entry: { after: 10, value: "problem" } } });
    k.world.insert();
    await k.advance(100);
    for (let i = 0; i < 2; i++) {
      await k.advance(85_000);
      k.runner.dispatch({ type: "manual-entry", entry: { calendar: "western" } });
      await k.advance(10);
      expect(k.last().screen).toMatchObject({ name: "manual-entry", problem: "birth-date-invalid" });
    }
    // t = 170 120 ms: the state budget (90 s) is far away, the session budget (180 s) is not.
    await k.advance(180_000 - 170_120 - 1);
    expect(k.last().screen.name).toBe("manual-entry");
    await k.advance(1);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "timeout" });
    expect(k.world.audit.records).toMatchObject([{ outcome: "abandoned", reason: "timeout", checks: ["ocr"] }]);
    // ready (idle) · busy (camera) · ready (typing) · busy (checking the entry) · ready … · ready (abandoned)
    expect(k.leds()).toEqual(["ready", "busy", "ready", "busy", "ready", "busy", "ready"]);
  });

  it("staff: the staff overlay closes by itself after a minute without a staff action", async () => {
    k = startKiosk();
    k.runner.dispatch({ type: "staff-open" });
    expect(k.last().screen.name).toBe("staff-login");
    await k.advance(60_000);
    expect(k.last().screen.name).toBe("idle");
  });
});
