/**
 * The deck of fictional My Number cards for demo mode and tests (deck/deck.json, made by
 * scripts/make-deck.ts). Each entry carries the chip facts, the printed-face facts (for card-front
 * rendering and OCR tests), whether the person at the kiosk is the holder (the face simulator follows
 * it), the test 照合番号B digits, and test keys.
 *
 * `loadDeck()` validates the JSON (zod) and returns cards that build a fresh `SimulatedCard` on demand.
 * The building blocks are exported for variants (authenticity tests): `buildCardProfile(input, options)`,
 * `deck.ca`, `deck.untrustedCa`, `DeckCard.input`.
 *
 * Test data only: the 照合番号B digits here open test cards; nothing in the product logs them.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { z } from "zod";
import bundledDeck from "./deck/deck.json";
import { SimulatedCard, type SimCardDeps } from "./card";
import { buildCardProfile, buildForeignCardProfile, encodeKeyId, type Authority, type ProfileInput, type ProfileOptions } from "./mynumber-profile";
import type { CardProfile } from "./profile";

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
const authority = z.object({ keyId: z.string().regex(/^\d{7}\/\d{3}$/), privateKeyPkcs8: b64 });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const eraId = z.enum(["meiji", "taisho", "showa", "heisei", "reiwa"]);

const printedFace = z.object({
  name: z.string(),
  address: z.string(),
  birth: z.discriminatedUnion("calendar", [
    z.object({ calendar: z.literal("era"), era: eraId, eraYear: z.number().int(), month: z.number().int(), day: z.number().int(), text: z.string() }),
    z.object({ calendar: z.literal("western"), year: z.number().int(), month: z.number().int(), day: z.number().int(), text: z.string() }),
  ]),
  sex: z.enum(["男", "女"]),
  expiry: z.object({ year: z.number().int(), month: z.number().int(), day: z.number().int(), text: z.string() }),
  securityCode: z.string(),
});

const personEntry = z.object({
  id: z.string().min(1),
  label: z.string(),
  kind: z.enum(["mynumber", "not-my-number"]),
  holderPresent: z.boolean(),
  codeB: z.string().regex(/^\d{14}$/),
  triesLeft: z.number().int().min(0).max(10),
  issuer: z.number().int().min(0),
  facts: z.object({
    birthDate: isoDate,
    sex: z.enum(["1", "2", "9"]),
    expiry: isoDate,
    securityCode: z.string().regex(/^\d{4}$/),
    municipality: z.string().regex(/^\d{5}$/),
    myNumber: z.string().regex(/^\d{12}$/),
  }),
  printed: printedFace,
  images: z.object({ name: b64, address: b64, photo: b64, securityCode: b64, number: b64 }),
  keys: z.object({ card: b64, jpkiAuth: b64, jpkiAuthCert: b64 }),
});

export const deckFileSchema = z.object({
  format: z.literal("mynaguard-deck/1"),
  description: z.string(),
  ca: authority,
  untrustedCa: authority,
  issuers: z.array(authority).min(1),
  jpkiCa: z.object({ privateKeyPkcs8: b64, certDer: b64 }),
  cards: z.array(personEntry).min(1),
});

export type DeckFile = z.infer<typeof deckFileSchema>;
export type DeckPersonEntry = z.infer<typeof personEntry>;
export type PrintedFace = z.infer<typeof printedFace>;

/** A trust-list entry for the deck's test CA, in the shape of /work/shared/data/trust/kenmen-cvc-ca-keys.json. */
export interface DeckTrustKey {
  issuerKeyId: string;
  issuerKeyIdHex: string;
  hierarchy: "mynaguard-test-deck";
  usage: string;
  exponent: number;
  modulusHex: string;
}

export interface DeckCard {
  readonly id: string;
  readonly label: string;
  readonly kind: "mynumber" | "not-my-number";
  /** Whether the person at the kiosk in the demo is this card's holder (the face simulator follows it). */
  readonly holderPresent: boolean;
  /** Test 照合番号B digits (test data only: demo panel and tests). */
  readonly codeB: string;
  readonly triesLeft: number;
  readonly facts: DeckPersonEntry["facts"];
  readonly printed: PrintedFace;
  /** Raw images (name/address/security-code PNG, photo JP2) as stored on the chip. */
  readonly images: { name: Uint8Array; address: Uint8Array; photo: Uint8Array; securityCode: Uint8Array };
  /** The profile builder input (null for the non-My-Number card): for variants. */
  readonly input: ProfileInput | null;
  /** The card's profile, optionally varied. */
  profile(options?: ProfileOptions): CardProfile;
  /** A fresh simulated card (own retry counters), optionally varied. */
  makeCard(options?: ProfileOptions & { deps?: SimCardDeps }): SimulatedCard;
}

