/**
 * The kiosk's read over the in-process sim reader while the card misbehaves at every APDU index, in
 * both read modes: leaves before the command, leaves after executing it (the answer is lost), or stops
 * answering. Each must end in a typed failure within its bound and spend at most one try.
 * The same loop through real pcscd runs in test/integration/card/pull-at-every-apdu.test.ts.
 */
import { describe, expect, it } from "vitest";
import { readCardFace } from "../../src/card/mynumber/read-face";
import { RetryGuard } from "../../src/card/mynumber/retry-policy";
import { CodeB } from "../../src/card/secret";
import type { SimFault } from "../../src/card/sim/card";
import { loadDeck } from "../../src/card/sim/deck";
import { openSimReader } from "../../src/card/sim/reader";

const deck = loadDeck();
const person = deck.card("reiwa-1");
/**
 * A silent card is cut off after the APDU timeout: short here, so that a hang at each of ~32 indexes
 * stays quick. A pulled card must be recognised as pulled, not as silent, so those runs get a long
 * APDU timeout: with 150 ms, a loaded machine (two test runs on two cores) sometimes let the timer
 * win the race against the reader's "no card" and the test failed for the wrong reason.
 */
const HANG_APDU_TIMEOUT_MS = 150;
const PULL_APDU_TIMEOUT_MS = 3000;

async function read(faults: SimFault[], digits: string, readMode: "short" | "extended", apduTimeoutMs = PULL_APDU_TIMEOUT_MS) {
  const sim = person.makeCard();
  sim.setFaults(faults);
  const reader = await openSimReader({ card: sim, transmitTimeoutMs: 1000 });
  const code = CodeB.fromDigits(digits);
  if (!code) throw new Error("bad test code");
  const t0 = performance.now();
  const signal = AbortSignal.timeout(10_000);
  const channel = await reader.connect(signal);
  const result = await readCardFace({
    transmit: channel,
    code,
    nonce: new Uint8Array(32).fill(7),
    guard: new RetryGuard(),
    signal,
    readMode,
    apduTimeoutMs,
  });
  await reader.close();
  return { result, sim, ms: performance.now() - t0 };
}

describe("the read over the sim reader with the card misbehaving at every APDU index", () => {
  for (const readMode of ["short", "extended"] as const) {
    for (const digits of [person.codeB, person.codeB.slice(0, 10) + "9999"]) {
      const which = digits === person.codeB ? "right" : "wrong";
      it(`ends every pull and every silence in a typed failure, spending at most one try (${readMode} reads, ${which} code)`, async () => {
        const apdus = (await read([], digits, readMode)).result.stats.apdus;
        expect(apdus).toBeGreaterThan(3);
        for (let at = 0; at < apdus; at++) {
          for (const kind of ["remove-before", "remove-after-execute", "hang"] as const) {
            const timeoutMs = kind === "hang" ? HANG_APDU_TIMEOUT_MS : PULL_APDU_TIMEOUT_MS;
            const { result, sim, ms } = await read([{ at, kind }], digits, readMode, timeoutMs);
            const where = `${kind} at APDU ${at} of ${apdus}`;
            expect(result.ok, where).toBe(false);
            if (!result.ok) expect(result.failure.kind, where).toBe(kind === "hang" ? "timeout" : "no-card");
            expect(10 - sim.triesLeft("surface", 0x0012), where).toBeLessThanOrEqual(1);
            // A pull ends before its APDU timer could have fired (it was seen as a pull); a hang ends
            // on its short timer, long before the session's signal.
            expect(ms, where).toBeLessThan(kind === "hang" ? 2000 : PULL_APDU_TIMEOUT_MS);
          }
        }
      });
    }
  }
});
