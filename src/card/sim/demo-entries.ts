/**
 * Demo mode: every simulated card the demo drawer offers, of every document kind — the My Number
 * deck (deck/deck.json or the configured deck file), then the residence cards, passports and
 * licences of their own decks — each with the kind it is (the drawer groups by it), its deck label,
 * whether its holder is the person at the kiosk (the face simulator follows it), the test key a demo
 * user types (residence card number, MRZ, PIN 1; simulated test data only) and a factory for a fresh
 * simulated chip. Never loaded in production (src/devices.ts imports it for demo mode only).
 */
import type { LatencyModel } from "./latency";
import type { Deck } from "./deck";
import type { SimReaderCard } from "./reader";

export interface DemoEntry {
  readonly id: string;
  readonly label: string;
  /** null: a card no supported kind recognises (the deck's "not a My Number card"). */
  readonly document: string | null;
  readonly holderPresent: boolean;
  /** What to type on the entry screen (null: the camera reads it, as for the My Number cards). */
  readonly key: string | null;
  make(): SimReaderCard;
}

export async function demoEntries(deck: Deck, latency: LatencyModel): Promise<DemoEntry[]> {
  const [{ loadResidenceDeck }, { passportDeck }, { licenceDeck }] = await Promise.all([
    import("./residence/deck"),
    import("./passport/deck"),
    import("./licence/deck"),
  ]);
  const out: DemoEntry[] = deck.cards.map((c) => ({
    id: c.id,
    label: c.label,
    document: c.kind === "mynumber" ? "mynumber" : null,
    holderPresent: c.holderPresent,
    key: null,
    make: () => c.makeCard({ deps: { latency } }),
  }));
  for (const c of loadResidenceDeck().cards) {
    out.push({ id: c.id, label: c.label, document: "residence", holderPresent: true, key: c.typed, make: () => c.makeCard({ latency }) });
  }
  for (const p of (await passportDeck()).passports) {
    // Prefixed: the passport cases have short ids ("minor", "clone") another deck could use.
    out.push({
      id: `passport-${p.id}`,
      label: p.label,
      document: "passport",
      holderPresent: p.holderPresent,
      key: `${p.mrz.documentNumber} ${p.mrz.birthDate} ${p.mrz.expiry}`,
      make: () => p.makeCard({ latency }),
    });
  }
  for (const l of licenceDeck()) {
    out.push({ id: l.person.id, label: l.person.label, document: "licence", holderPresent: l.person.holderPresent, key: l.person.demoPin, make: () => l.makeCard({ deps: { latency } }) });
  }
  const seen = new Set<string>();
  for (const e of out) {
    if (seen.has(e.id)) throw new Error(`demo deck: card id "${e.id}" used twice`);
    seen.add(e.id);
  }
  return out;
}
