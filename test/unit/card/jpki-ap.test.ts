import { X509Certificate } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Card } from "../../../src/card/card";
import { JpkiAp, tokenKind } from "../../../src/card/mynumber/jpki-ap";
import { loadDeck } from "../../../src/card/sim/deck";

const deck = loadDeck();
const signal = () => new AbortController().signal;

describe("JPKI-AP on the simulated card", () => {
  it("identifies a My Number card by its token label, not its ATR", async () => {
    const card = new Card({ transmit: deck.card("senior").makeCard() });
    const jpki = await JpkiAp.select(card, signal());
    const label = await jpki.tokenLabel(signal());
    expect(label).toBe("JPKIAPICCTOKEN2");
    expect(tokenKind(label)).toBe("my-number-card");
    expect(tokenKind("JPKIAPGPSETOKEN")).toBe("android");
  });

  it("serves a DER user-authentication certificate issued by the deck's JPKI test CA", async () => {
    const card = new Card({ transmit: deck.card("foreign").makeCard() });
    const der = await (await JpkiAp.select(card, signal())).authCertificate(signal());
    const cert = new X509Certificate(Buffer.from(der));
    expect(cert.subject).toContain("C=JP");
    expect(cert.issuer).toContain("JPKI-TEST-MYNAGUARD");
  });

  it("answers 6A82 to the JPKI AID on a card that is not a My Number card", async () => {
    const card = new Card({ transmit: deck.card("not-my-number").makeCard() });
    await expect(JpkiAp.select(card, signal())).rejects.toMatchObject({ problem: { kind: "not-found" } });
  });
});

describe("the simulator under random commands", () => {
  it("answers every byte string with a status word and never throws (fuzz, 5,000 cases)", async () => {
    const card = deck.card("heisei-1").makeCard();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 40 }), async (cmd) => {
        const r = await card.transmit(cmd, signal());
        return r.length >= 2;
      }),
      { numRuns: 5000 },
    );
  });
});
