/**
 * Simulated status lights: remembers the current pattern and every pattern shown, in order.
 * The demo panel shows `current()` (DemoPanelState.leds); tests assert on `history`.
 */
import type { DeviceHealth, LedPattern } from "../protocol";
import type { LedPort } from "./leds";

export interface SimLeds extends LedPort {
  /** Every pattern shown, oldest first (bounded: the last `limit` entries). */
  readonly history: readonly LedPattern[];
}

export function createSimLeds(opts: { limit?: number } = {}): SimLeds {
  const limit = opts.limit ?? 1000;
  const history: LedPattern[] = [];
  let current: LedPattern = "off";
  return {
    history,
    show(pattern) {
      current = pattern;
      history.push(pattern);
      if (history.length > limit) history.splice(0, history.length - limit);
    },
    current: () => current,
    health: (): DeviceHealth => "ok",
    close() {
      current = "off";
      return Promise.resolve();
    },
  };
}
