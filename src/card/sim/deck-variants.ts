/**
 * Simulated cards for the authenticity checks (issue 4), built from the deck's own building blocks
 * (`buildCardProfile`, `deck.ca`, `deck.untrustedCa`, `DeckCard.input`): one per result the kiosk
 * must tell apart.
 *
 * | id              | made how                                                    | expected          |
 * |-----------------|-------------------------------------------------------------|-------------------|
 * | genuine         | the deck card as issued                                     | genuine           |
 * | altered-photo   | DF27 replaced by another deck person's photo after signing  | data-altered      |
 * | altered-birth   | DF22 of the under-20 card moved 10 years back after signing | data-altered      |
 * | clone           | same files, but the chip signs with another card's key      | clone-suspected   |
 * | unknown-ca      | EF 0004 signed by the deck's untrusted CA (9100023/001)     | unknown-ca        |
 * | expired         | DF29 and the printed expiry 10 years earlier (code B too)   | expired           |
 *
 * Each variant carries the 照合番号B that opens it and the printed expiry for the DF29 cross-check.
 * Test data only; nothing here is used in production mode.
 */
import type { AuthenticityResultKind } from "../mynumber/auth/authenticity";
import type { SimCardDeps } from "./card";
import { SimulatedCard } from "./card";
import type { Deck, DeckCard } from "./deck";
import { buildCardProfile, type ProfileInput, type ProfileOptions } from "./mynumber-profile";
import type { CardProfile } from "./profile";

export const DECK_VARIANT_IDS = ["genuine", "altered-photo", "altered-birth", "clone", "unknown-ca", "expired"] as const;
export type DeckVariantId = (typeof DECK_VARIANT_IDS)[number];

export interface DeckVariant {
  readonly id: DeckVariantId;
  readonly label: string;
  /** The deck card it was made from. */
  readonly base: string;
  /** What assessAuthenticity must answer for this card (with the deck's test CA trusted). */
  readonly expected: AuthenticityResultKind;
  /** Test 照合番号B digits that open this card. */
  readonly codeB: string;
  /** The expiry printed on this card's face (what OCR or entry would give). */
  readonly printedExpiry: { readonly year: number; readonly month: number; readonly day: number };
  profile(): CardProfile;
  makeCard(deps?: SimCardDeps): SimulatedCard;
}

export interface DeckVariantOptions {
  /** Base card for every variant except altered-birth. Default "heisei-1" (adult). */
  readonly baseId?: string;
  /** Base for altered-birth: a minor made to look older. Default "minor-18". */
  readonly minorId?: string;
  /** Card whose photo (altered-photo) and card key (clone) are borrowed. Default "senior". */
  readonly donorId?: string;
}

/** The six authenticity variants. Throws DeckError if a named card is missing from the deck. */
export function buildDeckVariants(deck: Deck, options: DeckVariantOptions = {}): DeckVariant[] {
  const base = mine(deck.card(options.baseId ?? "heisei-1"));
  const minor = mine(deck.card(options.minorId ?? "minor-18"));
  const donor = mine(deck.card(options.donorId ?? "senior"));

  const make = (
    id: DeckVariantId,
    label: string,
    from: { card: DeckCard; input: ProfileInput },
    expected: AuthenticityResultKind,
    input: ProfileInput,
    opts: ProfileOptions = {},
  ): DeckVariant => {
    const [y, m, d] = input.facts.expiry.split("-").map(Number);
    const profile = () => buildCardProfile(input, { codeBTriesLeft: 10, ...opts });
    return {
      id,
      label,
      base: from.card.id,
      expected,
      codeB: input.codeB,
      printedExpiry: { year: y ?? 0, month: m ?? 0, day: d ?? 0 },
      profile,
      makeCard: (deps = {}) => new SimulatedCard(profile(), deps),
    };
  };

  const birth = minor.input.facts.birthDate;
  const olderBirth = `${Number(birth.slice(0, 4)) - 10}${birth.slice(4)}`;
  const expiry = base.input.facts.expiry;
  const pastExpiry = `${Number(expiry.slice(0, 4)) - 10}${expiry.slice(4)}`;

  return [
    make("genuine", "genuine card as issued", base, "genuine", base.input),
    make("altered-photo", "photo replaced after signing", base, "data-altered", base.input, {
      alterAfterSigning: { photoJp2: donor.input.images.photoJp2 },
    }),
    make("altered-birth", "birth date moved 10 years back after signing", minor, "data-altered", minor.input, {
      alterAfterSigning: { birthDate: olderBirth },
    }),
    make("clone", "data copied to a chip with another key", base, "clone-suspected", base.input, {
      challengeKeyPkcs8: donor.input.keys.cardPkcs8,
    }),
    make("unknown-ca", "certificate from a CA nobody trusts", base, "unknown-ca", { ...base.input, ca: deck.untrustedCa }),
    make("expired", "card past its expiry date", base, "expired", {
      ...base.input,
      facts: { ...base.input.facts, expiry: pastExpiry },
      // 照合番号B = birth YYMMDD ‖ expiry year ‖ security code (reference §3.2).
      codeB: base.input.codeB.slice(0, 6) + pastExpiry.slice(0, 4) + base.input.codeB.slice(10),
    }),
  ];
}

function mine(card: DeckCard): { card: DeckCard; input: ProfileInput } {
  if (!card.input) throw new RangeError(`deck card "${card.id}" is not a My Number card`);
  return { card, input: card.input };
}
