/**
 * Entry point: opens the socket to the daemon and renders the screen for each new view message.
 * A kiosk page: no text selection, no context menu, nothing stored in the browser.
 */
import { render } from "preact";
import type { ViewMessage } from "../../src/protocol";
import { App } from "./app";
import { connect } from "./socket";

const root = document.getElementById("app");
if (!root) throw new Error("#app missing from index.html");

document.addEventListener("contextmenu", (e) => e.preventDefault());
document.addEventListener("selectstart", (e) => e.preventDefault());

let current: ViewMessage | null = null;
let firstRender = true;

const draw = () => {
  render(<App view={current} send={(m) => connection.send(m)} />, root);
  if (firstRender && current) {
    firstRender = false;
    performance.mark("mynaguard:first-screen");
  }
};

const connection = connect(
  (view) => {
    // Ignore stale views (a restarted daemon starts again on a new connection, after `current` was reset).
    if (current && view.seq <= current.seq) return;
    current = view;
    draw();
  },
  () => {
    current = null;
    draw();
  },
);

draw();
