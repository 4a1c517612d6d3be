import { constants, privateEncrypt, sign, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digestInfoSha256, nonceDigestInfo } from "../../../src/card/mynumber/auth/digest";
import {
  bigIntToBytes,
  bytesToBigInt,
  encodePkcs1v15Sha256,
  openSignature,
  rsaPublicKey,
  verifyPkcs1v15Sha256,
  type RsaPublicKey,
} from "../../../src/card/mynumber/auth/rsa";
import { concat, digestInfo, jwkParts, keys, sha256, signInfo } from "../../fixtures/auth/build";

function publicOf(k: KeyObject): RsaPublicKey {
  const { n, e } = jwkParts(k);
  const r = rsaPublicKey(n, e);
  if (!r.ok) throw new Error(r.problem);
  return r.key;
}

/** Sign an arbitrary 256-byte encoded message (no padding added by OpenSSL). */
function signRawEm(k: KeyObject, em: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key: k, padding: constants.RSA_NO_PADDING }, em));
}

const issuer = publicOf(keys.issuer);
const message = new TextEncoder().encode("certificate body");

describe("RSA public key sanity", () => {
  it("accepts a 2048-bit key with exponent 65537", () => {
    const { n } = jwkParts(keys.issuer);
    expect(rsaPublicKey(n, 65537).ok).toBe(true);
    expect(rsaPublicKey(concat(Uint8Array.of(0), n), 65537).ok).toBe(true);
  });

  it("refuses a modulus that is not exactly 2048 bits", () => {
    const { n } = jwkParts(keys.issuer);
    expect(rsaPublicKey(n.subarray(1), 65537)).toEqual({ ok: false, problem: "modulus-length" });
    expect(rsaPublicKey(concat(Uint8Array.of(1), n), 65537)).toEqual({ ok: false, problem: "modulus-length" });
    expect(rsaPublicKey(new Uint8Array(0), 65537)).toEqual({ ok: false, problem: "modulus-length" });
  });

  it("refuses exponents 1 and 3 and every exponent below 65537", () => {
    const { n } = jwkParts(keys.issuer);
    expect(rsaPublicKey(n, 1)).toEqual({ ok: false, problem: "exponent-too-small" });
    expect(rsaPublicKey(n, 3)).toEqual({ ok: false, problem: "exponent-too-small" });
    expect(rsaPublicKey(n, 17)).toEqual({ ok: false, problem: "exponent-too-small" });
    const weak = jwkParts(keys.weakE3);
    expect(rsaPublicKey(weak.n, weak.e)).toEqual({ ok: false, problem: "exponent-too-small" });
  });

  it("refuses an even exponent, an even modulus and a huge exponent", () => {
    const { n } = jwkParts(keys.issuer);
    expect(rsaPublicKey(n, 65538)).toEqual({ ok: false, problem: "exponent-even" });
    expect(rsaPublicKey(bytesToBigInt(n) - 1n, 65537)).toEqual({ ok: false, problem: "modulus-even" });
    expect(rsaPublicKey(n, 2n ** 40n + 1n)).toEqual({ ok: false, problem: "exponent-too-large" });
  });
});

