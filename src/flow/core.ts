/**
 * What the rest of the daemon sees of the session flow: the current view, a stream of views, the
 * customer's and demo panel's messages, and health. Implemented by the runner (runner.ts);
 * consumed by the server (src/server/), which only relays, and by main.ts (health, systemd STATUS).
 */
import type { ClientMessage, Health, ViewMessage } from "../protocol";

export interface KioskCore {
  /** The view for a newly connected screen. */
  view(): ViewMessage;
  /** Every new view, in order. Returns the unsubscribe function. */
  subscribe(listener: (view: ViewMessage) => void): () => void;
  /** A message from the UI socket, already checked to be a well-formed ClientMessage. */
  dispatch(message: ClientMessage): void;
  health(): Health;
}
