import { describe, expect, it } from "vitest";
import { makeReadCardCommand, READ_CARD_EXIT, toJson } from "../../../src/cli/read-card";
import { readCardFace, type ReadFaceFailure, type ReadFaceResult } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { CodeB, REDACTED } from "../../../src/card/secret";
import { loadDeck } from "../../../src/card/sim/deck";

function failed(failure: ReadFaceFailure): ReadFaceResult {
  return {
    ok: false,
    failure,
    readMode: "short",
    triesLeftBefore: 10,
    triesLeftAfter: 10,
    verifySent: true,
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
