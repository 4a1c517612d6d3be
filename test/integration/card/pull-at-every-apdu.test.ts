/**
 * Bad input: the card leaves the field at every APDU index of the kiosk's read, through real pcscd +
 * vpcd + pcsclite. The simulated card executes command i and then leaves before its answer reaches
 * the reader (the harshest case: a VERIFY may have counted). Every pull must end in a typed no-card
 * within a bound, and at most one try may be spent. Extended read mode keeps the loop short (vpcd
 * adds ~45 ms per APDU); the short-mode loop runs in-process in test/contract/reader-pull.test.ts.
 * Each run has its own pcscd on a private socket (helpers/pcscd.ts).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCardFace, type ReadFaceResult } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { openPcscReader, type PcscReader } from "../../../src/card/pcsc";
import { CodeB } from "../../../src/card/secret";
import type { SimulatedCard } from "../../../src/card/sim/card";
import { loadDeck } from "../../../src/card/sim/deck";
import { startPcscd, VPCD_READER, waitFor, type PcscdHarness } from "../helpers/pcscd";

const deck = loadDeck();
const person = deck.card("heisei-1");
let pcscd: PcscdHarness;
let port: PcscReader;

beforeAll(async () => {
  pcscd = await startPcscd();
  port = await openPcscReader({ readerName: VPCD_READER, transmitTimeoutMs: 3000 });
});
afterAll(async () => {
  await port.close();
  await pcscd.stop();
});

async function readOn(sim: SimulatedCard, digits: string): Promise<{ result: ReadFaceResult; ms: number }> {
  await pcscd.serve(sim);
  await waitFor("pcscd to see the card", () => port.cardPresent() !== null, 5000);
  const t0 = Date.now();
  const signal = AbortSignal.timeout(15_000);
  const channel = await port.connect(signal);
  const code = CodeB.fromDigits(digits);
  if (!code) throw new Error("bad test code");
  try {
    const result = await readCardFace({
      transmit: channel,
      code,
      nonce: new Uint8Array(randomBytes(32)),
      guard: new RetryGuard(),
      signal,
      readMode: "extended",
    });
    return { result, ms: Date.now() - t0 };
  } finally {
    code.wipe();
    await channel.disconnect();
  }
}

describe("pulling the card at every APDU index through real pcscd", () => {
  for (const variant of [
    { name: "the right code", digits: person.codeB },
    { name: "a wrong code", digits: person.codeB.slice(0, 10) + "0000" },
  ]) {
    it(`never hangs and never spends more than one try, with ${variant.name}`, async () => {
      const baseline = await readOn(person.makeCard(), variant.digits);
      const apdus = baseline.result.stats.apdus;
      expect(apdus).toBeGreaterThan(3);
      for (let i = 0; i < apdus; i++) {
        const sim = person.makeCard();
        sim.setFaults([{ at: i, kind: "remove-after-execute" }]);
        const { result, ms } = await readOn(sim, variant.digits);
        const where = `pulled after executing APDU ${i} of ${apdus}`;
        expect(result.ok, where).toBe(false);
        if (!result.ok) expect(result.failure.kind, where).toBe("no-card");
        expect(sim.received().length, where).toBe(i + 1);
        expect(10 - sim.triesLeft("surface", 0x0012), where).toBeLessThanOrEqual(1);
        expect(ms, where).toBeLessThan(5000);
      }
    });
  }
});
