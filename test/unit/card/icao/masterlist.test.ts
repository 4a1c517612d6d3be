/**
 * `kioskctl trust import-masterlist`: a master list built here (a test state "UT": its CSCA signs a
 * Master List Signer, which signs a CscaMasterList holding two CSCA certificates) is imported only when
 * its signature holds and its signer chains to the --signer-ca given; tampered, self-vouching or
 * wrongly anchored lists are refused (exit 1) and nothing is written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash, webcrypto } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { japanCscas } from "../../../../src/card/icao/csca/store";
import { importMasterList } from "../../../../src/cli/trust-masterlist";

const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as Crypto });
const name = (cn: string) =>
  new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: "2.5.4.6", value: new asn1js.PrintableString({ value: "UT" }) }),
      new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });

async function cert(subject: string, issuer: string, pub: CryptoKey, sign: CryptoKey, serial: number): Promise<pkijs.Certificate> {
  const c = new pkijs.Certificate();
  c.version = 2;
  c.serialNumber = new asn1js.Integer({ value: serial });
  c.subject = name(subject);
  c.issuer = name(issuer);
  c.notBefore.value = new Date(Date.now() - 86_400_000);
  c.notAfter.value = new Date(Date.now() + 365 * 86_400_000);
  await c.subjectPublicKeyInfo.importKey(pub, engine);
  await c.sign(sign, "SHA-256", engine);
  return c;
}

const gen = () => webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
const der = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER(false));

let dir: string;
let files: { ml: string; csca: string; other: string; tampered: string };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "ml-"));
  const csca = await gen();
  const other = await gen();
  const signerKey = await gen();
  const cscaCert = await cert("UT CSCA", "UT CSCA", csca.publicKey, csca.privateKey, 1);
  const otherCert = await cert("UT CSCA", "UT CSCA", other.publicKey, other.privateKey, 1);
  const signer = await cert("UT Master List Signer", "UT CSCA", signerKey.publicKey, csca.privateKey, 7);
  const jp = japanCscas()[0];
  if (!jp) throw new Error("jp");
  const list = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), new asn1js.Set({ value: [cscaCert.toSchema(), asn1js.fromBER(jp.der).result] })],
  });
  const content = new Uint8Array(list.toBER(false));
  const sd = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: "2.23.136.1.1.2", eContent: new asn1js.OctetString({ valueHex: content }) }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: "1.2.840.113549.1.9.3", values: [new asn1js.ObjectIdentifier({ value: "2.23.136.1.1.2" })] }),
            new pkijs.Attribute({ type: "1.2.840.113549.1.9.4", values: [new asn1js.OctetString({ valueHex: createHash("sha256").update(content).digest() })] }),
          ],
        }),
      }),
    ],
    certificates: [signer],
  });
  await sd.sign(signerKey.privateKey, 0, "SHA-256", undefined, engine);
  const ml = new Uint8Array(new pkijs.ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: sd.toSchema(true) }).toSchema().toBER(false));
  files = { ml: path.join(dir, "UT.ml"), csca: path.join(dir, "csca.der"), other: path.join(dir, "other.der"), tampered: path.join(dir, "bad.ml") };
  writeFileSync(files.ml, ml);
  writeFileSync(files.csca, der(cscaCert));
  writeFileSync(files.other, der(otherCert));
  // Flip one byte inside the content (the first certificate's signature area): the digest no longer matches.
  const bad = ml.slice();
  const at = Buffer.from(ml).indexOf(Buffer.from(content.subarray(60, 80)));
  bad[at + 5] = (bad[at + 5] ?? 0) ^ 0xff;
  writeFileSync(files.tampered, bad);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = importMasterList(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join(""), err: err.join("") };
}

describe("kioskctl trust import-masterlist", () => {
  it("imports every CSCA of a list whose signer chains to the given signer CA, with provenance", () => {
    const out = path.join(dir, "all");
    const r = run(["--signer-ca", files.csca, "--out", out, files.ml]);
    expect(r.code, r.err).toBe(0);
    const written = readdirSync(out).sort();
    expect(written).toHaveLength(3);
    expect(written).toContain("PROVENANCE.json");
    const prov = JSON.parse(readFileSync(path.join(out, "PROVENANCE.json"), "utf8")) as { signer: string; certificates: unknown[] };
    expect(prov.signer).toContain("UT Master List Signer");
    expect(prov.certificates).toHaveLength(2);
  });

  it("--country keeps one state's certificates", () => {
    const out = path.join(dir, "jp");
    expect(run(["--signer-ca", files.csca, "--country", "jp", "--out", out, files.ml]).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith(".der")).map((f) => f.slice(0, 3))).toEqual(["JP_"]);
  });

  it("refuses a list whose signer does not chain to the given CA, a tampered list, and bad usage", () => {
    const out = path.join(dir, "refused");
    const wrong = run(["--signer-ca", files.other, "--out", out, files.ml]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("signer-not-trusted");
    const tampered = run(["--signer-ca", files.csca, "--out", out, files.tampered]);
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/bad-signature|malformed/);
    expect(existsSync(out)).toBe(false);
    expect(run([files.ml]).code).toBe(2);
    expect(run(["--signer-ca", files.csca, path.join(dir, "missing.ml")]).code).toBe(2);
  });
});
