/**
 * Issue 17 acceptance: the residence card / SPR certificate through the real PC/SC stack (a private
 * pcscd + vsmartcard-vpcd + the pcsclite binding, helpers/pcscd.ts), every simulated deck card
 * (src/card/sim/residence/deck.json) answering real secure-messaging APDUs at the 212 kbit/s latency
 * model, read by the residence document kind as the daemon wires it — with the REAL OCR (tesseract) on
 * the signed front image for first-generation cards — and judged by the flow's chip rule:
 * - every deck card gives its expected read result, authenticity and verdict (default policy: 20+,
 *   genuine chip required, expired refused);
 * - a wrong number answers 63 00 and costs nothing on the card (the right number still opens it),
 *   and the kind sends at most 2 wrong numbers a session (the third is refused before any APDU);
 * - the card pulled after executing any APDU of the read (right or wrong number): a typed no-card in
 *   bounded time, never a hang.
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarDate } from "../../../src/age/date";
import { openPcscReader, type PcscReader } from "../../../src/card/pcsc";
import { LATENCY_212K } from "../../../src/card/sim/latency";
import type { ResidenceSimCard } from "../../../src/card/sim/residence/card";
import { loadResidenceDeck } from "../../../src/card/sim/residence/deck";
import type { OcrPort } from "../../../src/cardfront/ocr";
import { createBirthFromImage, createExpiryFromImage } from "../../../src/cardfront/residence";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";
import { residenceKind, WRONG_NUMBERS_PER_SESSION } from "../../../src/documents/residence";
import type { ChipReadResult, DocumentKind } from "../../../src/documents/types";
import { chipFacts, chipVerdict, type FlowPolicy } from "../../../src/flow/outcome";
import { memoryLogger } from "../../../src/log";
import { startPcscd, VPCD_READER, waitFor, type PcscdHarness } from "../helpers/pcscd";

const TODAY: CalendarDate = { year: 2026, month: 12, day: 5 };
const POLICY: FlowPolicy = { minimumAge: 20, requireGenuineChip: true, requireFaceMatch: false, refuseExpired: true, minTriesLeft: 3 };
const deck = loadResidenceDeck();
const trust = { anchors: deck.testCas.map((der) => ({ cert: new X509Certificate(der), source: "test" })) };

let pcscd: PcscdHarness;
let port: PcscReader;
let ocr: OcrPort;

beforeAll(async () => {
  pcscd = await startPcscd();
  port = await openPcscReader({ readerName: VPCD_READER, transmitTimeoutMs: 3000 });
  ocr = await createTesseractOcr();
}, 60_000);
afterAll(async () => {
  await ocr.close();
  await port.close();
  await pcscd.stop();
});

function kind(): DocumentKind {
  const today = () => TODAY;
  return residenceKind({
    trust,
    birthFromImage: createBirthFromImage({ ocr, today }),
    expiryFromImage: createExpiryFromImage({ ocr, today }),
    readFront: null,
    log: memoryLogger(),
  });
}

async function readOn(k: DocumentKind, sim: ResidenceSimCard, typed: string): Promise<{ result: ChipReadResult; ms: number }> {
  await pcscd.serve(sim);
  await waitFor("pcscd to see the card", () => port.cardPresent() !== null, 5000);
  const entry = k.checkEntry({ cardNumber: typed }, TODAY);
  if (!entry.ok) throw new Error(entry.problem);
  const t0 = Date.now();
  const signal = AbortSignal.timeout(20_000);
  const channel = await port.connect(signal);
  try {
    const result = await k.read(channel, entry.key, { signal, onProgress: () => undefined });
    return { result, ms: Date.now() - t0 };
  } finally {
    await channel.disconnect();
  }
}

const latency = { latency: LATENCY_212K };
const sws = (sim: ResidenceSimCard) => sim.received().map((c) => c.sw);
/** Commands the card refused with 63 00 (a wrong card number; which command answers it — the
 *  mutual authentication in the simulator — is a guess, see src/card/sim/residence/card.ts). */
const refused = (sim: ResidenceSimCard) => sim.received().filter((c) => c.sw === 0x6300);

