import { afterEach, describe, expect, it } from "vitest";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

describe("the staff overlay on the kiosk", () => {
  it("shows counts from the audit, tests the lights and hands them back, and sets the screen language", async () => {
    k = startKiosk();
    k.world.insert();
    await k.advance(800 + 1500 + 200 + 2000); // one pass
    k.world.remove();
    await k.advance(12_000); // back to idle
    k.runner.dispatch({ type: "staff-open" });
    k.runner.dispatch({ type: "staff-login", pin: "2580" });
    await k.advance(0); // the PIN check answers asynchronously (a slow hash in production)
    const screen = k.last().screen;
    expect(screen).toMatchObject({ name: "staff", staff: { kioskId: "kiosk-test", today: { byOutcome: { pass: 1 } }, health: { ready: true } } });
    k.runner.dispatch({ type: "staff-led-test", pattern: "fail" });
    expect(k.world.leds.current()).toBe("fail");
    expect(k.last().demo).toBeNull();
    k.runner.dispatch({ type: "staff-set-language", lang: "en" });
    expect(k.last().defaultLanguage).toBe("en");
    k.runner.dispatch({ type: "staff-close" });
    expect(k.last().screen.name).toBe("idle");
    expect(k.world.leds.current()).toBe("ready");
  });

  it("does not open during a session, and closes when a customer puts a card down", () => {
    k = startKiosk();
    k.runner.dispatch({ type: "start" });
    k.runner.dispatch({ type: "staff-open" });
    expect(k.last().screen.name).toBe("place-card");
    k.runner.dispatch({ type: "cancel" });
    k.runner.dispatch({ type: "confirm" });
    k.runner.dispatch({ type: "staff-open" });
    expect(k.last().screen.name).toBe("staff-login");
    k.world.insert();
    expect(k.last().screen.name).toBe("capture-card-face");
  });

  it("ignores a language change without a staff login", () => {
    k = startKiosk();
    k.runner.dispatch({ type: "staff-open" });
    k.runner.dispatch({ type: "staff-set-language", lang: "pt" });
    expect(k.last().defaultLanguage).toBe("ja");
  });
});

describe("the demo panel", () => {
  it("places and removes deck cards through the demo port and shows the lights", () => {
    k = startKiosk();
    let placed: string | null = null;
    const world = k.world;
    world.ports.demo = {
      cards: () => [{ id: "adult", label: "Adult", document: "mynumber", key: null }],
      placed: () => placed,
      place(id) {
        placed = id;
        world.insert();
      },
      remove() {
        placed = null;
        world.remove();
      },
    };
    k.runner.dispatch({ type: "demo-place-card", cardId: "adult" });
    expect(k.last().screen.name).toBe("capture-card-face");
    expect(k.last().demo).toEqual({ cards: [{ id: "adult", label: "Adult", document: "mynumber" }], placed: "adult", leds: "busy" });
    k.runner.dispatch({ type: "demo-remove-card" });
    expect(k.last().demo?.placed).toBeNull();
    expect(k.last().screen.name).toBe("place-card");
  });
});
