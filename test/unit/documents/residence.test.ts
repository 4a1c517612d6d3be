/**
 * The residence kind over the simulated deck cards: entry rules, the per-session limit of wrong numbers,
 * the document data each card yields and its authenticity. The OCR ports are TEST FAKES here that
 * answer the deck's printed dates (the real readers are the OCR side's, tested there); one fake is
 * never sure, to show that "not sure" yields no birth date (refer).
 */
import { X509Certificate } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { parseIsoDate, type CalendarDate } from "../../../src/age/date";
import type { CardChannel } from "../../../src/card/reader";
import type { ResidenceSimCard } from "../../../src/card/sim/residence/card";
import { loadResidenceDeck } from "../../../src/card/sim/residence/deck";
import { residenceKind, WRONG_NUMBERS_PER_SESSION } from "../../../src/documents/residence";
import type { BirthFromImage, ExpiryFromImage } from "../../../src/documents/residence/ports";
import type { ChipReadResult, DocumentKind } from "../../../src/documents/types";
import { memoryLogger } from "../../../src/log";

const deck = loadResidenceDeck();
const trust = { anchors: deck.testCas.map((der) => ({ cert: new X509Certificate(der), source: "test" })) };
const TODAY: CalendarDate = { year: 2026, month: 12, day: 4 };
const date = (iso: string) => parseIsoDate(iso) ?? { year: 0, month: 0, day: 0 };

function channel(card: ResidenceSimCard, extendedApdu = true): CardChannel {
  return { reader: "test", atr: card.atr, extendedApdu, transmit: (c, s) => card.transmit(c, s), disconnect: () => Promise.resolve() };
}

/** Fakes that "read" the deck entry whose front image this is (by the card number printed in it). */
function fakes(sure: boolean): { birth: BirthFromImage; expiry: ExpiryFromImage; calls: () => number } {
  let calls = 0;
  const entryOf = (tiff: Uint8Array) => deck.cards.find((c) => c.profile.files.get("df1:05")?.subarray(4).every((b, i) => b === tiff[i]) ?? false);
  return {
    birth: (tiff) => {
      calls++;
      const e = entryOf(tiff);
      return Promise.resolve(sure && e ? { kind: "sure", date: date(e.birth) } : { kind: "unsure", reason: "test" });
    },
    expiry: (tiff) => {
      const e = entryOf(tiff);
      return Promise.resolve(sure && e ? { kind: "sure", validUntil: date(e.expiry), stayEnd: e.stayEnd ? date(e.stayEnd) : null } : { kind: "unsure", reason: "test" });
    },
    calls: () => calls,
  };
}

function kind(sure = true): { k: DocumentKind; calls: () => number } {
  const f = fakes(sure);
  return { k: residenceKind({ trust, birthFromImage: f.birth, expiryFromImage: f.expiry, readFront: null, log: memoryLogger() }), calls: f.calls };
}

async function readWith(k: DocumentKind, card: ResidenceSimCard, typed: string): Promise<ChipReadResult> {
  const entry = k.checkEntry({ cardNumber: typed }, TODAY);
  if (!entry.ok) throw new Error(entry.problem);
  return k.read(channel(card), entry.key, { signal: new AbortController().signal, onProgress: () => undefined });
}

const ascii = (b: Uint8Array) => new TextDecoder().decode(b);

describe("entry", () => {
  const { k } = kind();
  it("accepts 2 letters, 8 digits, 2 letters (lower case and spaces normalised)", () => {
    expect(k.checkEntry({ cardNumber: "AB12345678CD" }, TODAY).ok).toBe(true);
    expect(k.checkEntry({ cardNumber: "ab 1234 5678 cd" }, TODAY).ok).toBe(true);
  });
  it("names the problem", () => {
    expect(k.checkEntry({ cardNumber: "" }, TODAY)).toEqual({ ok: false, problem: "cardNumber:missing" });
    expect(k.checkEntry({ cardNumber: "AB1234567CD" }, TODAY)).toEqual({ ok: false, problem: "cardNumber:length" });
    expect(k.checkEntry({ cardNumber: "A112345678CD" }, TODAY)).toEqual({ ok: false, problem: "cardNumber:format" });
    expect(k.entryProblem({ cardNumber: "AB12" }, TODAY)).toBeNull();
    expect(k.entryProblem({ cardNumber: "AB1234567XCD" }, TODAY)).toBe("cardNumber:format");
  });
  it("the key prints as [redacted]", () => {
    const e = k.checkEntry({ cardNumber: "AB12345678CD" }, TODAY);
    if (!e.ok) throw new Error("entry");
    expect(`${inspect(e.key)} ${JSON.stringify({ k: e.key })}`).not.toContain("AB12");
  });
});

