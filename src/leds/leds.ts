/**
 * The status light port: a tower of three LEDs (green, amber, red) showing one pattern at a time.
 * Real adapter: onoff.ts (sysfs GPIO through `onoff`, gpiochip base resolved at start-up).
 * Simulator: sim.ts (records patterns; shown in the demo panel).
 *
 * Contract: `show()` never throws and returns at once (a blinking pattern keeps its own timer,
 * stopped by the next `show()` or by `close()`); `health()` is "error" after a failed write.
 *
 * | pattern        | green      | amber      | red        |
 * |----------------|------------|------------|------------|
 * | off            | off        | off        | off        |
 * | ready          | off        | off        | off        |
 * | busy           | off        | blink 2 Hz | off        |
 * | pass           | on         | off        | off        |
 * | fail           | off        | off        | on         |
 * | refer          | off        | on         | off        |
 * | card-left      | off        | blink 4 Hz | blink 4 Hz |
 * | out-of-service | off        | off        | blink 1 Hz |
 *
 * Issue 14: green means "pass" and nothing else, steady for the whole verdict, so a bartender can
 * read it from across the room; the tower is dark while the kiosk waits (the screen says it is
 * ready; a kiosk that cannot serve blinks red). "refer" (amber) stays after the verdict until staff
 * acknowledge it or its budget ends (flow/view.ts). "card-left": a card left on the reader.
 */
import type { DeviceHealth, LedPattern } from "../protocol";

export type LedColour = "green" | "amber" | "red";

/** A light's state within a pattern: steady on/off, or blinking with this half-period (ms). */
export type LightState = "on" | "off" | { blinkMs: number };

export interface LedPort {
  show(pattern: LedPattern): void;
  current(): LedPattern;
  health(): DeviceHealth;
  close(): Promise<void>;
}

/** What each pattern does to each light (the table above, as data). */
export function lightsFor(pattern: LedPattern): Readonly<Record<LedColour, LightState>> {
  switch (pattern) {
    case "off":
      return { green: "off", amber: "off", red: "off" };
    case "ready":
      return { green: "off", amber: "off", red: "off" };
    case "busy":
      return { green: "off", amber: { blinkMs: 250 }, red: "off" };
    case "pass":
      return { green: "on", amber: "off", red: "off" };
    case "fail":
      return { green: "off", amber: "off", red: "on" };
    case "refer":
      return { green: "off", amber: "on", red: "off" };
    case "card-left":
      return { green: "off", amber: { blinkMs: 125 }, red: { blinkMs: 125 } };
    case "out-of-service":
      return { green: "off", amber: "off", red: { blinkMs: 500 } };
  }
}

/**
 * The port when no lights could be opened (production only): lights nothing, reports "missing", and
 * remembers the last pattern asked for (so /healthz and the staff screen say what would be shown).
 * Not a simulator.
 */
export function missingLeds(): LedPort {
  let current: LedPattern = "off";
  return {
    show: (p) => {
      current = p;
    },
    current: () => current,
    health: () => "missing",
    close: () => Promise.resolve(),
  };
}