describe("residence deck through real pcscd + vpcd", () => {
  for (const c of deck.cards) {
    it(`${c.id}: ${c.expected.read} / ${c.expected.authenticity} → ${c.expected.verdict}`, async () => {
      const k = kind();
      const sim = c.makeCard(latency);
      const { result } = await readOn(k, sim, c.typed);
      if (c.expected.read === "wrong-code") {
        expect(result).toEqual({ kind: "wrong-code", triesLeft: WRONG_NUMBERS_PER_SESSION - 1 });
        expect(sws(sim)).toContain(0x6300);
        return;
      }
      if (result.kind !== "ok") throw new Error(`${c.id}: ${result.kind}`);
      try {
        const auth = await k.assess(result.data, result.evidence, TODAY);
        expect(auth).toBe(c.expected.authenticity);
        const v = chipVerdict(chipFacts(result.data.birthDate, result.data.expiry, TODAY), auth, POLICY, "residence");
        expect(v?.outcome ?? "pass").toBe(c.expected.verdict);
        // A genuine first-generation card passes only because the OCR read its birth date and
        // validity from the signed image: exact, as printed there.
        if (c.expected.verdict === "pass") {
          expect(new TextDecoder().decode(result.data.birthDate)).toBe(c.birth.replace(/-/g, ""));
          expect(new TextDecoder().decode(result.data.expiry)).toBe(c.expiry.replace(/-/g, ""));
        }
        // The attended view gets the chip's front image (PNG) and, when signed, its photo.
        expect(result.data.images[0]?.png.subarray(1, 4)).toEqual(Uint8Array.of(0x50, 0x4e, 0x47));
        expect(result.data.portrait.length > 0).toBe(c.signer !== "none");
      } finally {
        result.evidence.wipe();
      }
    }, 60_000);
  }

  it(`a wrong number answers 63 00 and costs nothing; at most ${String(WRONG_NUMBERS_PER_SESSION)} a session`, async () => {
    const c = deck.get("rc-wrong-number");
    const sim = c.makeCard(latency);
    const k = kind();
    const first = await readOn(k, sim, c.typed);
    expect(first.result).toEqual({ kind: "wrong-code", triesLeft: 1 });
    const second = await readOn(k, sim, c.typed);
    expect(second.result).toEqual({ kind: "wrong-code", triesLeft: 0 });
    const sent = sim.received().length;
    expect(refused(sim)).toHaveLength(2);
    // The third try in the same session is refused by the kiosk: nothing more reaches the card.
    const third = await readOn(k, sim, c.typed);
    expect(third.result).toEqual({ kind: "refused-low-tries", triesLeft: 0 });
    expect(sim.received().length).toBe(sent);
    // Next session, the right number: the card was not locked by the two wrong ones.
    k.endSession?.();
    const right = await readOn(k, sim, c.cardNumber);
    expect(right.result.kind).toBe("ok");
    if (right.result.kind === "ok") {
      expect(await k.assess(right.result.data, right.result.evidence, TODAY)).toBe("genuine");
      right.result.evidence.wipe();
    }
  }, 120_000);

  for (const variant of [
    { name: "the right number", id: "rc-genuine", wrong: false },
    { name: "a wrong number", id: "rc-wrong-number", wrong: true },
  ]) {
    it(`pulled after executing any APDU, with ${variant.name}: a typed no-card in bounded time`, async () => {
      const c = deck.get(variant.id);
      const typed = variant.wrong ? c.typed : c.cardNumber;
      // Baseline (no OCR needed: only the APDU count matters).
      const base = c.makeCard();
      const baseline = await readOn(kind(), base, typed);
      const apdus = base.received().length;
      if (baseline.result.kind === "ok") baseline.result.evidence.wipe();
      expect(apdus).toBeGreaterThan(3);
      for (let i = 0; i < apdus; i++) {
        const sim = c.makeCard();
        sim.setFaults([{ at: i, kind: "remove-after-execute" }]);
        const { result, ms } = await readOn(kind(), sim, typed);
        const where = `pulled after executing APDU ${String(i)} of ${String(apdus)}`;
        expect(result.kind, where).toBe("no-card");
        expect(sim.received().length, where).toBe(i + 1);
        expect(ms, where).toBeLessThan(5000);
      }
    }, 300_000);
  }
});
