/**
 * The simulator's residence cards (deck.json, made by scripts/make-residence-deck.ts): fictional first-
 * and second-generation residence cards and SPR certificates with their chip files, the number to type
 * for each, and the result each must give. Test keys only (a TEST ZairyuCard CA, never an ISA key).
 *
 * `loadResidenceDeck()` validates the JSON (zod); `card.makeCard(deps)` builds a fresh ResidenceSimCard.
 */
import { z } from "zod";
import bundled from "./deck.json";
import { ResidenceSimCard, type ResidenceProfile, type ResidenceSimDeps } from "./card";

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const number = z.string().regex(/^[A-Z]{2}\d{8}[A-Z]{2}$/);

const entry = z.object({
  id: z.string().min(1),
  label: z.string(),
  type: z.enum(["1", "2", "05", "06"]),
  generation: z.union([z.literal(1), z.literal(2)]),
  cardNumber: number,
  typed: number,
  name: z.string(),
  sex: z.enum(["男", "女"]),
  birth: isoDate,
  expiry: isoDate,
  stayEnd: isoDate.nullable(),
  signer: z.enum(["ok", "expired", "untrusted", "none"]),
  alterAfterSigning: z.boolean(),
  expected: z.object({
    authenticity: z.enum(["genuine", "data-altered", "unknown-ca", "expired", "could-not-check"]),
    read: z.enum(["ok", "wrong-code"]),
    verdict: z.enum(["pass", "fail", "refer"]),
  }),
  files: z.record(z.string().regex(/^(mf|df1|df2|df3):[0-9a-f]{2}$/), b64),
});

const deckSchema = z.object({ note: z.string(), testCa: b64, testCa2: b64, untrustedCa: b64, cards: z.array(entry).min(1) });

export type ResidenceDeckEntry = z.infer<typeof entry>;

export interface ResidenceDeckCard extends Omit<ResidenceDeckEntry, "files"> {
  readonly profile: ResidenceProfile;
  makeCard(deps?: ResidenceSimDeps): ResidenceSimCard;
}

export interface ResidenceDeck {
  readonly cards: readonly ResidenceDeckCard[];
  /** The test CAs (DER) a demo/test trust list holds: generation 1 (RSA) and 2 (P-384). */
  readonly testCas: readonly Uint8Array[];
  /** A CA no trust list holds (signs the unknown-CA card). */
  readonly untrustedCa: Uint8Array;
  get(id: string): ResidenceDeckCard;
}

/** PC/SC pseudo-ATR of a contactless Type B card (3B 88 80 01, ATQB application data, protocol info,
 *  TCK) [guess: no real residence card ATR is in the notes]. */
export const RESIDENCE_ATR = (() => {
  const body = [0x3b, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0xb3, 0x81, 0x81, 0x00];
  let tck = 0;
  for (const b of body.slice(1)) tck ^= b;
  return Uint8Array.from([...body, tck]);
})();

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

export function loadResidenceDeck(source: unknown = bundled): ResidenceDeck {
  const parsed = deckSchema.safeParse(source);
  if (!parsed.success) throw new Error(`residence deck: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const cards = parsed.data.cards.map((e): ResidenceDeckCard => {
    const { files, ...rest } = e;
    const profile: ResidenceProfile = {
      atr: RESIDENCE_ATR,
      generation: e.generation,
      cardNumber: new TextEncoder().encode(e.cardNumber),
      files: new Map(Object.entries(files).map(([k, v]) => [k, bytes(v)])),
    };
    return { ...rest, profile, makeCard: (deps = {}) => new ResidenceSimCard(profile, deps) };
  });
  return {
    cards,
    testCas: [bytes(parsed.data.testCa), bytes(parsed.data.testCa2)],
    untrustedCa: bytes(parsed.data.untrustedCa),
    get(id) {
      const c = cards.find((x) => x.id === id);
      if (!c) throw new Error(`no residence deck card ${id}`);
      return c;
    },
  };
}
