/**
 * The daemon started in this process (src/main.ts, no build needed).
 *
 * A demo deck named in config (card.deckFile) brings its own test CA: the daemon must trust that CA,
 * not the built-in deck's. The deck here is the built-in one with its two CAs swapped, so its cards
 * are certified by a key the built-in deck's trust list does not contain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config";
import { memoryLogger } from "../../../src/log";
import { startDaemon, type Daemon } from "../../../src/main";
import { closeAll, lazily } from "../../../src/lifecycle";
import type { ViewMessage } from "../../../src/protocol";
import { freePort } from "../helpers/daemon";

const dir = mkdtempSync(path.join(tmpdir(), "mynaguard-custom-deck-"));
let daemon: Daemon | null = null;

afterAll(async () => {
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the daemon in demo mode with a deck file", () => {
  it("trusts the deck file's own test CA, so its cards are genuine", async () => {
    const bundled = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../../src/card/sim/deck/deck.json"), "utf8")) as Record<string, unknown>;
    const deckFile = path.join(dir, "deck.json");
    writeFileSync(deckFile, JSON.stringify({ ...bundled, ca: bundled["untrustedCa"], untrustedCa: bundled["ca"] }));
    const loaded = parseConfig({ mode: "demo", server: { port: await freePort() }, kiosk: { mode: "attended" }, card: { deckFile } });
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    daemon = await startDaemon({ config: loaded.config, log: memoryLogger(), env: {}, uiDir: dir });
    const core = daemon.core;

    const result = new Promise<ViewMessage>((resolve) => {
      core.subscribe((v) => {
        if (v.screen.name === "manual-entry" && v.screen.problem === null) {
          core.dispatch({ type: "manual-entry", entry: v.screen.prefill });
        }
        if (v.screen.name === "result" && v.screen.attended) resolve(v);
      });
    });
    core.dispatch({ type: "demo-place-card", cardId: "showa-64" });
    const v = await result;
    if (v.screen.name !== "result") throw new Error("unreachable");
    expect(v.screen.attended?.authenticity).toBe("genuine");
  });
});

describe("engines opened on first use", () => {
  it("are opened once and shared, and opened again after a failed open", async () => {
    let opens = 0;
    const engine = lazily(() => (++opens === 1 ? Promise.reject(new Error("model did not load")) : Promise.resolve({ n: opens })));
    await expect(engine()).rejects.toThrow("model did not load");
    const a = await engine();
    const b = await engine();
    expect(a).toEqual({ n: 2 });
    expect(b).toBe(a);
    expect(opens).toBe(2);
  });
});

describe("closing the daemon's devices", () => {
  it("closes every device even when one fails to close, then reports the first failure", async () => {
    const closed: string[] = [];
    const run = closeAll([
      () => closed.push("reader"),
      () => Promise.reject(new Error("camera stuck")),
      () => {
        throw new Error("engine gone");
      },
      () => closed.push("audit"),
    ]);
    await expect(run).rejects.toThrow("camera stuck");
    expect(closed).toEqual(["reader", "audit"]);
  });
});
