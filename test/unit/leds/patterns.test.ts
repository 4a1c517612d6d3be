import { describe, expect, it } from "vitest";
import { lightsFor } from "../../../src/leds/leds";
import { createSimLeds } from "../../../src/leds/sim";
import type { LedPattern } from "../../../src/protocol";

const ALL: LedPattern[] = ["off", "ready", "busy", "pass", "fail", "refer", "out-of-service"];

describe("LED patterns", () => {
  it("gives every pattern a different look on the three lights", () => {
    const looks = ALL.map((p) => JSON.stringify(lightsFor(p)));
    expect(new Set(looks).size).toBe(ALL.length);
  });

  it("lights only red for fail and out of service, and only green for ready and pass", () => {
    for (const p of ALL) {
      const l = lightsFor(p);
      const lit = (["green", "amber", "red"] as const).filter((c) => l[c] !== "off");
      if (p === "fail" || p === "out-of-service") expect(lit).toEqual(["red"]);
      if (p === "ready" || p === "pass") expect(lit).toEqual(["green"]);
      if (p === "busy" || p === "refer") expect(lit).toEqual(["amber"]);
      if (p === "off") expect(lit).toEqual([]);
    }
  });

  it("blinks while busy and steadies for a verdict", () => {
    expect(lightsFor("busy").amber).toEqual({ blinkMs: 250 });
    expect(lightsFor("refer").amber).toBe("on");
  });

  it("simulator remembers the current pattern and a bounded history", async () => {
    const sim = createSimLeds({ limit: 3 });
    for (const p of ALL) sim.show(p);
    expect(sim.current()).toBe("out-of-service");
    expect(sim.history).toEqual(["fail", "refer", "out-of-service"]);
    await sim.close();
    expect(sim.current()).toBe("off");
  });
});
