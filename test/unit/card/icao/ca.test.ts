/**
 * Chip Authentication (Doc 9303-11 §6.2, CA version 1 with ECDH).
 *
 * No worked example: neither Doc 9303-11 (its appendices cover BAC, SM and PACE) nor TR-03110 prints
 * one for Chip Authentication, so the derivation is cross-checked against the spec's formulas with
 * independent computations: K = x(SK · PK) by the bigint arithmetic of ec.ts (not node's ECDH), the
 * session keys by hashing K ‖ counter here (§9.7.1), the SM restart (SSC 0) by wrapping a command
 * with a SecureMessaging built from those keys; the commands byte for byte against §6.2 / TR-03110-3 B.
 * Then the protocol against the simulated chips: genuine (3DES and AES), a clone, a chip that refuses,
 * and pulling the passport at every APDU of the CA exchange.
 */
import { createECDH, createHash, randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import { beforeAll, describe, expect, it } from "vitest";
import { caCommands, caSession, chooseChipAuthentication, ephemeralKey, OID_PK_DH, type CaChoice } from "../../../../src/card/icao/ca";
import { adjustParity } from "../../../../src/card/icao/crypto";
import { bigToBytes, bytesToBig, curve, decodePoint, mul } from "../../../../src/card/icao/ec";
import { EF } from "../../../../src/card/icao/ids";
import { MrzKey } from "../../../../src/card/icao/mrz-key";
import { readPassport } from "../../../../src/card/icao/read";
import { SecureMessaging } from "../../../../src/card/icao/sm";
import { passportDeck, type PassportDeck } from "../../../../src/card/sim/passport/deck";
import { encodeTlv } from "../../../../src/card/tlv";

let deck: PassportDeck;
beforeAll(async () => {
  deck = await passportDeck();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const counting = (seed: number) => {
  let x = seed;
  return (n: number) => Uint8Array.from({ length: n }, () => (x = (x * 73 + 41) & 0xff));
};

describe("DG14 → the CA to run", () => {
  it("the deck's DG14s: 3DES with explicit brainpoolP256r1 parameters, AES-128 on P-256 with keyId 1", () => {
    const a = chooseChipAuthentication(deck.passport("genuine-ca").profile.files.get(EF.dg14) ?? new Uint8Array(0));
    expect(a.kind === "ok" && { oid: a.ca.oid, cipher: a.ca.cipher, curve: a.ca.curve, keyId: a.ca.keyId }).toEqual({
      oid: "0.4.0.127.0.7.2.2.3.2.1",
      cipher: "3des",
      curve: "brainpoolP256r1",
      keyId: null,
    });
    const b = chooseChipAuthentication(deck.passport("genuine-ca-pace").profile.files.get(EF.dg14) ?? new Uint8Array(0));
    expect(b.kind === "ok" && { oid: b.ca.oid, cipher: b.ca.cipher, curve: b.ca.curve, keyId: b.ca.keyId && hex(b.ca.keyId) }).toEqual({
      oid: "0.4.0.127.0.7.2.2.3.2.2",
      cipher: "aes128",
      curve: "prime256v1",
      keyId: "01",
    });
  });

  it("a DG14 that does not parse, or offers only DH, is 'unsupported' (never a throw)", () => {
    expect(chooseChipAuthentication(Uint8Array.of(0x6e, 0x03, 0x31, 0x01, 0x00))).toEqual({ kind: "unsupported", why: "dg14-malformed" });
    expect(chooseChipAuthentication(Uint8Array.of(0x6f, 0x00))).toEqual({ kind: "unsupported", why: "dg14-malformed" });
    expect(chooseChipAuthentication(encodeTlv(0x6e, new Uint8Array(new asn1js.Set({ value: [] }).toBER(false))))).toEqual({ kind: "unsupported", why: "no-ca-key" });
    // id-PK-DH with a (dummy) DH key: this reader does not run DH CA.
    const dhSpki = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.840.10046.2.1" })] }), new asn1js.BitString({ valueHex: Uint8Array.of(2, 1, 5).buffer })] });
    const dh = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_PK_DH }), dhSpki] });
    expect(chooseChipAuthentication(encodeTlv(0x6e, new Uint8Array(new asn1js.Set({ value: [dh] }).toBER(false))))).toEqual({ kind: "unsupported", why: "dh" });
  });
});

