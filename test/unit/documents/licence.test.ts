import { describe, expect, it } from "vitest";
import { MYNA_LICENCE_AP_AID } from "../../../src/card/licence/ids";
import type { CardChannel } from "../../../src/card/reader";
import { loadDeck } from "../../../src/card/sim/deck";
import { SimulatedCard } from "../../../src/card/sim/card";
import { licenceCard } from "../../../src/card/sim/licence/deck";
import type { LicenceSimCard } from "../../../src/card/sim/licence/card";
import { SURFACE_AID } from "../../../src/card/mynumber/ids";
import { licenceKind, LICENCE_KIND } from "../../../src/documents/licence";
import { createRegistry, recognise } from "../../../src/documents/registry";
import type { DocumentKind, ReadContext } from "../../../src/documents/types";
import { memoryLogger } from "../../../src/log";

const today = { year: 2026, month: 12, day: 4 };
const ctx = (): ReadContext => ({ signal: new AbortController().signal, onProgress: () => undefined });
const channel = (card: { atr: Uint8Array; transmit: CardChannel["transmit"] }): CardChannel => ({
  reader: "test",
  atr: card.atr,
  extendedApdu: false,
  transmit: (c, s) => card.transmit(c, s),
  disconnect: () => Promise.resolve(),
});
const ascii = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** Recognition only: the My Number kind's real probe (SELECT 券面AP), nothing else. */
const myNumberStub: DocumentKind = {
  info: { kind: "mynumber", accessKey: { key: "code-b", catalogue: "doc.mynumber", picture: null, initial: {}, choices: [], groups: [] }, tries: { counter: "none" } },
  recognition: { probes: [{ select: "aid", aid: SURFACE_AID }] },
  checkEntry: () => ({ ok: false, problem: "x:y" }),
  entryProblem: () => null,
  read: () => Promise.resolve({ kind: "no-card" }),
  assess: () => Promise.resolve("could-not-check"),
};

/** A My Number card that also carries the マイナ免許証 application (AID …31 06…). */
function myNumberWithLicenceAp(): SimulatedCard {
  const profile = loadDeck().card("heisei-1").profile();
  return new SimulatedCard({
    ...profile,
    applications: [...profile.applications, { name: "myna-licence", aid: MYNA_LICENCE_AP_AID, files: [], keys: [], signers: [], internalAuthenticateSw: 0x6982 }],
  });
}

describe("licence kind", () => {
  const log = memoryLogger();
  const kind = licenceKind({ log });

  it("declares PIN 1 (4 digits, masked) and the tries rule: refuse unless all 3 remain", () => {
    expect(kind.info.kind).toBe(LICENCE_KIND);
    expect(kind.info.tries).toEqual({ counter: "card", minLeftToSpend: 3 });
    expect(kind.info.accessKey.groups).toEqual([{ id: "pin", fields: [{ id: "pin", charset: "digits", length: 4, masked: true }] }]);
    expect("readFront" in kind).toBe(false);
  });

  it.each([
    [{}, "pin:missing"],
    [{ pin: "12a4" }, "pin:not-a-number"],
    [{ pin: "123" }, "pin:not-4-digits"],
    [{ pin: "12345" }, "pin:not-4-digits"],
  ])("entry %o → %s", (entry, problem) => {
    expect(kind.entryProblem(entry, today)).toBe(problem);
    expect(kind.checkEntry(entry, today)).toEqual({ ok: false, problem });
  });

  it("a plausible PIN becomes a key that prints as [redacted]", () => {
    const c = kind.checkEntry({ pin: "4821" }, today);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(`${c.key as unknown as string}`).toBe("[redacted]");
    expect(JSON.stringify({ k: c.key })).not.toContain("4821");
  });

  async function readWith(card: LicenceSimCard, pin: string, k: DocumentKind = kind) {
    const c = k.checkEntry({ pin }, today);
    if (!c.ok) throw new Error("entry");
    return k.read(channel(card), c.key, ctx());
  }

  it("reads the document data: Gregorian dates, name and licence number for staff, no portrait without PIN 2", async () => {
    const card = licenceCard("licence-showa").makeCard();
    const r = await readWith(card, "4821");
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(ascii(r.data.birthDate)).toBe("19750601");
    expect(ascii(r.data.expiry)).toBe("20290701");
    expect(r.data.portrait.length).toBe(0);
    expect(r.data.text.map((t) => t.label)).toEqual(["name", "licence-number"]);
    expect(new TextDecoder().decode(r.data.text[0]?.ascii)).toBe("山田　花子");
    expect(await kind.assess(r.data, r.evidence, today)).toBe("not-verifiable");
    // nothing personal in the log
    const all = log.lines.join("");
    for (const s of ["4821", "1975", "19750601", "309912345670", "山田"]) expect(all).not.toContain(s);
    kind.endSession?.();
  });

  it("maps the card's answers: wrong PIN, refused, blocked; endSession allows the next session its VERIFY", async () => {
    const wrong = licenceCard("licence-wrong-pin").makeCard();
    expect(await readWith(wrong, "1111")).toEqual({ kind: "wrong-code", triesLeft: 2 });
    expect(await readWith(wrong, "8642")).toEqual({ kind: "refused-low-tries", triesLeft: 2 });
    kind.endSession?.();
    const fresh = licenceCard("licence-showa").makeCard();
    expect((await readWith(fresh, "4821")).kind).toBe("ok");
    expect(await readWith(licenceCard("licence-two-tries").makeCard(), "1357")).toEqual({ kind: "refused-low-tries", triesLeft: 2 });
    expect(await readWith(licenceCard("licence-blocked").makeCard(), "2468")).toEqual({ kind: "blocked" });
    kind.endSession?.();
  });

  it("a licence with a birth date that is no date is a read error (not sure), never a guess", async () => {
    const k = licenceKind({ log: memoryLogger() });
    const card = licenceCard("licence-showa").makeCard({ birthBytes: Uint8Array.from("0500601", (c) => c.charCodeAt(0)) });
    expect(await readWith(card, "4821", k)).toEqual({ kind: "read-error", detail: "malformed" });
  });

  describe("recognition (no secret)", () => {
    const signal = new AbortController().signal;
    const withAtr = (c: { atr: Uint8Array; transmit: CardChannel["transmit"] }) => ({ atr: c.atr, transmit: c.transmit.bind(c) });

    it("a licence is recognised as the licence, in either registration order, with SELECTs only", async () => {
      for (const order of [[myNumberStub, kind], [kind, myNumberStub]]) {
        const card = licenceCard("licence-showa").makeCard();
        const r = await recognise(createRegistry(order), withAtr(card), signal);
        expect(r.kind === "known" && r.document.info.kind).toBe(LICENCE_KIND);
        expect(card.received().every((c) => c.bytes[1] === 0xa4)).toBe(true);
      }
    });

    it("a My Number card carrying the マイナ免許証 application is the My Number card, even with the licence registered first", async () => {
      for (const order of [[myNumberStub, kind], [kind, myNumberStub]]) {
        const r = await recognise(createRegistry(order), withAtr(myNumberWithLicenceAp()), signal);
        expect(r.kind === "known" && r.document.info.kind).toBe("mynumber");
      }
    });

    it("the licence kind alone does not take a My Number card (with or without the licence application)", async () => {
      for (const card of [myNumberWithLicenceAp(), loadDeck().card("heisei-1").makeCard()]) {
        expect((await recognise(createRegistry([kind]), withAtr(card), signal)).kind).toBe("unsupported");
      }
    });
  });
});
