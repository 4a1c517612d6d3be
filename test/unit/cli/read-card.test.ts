import { describe, expect, it } from "vitest";
import { makeReadCardCommand, READ_CARD_EXIT, toJson } from "../../../src/cli/read-card";
import { readCardFace, type ReadFaceFailure, type ReadFaceResult } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { CodeB, REDACTED } from "../../../src/card/secret";
import { loadDeck } from "../../../src/card/sim/deck";
import type { SimFault } from "../../../src/card/sim/card";
import { parseKeyTable } from "../../../src/card/mynumber/auth/ca-keys";
import { buildTrustStore } from "../../../src/card/mynumber/auth/trust";

function failed(failure: ReadFaceFailure): ReadFaceResult {
  return {
    ok: false,
    failure,
    readMode: "short",
    triesLeftBefore: 10,
    triesLeftAfter: 10,
    verifySent: true,
    verify: "ok",
    failedStep: null,
    timings: { select: 0, triesLeft: 0, verify: 0, readFace: 0, readCvc: 0, sign: 0, total: 0 },
    stats: { apdus: 5, bytesOut: 0, bytesIn: 0, exchanges: [] },
  };
}
const errorOf = (f: ReadFaceFailure) => toJson(failed(f), { reader: "r", atr: new Uint8Array(0), readMode: "short", reveal: false }).error;

describe("kioskctl read-card arguments", () => {
  it("refuses --min-tries 1 (a wrong code would block the card) without opening the reader", async () => {
    let opened = 0;
    const cmd = makeReadCardCommand({
      openReader: () => {
        opened++;
        return Promise.reject(new Error("the reader must not be opened"));
      },
    });
    let err = "";
    const code = await cmd.run(["--code-b", "01010820332718", "--min-tries", "1"], { out: () => {}, err: (t) => void (err += t), env: {} });
    expect(code).toBe(READ_CARD_EXIT.usage);
    expect(err).toContain("--min-tries is 2 to 10");
    expect(opened).toBe(0);
  });
});

describe("kioskctl read-card error text", () => {
  it("says what went wrong for each failure, without any card data", () => {
    expect(errorOf({ kind: "status", sw: 0x6f00, step: "read EF 0002" })).toBe("unexpected status 6F00 at read EF 0002");
    expect(errorOf({ kind: "timeout", step: "verify 照合番号B" })).toBe("the card did not answer in time (verify 照合番号B)");
    expect(errorOf({ kind: "transport", detail: "empty R-APDU" })).toBe("transport failure: empty R-APDU");
    expect(errorOf({ kind: "no-reader", detail: "reader detached" })).toBe("no reader: reader detached");
    expect(errorOf({ kind: "malformed", what: "EF 0002: sex" })).toBe("malformed card data: EF 0002: sex");
    expect(errorOf({ kind: "aborted" })).toBe("aborted");
    expect(errorOf({ kind: "no-card" })).toBe("no card on the reader (or it was removed during the read)");
  });
});

describe("kioskctl read-card record fields", () => {
  it("redacts the holder's birth date, sex, expiry and photo digest unless --reveal is given", async () => {
    const entry = loadDeck().card("showa-64");
    const code = CodeB.fromDigits(entry.codeB);
    if (!code) throw new Error("bad deck code");
    const read = await readCardFace({ transmit: entry.makeCard(), code, nonce: new Uint8Array(32).fill(7), guard: new RetryGuard(), signal: new AbortController().signal });
    const ctx = { reader: "r", atr: new Uint8Array(0), readMode: "short" as const };
    const hidden = toJson(read, { ...ctx, reveal: false }).record;
    expect(hidden).toMatchObject({ birthDate: REDACTED, sex: REDACTED, expiry: REDACTED, photo: { sha256: REDACTED } });
    const shown = toJson(read, { ...ctx, reveal: true }).record;
    expect(shown).toMatchObject({ birthDate: "1989-01-07", sex: "2", expiry: "2034-01-07" });
    if (read.ok) read.purge();
  });
});

// Issue 15 problem 6: honest read reports.
describe("kioskctl read-card reports what the card answered", () => {
  const deck = loadDeck();
  const entry = deck.card("heisei-1");
  const table = parseKeyTable({ keys: deck.trustKeys() }, "demo-deck");
  if (!table.ok) throw new Error(table.errors.join("\n"));
  const built = buildTrustStore({ mode: "demo", extraAnchors: table.anchors });
  if (!built.ok) throw new Error(built.errors.join("\n"));
  const trust = built.store;
  const ctx = { reader: "r", atr: new Uint8Array(0), readMode: "short" as const, reveal: false };

  async function readWith(faults: SimFault[], digits = entry.codeB) {
    const card = entry.makeCard();
    const n = await cleanApdus();
    card.setFaults(faults.map((f) => ({ ...f, at: f.at < 0 ? n + f.at : f.at })));
    const code = CodeB.fromDigits(digits);
    if (!code) throw new Error("bad code");
    const read = await readCardFace({ transmit: card, code, nonce: new Uint8Array(32).fill(3), guard: new RetryGuard(), signal: new AbortController().signal });
    const json = toJson(read, { ...ctx, auth: { trust, now: Date.parse("2026-12-04T00:00:00Z"), code } });
    if (read.ok) read.purge();
    return { json, card };
  }
  async function cleanApdus(): Promise<number> {
    const card = entry.makeCard();
    const code = CodeB.fromDigits(entry.codeB);
    if (!code) throw new Error("bad code");
    await readCardFace({ transmit: card, code, nonce: new Uint8Array(32).fill(3), guard: new RetryGuard(), signal: new AbortController().signal });
    return card.received().length;
  }

  it("says verify ok after a VERIFY that succeeded when a later step fails, naming the step and the file", async () => {
    // APDU 3 is the VERIFY; 5 is the first READ BINARY of EF 0002. The card leaves before answering it.
    const { json } = await readWith([{ at: 5, kind: "remove-before" }]);
    expect(json).toMatchObject({ outcome: "no-card", verify: "ok", triesLeftBefore: 10, triesLeftAfter: 10, step: "read EF 0002 (card face)" });
    expect(json.error).toContain("EF 0002");
  });

  it("reports the tries after a VERIFY whose answer was lost as unknown (null), not the count before", async () => {
    const wrong = entry.codeB.slice(0, 10) + "0000";
    const { json, card } = await readWith([{ at: 3, kind: "remove-after-execute" }], wrong);
    expect(card.triesLeft("surface", 0x12)).toBe(9);
    expect(json).toMatchObject({ outcome: "no-card", verify: "unanswered", triesLeftBefore: 10, triesLeftAfter: null });
    expect(json.error).toContain("VERIFY 照合番号B");
  });

  it("answers could-not-check (challenge-not-answered), with the record, when the card refuses the signature with 6F00", async () => {
    const { json } = await readWith([{ at: -1, kind: "respond", bytes: Uint8Array.of(0x6f, 0x00) }]);
    expect(json).toMatchObject({ outcome: "read", verify: "ok", authenticity: { result: "could-not-check", reason: "challenge-not-answered" } });
    expect(json.record).toBeDefined();
  });

  it("answers could-not-check (certificate-missing) when the card refuses EF 0004 with a status word", async () => {
    const { json } = await readWith([{ at: -3, kind: "respond", bytes: Uint8Array.of(0x69, 0x82) }]);
    expect(json).toMatchObject({ outcome: "read", verify: "ok", authenticity: { result: "could-not-check", reason: "certificate-missing" } });
  });
});
