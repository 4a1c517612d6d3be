import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyIdLabel, parseCvc, parsePublicKeyTemplate } from "../../../src/card/mynumber/auth/cvc";
import { hexToBytes } from "../../../src/card/mynumber/auth/ca-keys";
import { concat, jwkParts, keys, makeCvc, publicKeyTemplate, TEST_CA_ID, tlv } from "../../fixtures/auth/build";

const cert = makeCvc({ ca: keys.testCa, caId: TEST_CA_ID, subject: keys.issuer });

describe("card-verifiable certificate (EF 0004)", () => {
  it("parses issuer, subject, body, key and signature of a certificate with FF filler", () => {
    const r = parseCvc(cert);
    if (!r.ok) throw new Error(r.what);
    expect(r.cvc.issuer.label).toBe("9000023/001");
    expect(r.cvc.subject.label).toBe("1322121/000");
    expect(r.cvc.body.length).toBe(297);
    expect(r.cvc.signature.length).toBe(256);
    expect(Buffer.from(r.cvc.publicKey.modulus).equals(Buffer.from(jwkParts(keys.issuer).n))).toBe(true);
    expect(Array.from(r.cvc.publicKey.exponent)).toEqual([1, 0, 1]);
  });

  it("labels the shipped issuer ids, including the one whose padding ends in A8", () => {
    expect(keyIdLabel(hexToBytes("35303030303233080530303100000000"))).toBe("5000023/001");
    expect(keyIdLabel(hexToBytes("353030303032300805303031000000A8"))).toBe("5000020/001");
    expect(keyIdLabel(hexToBytes("35303030303233090530303100000000"))).toBeNull();
    expect(keyIdLabel(hexToBytes("3530303030323308053030"))).toBeNull();
  });

  it("reports a wrong outer tag, trailing garbage and truncation as malformed", () => {
    const wrongTag = Uint8Array.from(cert);
    wrongTag[1] = 0x22;
    const trailing = Uint8Array.from(cert);
    trailing[trailing.length - 1] = 0x41;
    const cases = [wrongTag, trailing, cert.subarray(0, 100), new Uint8Array(0), Uint8Array.of(0x7f, 0x21, 0x00)];
    for (const bytes of cases) expect(parseCvc(bytes).ok).toBe(false);
  });

  it("requires exactly a body then a signature, and a key template in the body", () => {
    const body = concat(new Uint8Array(32), publicKeyTemplate(keys.issuer));
    const sig = tlv(0x5f37, new Uint8Array(256));
    expect(parseCvc(tlv(0x7f21, concat(sig, tlv(0x5f4e, body)))).ok).toBe(false);
    expect(parseCvc(tlv(0x7f21, tlv(0x5f4e, body))).ok).toBe(false);
    expect(parseCvc(tlv(0x7f21, concat(tlv(0x5f4e, body), sig, sig))).ok).toBe(false);
    expect(parseCvc(tlv(0x7f21, concat(tlv(0x5f4e, new Uint8Array(32)), sig))).ok).toBe(false);
    const noModulus = concat(new Uint8Array(32), tlv(0x90, Uint8Array.of(1, 0, 1)));
    expect(parseCvc(tlv(0x7f21, concat(tlv(0x5f4e, noModulus), sig))).ok).toBe(false);
    expect(parseCvc(tlv(0x7f21, concat(tlv(0x5f4e, body), sig))).ok).toBe(true);
  });

  it("parses the 90/91 public key template and refuses other shapes", () => {
    const t = publicKeyTemplate(keys.card);
    expect(parsePublicKeyTemplate(t).ok).toBe(true);
    expect(parsePublicKeyTemplate(t.subarray(0, t.length - 1)).ok).toBe(false);
    expect(parsePublicKeyTemplate(concat(t.subarray(5), t.subarray(0, 5))).ok).toBe(false);
    expect(parsePublicKeyTemplate(concat(tlv(0x90, new Uint8Array(0)), tlv(0x91, Uint8Array.of(1)))).ok).toBe(false);
  });

  it("never throws on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        const r = parseCvc(bytes);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cert.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const b = Uint8Array.from(cert);
        b[pos] = (b[pos] ?? 0) ^ mask;
        expect(typeof parseCvc(b).ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});
