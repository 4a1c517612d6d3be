import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assessAuthenticity,
  printedExpiryFromCodeB,
  type AuthenticityInput,
  type SignedCardFace,
} from "../../../src/card/mynumber/auth/authenticity";
import { buildTrustStore, createTrustStore } from "../../../src/card/mynumber/auth/trust";
import { CodeB } from "../../../src/card/secret";
import { readTlv, readTlvList } from "../../../src/card/tlv";
import {
  anchorFor,
  concat,
  keys,
  makeCvc,
  makeFace,
  PRODUCTION_CA_ID,
  signedParts,
  signNonce,
  TEST_CA_ID,
} from "../../fixtures/auth/build";

const trust = createTrustStore([anchorFor(keys.testCa, TEST_CA_ID)]);
const today = { year: 2026, month: 11, day: 22 };
const genuineCvc = makeCvc({ ca: keys.testCa, caId: TEST_CA_ID, subject: keys.issuer });
const genuineFace = makeFace({ issuer: keys.issuer, card: keys.card });

function input(over: Partial<AuthenticityInput> & { ef0002?: Uint8Array; signer?: typeof keys.card } = {}): AuthenticityInput {
  const nonce = over.nonce ?? new Uint8Array(randomBytes(32));
  const { ef0002, signer, ...rest } = over;
  return {
    face: signedParts(ef0002 ?? genuineFace),
    cvc: genuineCvc,
    nonce,
    challengeSignature: signNonce(signer ?? keys.card, nonce),
    printedExpiry: { year: 2035, month: 2, day: 17 },
    today,
    trust,
    ...rest,
  };
}

