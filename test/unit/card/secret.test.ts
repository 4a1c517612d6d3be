import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { Card, type ApduTrace } from "../../../src/card/card";
import { CodeB } from "../../../src/card/secret";
import { readCardFace } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { loadDeck } from "../../../src/card/sim/deck";

const DIGITS = "55021720352285";

describe("CodeB", () => {
  it("never prints or serialises its digits", () => {
    const c = CodeB.fromDigits(DIGITS);
    if (!c) throw new Error("valid digits refused");
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- printing it is the point
    const outputs = [String(c), `${c}`, JSON.stringify({ c }), inspect(c), inspect({ nested: [c] }, { depth: 5 }), c.toString()];
    for (const o of outputs) {
      expect(o).not.toContain("550217");
      expect(o).toContain("[redacted]");
    }
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    console.log(c);
    expect(inspect(log.mock.calls)).not.toContain(DIGITS);
    log.mockRestore();
  });

  it("accepts exactly 14 ASCII digits", () => {
    expect(CodeB.fromDigits("5502172035228")).toBeNull();
    expect(CodeB.fromDigits("550217203522855")).toBeNull();
    expect(CodeB.fromDigits("５５０２１７２０３５２２８５")).toBeNull();
    expect(CodeB.fromDigits("5502172035228a")).toBeNull();
  });

  it("zeroes its buffer on wipe and refuses to lend it afterwards", () => {
    const c = CodeB.fromDigits(DIGITS);
    if (!c) throw new Error("valid digits refused");
    let seen: Uint8Array | null = null;
    c.useBytes((b) => (seen = b));
    c.wipe();
    expect(seen !== null && (seen as Uint8Array).every((x) => x === 0)).toBe(true);
    expect(() => c.useBytes(() => 0)).toThrow();
  });

  it("compares codes by value", () => {
    const a = CodeB.fromDigits(DIGITS);
    const b = CodeB.fromDigits(DIGITS);
    const other = CodeB.fromDigits("55021720352286");
    if (!a || !b || !other) throw new Error("valid digits refused");
    expect(a.equals(b)).toBe(true);
    expect(a.equals(other)).toBe(false);
  });

  it("is masked in the APDU trace of a whole read, and no response data is traced", async () => {
    const entry = loadDeck().card("showa-64");
    const traces: ApduTrace[] = [];
    const code = CodeB.fromDigits(entry.codeB);
    if (!code) throw new Error("deck code invalid");
    const r = await readCardFace({
      transmit: entry.makeCard(),
      code,
      nonce: new Uint8Array(32),
      guard: new RetryGuard(),
      signal: new AbortController().signal,
      trace: (t) => traces.push(t),
    });
    expect(r.ok).toBe(true);
    const text = JSON.stringify(traces);
    const asciiHex = Buffer.from(entry.codeB).toString("hex").toUpperCase();
    expect(text.replace(/ /g, "")).not.toContain(asciiHex);
    expect(text).not.toContain(entry.codeB);
    expect(traces.find((t) => t.step === "verify 照合番号B")?.command).toBe("00 20 00 80 0E **");
    // a trace holds sizes, never the face bytes
    expect(Object.keys(traces[0] ?? {})).toEqual(["step", "command", "sw", "commandBytes", "responseBytes", "ms"]);
  });

  it("is copied into the VERIFY APDU and the copy is zeroed after the call", async () => {
    const sent: Uint8Array[] = [];
    const card = new Card({
      transmit: { transmit: (b) => (sent.push(b), Promise.resolve(Uint8Array.of(0x90, 0x00))) },
    });
    const code = CodeB.fromDigits(DIGITS);
    if (!code) throw new Error("valid digits refused");
    await card.verify(code, new AbortController().signal, "verify");
    expect(sent[0]?.subarray(5).every((b) => b === 0)).toBe(true);
  });
});