export interface Deck {
  readonly cards: readonly DeckCard[];
  /** The test CA that certifies the issuing keys (EF 0004). */
  readonly ca: Authority;
  /** A second CA that no trust list contains (for "CA not trusted" variants). */
  readonly untrustedCa: Authority;
  readonly issuers: readonly Authority[];
  card(id: string): DeckCard;
  /** The test CA's public key as a trust-list entry (demo mode and tests trust it; production never). */
  trustKeys(): DeckTrustKey[];
}

export class DeckError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid deck: ${problems.join("; ")}`);
    this.name = "DeckError";
  }
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

/** Validate and load a deck (default: the bundled deck/deck.json). Throws DeckError listing every problem. */
// eslint-disable-next-line max-lines-per-function -- not split yet (issue 13, house): remove when split
export function loadDeck(source: unknown = bundledDeck): Deck {
  const parsed = deckFileSchema.safeParse(source);
  if (!parsed.success) {
    throw new DeckError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  const file = parsed.data;
  const auth = (a: { keyId: string; privateKeyPkcs8: string }): Authority => ({ keyId: a.keyId, privateKeyPkcs8: bytes(a.privateKeyPkcs8) });
  const ca = auth(file.ca);
  const untrustedCa = auth(file.untrustedCa);
  const issuers = file.issuers.map(auth);
  const jpkiCaCert = bytes(file.jpkiCa.certDer);

  const cards = file.cards.map((e): DeckCard => {
    const images = {
      name: bytes(e.images.name),
      address: bytes(e.images.address),
      photo: bytes(e.images.photo),
      securityCode: bytes(e.images.securityCode),
    };
    const issuer = issuers[e.issuer];
    if (!issuer) throw new DeckError([`cards.${e.id}.issuer: no issuer ${e.issuer}`]);
    const input: ProfileInput | null =
      e.kind === "mynumber"
        ? {
            label: e.label,
            facts: e.facts,
            images: {
              namePng: images.name,
              addressPng: images.address,
              photoJp2: images.photo,
              securityCodePng: images.securityCode,
              numberPng: bytes(e.images.number),
            },
            keys: {
              cardPkcs8: bytes(e.keys.card),
              jpkiAuthPkcs8: bytes(e.keys.jpkiAuth),
              jpkiAuthCertDer: bytes(e.keys.jpkiAuthCert),
              jpkiCaCertDer: jpkiCaCert,
            },
            ca,
            issuer,
            codeB: e.codeB,
            text: { name: e.printed.name, address: e.printed.address },
          }
        : null;
    // The unvaried profile is built once (RSA signing takes milliseconds); cards copy what they change.
    let plain: CardProfile | null = null;
    const build = (options: ProfileOptions): CardProfile =>
      input ? buildCardProfile(input, { codeBTriesLeft: e.triesLeft, ...options }) : buildForeignCardProfile(e.label);
    const profile = (options: ProfileOptions = {}): CardProfile => {
      if (Object.keys(options).length > 0) return build(options);
      plain ??= build({});
      return plain;
    };
    return {
      id: e.id,
      label: e.label,
      kind: e.kind,
      holderPresent: e.holderPresent,
      codeB: e.codeB,
      triesLeft: e.triesLeft,
      facts: e.facts,
      printed: e.printed,
      images,
      input,
      profile,
      makeCard: (options = {}) => {
        const { deps, ...rest } = options;
        return new SimulatedCard(profile(rest), deps ?? {});
      },
    };
  });

  return {
    cards,
    ca,
    untrustedCa,
    issuers,
    card(id) {
      const c = cards.find((x) => x.id === id);
      if (!c) throw new DeckError([`no card "${id}" in the deck`]);
      return c;
    },
    trustKeys() {
      const jwk = createPublicKey(createPrivateKey({ key: Buffer.from(ca.privateKeyPkcs8), format: "der", type: "pkcs8" })).export({ format: "jwk" });
      return [
        {
          issuerKeyId: ca.keyId,
          issuerKeyIdHex: Buffer.from(encodeKeyId(ca.keyId)).toString("hex").toUpperCase(),
          hierarchy: "mynaguard-test-deck",
          usage: "券面事項確認AP (card-face AP) certificates of the simulated deck — TEST ONLY, never in production",
          exponent: 65537,
          modulusHex: Buffer.from(jwk.n ?? "", "base64url").toString("hex").toUpperCase(),
        },
      ];
    },
  };
}
