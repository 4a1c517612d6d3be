/**
 * The residence-card read procedure against the simulated card: the spec's worked example byte for byte
 * on the wire (別添2), every deck card's authenticity, wrong numbers, and pulling the card at every APDU.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/card/apdu";
import { assessResidence } from "../../../../src/card/residence/authenticity";
import { CardNumber } from "../../../../src/card/residence/card-number";
import { generationOf } from "../../../../src/card/residence/ids";
import { readResidenceCard, type ResidenceFiles } from "../../../../src/card/residence/read";
import type { ResidenceTrust } from "../../../../src/card/residence/trust";
import { ResidenceSimCard } from "../../../../src/card/sim/residence/card";
import { loadResidenceDeck, RESIDENCE_ATR } from "../../../../src/card/sim/residence/deck";
import { X509Certificate } from "node:crypto";

const deck = loadResidenceDeck();
const trust: ResidenceTrust = { anchors: deck.testCas.map((der, i) => ({ cert: new X509Certificate(der), source: `test-ca-${i}` })) };
const TODAY = { year: 2026, month: 12, day: 4 };

function queue(...parts: string[]): (n: number) => Uint8Array {
  const q = parts.map((p) => fromHex(p));
  return (n) => {
    const next = q.shift();
    if (!next || next.length !== n) throw new Error(`unexpected random(${n})`);
    return next;
  };
}

async function read(card: ResidenceSimCard, typed: string, extendedApdu = true) {
  const number = CardNumber.parse(typed);
  if (!number) throw new Error("bad number");
  return readResidenceCard({ transmit: card, number, signal: new AbortController().signal, extendedApdu });
}

describe("the spec's worked example on the wire (別添2) [spec]", () => {
  it("sends MUTUAL AUTHENTICATE, VERIFY and READ BINARY byte for byte", async () => {
    const base = deck.get("rc-genuine").profile;
    const card = new ResidenceSimCard(
      { ...base, cardNumber: new TextEncoder().encode("AA12345678BB") },
      { random: queue("5A6E7E385162B7A3", "19D049490FFF52EEDBFCB930BC810ED0") },
    );
    const number = CardNumber.parse("AA12345678BB");
    if (!number) throw new Error("number");
    const r = await readResidenceCard({
      transmit: card,
      number,
      signal: new AbortController().signal,
      extendedApdu: true,
      random: queue("1122334455667788", "404142434445464748494A4B4C4D4E4F"),
    });
    expect(r.ok).toBe(true);
    const sent = card.received().map((c) => toHex(c.bytes, ""));
    expect(sent).toEqual([
      "00A40000023F00",
      "00B08A0000",
      "0084000008",
      "0082000028" + "937745C20883A1BAD1E04193722A1592378F81A8F1DC589157AEB0F7544FA1BA" + "1AD7FB6A3389E017" + "00",
      "0820008613861101" + "1AA82973DB959A811F9711D728F0EEF6",
      "00A4040C10D392F0004F0200000000000000000000",
      "08B0850000000496020000" + "0000",
      "08B0860000000496020000" + "0000",
      "00A4040C10D392F0004F0400000000000000000000",
      "00B0820000" + "0000",
    ]);
    expect(card.received()[6]?.sw).toBe(0x9000);
  });

  it("the front-image answer starts 86 82 1B 61 01 and decrypts to D0 82 1B 58", async () => {
    const card = deck.get("rc-genuine").makeCard();
    const r = await read(card, "AB12345678CD");
    if (!r.ok) throw new Error(r.failure);
    expect(toHex(r.files.df1ef01.subarray(0, 4))).toBe("D0 82 1B 58");
    expect(r.files.df1ef01.length).toBe(7004);
    expect(r.files.df1ef02.length).toBe(3004);
  });
});

describe("every deck card through the read and the authenticity check", () => {
  for (const c of deck.cards) {
    it(`${c.id}: read ${c.expected.read}, authenticity ${c.expected.authenticity}`, async () => {
      const r = await read(c.makeCard(), c.typed);
      if (c.expected.read === "wrong-code") {
        expect(r.ok ? "ok" : r.failure).toBe("wrong-number");
        // The right number still opens it: nothing was counted.
        const again = await read(c.makeCard(), c.cardNumber);
        expect(again.ok).toBe(true);
        return;
      }
      if (!r.ok) throw new Error(r.failure);
      const a = assessResidence({ files: r.files, generation: generationOf(r.files.cardType), trust, today: TODAY });
      expect(a.result).toBe(c.expected.authenticity);
    });
  }

  it("with no trusted CA every signed card is unknown-ca, never genuine", async () => {
    for (const c of deck.cards.filter((x) => x.signer !== "none" && x.expected.read === "ok")) {
      const r = await read(c.makeCard(), c.typed);
      if (!r.ok) throw new Error(r.failure);
      expect(assessResidence({ files: r.files, generation: generationOf(r.files.cardType), trust: { anchors: [] }, today: TODAY }).result).toBe("unknown-ca");
    }
  });
});

describe("failures", () => {
  it("a wrong number answers 63 00 at MUTUAL AUTHENTICATE, any number of times", async () => {
    const card = deck.get("rc-genuine").makeCard();
    for (let i = 0; i < 5; i++) {
      const r = await read(card, "AB12345678CE");
      expect(r.ok ? "ok" : r.failure).toBe("wrong-number");
    }
    expect((await read(card, "AB12345678CD")).ok).toBe(true);
  });

  it("a reader without extended APDUs is refused before any key is sent", async () => {
    const card = deck.get("rc-genuine").makeCard();
    const r = await read(card, "AB12345678CD", false);
    expect(r.ok ? "ok" : r.failure).toBe("extended-unsupported");
    expect(card.received().map((c) => c.bytes[1])).toEqual([0xa4, 0xb0]);
  });

  it("a card that is not a residence card", async () => {
    const card = new ResidenceSimCard({ atr: RESIDENCE_ATR, generation: 1, cardNumber: new Uint8Array(12), files: new Map() });
    const r = await read(card, "AB12345678CD");
    expect(r.ok ? "ok" : r.failure).toBe("not-residence-card");
  });

  it("pulling the card before or after any APDU gives no-card, never a hang or a throw", async () => {
    const c = deck.get("rc2-genuine");
    const probe = c.makeCard();
    await read(probe, c.typed);
    const n = probe.received().length;
    for (let at = 0; at < n; at++) {
      for (const kind of ["remove-before", "remove-after-execute"] as const) {
        const card = c.makeCard();
        card.setFaults([{ at, kind }]);
        const r = await read(card, c.typed);
        expect(r.ok ? "ok" : r.failure).toBe("no-card");
      }
    }
  });

  it("garbage answers are typed failures (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 64 }), async (at, bytes) => {
        const card = deck.get("rc-genuine").makeCard();
        card.setFaults([{ at, kind: "respond", bytes }]);
        const r = await read(card, "AB12345678CD");
        if (!r.ok) expect(["malformed", "status", "not-residence-card", "wrong-number", "transport"]).toContain(r.failure);
      }),
      { numRuns: 300 },
    );
  });
});

describe("a byte flip anywhere in the signed data is never genuine", () => {
  it("first generation (front image, photo, check code, certificate)", async () => {
    const r = await read(deck.get("rc-genuine").makeCard(), "AB12345678CD");
    if (!r.ok) throw new Error(r.failure);
    const files = r.files;
    const targets: (keyof Omit<ResidenceFiles, "cardType">)[] = ["df1ef01", "df1ef02", "signature"];
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, pos, mask) => {
        const buf = files[which];
        const signedEnd = which === "signature" ? 4 + 256 + 4 + certLength(buf) : buf.length;
        const i = pos % signedEnd;
        const copy = buf.slice();
        copy[i] = (copy[i] ?? 0) ^ mask;
        const a = assessResidence({ files: { ...files, [which]: copy }, generation: 1, trust, today: TODAY });
        expect(a.result).not.toBe("genuine");
      }),
      { numRuns: 2000 },
    );
  });

  it("second generation [2nd layout]", async () => {
    const r = await read(deck.get("rc2-genuine").makeCard(), "RC26040101AA");
    if (!r.ok) throw new Error(r.failure);
    const files = r.files;
    fc.assert(
      fc.property(fc.constantFrom<"printed" | "images2" | "signature">("printed", "images2", "signature"), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, pos, mask) => {
        const buf = files[which];
        let end = buf.length;
        if (which === "signature") while (end > 0 && buf[end - 1] === 0) end--;
        const i = pos % end;
        const copy = buf.slice();
        copy[i] = (copy[i] ?? 0) ^ mask;
        const a = assessResidence({ files: { ...files, [which]: copy }, generation: 2, trust, today: TODAY });
        expect(a.result).not.toBe("genuine");
      }),
      { numRuns: 1000 },
    );
  });
});

/** The DB object's length in DF3 EF01 (DA 82 01 00 ‖ 256 ‖ DB 82 LL LL ‖ cert). */
function certLength(sig: Uint8Array): number {
  return ((sig[262] ?? 0) << 8) | (sig[263] ?? 0);
}
