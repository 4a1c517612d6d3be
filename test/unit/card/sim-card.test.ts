import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../src/card/apdu";
import { CardError } from "../../../src/card/errors";
import type { SimulatedCard} from "../../../src/card/sim/card";
import { type SimClock } from "../../../src/card/sim/card";
import { loadDeck } from "../../../src/card/sim/deck";
import { exchangeMs, floorMs, LATENCY_106K, LATENCY_424K } from "../../../src/card/sim/latency";

const deck = loadDeck();
const signal = () => new AbortController().signal;
const SELECT_SURFACE = "00A4040C0AD3921000310001010402";
const SELECT_JPKI = "00A4040C0AD392F000260100000001";

async function sw(card: SimulatedCard, hex: string): Promise<string> {
  const r = await card.transmit(fromHex(hex), signal());
  return toHex(r.subarray(-2), "");
}
async function data(card: SimulatedCard, hex: string): Promise<Uint8Array> {
  const r = await card.transmit(fromHex(hex), signal());
  return r.subarray(0, -2);
}
const ascii = (s: string) => Buffer.from(s).toString("hex");
const verifyB = (digits: string) => `002000800E${ascii(digits)}`;

describe("SimulatedCard", () => {
  const entry = deck.card("senior");
  const wrong = entry.codeB.slice(0, 13) + (entry.codeB.endsWith("0") ? "1" : "0");

  it("answers 6A82 to unknown AIDs and EFs, and 9000 to the My Number AIDs", async () => {
    const card = entry.makeCard();
    expect(await sw(card, "00A4040C05A000000001")).toBe("6A82");
    expect(await sw(card, SELECT_SURFACE)).toBe("9000");
    expect(await sw(card, "00A4020C020099")).toBe("6A82");
    expect(await sw(card, "00A4020C023F00")).toBe("6A82");
    expect(await sw(card, SELECT_JPKI)).toBe("9000");
  });

  it("answers 6982 to EF 0002 before VERIFY and serves it after", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020002");
    expect(await sw(card, "00B0000000")).toBe("6982");
    await sw(card, "00A4020C020012");
    expect(await sw(card, verifyB(entry.codeB))).toBe("9000");
    await sw(card, "00A4020C020002");
    const first = await data(card, "00B0000000");
    expect(first).toHaveLength(256);
    expect(toHex(first.subarray(0, 2), "")).toBe("FF20");
  });

  it("never opens EF 0005 (number image) with 照合番号B", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020012");
    await sw(card, verifyB(entry.codeB));
    await sw(card, "00A4020C020005");
    expect(await sw(card, "00B0000000")).toBe("6982");
  });

  it("counts wrong codes down to 63C0, then answers 6984 to everything, even the right code", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020012");
    expect(await sw(card, "00200080")).toBe("63CA");
    for (let left = 9; left >= 1; left--) expect(await sw(card, verifyB(wrong))).toBe(`63C${left.toString(16).toUpperCase()}`);
    expect(await sw(card, verifyB(wrong))).toBe("63C0");
    expect(await sw(card, verifyB(entry.codeB))).toBe("6984");
    expect(await sw(card, "00200080")).toBe("6984");
    expect(card.triesLeft("surface", 0x12)).toBe(0);
  });

  it("resets the counter on a right code and keeps counters across removal", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020012");
    await sw(card, verifyB(wrong));
    card.remove();
    card.insert();
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020012");
    expect(await sw(card, "00200080")).toBe("63C9");
    expect(await sw(card, verifyB(entry.codeB))).toBe("9000");
    expect(await sw(card, "00200080")).toBe("9000");
    expect(card.triesLeft("surface", 0x12)).toBe(10);
  });

  it("forgets VERIFY when another application is selected or the card is re-inserted", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020012");
    await sw(card, verifyB(entry.codeB));
    await sw(card, SELECT_JPKI);
    await sw(card, SELECT_SURFACE);
    await sw(card, "00A4020C020002");
    expect(await sw(card, "00B0000000")).toBe("6982");
  });

  it("opens the text AP's 4 facts with 照合番号B but never its number file (reference §1.2)", async () => {
    const card = entry.makeCard();
    expect(await sw(card, "00A4040C0AD3921000310001010408")).toBe("9000");
    await sw(card, "00A4020C020015");
    expect(await sw(card, verifyB(entry.codeB))).toBe("9000");
    await sw(card, "00A4020C020001");
    expect(await sw(card, "00B0000000")).toBe("6982");
    await sw(card, "00A4020C020002");
    const facts = await data(card, "00B0000000");
    expect(Buffer.from(facts).toString("utf8")).toContain(entry.printed.name);
    expect(Buffer.from(facts).toString("utf8")).toContain(entry.facts.birthDate.replace(/-/g, ""));
  });

  it("answers 6B00 at and past the end and 6282 for reads that cross it; 9000 when the profile says so", async () => {
    for (const end of [0x6282, 0x9000] as const) {
      const card = entry.makeCard({ shortReadAtEnd: end });
      await sw(card, SELECT_SURFACE);
      await sw(card, "00A4020C020004");
      const whole = await card.transmit(fromHex("00B00000000000"), signal());
      const size = whole.length - 2;
      expect(toHex(whole.subarray(-2), "")).toBe(end.toString(16).toUpperCase());
      const p = size.toString(16).padStart(4, "0");
      expect(await sw(card, `00B0${p}00`)).toBe("6B00");
      expect(await sw(card, `00B0${(size + 100).toString(16).padStart(4, "0")}01`)).toBe("6B00");
    }
  });

  it("reads by short EF identifier (P1 = 80|EF)", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_JPKI);
    const label = await data(card, "00B0860020");
    expect(Buffer.from(label).toString("ascii").trimEnd()).toBe("JPKIAPICCTOKEN2");
  });

  it("gives random bytes to GET CHALLENGE and refuses an extended Le with 6985", async () => {
    const card = entry.makeCard({ deps: { random: (n) => new Uint8Array(n).fill(7) } });
    await sw(card, SELECT_SURFACE);
    expect(Array.from(await data(card, "0084000008"))).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
    expect(await sw(card, "0084000000010000".slice(0, 14))).toBe("6985");
  });

  it("signs with the card key without a credential, and JPKI keys only after their PIN", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    const info = "3031300D060960864801650304020105000420" + "11".repeat(32);
    const sig = await card.transmit(fromHex(`802A000033${info}00`), signal());
    expect(sig).toHaveLength(258);
    expect(await sw(card, `802A010033${info}00`)).toBe("6A86");
    expect(await sw(card, "0088000004AABBCCDD00")).toBe("6985");
    await sw(card, SELECT_JPKI);
    expect(await sw(card, `802A009733${info}00`)).toBe("6982");
    await sw(card, "00A4020C020018");
    expect(await sw(card, `00200080${"04"}${ascii("1234")}`)).toBe("9000");
    expect(await card.transmit(fromHex(`802A009733${info}00`), signal())).toHaveLength(258);
  });

  it("answers 6D00, 6E00, 6881, 6A86 and 6700 to unknown or malformed commands", async () => {
    const card = entry.makeCard();
    expect(await sw(card, "00CA004200")).toBe("6D00");
    expect(await sw(card, "00A4040C05D392")).toBe("6700");
    expect(await sw(card, "B0A4040C0AD3921000310001010402")).toBe("6E00");
    expect(await sw(card, "01A4040C0AD3921000310001010402")).toBe("6881");
    expect(await sw(card, "00A4080C0AD3921000310001010402")).toBe("6A86");
    expect(await sw(card, "00A4")).toBe("6700");
  });

  it("rejects every transmit with no-card once removed, including one in flight", async () => {
    let release: (() => void) | null = null;
    const clock: SimClock = {
      sleep: (_ms, s) =>
        new Promise((resolve, reject) => {
          release = resolve;
          s.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
        }),
    };
    const card = entry.makeCard({ deps: { clock, latency: LATENCY_106K } });
    const pending = card.transmit(fromHex(SELECT_SURFACE), signal());
    card.remove();
    await expect(pending).rejects.toMatchObject({ problem: { kind: "no-card" } });
    await expect(card.transmit(fromHex(SELECT_SURFACE), signal())).rejects.toBeInstanceOf(CardError);
    expect(release).not.toBeNull();
  });

  it("records what it received and has the My Number ATR", async () => {
    const card = entry.makeCard();
    await sw(card, SELECT_SURFACE);
    expect(card.received().map((c) => toHex(c.bytes, ""))).toEqual([SELECT_SURFACE]);
    expect(card.received()[0]?.sw).toBe(0x9000);
    expect(toHex(card.atr, "")).toBe("3B888001000005E0B381A1007F");
  });

  it("takes the modelled time for an exchange (injected clock)", async () => {
    let slept = 0;
    const clock: SimClock = { sleep: (ms) => ((slept += ms), Promise.resolve()) };
    const card = entry.makeCard({ deps: { clock, latency: LATENCY_106K } });
    const cmd = fromHex(SELECT_SURFACE);
    await card.transmit(cmd, signal());
    expect(slept).toBeCloseTo(exchangeMs(cmd.length, 2, false, LATENCY_106K), 6);
    expect(floorMs([{ commandBytes: 15, responseBytes: 258, signs: false }], LATENCY_424K)).toBeLessThan(
      floorMs([{ commandBytes: 15, responseBytes: 258, signs: false }], LATENCY_106K),
    );
  });
});

describe("the deck", () => {
  it("has the special cards the kiosk must tell apart", () => {
    expect(deck.card("two-tries").makeCard().triesLeft("surface", 0x12)).toBe(2);
    expect(deck.card("blocked").makeCard().triesLeft("surface", 0x12)).toBe(0);
    expect(deck.card("not-holder").holderPresent).toBe(false);
    expect(deck.card("foreign").printed.birth.calendar).toBe("western");
    expect(deck.trustKeys()[0]?.issuerKeyIdHex).toBe("39303030303233080530303100000000");
  });

  it("refuses an invalid deck file with every problem listed", () => {
    expect(() => loadDeck({ format: "x" })).toThrow(/format/);
  });
});
