import { afterEach, describe, expect, it } from "vitest";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";
import { chipZeroed } from "./fakes";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

describe("a whole session on fake devices", () => {
  it("passes an adult whose card face was read by the camera, then forgets them and waits again", async () => {
    k = startKiosk();
    expect(k.last().screen.name).toBe("idle");
    k.world.insert();
    await k.advance(800); // OCR
    await k.advance(1500); // chip
    await k.advance(200); // authenticity
    await k.advance(2000); // face
    expect(k.screens).toEqual(["idle", "capture-card-face", "reading-chip", "checking", "face-check", "result(pass)"]);
    expect(k.leds()).toEqual(["ready", "busy", "pass"]);
    const result = k.last().screen;
    expect(result).toMatchObject({ name: "result", outcome: "pass", reason: null, attended: null });

    // Unattended: the data is purged as soon as the verdict is known.
    expect(k.world.handed.chips).toHaveLength(1);
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
    expect(k.world.handed.codes.every((c) => c.wiped)).toBe(true);
    expect(k.world.handed.evidence.every((e) => e.wiped)).toBe(true);

    const [rec] = k.world.audit.records;
    expect(k.world.audit.records).toHaveLength(1);
    expect(rec).toMatchObject({ outcome: "pass", reason: null, mode: "unattended", triesBand: "ok", kioskId: "kiosk-test" });
    expect(rec?.checks).toEqual(["ocr", "chip", "authenticity", "face"]);
    expect(rec?.durations).toEqual({ "capture-card-face": 800, "reading-chip": 1500, checking: 200, "face-check": 2000 });

    k.world.remove();
    await k.advance(12_000);
    expect(k.screens.at(-1)).toBe("idle");
    expect(k.leds().at(-1)).toBe("ready");
  });

  it("starts from a touch, asks for the card, and goes through manual entry when OCR is unsure", async () => {
    k = startKiosk({ script: { front: { after: 500, value: "unsure" } } });
    k.runner.dispatch({ type: "start" });
    expect(k.last().screen.name).toBe("place-card");
    expect(k.last().countdown?.totalMs).toBe(30_000);
    k.world.insert();
    await k.advance(500);
    expect(k.last().screen).toMatchObject({ name: "manual-entry", problem: null });
    k.runner.dispatch({ type: "entry-draft", entry: { calendar: "western", birthYear: "19" } });
    expect(k.last().screen).toMatchObject({ name: "manual-entry", problem: "incomplete" });
    k.runner.dispatch({ type: "entry-draft", entry: { calendar: "western", birthYear: "1987" } });
    expect(k.last().screen).toMatchObject({ name: "manual-entry", problem: null });
    k.runner.dispatch({ type: "manual-entry", entry: { calendar: "western", birthYear: "1987" } });
    await k.advance(10);
    expect(k.last().screen.name).toBe("reading-chip");
    await k.advance(1500 + 200 + 2000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
    expect(k.world.audit.records[0]?.checks).toEqual(["ocr", "manual-entry", "chip", "authenticity", "face"]);
  });

  it("keeps the customer on manual entry with the problem when the entry does not check out", async () => {
    k = startKiosk({ script: { front: { after: 100, value: "unsure" }, entry: { after: 10, value: "problem" } } });
    k.world.insert();
    await k.advance(100);
    k.runner.dispatch({ type: "manual-entry", entry: { calendar: "era", era: "showa" } });
    await k.advance(10);
    expect(k.last().screen).toMatchObject({ name: "manual-entry", problem: "birth-date-invalid" });
    expect(k.world.handed.codes).toHaveLength(0);
  });

  it("shows staff the chip data in attended mode and purges it when they confirm", async () => {
    k = startKiosk({ kioskMode: "attended" });
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000);
    await k.advance(50); // photo → PNG
    const screen = k.last().screen;
    expect(screen.name).toBe("result");
    if (screen.name !== "result") return;
    expect(screen.attended).toMatchObject({ birthDate: "1987-04-23", expiry: "2034-12-31", sex: "female", age: 39, authenticity: "genuine" });
    expect(screen.attended?.photoPngBase64).toBe(Buffer.from(k.world.handed.pngs[0] ?? []).toString("base64"));
    expect(k.last().countdown?.totalMs).toBe(120_000);
    expect(k.world.handed.chips.every(chipZeroed)).toBe(false);

    k.runner.dispatch({ type: "confirm" });
    expect(k.last().screen.name).toBe("card-left");
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
    expect(k.world.handed.pngs.every((p) => p.every((b) => b === 0))).toBe(true);
    expect(JSON.stringify(k.runner.view())).not.toContain("1987-04-23");
  });

  it("skips the face check in attended mode when the policy does not require it", async () => {
    k = startKiosk({ kioskMode: "attended", policy: { requireFaceMatch: false } });
    k.world.insert();
    await k.advance(800 + 1500 + 200);
    expect(k.screens).not.toContain("face-check");
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
    expect(k.world.audit.records[0]?.checks).toEqual(["ocr", "chip", "authenticity"]);
  });

  it("ends the session at once and purges when the card is taken from the result screen", async () => {
    k = startKiosk({ kioskMode: "attended" });
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000 + 50);
    k.world.remove();
    expect(k.last().screen.name).toBe("idle");
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
  });

  it("lets the customer cancel at any step, which is recorded as abandoned", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 500);
    k.runner.dispatch({ type: "cancel" });
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "customer-cancelled" });
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "abandoned", reason: "customer-cancelled" });
    expect(k.world.handed.codes.every((c) => c.wiped)).toBe(true);
    k.runner.dispatch({ type: "confirm" });
    // The card is still on the reader: it is never read for the next customer.
    expect(k.last().screen.name).toBe("card-left");
    k.world.remove();
    expect(k.last().screen.name).toBe("idle");
  });

  it("lets the card layer forget the session when the daemon stops in the middle of one", async () => {
    k = startKiosk({ kioskMode: "attended" });
    let ended = 0;
    k.world.ports.endSession = () => void ended++;
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000 + 50);
    expect(k.last().screen.name).toBe("result");
    expect(ended).toBe(0);
    k.runner.stop();
    expect(ended).toBe(1);
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
  });

  it("numbers every view so the screen can drop stale ones", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(5000);
    const seqs = k.views.map((v) => v.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
