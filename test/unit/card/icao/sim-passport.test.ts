/**
 * The kiosk's passport procedure against every simulated passport, in-process: BAC, SM, the files,
 * passive authentication against the deck's test CSCA, and Active Authentication.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { aaHashFromDg14, verifyActiveAuthentication } from "../../../../src/card/icao/aa";
import { parseDg1, parseDg2 } from "../../../../src/card/icao/lds";
import { MrzKey } from "../../../../src/card/icao/mrz-key";
import { passiveAuthentication, type CscaStore } from "../../../../src/card/icao/pa";
import { readPassport, type PassportReadResult } from "../../../../src/card/icao/read";
import { SimulatedPassport } from "../../../../src/card/sim/passport/chip";
import { passportDeck, type DeckPassport, type PassportDeck } from "../../../../src/card/sim/passport/deck";

let deck: PassportDeck;
let store: CscaStore;
beforeAll(async () => {
  deck = await passportDeck();
  store = { certificates: [{ der: deck.cscaDer, label: "test CSCA" }] };
});

const random = (n: number) => new Uint8Array(randomBytes(n));

async function read(p: DeckPassport, mrz = p.mrz): Promise<PassportReadResult> {
  const k = MrzKey.fromFields(mrz);
  if (!k.ok) throw new Error("key");
  try {
    return await readPassport({ transmit: p.makeCard(), key: k.key, signal: AbortSignal.timeout(10_000), random });
  } finally {
    k.key.wipe();
  }
}

function assess(r: Extract<PassportReadResult, { ok: true }>) {
  const f = r.read.files;
  const groups = new Map([
    [1, f.dg1],
    [2, f.dg2],
  ]);
  if (f.dg15) groups.set(15, f.dg15);
  if (f.dg14) groups.set(14, f.dg14);
  const pa = passiveAuthentication(f.sod, groups, store, new Date());
  const hash = f.dg14 ? (aaHashFromDg14(f.dg14) ?? undefined) : undefined;
  const aa = f.dg15 && r.read.aa ? verifyActiveAuthentication(f.dg15, r.read.aa.nonce, r.read.aa.signature, hash) : null;
  return { pa: pa.kind === "genuine" ? (pa.dsExpired ? "expired" : "genuine") : pa.kind, aa, ca: r.read.ca?.kind ?? null };
}

describe("simulated passports", () => {
  const expected: Record<string, { pa: string; aa: boolean | null; ca: string | null }> = {
    "genuine-pace": { pa: "genuine", aa: true, ca: null },
    "genuine-bac": { pa: "genuine", aa: true, ca: null },
    "genuine-ecdsa": { pa: "genuine", aa: true, ca: "not-run" }, // DG14 holds only the ActiveAuthenticationInfo (SHA-384)
    "altered-dg1": { pa: "data-altered", aa: true, ca: null },
    clone: { pa: "genuine", aa: false, ca: null },
    "unknown-csca": { pa: "unknown-csca", aa: true, ca: null },
    "expired-ds": { pa: "expired", aa: true, ca: null },
    "no-aa": { pa: "genuine", aa: null, ca: null },
    minor: { pa: "genuine", aa: true, ca: null },
    "genuine-ca": { pa: "genuine", aa: null, ca: "ok" },
    "genuine-ca-pace": { pa: "genuine", aa: null, ca: "ok" },
    "clone-ca": { pa: "genuine", aa: null, ca: "failed" },
  };
  for (const [id, want] of Object.entries(expected)) {
    it(`${id}: PA ${want.pa}, AA ${String(want.aa)}, CA ${String(want.ca)}`, async () => {
      const p = deck.passport(id as DeckPassport["id"]);
      const r = await read(p);
      if (!r.ok) throw new Error(JSON.stringify(r.failure));
      expect(assess(r)).toEqual(want);
      const dg1 = parseDg1(r.read.files.dg1);
      expect(dg1.format).toBe("TD3");
      expect(dg1.checkDigitsOk).toBe(true);
      expect(Buffer.from(dg1.expiryYymmdd).toString()).toBe(p.mrz.expiry);
      const face = parseDg2(r.read.files.dg2);
      expect(face.format).toBe("jpeg");
      expect(face.bytes.length).toBeGreaterThan(10_000);
      r.read.purge();
      expect(r.read.files.dg1.every((b) => b === 0)).toBe(true);
    });
  }

  it("ECDSA AA: the hash DG14's ActiveAuthenticationInfo names is the one that verifies (the size guess would not)", async () => {
    const r = await read(deck.passport("genuine-ecdsa"));
    if (!r.ok || !r.read.aa || !r.read.files.dg15 || !r.read.files.dg14) throw new Error("read");
    expect(aaHashFromDg14(r.read.files.dg14)).toBe("sha384");
    expect(verifyActiveAuthentication(r.read.files.dg15, r.read.aa.nonce, r.read.aa.signature, "sha384")).toBe(true);
    expect(verifyActiveAuthentication(r.read.files.dg15, r.read.aa.nonce, r.read.aa.signature)).toBe(false);
    expect(r.read.ca).toEqual({ kind: "not-run", why: "no-ca-key" });
    expect(aaHashFromDg14(deck.passport("genuine-ca").profile.files.get(0x010e) ?? new Uint8Array(0))).toBeNull();
  });

  it("a wrong MRZ fails BAC cleanly (wrong-key) and reads nothing", async () => {
    const p = deck.passport("genuine-bac");
    const r = await read(p, { ...p.mrz, birthDate: "850413" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe("wrong-key");
    if (!r.ok) expect(r.stats.apdus).toBe(4); // EF.CardAccess (none: BAC), SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE
  });

  it("a card of another kind is not a passport", async () => {
    const p = deck.passport("genuine-bac");
    const card = p.makeCard();
    const k = MrzKey.fromFields(p.mrz);
    if (!k.ok) throw new Error("key");
    card.setFaults([{ at: 1, kind: "respond", bytes: Uint8Array.of(0x6a, 0x82) }]);
    const r = await readPassport({ transmit: card, key: k.key, signal: AbortSignal.timeout(5000), random });
    expect(r.ok ? "ok" : r.failure.kind).toBe("not-a-passport");
  });

  it("pulling the passport at any APDU ends in no-card, never a hang", async () => {
    const p = deck.passport("genuine-bac");
    const base = await read(p);
    if (!base.ok) throw new Error("base");
    const n = base.read.stats.apdus;
    expect(n).toBeGreaterThan(10);
    for (let i = 0; i < n; i++) {
      const card = p.makeCard();
      card.setFaults([{ at: i, kind: i % 2 === 0 ? "remove-after-execute" : "remove-before" }]);
      const k = MrzKey.fromFields(p.mrz);
      if (!k.ok) throw new Error("key");
      const r = await readPassport({ transmit: card, key: k.key, signal: AbortSignal.timeout(5000), random });
      expect(r.ok ? "ok" : r.failure.kind, `pulled at ${i}`).toBe("no-card");
    }
  });

  it("a tampered secure-messaging answer is refused (malformed), not trusted", async () => {
    const p = deck.passport("genuine-bac");
    const card = p.makeCard();
    // Command 4 is the first protected one (SELECT EF.COM): answer with a forged MAC.
    card.setFaults([{ at: 4, kind: "respond", bytes: Uint8Array.from(Buffer.from("990290008E0800000000000000009000", "hex")) }]);
    const k = MrzKey.fromFields(p.mrz);
    if (!k.ok) throw new Error("key");
    const r = await readPassport({ transmit: card, key: k.key, signal: AbortSignal.timeout(5000), random });
    expect(r.ok ? "ok" : r.failure.kind).toBe("malformed");
  });
});

describe("PACE against the simulated chip", () => {
  for (const pace of [
    { parameterId: 13, cipher: "aes128" },
    { parameterId: 12, cipher: "aes256" },
    { parameterId: 15, cipher: "aes192" },
    { parameterId: 16, cipher: "aes128" },
    { parameterId: 17, cipher: "aes256" },
    { parameterId: 18, cipher: "aes256" },
    { parameterId: 12, cipher: "3des" },
  ] as const) {
    it(`parameter ${pace.parameterId}, ${pace.cipher}: PACE, then the files under SM; a wrong MRZ is wrong-key`, async () => {
      const p = deck.passport("genuine-pace");
      const profile = { ...p.profile, pace };
      const k = MrzKey.fromFields(p.mrz);
      if (!k.ok) throw new Error("key");
      const r = await readPassport({ transmit: new SimulatedPassport(profile), key: k.key, signal: AbortSignal.timeout(10_000), random });
      if (!r.ok) throw new Error(JSON.stringify(r.failure));
      expect(r.read.access).toBe("pace");
      expect(assess(r)).toEqual({ pa: "genuine", aa: true, ca: null });
      const wrong = MrzKey.fromFields({ ...p.mrz, birthDate: "790305" });
      if (!wrong.ok) throw new Error("key");
      const w = await readPassport({ transmit: new SimulatedPassport(profile), key: wrong.key, signal: AbortSignal.timeout(10_000), random });
      expect(w.ok ? "ok" : w.failure.kind).toBe("wrong-key");
    });
  }
});