describe("assessAuthenticity", () => {
  it("calls a card genuine when certificate, record, challenge and expiry all pass", () => {
    expect(assessAuthenticity(input())).toEqual({
      result: "genuine",
      reason: "all-checks-passed",
      checks: { certificate: "pass", recordSignature: "pass", challenge: "pass", expiry: "pass" },
      issuer: "9000023/001",
    });
  });

  it("calls a card whose birth date was changed after signing data-altered", () => {
    const r = assessAuthenticity(input({ ef0002: makeFace({ issuer: keys.issuer, card: keys.card, alter: { birth: "19700217" } }) }));
    expect([r.result, r.reason, r.detail]).toEqual(["data-altered", "record-signature-invalid", "digest-mismatch"]);
    expect(r.checks).toEqual({ certificate: "pass", recordSignature: "fail", challenge: "not-run", expiry: "pass" });
  });

  it("calls a card whose photo or sex was changed after signing data-altered", () => {
    const photo = concat(Uint8Array.of(0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20), new Uint8Array(100));
    for (const alter of [{ photo }, { sex: "2" }]) {
      const r = assessAuthenticity(input({ ef0002: makeFace({ issuer: keys.issuer, card: keys.card, alter }) }));
      expect(r.result).toBe("data-altered");
    }
  });

  it("calls a card with the same data but another card key clone-suspected", () => {
    const r = assessAuthenticity(input({ signer: keys.cloneCard }));
    expect([r.result, r.reason]).toEqual(["clone-suspected", "challenge-signature-invalid"]);
    expect(r.checks).toEqual({ certificate: "pass", recordSignature: "pass", challenge: "fail", expiry: "pass" });
  });

  it("calls a clone that answers with a signature of another nonce clone-suspected", () => {
    const replayed = signNonce(keys.card, new Uint8Array(32).fill(7));
    const r = assessAuthenticity(input({ challengeSignature: replayed }));
    expect([r.result, r.detail]).toEqual(["clone-suspected", "digest-mismatch"]);
  });

  it("calls a certificate under a CA key that is not trusted unknown-ca, never genuine", () => {
    const cvc = makeCvc({ ca: keys.otherCa, caId: "9000099/001", subject: keys.issuer });
    const r = assessAuthenticity(input({ cvc }));
    expect([r.result, r.reason, r.issuer]).toEqual(["unknown-ca", "certificate-unknown-issuer", "9000099/001"]);
    expect(r.checks.recordSignature).toBe("not-run");
  });

  it("calls a certificate that names the trusted CA but was signed by another key data-altered", () => {
    const cvc = makeCvc({ ca: keys.otherCa, caId: TEST_CA_ID, subject: keys.issuer });
    const r = assessAuthenticity(input({ cvc }));
    expect([r.result, r.reason]).toEqual(["data-altered", "certificate-signature-invalid"]);
  });

  it("makes a real-format certificate unknown-ca once the pinned production key is removed", () => {
    const cvc = makeCvc({ ca: keys.testCa, caId: PRODUCTION_CA_ID, subject: keys.issuer });
    const withPinned = buildTrustStore({ mode: "production" });
    const withoutPinned = buildTrustStore({ mode: "production", pinned: [] });
    if (!withPinned.ok || !withoutPinned.ok) throw new Error("trust store");
    // With the pinned J-LIS key, our test-signed certificate claiming 5000023 does not verify.
    expect(assessAuthenticity(input({ cvc, trust: withPinned.store })).result).toBe("data-altered");
    const r = assessAuthenticity(input({ cvc, trust: withoutPinned.store }));
    expect([r.result, r.issuer]).toEqual(["unknown-ca", "5000023/001"]);
  });

  it("calls a card past its expiry date in Tokyo expired, and one on its last day genuine", () => {
    const ef0002 = makeFace({ issuer: keys.issuer, card: keys.card });
    const last = { year: 2035, month: 2, day: 17 };
    expect(assessAuthenticity(input({ ef0002, today: last })).result).toBe("genuine");
    const r = assessAuthenticity(input({ ef0002, today: { year: 2035, month: 2, day: 18 } }));
    expect([r.result, r.reason, r.checks.expiry]).toEqual(["expired", "card-expired", "fail"]);
  });

  it("calls a chip expiry that disagrees with the printed one data-altered (DF29 is not signed)", () => {
    const ef0002 = makeFace({ issuer: keys.issuer, card: keys.card, alter: { expiry: "20450217" } });
    const r = assessAuthenticity(input({ ef0002 }));
    expect([r.result, r.reason]).toEqual(["data-altered", "expiry-mismatch"]);
    expect(assessAuthenticity(input({ ef0002, printedExpiry: { year: 2045 } })).result).toBe("genuine");
    expect(assessAuthenticity(input({ ef0002, printedExpiry: null })).result).toBe("genuine");
  });

  it("reports could-not-check, never genuine, when a part is missing or unusable", () => {
    const cases: [Partial<AuthenticityInput>, string][] = [
      [{ cvc: null }, "certificate-missing"],
      [{ face: null }, "record-missing"],
      [{ challengeSignature: null }, "challenge-not-answered"],
      [{ nonce: new Uint8Array(8) }, "nonce-invalid"],
      [{ cvc: Uint8Array.of(1, 2, 3) }, "certificate-malformed"],
    ];
    for (const [over, reason] of cases) {
      const r = assessAuthenticity(input(over));
      expect([r.result, r.reason]).toEqual(["could-not-check", reason]);
    }
  });

  it("takes the printed expiry year from digits 7–10 of 照合番号B", () => {
    const code = CodeB.fromDigits("55021720352285");
    if (!code) throw new Error("code");
    expect(printedExpiryFromCodeB(code)).toEqual({ year: 2035 });
  });

  it("reports a malformed chip expiry as could-not-check", () => {
    const face: SignedCardFace = { ...signedParts(genuineFace), expiry: { year: 2035, month: 2, day: 30 } };
    const r = assessAuthenticity(input({ face }));
    expect([r.result, r.reason]).toEqual(["could-not-check", "expiry-malformed"]);
  });

  it("refuses a certified key or card key with exponent 3 as could-not-check", () => {
    const cvc = makeCvc({ ca: keys.testCa, caId: TEST_CA_ID, subject: keys.weakE3 });
    const r = assessAuthenticity(input({ cvc }));
    expect([r.result, r.reason, r.detail]).toEqual(["could-not-check", "certificate-key-unusable", "exponent-too-small"]);
    const ef0002 = makeFace({ issuer: keys.issuer, card: keys.weakE3 });
    const r2 = assessAuthenticity(input({ ef0002, signer: keys.weakE3 }));
    expect([r2.result, r2.reason]).toEqual(["could-not-check", "card-key-unusable"]);
  });
});

