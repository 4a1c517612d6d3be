/**
 * The IC driver's licence through the real PC/SC stack (a private pcscd + vsmartcard-vpcd + the
 * pcsclite binding, helpers/pcscd.ts), with the simulated licences of src/card/sim/licence at the
 * 212 kbit/s latency model. Assertions are on the simulator's own log of the APDUs it received:
 * - fewer than 3 tries left (2, 1) or blocked: refused, and no VERIFY carrying a PIN reached the card;
 * - a wrong PIN spends exactly one try; never PIN 2;
 * - the card pulled after executing any APDU of the read (right or wrong PIN): a typed no-card within
 *   a bound, and at most one try spent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicencePin } from "../../../src/card/licence/pin";
import { LicenceSession, readLicence, type LicenceReadResult } from "../../../src/card/licence/read";
import { openPcscReader, type PcscReader } from "../../../src/card/pcsc";
import type { LicenceSimCard } from "../../../src/card/sim/licence/card";
import { licenceCard } from "../../../src/card/sim/licence/deck";
import { LATENCY_212K } from "../../../src/card/sim/latency";
import { startPcscd, VPCD_READER, waitFor, type PcscdHarness } from "../helpers/pcscd";

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

const withPin = (card: LicenceSimCard) => card.received().filter((c) => c.bytes[1] === 0x20 && c.bytes.length > 5);
const pin2 = (card: LicenceSimCard) => card.received().filter((c) => c.bytes[1] === 0x20 && c.bytes[3] === 0x82);

async function readOn(sim: LicenceSimCard, digits: string, session = new LicenceSession()): Promise<{ result: LicenceReadResult; ms: number }> {
  await pcscd.serve(sim);
  await waitFor("pcscd to see the card", () => port.cardPresent() !== null, 5000);
  const t0 = Date.now();
  const signal = AbortSignal.timeout(15_000);
  const channel = await port.connect(signal);
  const pin = LicencePin.fromDigits(digits);
  if (!pin) throw new Error("bad test PIN");
  try {
    const result = await readLicence({ transmit: channel, pin, session, signal });
    return { result, ms: Date.now() - t0 };
  } finally {
    pin.wipe();
    await channel.disconnect();
  }
}

const latency = { deps: { latency: LATENCY_212K } };

describe("IC driver's licence through real pcscd + vpcd", () => {
  const showa = licenceCard("licence-showa");

  it("reads with the right PIN 1: one VERIFY, dates converted from the era code, no PIN 2", async () => {
    const sim = showa.makeCard(latency);
    const { result } = await readOn(sim, showa.person.pin);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.entries.birthDate).toEqual({ year: 1975, month: 6, day: 1 });
    expect(result.entries.expiry).toEqual({ year: 2029, month: 7, day: 1 });
    expect(result.photo).toBeNull(); // the photo needs PIN 2 (reference §1.2), never sent
    expect(withPin(sim)).toHaveLength(1);
    expect(pin2(sim)).toHaveLength(0);
    expect(sim.triesLeft(1)).toBe(3);
    result.purge();
  });

  it.each([
    ["licence-two-tries", 2, { kind: "refused", reason: "low-tries", triesLeft: 2 }],
    ["licence-showa", 1, { kind: "refused", reason: "low-tries", triesLeft: 1 }],
    ["licence-blocked", 0, { kind: "blocked" }],
  ] as const)("%s with %i tries left: refused without any VERIFY carrying a PIN", async (id, tries, failure) => {
    const deck = licenceCard(id);
    const sim = deck.makeCard({ triesLeft: tries, ...latency });
    const { result } = await readOn(sim, deck.person.pin);
    expect(!result.ok && result.failure).toEqual(failure);
    expect(withPin(sim)).toHaveLength(0);
    expect(pin2(sim)).toHaveLength(0);
    expect(sim.triesLeft(1)).toBe(tries);
    // what did reach the card: SELECT DF1, SELECT MF, the empty VERIFY — nothing else
    expect(sim.received().map((c) => c.bytes[1])).toEqual([0xa4, 0xa4, 0x20]);
  });

  it("a wrong PIN spends exactly one try, and the same session sends no second VERIFY", async () => {
    const deck = licenceCard("licence-wrong-pin");
    const sim = deck.makeCard(latency);
    const session = new LicenceSession();
    const first = await readOn(sim, deck.person.demoPin, session);
    expect(!first.result.ok && first.result.failure).toEqual({ kind: "wrong-pin", triesLeft: 2 });
    expect(sim.triesLeft(1)).toBe(2);
    const second = await readOn(sim, deck.person.pin, session);
    expect(!second.result.ok && second.result.failure.kind).toBe("refused");
    expect(withPin(sim)).toHaveLength(1);
    expect(sim.triesLeft(1)).toBe(2);
  });

  for (const variant of [
    { name: "the right PIN", digits: showa.person.pin },
    { name: "a wrong PIN", digits: "0000" },
  ]) {
    it(`pulled after executing any APDU, with ${variant.name}: no-card in bounded time, at most one try spent`, async () => {
      const baseline = await readOn(showa.makeCard(), variant.digits);
      const apdus = baseline.result.apdus;
      expect(apdus).toBeGreaterThan(3);
      for (let i = 0; i < apdus; i++) {
        const sim = showa.makeCard();
        sim.setFaults([{ at: i, kind: "remove-after-execute" }]);
        const { result, ms } = await readOn(sim, variant.digits);
        const where = `pulled after executing APDU ${i} of ${apdus}`;
        expect(result.ok, where).toBe(false);
        if (!result.ok) expect(result.failure.kind, where).toBe("no-card");
        expect(sim.received().length, where).toBe(i + 1);
        expect(3 - sim.triesLeft(1), where).toBeLessThanOrEqual(1);
        expect(withPin(sim).length, where).toBeLessThanOrEqual(1);
        expect(ms, where).toBeLessThan(5000);
      }
    });
  }
});
