import { describe, expect, it } from "vitest";
import { LicencePin } from "../../../../src/card/licence/pin";
import { LicenceSession, readLicence, type LicenceReadResult } from "../../../../src/card/licence/read";
import { licenceCard } from "../../../../src/card/sim/licence/deck";
import type { LicenceSimCard } from "../../../../src/card/sim/licence/card";
import { parseAsciiDate } from "../../../../src/age/date";

const pin = (s: string) => {
  const p = LicencePin.fromDigits(s);
  if (!p) throw new Error("bad test PIN");
  return p;
};

/** Commands with a PIN (VERIFY with data) the card received. */
const verifies = (c: LicenceSimCard) => c.received().filter((r) => r.bytes[1] === 0x20 && r.bytes.length > 5);
const pin2Commands = (c: LicenceSimCard) => c.received().filter((r) => r.bytes[1] === 0x20 && r.bytes[3] === 0x82);

async function read(card: LicenceSimCard, digits: string, session = new LicenceSession()): Promise<LicenceReadResult> {
  return readLicence({ transmit: card, pin: pin(digits), session, signal: new AbortController().signal, apduTimeoutMs: 2000 });
}

const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

describe("licence read (simulated card in process)", () => {
  it("reads birth date, expiry, name and licence number with the right PIN; no photo without PIN 2", async () => {
    const deck = licenceCard("licence-showa");
    const card = deck.makeCard();
    const r = await read(card, deck.person.pin);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entries.birthDate).toEqual({ year: 1975, month: 6, day: 1 });
    expect(r.entries.expiry).toEqual({ year: 2029, month: 7, day: 1 });
    expect(utf8(r.entries.nameUtf8)).toBe("山田　花子");
    expect(utf8(r.entries.licenceNumber)).toBe("309912345670");
    expect(r.photo).toBeNull();
    expect(r.triesLeftBefore).toBe(3);
    expect(card.triesLeft(1)).toBe(3);
    expect(verifies(card)).toHaveLength(1);
    expect(pin2Commands(card)).toHaveLength(0);
    // the PIN went to P2 81 with the MF selected
    const v = verifies(card)[0];
    expect([...(v?.bytes.subarray(0, 5) ?? [])]).toEqual([0x00, 0x20, 0x00, 0x81, 0x04]);
    r.purge();
    expect(r.entries.nameUtf8.every((x) => x === 0)).toBe(true);
  });

  it("returns the JPEG 2000 codestream when a card gives the photo with PIN 1 (counterfactual card)", async () => {
    const deck = licenceCard("licence-showa");
    const card = deck.makeCard({ photoNeedsPin2: false });
    const r = await read(card, deck.person.pin);
    expect(r.ok && r.photo).toBeTruthy();
    if (!r.ok || !r.photo) return;
    expect([...r.photo.subarray(0, 4)]).toEqual([0xff, 0x4f, 0xff, 0x51]);
    expect(r.photo.length).toBe(2000);
  });

  it.each([2, 1])("with %i tries left: refused, and no VERIFY with a PIN is sent", async (tries) => {
    const deck = licenceCard("licence-showa");
    const card = deck.makeCard({ triesLeft: tries });
    const r = await read(card, deck.person.pin);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toEqual({ kind: "refused", reason: "low-tries", triesLeft: tries });
    expect(verifies(card)).toHaveLength(0);
    expect(card.triesLeft(1)).toBe(tries);
  });

  it("blocked: no VERIFY with a PIN", async () => {
    const card = licenceCard("licence-blocked").makeCard();
    const r = await read(card, "2468");
    expect(!r.ok && r.failure).toEqual({ kind: "blocked" });
    expect(verifies(card)).toHaveLength(0);
  });

  it("a wrong PIN spends exactly one try, and the session sends no second VERIFY even with the right one", async () => {
    const deck = licenceCard("licence-wrong-pin");
    const card = deck.makeCard();
    const session = new LicenceSession();
    const r = await read(card, deck.person.demoPin, session);
    expect(!r.ok && r.failure).toEqual({ kind: "wrong-pin", triesLeft: 2 });
    expect(card.triesLeft(1)).toBe(2);
    const again = await read(card, deck.person.pin, session);
    expect(!again.ok && again.failure.kind).toBe("refused");
    expect(verifies(card)).toHaveLength(1);
    expect(card.triesLeft(1)).toBe(2);
  });

  it("one VERIFY per session even after a successful one (a re-read after a pull)", async () => {
    const deck = licenceCard("licence-showa");
    const card = deck.makeCard();
    const session = new LicenceSession();
    expect((await read(card, deck.person.pin, session)).ok).toBe(true);
    card.remove();
    card.insert();
    const again = await read(card, deck.person.pin, session);
    expect(!again.ok && again.failure).toEqual({ kind: "refused", reason: "verify-already-sent", triesLeft: 3 });
    expect(verifies(card)).toHaveLength(1);
  });

  it("a card answering 9000 to the empty VERIFY gets no PIN (tries unknown)", async () => {
    const deck = licenceCard("licence-showa");
    const card = deck.makeCard();
    card.setFaults([{ at: 2, kind: "respond", bytes: Uint8Array.of(0x90, 0x00) }]);
    const r = await read(card, deck.person.pin);
    expect(!r.ok && r.failure.kind).toBe("tries-unknown");
    expect(verifies(card)).toHaveLength(0);
  });

  it("a My Number card is not a licence: SELECT DF1 fails, nothing else is sent", async () => {
    const { loadDeck } = await import("../../../../src/card/sim/deck");
    const card = loadDeck().card("heisei-1").makeCard();
    const r = await readLicence({ transmit: card, pin: pin("1234"), session: new LicenceSession(), signal: new AbortController().signal });
    expect(!r.ok && r.failure).toEqual({ kind: "not-a-licence" });
    expect(card.received()).toHaveLength(1);
  });

  it("a birth date with an invalid era code is not a date (not sure)", async () => {
    const deck = licenceCard("licence-showa");
    const card = deck.makeCard({ birthBytes: Uint8Array.from("6500601", (c) => c.charCodeAt(0)) });
    const r = await read(card, deck.person.pin);
    expect(r.ok && r.entries.birthDate).toBeNull();
  });

  it("expiry written as 平成33年 reads as 2021-03-31", async () => {
    const deck = licenceCard("licence-expired");
    const r = await read(deck.makeCard(), deck.person.pin);
    expect(r.ok && r.entries.expiry).toEqual({ year: 2021, month: 3, day: 31 });
    expect(parseAsciiDate(Uint8Array.from("20210331", (c) => c.charCodeAt(0)))).toEqual({ year: 2021, month: 3, day: 31 });
  });

  describe("a card pulled or hanging at any APDU: at most one try spent, always an answer", () => {
    const deck = licenceCard("licence-showa");
    const total = (() => {
      const c = deck.makeCard();
      return c;
    })();
    it("counts the APDUs of a full read", async () => {
      const r = await read(total, deck.person.pin);
      expect(r.ok).toBe(true);
      expect(total.received().length).toBeGreaterThan(8);
    });

    it.each(["remove-before", "remove-after-execute", "hang"] as const)("%s at every index", async (kind) => {
      const n = deck.makeCard();
      await read(n, deck.person.pin);
      const count = n.received().length;
      for (let at = 0; at < count; at++) {
        const card = deck.makeCard({ triesLeft: 3 });
        card.setFaults([{ at, kind }]);
        const ac = new AbortController();
        const r = await Promise.race([
          readLicence({ transmit: card, pin: pin("0000"), session: new LicenceSession(), signal: ac.signal, apduTimeoutMs: 200 }),
          new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 3000)),
        ]);
        ac.abort();
        expect(r, `fault ${kind} at ${at}`).not.toBe("hung");
        if (r === "hung") return;
        expect(r.ok).toBe(false);
        expect(3 - card.triesLeft(1), `fault ${kind} at ${at}`).toBeLessThanOrEqual(1);
        expect(verifies(card).length).toBeLessThanOrEqual(1);
      }
    });
  });
});
