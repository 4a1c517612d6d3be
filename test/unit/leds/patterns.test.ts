import { describe, expect, it } from "vitest";
import { lightsFor } from "../../../src/leds/leds";
import { createSimLeds } from "../../../src/leds/sim";
import type { LedPattern } from "../../../src/protocol";

const ALL: LedPattern[] = ["off", "ready", "busy", "pass", "fail", "refer", "card-left", "out-of-service"];

describe("LED patterns", () => {
  it("gives every pattern but ready (a dark tower, like off) a different look on the three lights", () => {
    const looks = ALL.filter((p) => p !== "ready").map((p) => JSON.stringify(lightsFor(p)));
    expect(new Set(looks).size).toBe(ALL.length - 1);
  });

  it("lights green for pass only; red for fail and out of service; amber for busy and refer", () => {
    for (const p of ALL) {
      const l = lightsFor(p);
      const lit = (["green", "amber", "red"] as const).filter((c) => l[c] !== "off");
      if (p === "fail" || p === "out-of-service") expect(lit).toEqual(["red"]);
      if (p === "pass") expect(lit).toEqual(["green"]);
      if (p !== "pass") expect(lit).not.toContain("green");
      if (p === "busy" || p === "refer") expect(lit).toEqual(["amber"]);
      if (p === "card-left") expect(lit).toEqual(["amber", "red"]);
      if (p === "off" || p === "ready") expect(lit).toEqual([]);
    }
  });

  it("blinks while busy and for a card left behind, and holds a verdict steady", () => {
    expect(lightsFor("busy").amber).toEqual({ blinkMs: 250 });
    expect(lightsFor("pass").green).toBe("on");
    expect(lightsFor("refer").amber).toBe("on");
    expect(lightsFor("card-left").red).toEqual({ blinkMs: 125 });
  });

  it("simulator remembers the current pattern and a bounded history", async () => {
    const sim = createSimLeds({ limit: 3 });
    for (const p of ALL) sim.show(p);
    expect(sim.current()).toBe("out-of-service");
    expect(sim.history).toEqual(["refer", "card-left", "out-of-service"]);
    await sim.close();
    expect(sim.current()).toBe("off");
  });
});