describe("CA derivation against the formulas of 9303-11 §6.2 / §9.7.1", () => {
  for (const name of ["brainpoolP256r1", "prime256v1", "secp384r1"]) {
    it(`${name}: K = x(SK_IFD · PK_IC) by bigint arithmetic equals the ECDH agreement; KSenc/KSmac = KDF(K, 1/2); SSC 0`, () => {
      const chip = createECDH(name);
      chip.generateKeys();
      const random = counting(3);
      const eph = ephemeralKey(name, random);
      const k = eph.agree(new Uint8Array(chip.getPublicKey()));
      // Independent: x(SK_IC · PK_IFD) by ec.ts's bigint arithmetic must be the K the reader derived.
      const c = curve(name);
      const pkIfd = decodePoint(eph.publicPoint, c.size);
      const kChip = mul(c, bytesToBig(new Uint8Array(chip.getPrivateKey())), pkIfd);
      expect(kChip && hex(bigToBytes(kChip.x, c.size))).toBe(hex(k));
      // 3DES: KSenc = parity(SHA-1(K ‖ 00000001)[0..16]), KSmac = parity(SHA-1(K ‖ 00000002)[0..16]).
      const sha1 = (ctr: number) => new Uint8Array(createHash("sha1").update(k).update(Uint8Array.of(0, 0, 0, ctr)).digest()).slice(0, 16);
      const ref3 = new SecureMessaging("3des", adjustParity(sha1(1)), adjustParity(sha1(2)), new Uint8Array(8));
      const s3 = caSession("3des", k.slice());
      expect(s3.ssc).toEqual(new Uint8Array(8));
      const cmd = { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 };
      expect(hex(s3.wrap(cmd).command.data ?? new Uint8Array(0))).toBe(hex(ref3.wrap(cmd).command.data ?? new Uint8Array(0)));
      // AES-256: KSenc = SHA-256(K ‖ 00000001), KSmac = SHA-256(K ‖ 00000002); SSC = 16 zero bytes.
      const sha256 = (ctr: number) => new Uint8Array(createHash("sha256").update(k).update(Uint8Array.of(0, 0, 0, ctr)).digest());
      const refA = new SecureMessaging("aes256", sha256(1), sha256(2), new Uint8Array(16));
      const sA = caSession("aes256", k.slice());
      expect(sA.ssc).toEqual(new Uint8Array(16));
      const sel = { cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(1, 0x1e) };
      expect(hex(sA.wrap(sel).command.data ?? new Uint8Array(0))).toBe(hex(refA.wrap(sel).command.data ?? new Uint8Array(0)));
      eph.wipe();
    });
  }

  it("the commands: MSE:Set KAT 00 22 41 A6 {91 PK, 84 keyId} for 3DES; MSE:Set AT 00 22 41 A4 {80 OID} + GA 00 86 00 00 {7C {80 PK}} for AES", () => {
    const pk = Uint8Array.of(4, 1, 2, 3, 4);
    const base: Omit<CaChoice, "cipher" | "oid" | "oidBytes" | "keyId"> = { curve: "prime256v1", chipPoint: new Uint8Array(0) };
    const des: CaChoice = { ...base, cipher: "3des", oid: "0.4.0.127.0.7.2.2.3.2.1", oidBytes: Uint8Array.from(Buffer.from("04007f00070202030201", "hex")), keyId: Uint8Array.of(1) };
    const [kat] = caCommands(des, pk);
    expect(kat && [kat.cla, kat.ins, kat.p1, kat.p2, hex(kat.data ?? new Uint8Array(0)), kat.le]).toEqual([0, 0x22, 0x41, 0xa6, "9105040102030484" + "0101", undefined]);
    const aes: CaChoice = { ...base, cipher: "aes128", oid: "0.4.0.127.0.7.2.2.3.2.2", oidBytes: Uint8Array.from(Buffer.from("04007f00070202030202", "hex")), keyId: null };
    const [at, ga] = caCommands(aes, pk);
    expect(at && [at.ins, at.p1, at.p2, hex(at.data ?? new Uint8Array(0))]).toEqual([0x22, 0x41, 0xa4, "800a04007f00070202030202"]);
    expect(ga && [ga.cla, ga.ins, ga.p1, ga.p2, hex(ga.data ?? new Uint8Array(0)), ga.le]).toEqual([0, 0x86, 0, 0, "7c0780050401020304", 256]);
    // The OID bytes of choose…() are the DER content of the OID (what 80 carries).
    expect(hex(new Uint8Array(new asn1js.ObjectIdentifier({ value: aes.oid }).toBER(false)).subarray(2))).toBe(hex(aes.oidBytes));
  });
});

