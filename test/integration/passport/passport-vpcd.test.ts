/**
 * Issue 18 acceptance through the real PC/SC stack (private pcscd + vsmartcard-vpcd + pcsclite):
 * - recognition (registry with My Number first, then the passport) finds every simulated passport;
 * - each simulated passport gives its expected authenticity;
 * - a wrong MRZ fails BAC cleanly (wrong-code, no read);
 * - pulling the passport after any APDU ends in no-card within a bound (extended APDUs keep the loop
 *   short: vpcd adds tens of ms per APDU; the short-mode loop runs in-process in test/unit/card/icao);
 * - Chip Authentication (DG14): genuine chips prove their key, the clone does not, and pulling the
 *   passport at any APDU of the CA exchange ends in no-card;
 * - peer check: `openssl cms -verify` agrees with our passive authentication on every deck passport.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokyoDate } from "../../../src/age/date";
import { cscaStore } from "../../../src/card/icao/csca/store";
import { MrzKey } from "../../../src/card/icao/mrz-key";
import { openSod, findIssuer, passiveAuthentication } from "../../../src/card/icao/pa";
import { readPassport } from "../../../src/card/icao/read";
import { openPcscReader, type PcscReader } from "../../../src/card/pcsc";
import { passportDeck, type PassportCaseId, type PassportDeck, type DeckPassport } from "../../../src/card/sim/passport/deck";
import { passportKind } from "../../../src/documents/passport";
import { createRegistry, recognise } from "../../../src/documents/registry";
import { myNumberKind } from "../../../src/documents/mynumber";
import type { DocumentKind } from "../../../src/documents/types";
import { createLogger } from "../../../src/log";
import { buildTrustStore } from "../../../src/card/mynumber/auth/trust";
import { startPcscd, VPCD_READER, waitFor, type PcscdHarness } from "../helpers/pcscd";
import { EF } from "../../../src/card/icao/ids";

let pcscd: PcscdHarness;
let port: PcscReader;
let deck: PassportDeck;
let kind: DocumentKind;
const log = createLogger({ level: "error", write: () => undefined });
const today = tokyoDate(Date.now());

beforeAll(async () => {
  deck = await passportDeck();
  kind = passportKind({ cscas: cscaStore([{ der: deck.cscaDer, label: "test CSCA" }]), log, readFront: null });
  pcscd = await startPcscd();
  port = await openPcscReader({ readerName: VPCD_READER, transmitTimeoutMs: 3000 });
});
afterAll(async () => {
  await port.close();
  await pcscd.stop();
});

async function onReader<T>(p: DeckPassport, use: (channel: Awaited<ReturnType<PcscReader["connect"]>>) => Promise<T>, faults: Parameters<ReturnType<DeckPassport["makeCard"]>["setFaults"]>[0] = []): Promise<T> {
  const card = p.makeCard();
  card.setFaults(faults);
  await pcscd.serve(card);
  await waitFor("pcscd to see the passport", () => port.cardPresent() !== null, 5000);
  const channel = await port.connect(AbortSignal.timeout(10_000));
  try {
    return await use(channel);
  } finally {
    await channel.disconnect();
  }
}

describe("simulated passports through pcscd + vpcd", () => {
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

  it("each is recognised as a passport (My Number registered first) and gives its expected result", async () => {
    const trust = buildTrustStore({ mode: "production" });
    if (!trust.ok) throw new Error("trust");
    const registry = createRegistry([
      myNumberKind({ trust: trust.store, minTriesLeft: 3, readMode: "auto", now: () => Date.now(), log, readFront: null }),
      kind,
    ]);
    for (const [id, want] of Object.entries(expected) as [PassportCaseId, string][]) {
      const p = deck.passport(id);
      const got = await onReader(p, async (channel) => {
        const rec = await recognise(registry, channel, AbortSignal.timeout(5000));
        expect(rec.kind === "known" ? rec.document.info.kind : rec.kind, id).toBe("passport");
        const entry = kind.checkEntry({ ...p.mrz }, today);
        if (!entry.ok) throw new Error(entry.problem);
        const r = await kind.read(channel, entry.key, { signal: AbortSignal.timeout(20_000), onProgress: () => undefined });
        entry.key.wipe();
        if (r.kind !== "ok") return r.kind;
        const a = await kind.assess(r.data, r.evidence, today);
        r.evidence.wipe();
        return a;
      });
      expect(got, id).toBe(want);
    }
  });

  it("a wrong MRZ fails BAC cleanly", async () => {
    const p = deck.passport("genuine-bac");
    const r = await onReader(p, async (channel) => {
      const entry = kind.checkEntry({ ...p.mrz, documentNumber: "TP1000009" }, today);
      if (!entry.ok) throw new Error(entry.problem);
      return kind.read(channel, entry.key, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined });
    });
    expect(r).toEqual({ kind: "wrong-code", triesLeft: null });
  });

  it("pulling the passport after any APDU ends in no-card, never a hang", async () => {
    const p = deck.passport("genuine-bac");
    const key = () => {
      const k = MrzKey.fromFields(p.mrz);
      if (!k.ok) throw new Error("key");
      return k.key;
    };
    const random = (n: number) => new Uint8Array(n).fill(7);
    const base = await onReader(p, (channel) => readPassport({ transmit: channel, key: key(), signal: AbortSignal.timeout(20_000), random, extendedApdu: channel.extendedApdu }));
    if (!base.ok) throw new Error(JSON.stringify(base.failure));
    const n = base.read.stats.apdus;
    expect(n).toBeGreaterThan(8);
    for (let i = 0; i < n; i++) {
      const t0 = Date.now();
      const r = await onReader(p, (channel) => readPassport({ transmit: channel, key: key(), signal: AbortSignal.timeout(20_000), random, extendedApdu: channel.extendedApdu }), [{ at: i, kind: "remove-after-execute" }]);
      expect(r.ok ? "ok" : r.failure.kind, `pulled after APDU ${i} of ${n}`).toBe("no-card");
      expect(Date.now() - t0, `pulled after APDU ${i}`).toBeLessThan(8000);
    }
  });
});

describe("Chip Authentication through pcscd + vpcd", () => {
  const key = (p: DeckPassport) => {
    const k = MrzKey.fromFields(p.mrz);
    if (!k.ok) throw new Error("key");
    return k.key;
  };
  const random = (n: number) => new Uint8Array(n).fill(9);

  it("genuine (3DES after BAC, AES after PACE) proves its DG14 key; the clone does not", async () => {
    const got: Record<string, unknown> = {};
    for (const id of ["genuine-ca", "genuine-ca-pace", "clone-ca"] as const) {
      const p = deck.passport(id);
      const r = await onReader(p, (channel) => readPassport({ transmit: channel, key: key(p), signal: AbortSignal.timeout(20_000), random, extendedApdu: channel.extendedApdu }));
      got[id] = r.ok ? r.read.ca : r.failure;
      if (r.ok) r.read.purge();
    }
    expect(got).toEqual({ "genuine-ca": { kind: "ok" }, "genuine-ca-pace": { kind: "ok" }, "clone-ca": { kind: "failed", why: "proof" } });
  });

  it("pulling the passport at any APDU of the CA exchange ends in no-card, never a hang", async () => {
    for (const [id, caApdus] of [
      ["genuine-ca-pace", 4], // MSE:Set AT, GENERAL AUTHENTICATE, SELECT + READ under the new keys
      ["genuine-ca", 3], // MSE:Set KAT, SELECT + READ under the new keys
    ] as const) {
      const p = deck.passport(id);
      const base = await onReader(p, (channel) => readPassport({ transmit: channel, key: key(p), signal: AbortSignal.timeout(20_000), random, extendedApdu: channel.extendedApdu }));
      if (!base.ok) throw new Error(JSON.stringify(base.failure));
      expect(base.read.ca).toEqual({ kind: "ok" });
      const n = base.read.stats.apdus;
      for (let i = n - caApdus; i < n; i++) {
        for (const kind of ["remove-before", "remove-after-execute"] as const) {
          const t0 = Date.now();
          const r = await onReader(p, (channel) => readPassport({ transmit: channel, key: key(p), signal: AbortSignal.timeout(20_000), random, extendedApdu: channel.extendedApdu }), [{ at: i, kind }]);
          expect(r.ok ? `ok, ca ${JSON.stringify(r.read.ca)}` : r.failure.kind, `${id}: ${kind} at APDU ${i} of ${n}`).toBe("no-card");
          expect(Date.now() - t0, `${id}: ${kind} at APDU ${i}`).toBeLessThan(8000);
        }
      }
    }
  });
});

describe("peer check: openssl cms -verify agrees with our passive authentication", () => {
  it("on every deck passport", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pa-peer-"));
    try {
      const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`;
      writeFileSync(path.join(dir, "csca.pem"), pem(deck.cscaDer));
      const store = cscaStore([{ der: deck.cscaDer, label: "test CSCA" }]);
      for (const p of deck.passports) {
        const sod = p.profile.files.get(EF.sod);
        const dg1 = p.profile.files.get(EF.dg1);
        const dg2 = p.profile.files.get(EF.dg2);
        if (!sod || !dg1 || !dg2) throw new Error("files");
        // EF.SOD = 77 L ContentInfo: strip the 77 header for openssl.
        const lenBytes = (sod[1] ?? 0) < 0x80 ? 0 : (sod[1] ?? 0) & 0x7f;
        const cms = sod.subarray(2 + lenBytes);
        writeFileSync(path.join(dir, "sod.der"), cms);
        let opensslOk: boolean;
        let content: Buffer | null = null;
        try {
          execFileSync("openssl", ["cms", "-verify", "-inform", "DER", "-in", path.join(dir, "sod.der"), "-CAfile", path.join(dir, "csca.pem"), "-purpose", "any", "-out", path.join(dir, "content.der"), "-binary"], { stdio: "pipe" });
          opensslOk = true;
          content = execFileSync("cat", [path.join(dir, "content.der")]);
        } catch {
          opensslOk = false;
        }
        // Ours, the same question: CMS signature, DS chain to the CSCA, DS valid today.
        const s = openSod(sod);
        const ds = s.ds;
        const valid = Date.now() <= ds.notAfter.value.getTime() && Date.now() >= ds.notBefore.value.getTime();
        const ours = s.signatureOk && findIssuer(ds, store) !== null && valid;
        expect(ours, `${p.id}: ours vs openssl`).toBe(opensslOk);
        // Where openssl verified, the content it returns carries the hashes our full PA compares.
        if (content) {
          const pa = passiveAuthentication(sod, new Map([[1, dg1], [2, dg2]]), store, new Date());
          expect(pa.kind, p.id).toBe(p.id === "altered-dg1" ? "data-altered" : "genuine");
          const dgHash = (b: Uint8Array) => execFileSync("openssl", ["dgst", "-sha256", "-binary"], { input: b });
          expect(content.includes(dgHash(dg2)), `${p.id}: DG2 hash in openssl's content`).toBe(true);
          expect(content.includes(dgHash(dg1)), `${p.id}: DG1 hash in openssl's content`).toBe(p.id !== "altered-dg1");
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
