/** A late card read or timer can never act on the next customer. */
import { afterEach, describe, expect, it } from "vitest";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";
import { chipZeroed } from "./fakes";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

describe("answers that arrive after their state was left", () => {
  it("a chip read that completes after the card was lifted is wiped, not used", async () => {
    // The fake reader ignores the abort for this test: it answers at 1500 ms whatever happens.
    k = startKiosk({ script: { chip: { after: 1500, value: "ok" } } });
    const realRead = k.world.ports.readChip.bind(k.world.ports);
    k.world.ports.readChip = (kind, key, _signal, onProgress) => realRead(kind, key, new AbortController().signal, onProgress);
    k.world.insert();
    await k.advance(800 + 200);
    k.world.remove(); // → replace-card, the read's controller is aborted
    await k.advance(1300); // the stale read answers now
    expect(k.world.handed.chips).toHaveLength(1);
    expect(k.world.handed.chips.every(chipZeroed)).toBe(true);
    expect(k.world.handed.evidence.every((e) => e.wiped)).toBe(true);
    expect(k.screens.at(-1)).toBe("reading-chip(card-removed)");
  });

  it("an old session's budget timer does not end the next customer's session", async () => {
    k = startKiosk();
    k.runner.dispatch({ type: "start" });
    await k.advance(10_000);
    k.runner.dispatch({ type: "cancel" });
    k.runner.dispatch({ type: "confirm" });
    expect(k.last().screen.name).toBe("idle");
    k.runner.dispatch({ type: "start" });
    await k.advance(25_000); // the first place-card budget would have ended at 30 s
    expect(k.last().screen.name).toBe("place-card");
    await k.advance(5_000);
    expect(k.last().screen).toMatchObject({ name: "result", reason: "timeout" });
  });

  it("a face answer for the previous customer does not decide the next one", async () => {
    k = startKiosk({ script: { face: { after: 2000, value: { kind: "match" } } } });
    const realFace = k.world.ports.checkFace.bind(k.world.ports);
    k.world.ports.checkFace = (photo, _signal, onHint) => realFace(photo, new AbortController().signal, onHint);
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 500);
    k.runner.dispatch({ type: "cancel" });
    k.world.remove(); // the customer takes the card
    k.runner.dispatch({ type: "confirm" }); // result → idle
    k.world.insert(); // next customer
    await k.advance(1600); // the first customer's face answer lands at +1500 ms
    expect(k.last().screen).toMatchObject({ name: "reading-chip" });
    expect(k.world.audit.records.map((r) => r.reason)).toEqual(["customer-cancelled"]);
  });

  it("an OCR answer with a code that arrives late is wiped at once", async () => {
    k = startKiosk({ script: { front: { after: 800, value: "sure" } } });
    const realFront = k.world.ports.readCardFront.bind(k.world.ports);
    k.world.ports.readCardFront = (kind, _signal, onFrame) => realFront(kind, new AbortController().signal, onFrame);
    k.world.insert();
    await k.advance(300);
    k.world.remove();
    await k.advance(600);
    expect(k.world.handed.codes).toHaveLength(1);
    expect(k.world.handed.codes[0]?.wiped).toBe(true);
    expect(k.last().screen.name).toBe("place-card");
  });
});
