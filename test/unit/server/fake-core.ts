import type { KioskCore } from "../../../src/flow/core";
import type { ClientMessage, Health, ViewMessage } from "../../../src/protocol";

/** A KioskCore that records dispatched messages and publishes views on demand. */
export function fakeCore(health: Health): KioskCore & { received: ClientMessage[]; publish(v: ViewMessage): void } {
  const listeners = new Set<(v: ViewMessage) => void>();
  let current: ViewMessage = {
    type: "view",
    seq: 1,
    screen: { name: "idle", staffCall: false },
    countdown: null,
    kioskMode: "unattended",
    defaultLanguage: "ja",
    demo: null,
  };
  const received: ClientMessage[] = [];
  return {
    received,
    view: () => current,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    dispatch: (m) => received.push(m),
    health: () => health,
    publish(v) {
      current = v;
      for (const l of listeners) l(v);
    },
  };
}