describe("CA against the simulated chips", () => {
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const read = async (id: "genuine-ca" | "genuine-ca-pace" | "clone-ca", faults: Parameters<ReturnType<PassportDeck["passports"][number]["makeCard"]>["setFaults"]>[0] = []) => {
    const p = deck.passport(id);
    const card = p.makeCard();
    card.setFaults(faults);
    const k = MrzKey.fromFields(p.mrz);
    if (!k.ok) throw new Error("key");
    return readPassport({ transmit: card, key: k.key, signal: AbortSignal.timeout(10_000), random });
  };

  it("genuine (3DES after BAC; AES after PACE) → ok; a clone whose key is not DG14's → failed at the proof", async () => {
    const a = await read("genuine-ca");
    const b = await read("genuine-ca-pace");
    const c = await read("clone-ca");
    expect([a.ok && a.read.ca, b.ok && b.read.ca, c.ok && c.read.ca]).toEqual([{ kind: "ok" }, { kind: "ok" }, { kind: "failed", why: "proof" }]);
    expect(b.ok && b.read.access).toBe("pace");
  });

  it("a chip that refuses the CA command → failed (refused); a forged answer under the new keys → failed (proof)", async () => {
    const base = await read("genuine-ca");
    if (!base.ok) throw new Error("base");
    const n = base.read.stats.apdus;
    // The CA exchange is the last 3 APDUs: MSE:Set KAT, then SELECT and READ EF.COM under the new keys.
    const refuse = await read("genuine-ca", [{ at: n - 3, kind: "respond", bytes: Uint8Array.of(0x6a, 0x80) }]);
    expect(refuse.ok && refuse.read.ca).toEqual({ kind: "failed", why: "refused" });
    const forged = await read("genuine-ca", [{ at: n - 2, kind: "respond", bytes: Uint8Array.from(Buffer.from("990290008E0800000000000000009000", "hex")) }]);
    expect(forged.ok && forged.read.ca).toEqual({ kind: "failed", why: "proof" });
  });

  for (const id of ["genuine-ca", "genuine-ca-pace"] as const) {
    it(`${id}: pulling the passport at any APDU of the CA exchange ends in no-card, never a hang`, async () => {
      const base = await read(id);
      if (!base.ok) throw new Error("base");
      const n = base.read.stats.apdus;
      const caApdus = id === "genuine-ca" ? 3 : 4;
      for (let i = n - caApdus; i < n; i++) {
        for (const kind of ["remove-before", "remove-after-execute"] as const) {
          const t0 = performance.now();
          const r = await read(id, [{ at: i, kind }]);
          expect(r.ok ? `ok (ca ${JSON.stringify(r.read.ca)})` : r.failure.kind, `${kind} at APDU ${i} of ${n}`).toBe("no-card");
          expect(performance.now() - t0).toBeLessThan(5000);
        }
      }
      // A hang at a CA APDU ends when the read's signal fires: aborted, not a stuck session.
      const p = deck.passport(id);
      const card = p.makeCard();
      card.setFaults([{ at: n - 2, kind: "hang" }]);
      const k = MrzKey.fromFields(p.mrz);
      if (!k.ok) throw new Error("key");
      const r = await readPassport({ transmit: card, key: k.key, signal: AbortSignal.timeout(1500), random });
      expect(r.ok ? "ok" : r.failure.kind).toMatch(/^(aborted|timeout)$/);
    });
  }
});
