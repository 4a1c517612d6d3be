/**
 * The demo deck (src/card/sim/demo-entries.ts): every simulated card of every kind's deck is offered,
 * with its kind, a unique id, the key to type for typed-key kinds, and a chip with its ATR.
 */
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../../src/card/sim/deck";
import { demoEntries } from "../../../../src/card/sim/demo-entries";
import { loadResidenceDeck } from "../../../../src/card/sim/residence/deck";
import { passportDeck } from "../../../../src/card/sim/passport/deck";
import { licenceDeck } from "../../../../src/card/sim/licence/deck";
import { LATENCY_212K } from "../../../../src/card/sim/latency";

describe("the demo deck", () => {
  it("offers every simulated card of every kind, once, with its kind and key", async () => {
    const deck = loadDeck();
    const entries = await demoEntries(deck, LATENCY_212K);
    const count = (d: string | null) => entries.filter((e) => e.document === d).length;
    expect(count("mynumber") + count(null)).toBe(deck.cards.length);
    expect(count("residence")).toBe(loadResidenceDeck().cards.length);
    expect(count("passport")).toBe((await passportDeck()).passports.length);
    expect(count("licence")).toBe(licenceDeck().length);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const e of entries) {
      // A typed key for every kind whose key the camera does not read in the demo.
      expect(e.key === null, e.id).toBe(e.document === "mynumber" || e.document === null);
      expect(e.label.length, e.id).toBeGreaterThan(0);
    }
    expect(entries.find((e) => e.id === "rc-genuine")?.key).toMatch(/^[A-Z]{2}\d{8}[A-Z]{2}$/);
    expect(entries.find((e) => e.document === "passport")?.key).toMatch(/^[A-Z0-9<]{9} \d{6} \d{6}$/);
    // One fresh chip of each kind, with the ATR the reader reports.
    for (const d of ["mynumber", "residence", "passport", "licence"]) {
      const e = entries.find((x) => x.document === d);
      expect(e?.make().atr.length, d).toBeGreaterThan(0);
    }
  });
});