describe("PKCS#1 v1.5 SHA-256 verification", () => {
  it("accepts a signature made by OpenSSL over SHA-256 of the message", () => {
    const sig = new Uint8Array(sign("sha256", message, keys.issuer));
    expect(verifyPkcs1v15Sha256(issuer, sig, sha256(message))).toEqual({ ok: true });
  });

  it("accepts a DigestInfo holding three concatenated digests (96 bytes)", () => {
    const triple = concat(sha256(Uint8Array.of(1)), sha256(Uint8Array.of(2)), sha256(Uint8Array.of(3)));
    const sig = signInfo(keys.issuer, digestInfo(triple));
    expect(verifyPkcs1v15Sha256(issuer, sig, triple)).toEqual({ ok: true });
  });

  it("encodes DigestInfo with short-form DER lengths only, and refuses a digest that would need a long form", () => {
    const info = nonceDigestInfo(new Uint8Array(32));
    expect(info.length).toBe(51);
    expect(Array.from(info.subarray(0, 2))).toEqual([0x30, 0x31]);
    expect(digestInfoSha256(new Uint8Array(110))[1]).toBe(0x7f);
    expect(() => digestInfoSha256(new Uint8Array(111))).toThrow(RangeError);
  });

  it("encodes the same message representative as OpenSSL", () => {
    const sig = new Uint8Array(sign("sha256", message, keys.issuer));
    const opened = openSignature(issuer, sig);
    expect(opened.ok && Buffer.from(opened.em).toString("hex")).toBe(
      Buffer.from(encodePkcs1v15Sha256(sha256(message), 256)).toString("hex"),
    );
  });

  it("refuses the signature of another message with digest-mismatch", () => {
    const sig = new Uint8Array(sign("sha256", message, keys.issuer));
    expect(verifyPkcs1v15Sha256(issuer, sig, sha256(Uint8Array.of(0)))).toEqual({ ok: false, problem: "digest-mismatch" });
  });

  it("refuses a signature under another key", () => {
    const sig = new Uint8Array(sign("sha256", message, keys.card));
    const r = verifyPkcs1v15Sha256(issuer, sig, sha256(message));
    expect(r.ok).toBe(false);
  });

  it("refuses short and long signatures with signature-length", () => {
    const sig = new Uint8Array(sign("sha256", message, keys.issuer));
    expect(verifyPkcs1v15Sha256(issuer, sig.subarray(1), sha256(message))).toEqual({ ok: false, problem: "signature-length" });
    expect(verifyPkcs1v15Sha256(issuer, concat(Uint8Array.of(0), sig), sha256(message))).toEqual({
      ok: false,
      problem: "signature-length",
    });
    expect(verifyPkcs1v15Sha256(issuer, new Uint8Array(0), sha256(message))).toEqual({ ok: false, problem: "signature-length" });
  });

  it("refuses a signature value not below the modulus", () => {
    const s = bigIntToBytes(issuer.modulus, 256);
    expect(verifyPkcs1v15Sha256(issuer, s, sha256(message))).toEqual({ ok: false, problem: "signature-out-of-range" });
    expect(verifyPkcs1v15Sha256(issuer, new Uint8Array(256).fill(0xff), sha256(message))).toEqual({
      ok: false,
      problem: "signature-out-of-range",
    });
  });

  it("refuses a DigestInfo of the right digest under SHA-1 with digest-algorithm", () => {
    const sha1Prefix = Uint8Array.of(0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00);
    const d = sha256(message);
    const info = concat(Uint8Array.of(0x30, sha1Prefix.length + 2 + d.length), sha1Prefix, Uint8Array.of(0x04, d.length), d);
    expect(verifyPkcs1v15Sha256(issuer, signInfo(keys.issuer, info), d)).toEqual({ ok: false, problem: "digest-algorithm" });
  });

  it("refuses a SHA-256 DigestInfo without the NULL parameters", () => {
    const d = sha256(message);
    const alg = Uint8Array.of(0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01);
    const info = concat(Uint8Array.of(0x30, alg.length + 2 + d.length), alg, Uint8Array.of(0x04, d.length), d);
    expect(verifyPkcs1v15Sha256(issuer, signInfo(keys.issuer, info), d)).toEqual({ ok: false, problem: "digest-algorithm" });
  });

  it("refuses malformed DigestInfo structures with digest-info-malformed", () => {
    const d = sha256(message);
    const good = digestInfo(d);
    const bad = [
      good.subarray(0, good.length - 1), // truncated
      concat(good, Uint8Array.of(0)), // trailing byte
      Uint8Array.from(good).fill(0x31, 0, 1), // SET instead of SEQUENCE
      d, // bare digest, no DigestInfo at all
    ];
    const wrongOctet = Uint8Array.from(good);
    wrongOctet[17] = 0x03; // BIT STRING instead of OCTET STRING
    bad.push(wrongOctet);
    for (const info of bad) {
      expect(verifyPkcs1v15Sha256(issuer, signInfo(keys.issuer, info), d)).toEqual({
        ok: false,
        problem: "digest-info-malformed",
      });
    }
  });

  it("refuses a digest of the wrong length with digest-length", () => {
    const d = sha256(message);
    const sig = signInfo(keys.issuer, digestInfo(d));
    expect(verifyPkcs1v15Sha256(issuer, sig, concat(d, d, d))).toEqual({ ok: false, problem: "digest-length" });
  });

  it("checks the encoded message byte by byte: header, padding, separator", () => {
    const d = sha256(message);
    const em = encodePkcs1v15Sha256(d, 256);
    const blockType2 = Uint8Array.from(em);
    blockType2[1] = 0x02;
    const holeInPadding = Uint8Array.from(em);
    holeInPadding[40] = 0xfe;
    const shortPadding = new Uint8Array(256).fill(0);
    const info = digestInfo(d);
    shortPadding.set([0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 0); // 7 bytes of FF
    shortPadding.set(info, 10);
    const noSeparator = new Uint8Array(256).fill(0xff);
    noSeparator[0] = 0;
    noSeparator[1] = 1;
    const cases: [Uint8Array, string][] = [
      [blockType2, "encoding-header"],
      [holeInPadding, "encoding-padding"],
      [noSeparator, "encoding-separator"],
    ];
    for (const [bytes, problem] of cases) {
      expect(verifyPkcs1v15Sha256(issuer, signRawEm(keys.issuer, bytes), d)).toEqual({ ok: false, problem });
    }
    // 7 FF bytes then 00 then DigestInfo then zeros: the padding rule trips before the DigestInfo does.
    expect(verifyPkcs1v15Sha256(issuer, signRawEm(keys.issuer, shortPadding), d)).toEqual({
      ok: false,
      problem: "encoding-padding",
    });
  });

  it("refuses every single-byte change of a valid signature (property)", () => {
    const d = sha256(message);
    const sig = signInfo(keys.issuer, digestInfo(d));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const s = Uint8Array.from(sig);
        s[pos] = (s[pos] ?? 0) ^ mask;
        expect(verifyPkcs1v15Sha256(issuer, s, d).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
