/**
 * Hostile card behaviours: each ends in a typed failure within its budget, with no crash, no hang and
 * at most one try spent. Deterministic under load: cards that answer get a budget no busy machine can
 * exhaust, and the budget itself is checked on a fake clock (no wall-clock bounds).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { withSw } from "../../../src/card/apdu";
import { CodeB } from "../../../src/card/secret";
import { readCardFace, type ReadFaceDeps, type ReadFaceResult } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import type { Transmit } from "../../../src/card/transmit";
import type { SimFault, SimulatedCard } from "../../../src/card/sim/card";
import { loadDeck } from "../../../src/card/sim/deck";

const entry = loadDeck().card("heisei-1");
const wrongDigits = entry.codeB.slice(0, 10) + "0000";
const code = (d: string) => CodeB.fromDigits(d) ?? (() => { throw new Error("bad code"); })();

function run(transmit: Transmit, extra: Partial<ReadFaceDeps> = {}): Promise<ReadFaceResult> {
  return readCardFace({
    transmit,
    code: code(entry.codeB),
    nonce: new Uint8Array(32).fill(1),
    guard: new RetryGuard(),
    signal: new AbortController().signal,
    // Far above any answer time, even on a starved machine: only the fake-clock tests below time out.
    apduTimeoutMs: 60_000,
    ...extra,
  });
}
const kind = (r: ReadFaceResult) => (r.ok ? "ok" : r.failure.kind);

/** Lets real I/O callbacks and immediates run until `check` holds (bounded by `max` turns). */
async function turnsUntil(check: () => boolean, max = 100_000): Promise<void> {
  for (let i = 0; i < max && !check(); i++) await new Promise<void>((r) => setImmediate(r));
  if (!check()) throw new Error("condition never held");
}

/** Number of APDUs a clean read sends. */
async function cleanCount(mode: "short" | "extended"): Promise<number> {
  const card = entry.makeCard();
  const r = await run(card, { readMode: mode });
  expect(r.ok).toBe(true);
  return card.received().length;
}

/** Wraps a card: answers with data become 61xx + GET RESPONSE in `piece`-byte parts (T=0 style). */
function t0(card: SimulatedCard, piece: number): Transmit {
  let pending: Uint8Array | null = null;
  let sw = 0x9000;
  return {
    async transmit(cmd, signal) {
      if (cmd[1] === 0xc0 && pending) {
        const le = cmd[4] === 0 ? 256 : (cmd[4] ?? 0);
        const part = pending.subarray(0, Math.min(le, piece));
        pending = pending.subarray(part.length);
        const more = pending.length;
        const out = withSw(part, more > 0 ? 0x6100 | Math.min(more, 255) : sw);
        if (more === 0) pending = null;
        return out;
      }
      const r = await card.transmit(cmd, signal);
      if (r.length <= 2) return r;
      pending = r.slice(0, -2);
      sw = ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);
      return withSw(new Uint8Array(0), 0x6100 | Math.min(pending.length, 255) || 0x6100);
    },
  };
}

