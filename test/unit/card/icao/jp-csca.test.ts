/**
 * Japan's shipped CSCA certificates chain among themselves with our verifier: RSASSA-PSS (2013/2015
 * RSA-4096 keys), ECDSA P-384 — and the two 2019/2024 keys whose curve is spelled out in explicit
 * parameters, which OpenSSL's strict path building refuses (reference §3.1).
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { describe, expect, it } from "vitest";
import { japanCscas, cscaStore } from "../../../../src/card/icao/csca/store";
import { findIssuer, publicKeyFromSpki } from "../../../../src/card/icao/pa";

const certs = japanCscas();
const parse = (der: Uint8Array) => new pkijs.Certificate({ schema: asn1js.fromBER(der).result });

describe("Japanese CSCA certificates", () => {
  it("eight certificates, all with C=JP", () => {
    expect(certs).toHaveLength(8);
    for (const c of certs) expect(parse(c.der).subject.typesAndValues.some((t) => t.type === "2.5.4.6" && t.value.valueBlock.value === "JP")).toBe(true);
  });

  it("the EC keys with explicit parameters become P-384 keys", () => {
    const ec = certs.filter((c) => c.label.includes("ecp384"));
    expect(ec).toHaveLength(4);
    let explicit = 0;
    for (const c of ec) {
      const spki = parse(c.der).subjectPublicKeyInfo;
      if (spki.algorithm.algorithmParams instanceof asn1js.Sequence) explicit++;
      expect(publicKeyFromSpki(spki).asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    }
    expect(explicit).toBeGreaterThan(0);
  });

  it("every certificate is signed by a certificate of the store (self-signed roots and links)", () => {
    const store = cscaStore(certs);
    for (const c of certs) expect(findIssuer(parse(c.der), store), c.label).not.toBeNull();
  });

  it("the link 2015 → 2019 verifies only with the 2015 RSA key (RSASSA-PSS), not with the 2019 key", () => {
    const link = certs.find((c) => c.label.includes("link-2015rsakey-signs-2019key"));
    if (!link) throw new Error("link missing");
    const only2019 = cscaStore(certs.filter((c) => c.label.includes("2019-06-19_ecp384_self")));
    expect(findIssuer(parse(link.der), only2019)).toBeNull();
    const only2015 = cscaStore(certs.filter((c) => c.label.includes("2015-02-20_rsa4096_self")));
    expect(findIssuer(parse(link.der), only2015)).not.toBeNull();
  });
});