function dfEnd(tag: number): number {
  const outer = readTlv(genuineFace, 0);
  const t = readTlvList(genuineFace, outer.valueStart, outer.end).find((x) => x.tag === tag);
  if (!t) throw new Error("fixture");
  return t.end;
}

describe("bit flips in EF 0002 and EF 0004 are never genuine", () => {
  const allowed = ["data-altered", "unknown-ca", "could-not-check"];
  const nonce = new Uint8Array(32).fill(0x5a);
  const challengeSignature = signNonce(keys.card, nonce);
  const assess = (ef0002: Uint8Array, cvc: Uint8Array) => {
    let face: SignedCardFace | null;
    try {
      face = signedParts(ef0002);
    } catch {
      face = null; // the reader's parser would refuse it: no record to check
    }
    return assessAuthenticity({ face, cvc, nonce, challengeSignature, printedExpiry: { year: 2035, month: 2, day: 17 }, today, trust });
  };

  it("leaves the unflipped pair genuine (the flips below are what changes the answer)", () => {
    expect(assess(genuineFace, genuineCvc).result).toBe("genuine");
  });

  it("flipping any byte of EF 0004 (tags, lengths, ids, key, signature, filler) is never genuine", () => {
    for (let i = 0; i < genuineCvc.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const cvc = Uint8Array.from(genuineCvc);
        cvc[i] = (cvc[i] ?? 0) ^ mask;
        const r = assess(genuineFace, cvc);
        expect(allowed, `byte ${i} mask ${mask}: ${r.result}`).toContain(r.result);
      }
    }
  });

  it("flipping any byte of the signed part of EF 0002 (headers, birth, sex, card key, images, photo, signature, expiry) is never genuine", () => {
    // Every byte from the outer header to the end of DF29 (the offset table included: the parser
    // checks it against the real positions). DF2A, the security-code image, is not signed
    // (reference §3.5) and holds nothing the kiosk decides on, so it is left out.
    const outer = readTlv(genuineFace, 0);
    const items = readTlvList(genuineFace, outer.valueStart, outer.end);
    const expiry = items.find((t) => t.tag === 0xdf29);
    if (!expiry) throw new Error("fixture");
    let checked = 0;
    for (let i = 0; i < expiry.end; i++) {
      const face = Uint8Array.from(genuineFace);
      face[i] = (face[i] ?? 0) ^ 0x01;
      const r = assess(face, genuineCvc);
      expect(allowed, `byte ${i}: ${r.result}`).toContain(r.result);
      checked++;
    }
    expect(checked).toBe(dfEnd(0xdf29));
  });

  it("random multi-byte corruption of both files is never genuine (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 20_000 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (flips, inCvc) => {
          const target = Uint8Array.from(inCvc ? genuineCvc : genuineFace);
          const limit = inCvc ? target.length : dfEnd(0xdf29);
          for (const [pos, mask] of flips) {
            const p = pos % limit;
            target[p] = (target[p] ?? 0) ^ mask;
          }
          if (target.every((b, i) => b === (inCvc ? genuineCvc : genuineFace)[i])) return;
          const r = inCvc ? assess(genuineFace, target) : assess(target, genuineCvc);
          expect(allowed).toContain(r.result);
        },
      ),
      { numRuns: 200 },
    );
  });
});

