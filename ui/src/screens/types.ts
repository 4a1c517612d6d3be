import type { ClientMessage, Screen, ViewMessage } from "../../../src/protocol";
import type { T } from "../i18n";

/** What every screen gets: its slice of the daemon's view, the translator and the socket's send. */
export interface ScreenProps<N extends Screen["name"]> {
  screen: Extract<Screen, { name: N }>;
  view: ViewMessage;
  t: T;
  send: (m: ClientMessage) => void;
}