describe("hostile cards", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("never hangs and never spends a try when the card is pulled before any APDU of the read", async () => {
    for (const mode of ["short", "extended"] as const) {
      const n = await cleanCount(mode);
      for (let i = 0; i < n; i++) {
        const card = entry.makeCard();
        card.setFaults([{ at: i, kind: "remove-before" }]);
        const r = await run(card, { readMode: mode });
        expect(kind(r), `pulled before APDU ${i} (${mode})`).toBe("no-card");
        expect(card.triesLeft("surface", 0x12)).toBe(10);
      }
    }
  });

  it("spends at most one try when a card with the wrong code is pulled after any APDU executed", async () => {
    const n = await cleanCount("short");
    for (let i = 0; i < n; i++) {
      const card = entry.makeCard();
      card.setFaults([{ at: i, kind: "remove-after-execute" }]);
      const r = await run(card, { code: code(wrongDigits) });
      expect(["no-card", "wrong-code"]).toContain(kind(r));
      expect(card.triesLeft("surface", 0x12)).toBeGreaterThanOrEqual(9);
    }
  });

  it("never spends a second try in a session after a wrong VERIFY whose answer was lost", async () => {
    const card = entry.makeCard();
    card.setFaults([{ at: 3, kind: "remove-after-execute" }]);
    const guard = new RetryGuard();
    const first = await run(card, { code: code(wrongDigits), guard });
    expect(kind(first)).toBe("no-card");
    expect(card.triesLeft("surface", 0x12)).toBe(9);
    card.setFaults([]);
    card.insert();
    const again = await run(card, { code: code(wrongDigits), guard });
    expect(again.ok ? null : again.failure).toEqual({ kind: "refused-policy", reason: "same-wrong-code" });
    const other = await run(card, { code: code(entry.codeB), guard });
    expect(other.ok ? null : other.failure).toEqual({ kind: "refused-policy", reason: "wrong-code-already-spent" });
    expect(card.triesLeft("surface", 0x12)).toBe(9);
  });

  it("lets the session go on after a right VERIFY whose answer was lost", async () => {
    const card = entry.makeCard();
    card.setFaults([{ at: 3, kind: "remove-after-execute" }]);
    const guard = new RetryGuard();
    expect(kind(await run(card, { guard }))).toBe("no-card");
    card.setFaults([]);
    card.insert();
    expect(kind(await run(card, { guard }))).toBe("ok");
  });

  it("ends in a timeout exactly at its budget (fake clock) when the card stops answering at any APDU", async () => {
    const n = await cleanCount("short");
    for (const i of [0, 2, 3, 5, n - 1]) {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      try {
        const card = entry.makeCard();
        card.setFaults([{ at: i, kind: "hang" }]);
        let result: ReadFaceResult | null = null;
        void run(card, { apduTimeoutMs: 30 }).then((r) => (result = r));
        // APDUs before the hang answer without the clock moving; then the read waits on the hung one.
        await turnsUntil(() => card.received().length === i + 1);
        await vi.advanceTimersByTimeAsync(29);
        expect(result, `hang at APDU ${i}: still waiting 1 ms before the budget`).toBeNull();
        await vi.advanceTimersByTimeAsync(1);
        await turnsUntil(() => result !== null);
        expect(result && kind(result), `hang at APDU ${i}`).toBe("timeout");
        expect(card.received().length, `hang at APDU ${i}: nothing sent after the hung command`).toBe(i + 1);
      } finally {
        vi.useRealTimers();
      }
    }
  });

  it("ends in a timeout even when the transport ignores the abort signal", async () => {
    const never: Transmit = { transmit: () => new Promise<Uint8Array>(() => undefined) };
    const r = await run(never, { apduTimeoutMs: 20 });
    expect(r.ok ? null : r.failure).toEqual({ kind: "timeout", step: "select 券面AP" });
  });

  it("stops promptly when the caller aborts", async () => {
    const ac = new AbortController();
    const card = entry.makeCard();
    card.setFaults([{ at: 6, kind: "hang" }]);
    const pending = run(card, { signal: ac.signal });
    await turnsUntil(() => card.received().length === 7);
    ac.abort();
    const r = await pending;
    expect(kind(r)).toBe("aborted");
  });

  it("follows 61xx with GET RESPONSE (T=0 style chaining) to a complete read", async () => {
    const card = entry.makeCard();
    const r = await run(t0(card, 100));
    expect(kind(r)).toBe("ok");
  });

  it("re-sends with the Le the card asks for after 6Cxx", async () => {
    const card = entry.makeCard();
    let asked = false;
    const t: Transmit = {
      transmit(cmd, signal) {
        if (!asked && cmd[1] === 0xb0) {
          asked = true;
          return Promise.resolve(Uint8Array.of(0x6c, 0x80));
        }
        return card.transmit(cmd, signal);
      },
    };
    const r = await run(t);
    expect(kind(r)).toBe("ok");
    const reads = card.received().filter((c) => c.bytes[1] === 0xb0);
    expect(reads[0]?.bytes[4]).toBe(0x80);
  });

  it("never re-sends the 照合番号B when the card answers its VERIFY with 6Cxx", async () => {
    const card = entry.makeCard();
    let verifies = 0;
    const t: Transmit = {
      transmit(cmd, signal) {
        if (cmd[1] === 0x20 && cmd.length > 5) {
          verifies++;
          return Promise.resolve(Uint8Array.of(0x6c, 0x0e));
        }
        return card.transmit(cmd, signal);
      },
    };
    const r = await run(t);
    expect(kind(r)).toBe("malformed");
    expect(verifies).toBe(1);
  });

  it("refuses an endless 61xx chain as malformed", async () => {
    const t: Transmit = { transmit: () => Promise.resolve(Uint8Array.of(0x61, 0x01)) };
    expect(kind(await run(t))).toBe("malformed");
  });

  const faultCases: [string, SimFault, string][] = [
    ["an empty response", { at: 0, kind: "respond", bytes: new Uint8Array(0) }, "malformed"],
    ["a one-byte response", { at: 1, kind: "respond", bytes: Uint8Array.of(0x90) }, "malformed"],
    ["an oversized READ BINARY answer (300 bytes for Le 256)", { at: 5, kind: "respond", bytes: withSw(new Uint8Array(300), 0x9000) }, "malformed"],
    ["data with an error status word", { at: 0, kind: "respond", bytes: withSw(new Uint8Array(4), 0x6f00) }, "malformed"],
    ["6F00 to SELECT", { at: 0, kind: "respond", bytes: Uint8Array.of(0x6f, 0x00) }, "status"],
    ["6A82 to SELECT 券面AP", { at: 0, kind: "respond", bytes: Uint8Array.of(0x6a, 0x82) }, "not-my-number-card"],
    ["6982 to READ BINARY after a successful VERIFY", { at: 5, kind: "respond", bytes: Uint8Array.of(0x69, 0x82) }, "status"],
    ["6B00 in the middle of EF 0002", { at: 6, kind: "respond", bytes: Uint8Array.of(0x6b, 0x00) }, "malformed"],
    ["a header that claims a 16 MB record", { at: 5, kind: "respond", bytes: withSw(Uint8Array.of(0xff, 0x20, 0x83, 0xff, 0xff, 0xff), 0x9000) }, "malformed"],
    ["an empty READ BINARY answer with 9000", { at: 6, kind: "respond", bytes: Uint8Array.of(0x90, 0x00) }, "malformed"],
    ["garbage instead of EF 0002", { at: 5, kind: "respond", bytes: withSw(new Uint8Array(256).fill(0x41), 0x6282) }, "malformed"],
    ["9000 to the empty VERIFY (already verified)", { at: 2, kind: "respond", bytes: Uint8Array.of(0x90, 0x00) }, "ok"],
    ["6984 to the empty VERIFY", { at: 2, kind: "respond", bytes: Uint8Array.of(0x69, 0x84) }, "blocked"],
    ["63C0 to the VERIFY", { at: 3, kind: "respond", bytes: Uint8Array.of(0x63, 0xc0) }, "blocked"],
    // The card is still there after VERIFY: the read ends with the record and no signature (the
    // authenticity check then answers could-not-check, test/unit/cli/read-card.test.ts).
    ["6700 to the signature", { at: -1, kind: "respond", bytes: Uint8Array.of(0x67, 0x00) }, "ok"],
  ];
  it.each(faultCases)("answers %s with a typed failure", async (_name, fault, expected) => {
    const n = await cleanCount("short");
    const card = entry.makeCard();
    card.setFaults([{ ...fault, at: fault.at < 0 ? n + fault.at : fault.at }]);
    const r = await run(card);
    expect(kind(r)).toBe(expected);
    expect(card.triesLeft("surface", 0x12)).toBeGreaterThanOrEqual(9);
  });
});
