/**
 * The deck is signed the way reference §3.5/§3.6 describes real cards: checked here with node:crypto
 * directly (independently of the authenticity module).
 */
import { constants, createHash, createPrivateKey, createPublicKey, publicDecrypt, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../../src/card/apdu";
import { parseCardFace } from "../../../src/card/mynumber/card-face";
import { readTlv, readTlvList } from "../../../src/card/tlv";
import { loadDeck } from "../../../src/card/sim/deck";
import { buildCardFace, buildCvc, encodeKeyId } from "../../../src/card/sim/mynumber-profile";

const deck = loadDeck();
const sha = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const rsa = (n: Uint8Array, e: Uint8Array) =>
  createPublicKey({ key: { kty: "RSA", n: Buffer.from(n).toString("base64url"), e: Buffer.from(e).toString("base64url") }, format: "jwk" });

function keyFromTlvs(buf: Uint8Array, start: number, end: number) {
  const items = readTlvList(buf, start, end);
  const get = (tag: number) => {
    const t = items.find((x) => x.tag === tag);
    if (!t) throw new Error(`no ${tag}`);
    return buf.subarray(t.valueStart, t.end);
  };
  return rsa(get(0x91), get(0x90));
}

describe("the deck's signatures", () => {
  for (const entry of deck.cards.filter((c) => c.input)) {
    it(`${entry.id}: CVC signed by the test CA, EF 0002 signed by the certified key over three SHA-256 digests`, () => {
      const input = entry.input;
      if (!input) throw new Error("no input");
      const cvc = buildCvc(input.ca, input.issuer);
      const outer = readTlv(cvc, 0);
      expect(outer.tag).toBe(0x7f21);
      const [body, sig] = readTlvList(cvc, outer.valueStart, outer.end);
      if (!body || !sig) throw new Error("CVC shape");
      expect([body.tag, sig.tag]).toEqual([0x5f4e, 0x5f37]);
      const bodyBytes = cvc.subarray(body.valueStart, body.end);
      expect(bodyBytes.subarray(0, 16)).toEqual(encodeKeyId("9000023/001"));
      const caKey = createPublicKey(createPrivateKey({ key: Buffer.from(input.ca.privateKeyPkcs8), format: "der", type: "pkcs8" }));
      expect(verify("sha256", bodyBytes, caKey, cvc.subarray(sig.valueStart, sig.end))).toBe(true);

      const issuerKey = keyFromTlvs(bodyBytes, 32, bodyBytes.length);
      const face = parseCardFace(buildCardFace(input));
      const digestInfo = new Uint8Array(publicDecrypt({ key: issuerKey, padding: constants.RSA_PKCS1_PADDING }, face.signature));
      const prefix = Uint8Array.of(0x30, 0x71, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x60);
      expect(digestInfo).toEqual(concatBytes(prefix, sha(face.spans.birthSexKey), sha(face.spans.nameAddress), sha(face.spans.photo)));
    });
  }

  it("is deterministic: building a profile twice gives the same bytes", () => {
    const input = deck.card("senior").input;
    if (!input) throw new Error("no input");
    expect(buildCardFace(input)).toEqual(buildCardFace(input));
  });

  it("makes a tampered variant whose signature no longer matches", () => {
    const input = deck.card("senior").input;
    if (!input) throw new Error("no input");
    const genuine = parseCardFace(buildCardFace(input));
    const altered = parseCardFace(buildCardFace(input, { alterAfterSigning: { birthDate: "1960-06-10" } }));
    expect(altered.birthDate.year).toBe(1960);
    expect(altered.signature).toEqual(genuine.signature);
    expect(sha(altered.spans.birthSexKey)).not.toEqual(sha(genuine.spans.birthSexKey));
  });
});
