/**
 * Issue 14 in the flow: one card, one session (a card left on the reader is never read for the next
 * customer), endings that fit what happened, the verdict's rule and next step, and a referral that
 * waits for staff. On fake devices and vitest's fake clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

const VERDICT_MS = 800 + 1500 + 200 + 2000;

describe("one card, one session", () => {
  it("a card left on the reader after a verdict blocks Start until it is lifted, and is never read again", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(VERDICT_MS);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass", cardOn: true });
    k.runner.dispatch({ type: "confirm" });
    expect(k.last().screen.name).toBe("card-left");
    expect(k.world.leds.current()).toBe("card-left");
    k.runner.dispatch({ type: "start" });
    await k.advance(30_000);
    expect(k.last().screen.name).toBe("card-left");
    expect(k.world.audit.records).toHaveLength(1);
    k.world.remove();
    expect(k.last().screen).toMatchObject({ name: "idle", staffCall: false });
  });

  it("Start while idle with a card present (daemon started with it there) → lift first, no read until placed again", async () => {
    k = startKiosk({ cardOnAtStart: true });
    expect(k.last().screen.name).toBe("idle");
    k.runner.dispatch({ type: "start" });
    expect(k.last().screen).toMatchObject({ name: "place-card", notice: "lift-first" });
    await k.advance(5_000);
    expect(k.screens).not.toContain("capture-card-face");
    expect(k.screens).not.toContain("reading-chip");
    k.world.remove();
    expect(k.last().screen).toMatchObject({ name: "place-card", notice: null });
    k.world.insert();
    expect(k.last().screen.name).toBe("capture-card-face");
    await k.advance(VERDICT_MS);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
  });
});

describe("endings that fit", () => {
  it("cancel before any card goes straight back to idle (audited, nothing to take, nothing to tap)", () => {
    k = startKiosk();
    k.runner.dispatch({ type: "start" });
    k.runner.dispatch({ type: "cancel" });
    expect(k.last().screen.name).toBe("idle");
    expect(k.screens).not.toContain("result(abandoned:customer-cancelled)");
    expect(k.world.audit.records).toMatchObject([{ outcome: "abandoned", reason: "customer-cancelled" }]);
  });

  it("a timeout with no card says so and returns to idle by itself", async () => {
    k = startKiosk();
    k.runner.dispatch({ type: "start" });
    await k.advance(30_000);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "abandoned", reason: "timeout", cardOn: false });
    await k.advance(12_000);
    expect(k.last().screen.name).toBe("idle");
  });

  it("a card lifted during the card-face photo says so", async () => {
    k = startKiosk({ script: { front: "hang" } });
    k.world.insert();
    await k.advance(300);
    // Frames are taken after the kind was recognised: the screen names it (its own camera words).
    expect(k.last().screen).toMatchObject({ name: "capture-card-face", frames: 1, document: "mynumber" });
    k.world.remove();
    expect(k.last().screen).toMatchObject({ name: "place-card", notice: "lifted" });
    k.world.insert();
    expect(k.last().screen.name).toBe("capture-card-face");
  });

  it("the customer can choose to type the numbers, and the screen says so", async () => {
    k = startKiosk({ script: { front: "hang" } });
    k.world.insert();
    k.runner.dispatch({ type: "type-instead" });
    expect(k.last().screen).toMatchObject({ name: "manual-entry", why: "chosen" });
    await k.advance(100);
    k.runner.stop();
    k = startKiosk({ script: { front: { after: 100, value: "unsure" } } });
    k.world.insert();
    await k.advance(100);
    expect(k.last().screen).toMatchObject({ name: "manual-entry", why: "unread" });
  });
});

describe("the verdict and what happens after it", () => {
  it("carries the configured minimum age", async () => {
    k = startKiosk({ policy: { minimumAge: 18 } });
    k.world.insert();
    await k.advance(VERDICT_MS);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass", minimumAge: 18, advice: null });
  });

  it("tells a blocked card's holder to go to the municipal office (unattended: no reason, only the next step)", async () => {
    k = startKiosk({ script: { chip: { after: 100, value: "blocked" } } });
    k.world.insert();
    await k.advance(800 + 100);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", reason: null, advice: "municipal-office" });
  });

  it("keeps the refer light and a 'staff called' mark in idle until staff acknowledge, with the reason on the staff screen", async () => {
    k = startKiosk({ script: { chip: { after: 100, value: "refused-low-tries" } } });
    k.world.insert();
    await k.advance(800 + 100);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer", advice: "staff-can-help" });
    k.world.remove();
    await k.advance(12_000);
    expect(k.last().screen).toEqual({ name: "idle", staffCall: true });
    expect(k.world.leds.current()).toBe("refer");
    k.runner.dispatch({ type: "staff-open" });
    k.runner.dispatch({ type: "staff-login", pin: "2580" });
    await k.advance(0); // the PIN check answers asynchronously
    const s = k.last().screen;
    expect(s).toMatchObject({ name: "staff", staff: { staffCall: { reason: "low-tries" }, recent: [{ outcome: "refer", reason: "low-tries" }] } });
    k.runner.dispatch({ type: "staff-acknowledge" });
    expect(k.last().screen).toMatchObject({ name: "staff", staff: { staffCall: null } });
    k.runner.dispatch({ type: "staff-close" });
    expect(k.last().screen).toEqual({ name: "idle", staffCall: false });
    expect(k.world.leds.current()).toBe("ready");
  });

  it("lets the refer light go out by itself when its budget ends", async () => {
    k = startKiosk({ script: { face: { after: 100, value: { kind: "no-match" } } }, budgets: { staffCall: 60_000 } });
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 100);
    k.world.remove();
    await k.advance(12_000);
    expect(k.world.leds.current()).toBe("refer");
    await k.advance(60_000);
    expect(k.world.leds.current()).toBe("ready");
    expect(k.last().screen).toEqual({ name: "idle", staffCall: false });
  });
});
