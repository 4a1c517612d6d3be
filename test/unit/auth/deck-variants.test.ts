import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tokyoDate } from "../../../src/age/date";
import { assessAuthenticity } from "../../../src/card/mynumber/auth/authenticity";
import { parseKeyTable } from "../../../src/card/mynumber/auth/ca-keys";
import { readCardFace } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { buildTrustStore, type TrustStore } from "../../../src/card/mynumber/auth/trust";
import { CodeB } from "../../../src/card/secret";
import { loadDeck } from "../../../src/card/sim/deck";
import { buildDeckVariants, DECK_VARIANT_IDS, type DeckVariant } from "../../../src/card/sim/deck-variants";

const deck = loadDeck();
const variants = buildDeckVariants(deck);
const deckAnchors = parseKeyTable({ keys: deck.trustKeys() }, "demo-deck");
if (!deckAnchors.ok) throw new Error(deckAnchors.errors.join());
function store(r: ReturnType<typeof buildTrustStore>): TrustStore {
  if (!r.ok) throw new Error(r.errors.join());
  return r.store;
}
const demoTrust = store(buildTrustStore({ mode: "demo", extraAnchors: deckAnchors.anchors }));
const productionTrust = store(buildTrustStore({ mode: "production" }));

/** The kiosk's read with a fresh nonce, then the check, as the session does it. */
async function readAndAssess(v: DeckVariant, trust: TrustStore = demoTrust) {
  const code = CodeB.fromDigits(v.codeB);
  if (!code) throw new Error("code");
  const read = await readCardFace({
    transmit: v.makeCard(),
    code,
    nonce: new Uint8Array(randomBytes(32)),
    guard: new RetryGuard(),
    signal: new AbortController().signal,
  });
  if (!read.ok) throw new Error(`read failed: ${read.failure.kind}`);
  try {
    return assessAuthenticity({
      face: read.record,
      cvc: read.cvc,
      nonce: read.nonce,
      challengeSignature: read.signature,
      printedExpiry: v.printedExpiry,
      today: tokyoDate(Date.now()),
      trust,
    });
  } finally {
    read.purge();
  }
}

describe("deck variants for the authenticity checks", () => {
  it("offers one card per result: genuine, altered photo, altered birth, clone, unknown CA, expired", () => {
    expect(variants.map((v) => v.id)).toEqual([...DECK_VARIANT_IDS]);
    expect(new Set(variants.map((v) => v.expected))).toEqual(
      new Set(["genuine", "data-altered", "clone-suspected", "unknown-ca", "expired"]),
    );
  });

  for (const v of variants) {
    it(`reads the ${v.id} card (${v.label}) as ${v.expected} with the deck's test CA trusted`, async () => {
      const r = await readAndAssess(v);
      expect(r.result).toBe(v.expected);
    });
  }

  it("calls even the genuine deck card unknown-ca under the production trust store", async () => {
    const genuine = variants.find((v) => v.id === "genuine");
    if (!genuine) throw new Error("variant");
    const r = await readAndAssess(genuine, productionTrust);
    expect([r.result, r.issuer]).toEqual(["unknown-ca", "9000023/001"]);
  });
});