describe("every deck card", () => {
  for (const c of deck.cards) {
    it(`${c.id}: ${c.expected.read} / ${c.expected.authenticity}`, async () => {
      const { k } = kind();
      const r = await readWith(k, c.makeCard(), c.typed);
      if (c.expected.read === "wrong-code") {
        expect(r).toEqual({ kind: "wrong-code", triesLeft: WRONG_NUMBERS_PER_SESSION - 1 });
        return;
      }
      if (r.kind !== "ok") throw new Error(r.kind);
      expect(await k.assess(r.data, r.evidence, TODAY)).toBe(c.expected.authenticity);
      if (c.signer === "none") {
        expect(r.data.birthDate.length).toBe(0); // an unsigned image is not read: refer
        expect(r.data.portrait.length).toBe(0);
      } else {
        expect(ascii(r.data.birthDate)).toBe(c.birth.replace(/-/g, ""));
        const stay = c.stayEnd && c.stayEnd < c.expiry ? c.stayEnd : c.expiry;
        expect(ascii(r.data.expiry)).toBe(stay.replace(/-/g, ""));
        // JPEG 2000: a JP2 file (signature box) or a bare codestream (SOC SIZ)
        expect(["0000000c6a502020", "ff4fff51"].some((m) => Buffer.from(r.data.portrait).toString("hex").startsWith(m))).toBe(true);
      }
      expect([...(r.data.images[0]?.png.subarray(1, 4) ?? [])]).toEqual([0x50, 0x4e, 0x47]);
      r.evidence.wipe();
    });
  }
});

describe("tries and not-sure", () => {
  it(`at most ${WRONG_NUMBERS_PER_SESSION} wrong numbers a session, then nothing is sent; endSession resets`, async () => {
    const { k } = kind();
    const card = deck.get("rc-genuine").makeCard();
    expect(await readWith(k, card, "AB12345678CE")).toEqual({ kind: "wrong-code", triesLeft: 1 });
    expect(await readWith(k, card, "AB12345678CF")).toEqual({ kind: "wrong-code", triesLeft: 0 });
    card.clearLog();
    expect(await readWith(k, card, "AB12345678CD")).toEqual({ kind: "refused-low-tries", triesLeft: 0 });
    expect(card.received()).toHaveLength(0);
    k.endSession?.();
    expect((await readWith(k, card, "AB12345678CD")).kind).toBe("ok");
  });

  it("an OCR that is not sure yields no birth date (the verdict refers), never a guess", async () => {
    const { k, calls } = kind(false);
    const r = await readWith(k, deck.get("rc-genuine").makeCard(), "AB12345678CD");
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(calls()).toBe(1);
    expect(r.data.birthDate.length).toBe(0);
    expect(await k.assess(r.data, r.evidence, TODAY)).toBe("genuine");
  });

  it("no OCR wired: first generation has no birth date; second generation reads it as text [2nd]", async () => {
    const k = residenceKind({ trust, birthFromImage: null, expiryFromImage: null, readFront: null, log: memoryLogger() });
    const r1 = await readWith(k, deck.get("spr-genuine").makeCard(), "SP20481632EF");
    const r2 = await readWith(k, deck.get("rc2-genuine").makeCard(), "RC26040101AA");
    if (r1.kind !== "ok" || r2.kind !== "ok") throw new Error("read");
    expect(r1.data.birthDate.length).toBe(0);
    expect(ascii(r2.data.birthDate)).toBe("19980721");
  });

  it("a reader without extended APDUs is a read error, not a wrong number", async () => {
    const { k } = kind();
    const entry = k.checkEntry({ cardNumber: "AB12345678CD" }, TODAY);
    if (!entry.ok) throw new Error("entry");
    const r = await k.read(channel(deck.get("rc-genuine").makeCard(), false), entry.key, { signal: new AbortController().signal, onProgress: () => undefined });
    expect(r).toEqual({ kind: "read-error", detail: "extended-unsupported" });
  });
});
