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
const APDU_TIMEOUT_MS = 150;

async function read(faults: SimFault[], digits: string, readMode: "short" | "extended") {
  const sim = person.makeCard();
  sim.setFaults(faults);
  const reader = await openSimReader({ card: sim, transmitTimeoutMs: 1000 });
  const code = CodeB.fromDigits(digits);
  if (!code) throw new Error("bad test code");
  const t0 = performance.now();
  const signal = AbortSignal.timeout(5000);
  const channel = await reader.connect(signal);
  const result = await readCardFace({
    transmit: channel,
    code,
    nonce: new Uint8Array(32).fill(7),
    guard: new RetryGuard(),
    signal,
    readMode,
    apduTimeoutMs: APDU_TIMEOUT_MS,
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
            const { result, sim, ms } = await read([{ at, kind }], digits, readMode);
            const where = `${kind} at APDU ${at} of ${apdus}`;
            expect(result.ok, where).toBe(false);
            if (!result.ok) expect(result.failure.kind, where).toBe(kind === "hang" ? "timeout" : "no-card");
            expect(10 - sim.triesLeft("surface", 0x0012), where).toBeLessThanOrEqual(1);
            expect(ms, where).toBeLessThan(2000);
          }
        }
      });
    }
  }
});
