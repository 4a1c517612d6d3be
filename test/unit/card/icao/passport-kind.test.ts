/**
 * The passport kind end to end over the simulated chip (in-process): entry rules, read → DocumentData,
 * and assess → the Authenticity each deck passport must give.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { tokyoDate } from "../../../../src/age/date";
import { japanCscas, cscaStore } from "../../../../src/card/icao/csca/store";
import type { CardChannel } from "../../../../src/card/reader";
import { passportDeck, type PassportDeck, type PassportCaseId } from "../../../../src/card/sim/passport/deck";
import { birthDateFromYymmdd } from "../../../../src/documents/passport/dates";
import { passportKind } from "../../../../src/documents/passport";
import type { DocumentKind } from "../../../../src/documents/types";
import { createLogger } from "../../../../src/log";

let deck: PassportDeck;
let kind: DocumentKind;
beforeAll(async () => {
  deck = await passportDeck();
  kind = passportKind({ cscas: cscaStore(japanCscas(), [{ der: deck.cscaDer, label: "test" }]), log: createLogger({ level: "error", write: () => undefined }), readFront: null });
});

function channel(card: { transmit: CardChannel["transmit"]; atr: Uint8Array }): CardChannel {
  return { reader: "sim", atr: card.atr, extendedApdu: false, transmit: (c, s) => card.transmit(c, s), disconnect: () => Promise.resolve() };
}

const today = tokyoDate(Date.now());
const ascii = (b: Uint8Array) => Buffer.from(b).toString("ascii");

describe("passport kind", () => {
  it("entry rules: three fields, problems in the catalogue's codes", () => {
    expect(kind.entryProblem({ documentNumber: "TP1000001", birthDate: "850412", expiry: "300101" }, today)).toBeNull();
    expect(kind.entryProblem({ documentNumber: "", birthDate: "850412", expiry: "300101" }, today)).toBe("number:missing");
    expect(kind.entryProblem({ documentNumber: "TP1000001", birthDate: "851312", expiry: "300101" }, today)).toBe("birth:not-a-date");
    const ok = kind.checkEntry({ documentNumber: "TP1000001", birthDate: "850412", expiry: "300101" }, today);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(JSON.stringify({ k: ok.key })).toBe(JSON.stringify({ k: "[redacted]" }));
      ok.key.wipe();
    }
  });

  const expected: Record<PassportCaseId, string> = {
    "genuine-pace": "genuine",
    "genuine-bac": "genuine",
    "genuine-ecdsa": "genuine",
    "altered-dg1": "data-altered",
    clone: "clone-suspected",
    "unknown-csca": "unknown-ca",
    "expired-ds": "expired",
    "no-aa": "clone-not-ruled-out",
    minor: "genuine",
    "genuine-ca": "genuine",
    "genuine-ca-pace": "genuine",
    "clone-ca": "clone-suspected",
  };
  for (const [id, want] of Object.entries(expected) as [PassportCaseId, string][]) {
    it(`${id} → ${want}`, async () => {
      const p = deck.passport(id);
      const entry = kind.checkEntry({ ...p.mrz }, today);
      if (!entry.ok) throw new Error(entry.problem);
      const r = await kind.read(channel(p.makeCard()), entry.key, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined });
      entry.key.wipe();
      if (r.kind !== "ok") throw new Error(r.kind);
      expect(await kind.assess(r.data, r.evidence, today)).toBe(want);
      expect(r.data.portrait.subarray(0, 3)).toEqual(Uint8Array.of(0xff, 0xd8, 0xff));
      if (id !== "altered-dg1") expect(ascii(r.data.birthDate).slice(2)).toBe(p.mrz.birthDate);
      else expect(ascii(r.data.birthDate)).toBe("00000000"); // DG1 disagrees with the birth date BAC proved
      expect(ascii(r.data.expiry)).toBe(`20${p.mrz.expiry}`);
      // Attended staff view: the MRZ name field and the nationality (the deck's holders are "UTO").
      expect(r.data.text.map((t) => [t.label, ascii(t.ascii)])).toEqual([
        ["name", `TESTER<<${id.toUpperCase().replace(/[^A-Z]/g, "<")}`.replace(/<+$/, "")],
        ["nationality", "UTO"],
      ]);
      r.evidence.wipe();
    });
  }

  it("a wrong MRZ is a wrong code that costs nothing (tries: none)", async () => {
    const p = deck.passport("genuine-bac");
    const entry = kind.checkEntry({ ...p.mrz, expiry: "300101" }, today);
    if (!entry.ok) throw new Error(entry.problem);
    const r = await kind.read(channel(p.makeCard()), entry.key, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined });
    expect(r).toEqual({ kind: "wrong-code", triesLeft: null });
    expect(kind.info.tries).toEqual({ counter: "none" });
  });
});

describe("birth-date century", () => {
  const t = { year: 2026, month: 12, day: 4 };
  const b = (s: string) => new Uint8Array(Buffer.from(s, "ascii"));
  it("one plausible century", () => {
    expect(birthDateFromYymmdd(b("850412"), t)).toEqual({ year: 1985, month: 4, day: 12 });
    expect(birthDateFromYymmdd(b("100101"), t)).toEqual({ year: 2010, month: 1, day: 1 });
    expect(birthDateFromYymmdd(b("300101"), t)).toEqual({ year: 1930, month: 1, day: 1 });
    expect(birthDateFromYymmdd(b("261205"), t)).toEqual({ year: 1926, month: 12, day: 5 }); // 2026-12-05 is still to come
  });
  it("ambiguous, unknown parts or impossible: not sure (null), never a guess", () => {
    expect(birthDateFromYymmdd(b("200101"), t)).toBeNull(); // 1920 (106) or 2020 (6)
    expect(birthDateFromYymmdd(b("261203"), t)).toBeNull(); // 1926 (100) or 2026 (0)
    expect(birthDateFromYymmdd(b("85<<<<"), t)).toBeNull();
    expect(birthDateFromYymmdd(b("8504<<"), t)).toBeNull();
    expect(birthDateFromYymmdd(b("850230"), t)).toBeNull();
  });
});
