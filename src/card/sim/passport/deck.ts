/**
 * The simulated e-passports for tests and the demo, made at start-up (keys are generated, nothing
 * secret is stored): a TEST CSCA ("UT" = the ICAO code for Utopia), its Document Signers, and one
 * passport per case the kiosk must tell apart. TEST ONLY: production never trusts this CSCA.
 *
 * | id                | access | what is special                                     | expected          |
 * |-------------------|--------|-----------------------------------------------------|-------------------|
 * | genuine-bac       | BAC    | DS RSA-2048 RSASSA-PSS; AA RSA-1024 (ISO 9796-2)      | genuine           |
 * | genuine-ecdsa     | BAC    | DS ECDSA P-256; AA ECDSA P-256 with SHA-384, named in DG14 (no CA key) | genuine |
 * | altered-dg1       | BAC    | DG1 birth year changed after signing                  | data-altered      |
 * | clone             | BAC    | the chip's AA key is not DG15's                       | clone-suspected   |
 * | unknown-csca      | BAC    | DS signed by a CSCA no trust store holds              | unknown-ca        |
 * | expired-ds        | BAC    | DS certificate validity ended                         | expired           |
 * | no-aa             | BAC    | no DG15, no DG14                                      | clone not ruled out |
 * | minor             | BAC    | holder is 16                                          | genuine (under-age) |
 * | genuine-pace      | PACE   | ECDH-GM brainpoolP256r1, AES-128 SM; AA RSA            | genuine           |
 * | genuine-ca        | BAC    | DG14 only: CA ECDH 3DES, brainpoolP256r1 spelled out   | genuine           |
 * | genuine-ca-pace   | PACE   | P-256 AES-128; DG14 only: CA ECDH AES-128 P-256 keyId 1 | genuine          |
 * | clone-ca          | BAC    | DG14 only; the chip's CA key is not DG14's             | clone-suspected   |
 */
import { createECDH, createHash, generateKeyPairSync, webcrypto } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import sharp from "sharp";
import { concatBytes } from "../../apdu";
import { CA_OID_BY_CIPHER, OID_PK_ECDH } from "../../icao/ca";
import type { SmCipher } from "../../icao/crypto";
import { EXPLICIT_CURVES } from "../../icao/curves";
import { EF } from "../../icao/ids";
import { checkDigit } from "../../icao/mrz-key";
import { encodeTlv } from "../../tlv";
import type { SimClock } from "../card";
import type { LatencyModel } from "../latency";
import { SimulatedPassport, type PassportProfile } from "./chip";

const OID_LDS_SO = "2.23.136.1.1.1";
/** ATR of an ISO 14443 Type B contactless card as a PC/SC reader shows it (PC/SC part 3 §3.1.3.2.3.2); test value. */
export const PASSPORT_ATR = Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x71, 0x00, 0x79);

export type PassportCaseId =
  | "genuine-pace"
  | "genuine-bac"
  | "genuine-ecdsa"
  | "altered-dg1"
  | "clone"
  | "unknown-csca"
  | "expired-ds"
  | "no-aa"
  | "minor"
  | "genuine-ca"
  | "genuine-ca-pace"
  | "clone-ca";

export interface DeckPassport {
  readonly id: PassportCaseId;
  readonly label: string;
  /** Test MRZ fields (they open the chip). */
  readonly mrz: { documentNumber: string; birthDate: string; expiry: string };
  readonly holderPresent: boolean;
  readonly profile: PassportProfile;
  makeCard(deps?: { latency?: LatencyModel; clock?: SimClock }): SimulatedPassport;
}

export interface PassportDeck {
  readonly passports: readonly DeckPassport[];
  /** The test CSCA certificate (DER): demo mode and tests trust it. */
  readonly cscaDer: Uint8Array;
  /** A CSCA nobody trusts (signer of the unknown-csca passport). */
  readonly untrustedCscaDer: Uint8Array;
  passport(id: PassportCaseId): DeckPassport;
}

const subtle = webcrypto.subtle;
const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as Crypto });

function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: "2.5.4.6", value: new asn1js.PrintableString({ value: "UT" }) }),
      new pkijs.AttributeTypeAndValue({ type: "2.5.4.10", value: new asn1js.Utf8String({ value: "mynaguard TEST" }) }),
      new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });
}

async function certificate(o: {
  serial: number;
  subject: string;
  issuer: string;
  publicKey: CryptoKey;
  signKey: CryptoKey;
  hash: string;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
}): Promise<pkijs.Certificate> {
  const c = new pkijs.Certificate();
  c.version = 2;
  c.serialNumber = new asn1js.Integer({ value: o.serial });
  c.subject = name(o.subject);
  c.issuer = name(o.issuer);
  c.notBefore.value = o.notBefore;
  c.notAfter.value = o.notAfter;
  c.extensions = [
    new pkijs.Extension({ extnID: "2.5.29.19", critical: true, extnValue: new pkijs.BasicConstraints({ cA: o.ca }).toSchema().toBER(false) }),
    new pkijs.Extension({
      extnID: "2.5.29.15",
      critical: true,
      // keyCertSign + cRLSign for a CSCA, digitalSignature for a DS.
      extnValue: new asn1js.BitString({ valueHex: Uint8Array.of(o.ca ? 0x06 : 0x80).buffer, unusedBits: o.ca ? 1 : 7 }).toBER(false),
    }),
  ];
  await c.subjectPublicKeyInfo.importKey(o.publicKey, engine);
  await c.sign(o.signKey, o.hash, engine);
  return c;
}

const ec = (namedCurve: string) => subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]);
const rsaPss = () => subtle.generateKey({ name: "RSA-PSS", modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" }, true, ["sign", "verify"]);

function td3(o: { documentNumber: string; birthDate: string; expiry: string; sex: string; surname: string; given: string }): string {
  const doc = o.documentNumber.padEnd(9, "<");
  const names = `${o.surname}<<${o.given}`.padEnd(39, "<").slice(0, 39);
  const line1 = `P<UTO${names}`;
  const personal = "<".repeat(14);
  const part = `${doc}${checkDigit(doc)}UTO${o.birthDate}${checkDigit(o.birthDate)}${o.sex}${o.expiry}${checkDigit(o.expiry)}${personal}${checkDigit(personal)}`;
  const composite = `${doc}${checkDigit(doc)}${o.birthDate}${checkDigit(o.birthDate)}${o.expiry}${checkDigit(o.expiry)}${personal}${checkDigit(personal)}`;
  return line1 + part + String(checkDigit(composite));
}

const ascii = (s: string) => new Uint8Array(Buffer.from(s, "ascii"));

function dg1(mrz: string): Uint8Array {
  return encodeTlv(0x61, encodeTlv(0x5f1f, ascii(mrz)));
}

/** A 19794-5 record around a JPEG, in the DG2 CBEFF wrapper. */
function dg2(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
  const u32 = (n: number) => Uint8Array.of((n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  const facial = concatBytes(u16(0), Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 0), u16(0), Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 0));
  const info = concatBytes(Uint8Array.of(1, 0), u16(width), u16(height), Uint8Array.of(1, 2), u16(0), u16(0));
  const blockLen = 4 + facial.length + info.length + jpeg.length;
  const record = concatBytes(Uint8Array.of(0x46, 0x41, 0x43, 0, 0x30, 0x31, 0x30, 0), u32(14 + blockLen), u16(1), u32(blockLen), facial, info, jpeg);
  const bht = encodeTlv(0xa1, concatBytes(encodeTlv(0x80, Uint8Array.of(1, 1)), encodeTlv(0x87, Uint8Array.of(1, 1)), encodeTlv(0x88, Uint8Array.of(0, 8))));
  const bit = encodeTlv(0x7f60, concatBytes(bht, encodeTlv(0x5f2e, record)));
  return encodeTlv(0x75, encodeTlv(0x7f61, concatBytes(encodeTlv(0x02, Uint8Array.of(1)), bit)));
}

function com(tags: number[]): Uint8Array {
  return encodeTlv(0x60, concatBytes(encodeTlv(0x5f01, ascii("0107")), encodeTlv(0x5f36, ascii("040000")), encodeTlv(0x5c, Uint8Array.from(tags))));
}

/** LDSSecurityObject v0 with SHA-256 hashes of the given data groups. */
function ldsSecurityObject(groups: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const seq = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "2.16.840.1.101.3.4.2.1" })] }),
      new asn1js.Sequence({
        value: [...groups].map(
          ([n, b]) => new asn1js.Sequence({ value: [new asn1js.Integer({ value: n }), new asn1js.OctetString({ valueHex: createHash("sha256").update(b).digest() })] }),
        ),
      }),
    ],
  });
  return new Uint8Array(seq.toBER(false));
}

async function sod(content: Uint8Array, ds: pkijs.Certificate, dsKey: CryptoKey): Promise<Uint8Array> {
  const digest = createHash("sha256").update(content).digest();
  const sd = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_LDS_SO, eContent: new asn1js.OctetString({ valueHex: content }) }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: ds.issuer, serialNumber: ds.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: "1.2.840.113549.1.9.3", values: [new asn1js.ObjectIdentifier({ value: OID_LDS_SO })] }),
            new pkijs.Attribute({ type: "1.2.840.113549.1.9.4", values: [new asn1js.OctetString({ valueHex: digest })] }),
          ],
        }),
      }),
    ],
    certificates: [ds],
  });
  await sd.sign(dsKey, 0, "SHA-256", undefined, engine);
  const ci = new pkijs.ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: sd.toSchema(true) });
  return encodeTlv(0x77, new Uint8Array(ci.toSchema().toBER(false)));
}

/** A portrait-sized JPEG of about 15 kB (a gradient with noise; no real face). */
async function portrait(seed: number): Promise<{ jpeg: Uint8Array; width: number; height: number }> {
  const width = 240;
  const height = 320;
  const raw = Buffer.alloc(width * height * 3);
  let x = seed * 7919 + 1;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const p = Math.floor(i / 3);
    raw[i] = (((p % width) + Math.floor(p / width)) / 2 + (x % 40)) & 0xff;
  }
  const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 78 }).toBuffer();
  return { jpeg: new Uint8Array(jpeg), width, height };
}

/**
 * DG14 (6E ‖ SET OF SecurityInfo) with one ChipAuthenticationInfo (version 1) and its
 * ChipAuthenticationPublicKeyInfo (id-PK-ECDH, SubjectPublicKeyInfo id-ecPublicKey with the named
 * curve, or its explicit ECParameters as many issuers write them).
 */
/** ActiveAuthenticationInfo { id-AA, version 1, ecdsa-plain-SHA384 (TR-03111) } for an ECDSA AA with SHA-384. */
const aaInfoSha384 = () => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "2.23.136.1.1.5" }), new asn1js.Integer({ value: 1 }), new asn1js.ObjectIdentifier({ value: "0.4.0.127.0.7.1.1.4.1.4" })] });

function dg14Aa(): Uint8Array {
  return encodeTlv(0x6e, new Uint8Array(new asn1js.Set({ value: [aaInfoSha384()] }).toBER(false)));
}

function dg14(o: { curve: string; point: Uint8Array; cipher: SmCipher; keyId: number | null; explicit: boolean }): Uint8Array {
  const c = EXPLICIT_CURVES.find((x) => x.name === o.curve);
  if (!c) throw new RangeError(o.curve);
  const params = o.explicit ? asn1js.fromBER(Buffer.from(c.der, "hex")).result : new asn1js.ObjectIdentifier({ value: c.oid });
  const spki = new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.840.10045.2.1" }), params] }), new asn1js.BitString({ valueHex: o.point.slice().buffer })],
  });
  const keyId = o.keyId === null ? [] : [new asn1js.Integer({ value: o.keyId })];
  const info = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: CA_OID_BY_CIPHER[o.cipher] }), new asn1js.Integer({ value: 1 }), ...keyId] });
  const pk = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_PK_ECDH }), spki, ...keyId] });
  return encodeTlv(0x6e, new Uint8Array(new asn1js.Set({ value: [info, pk] }).toBER(false)));
}

const pkcs8 = (k: { export(o: { format: "der"; type: "pkcs8" }): Buffer }) => new Uint8Array(k.export({ format: "der", type: "pkcs8" }));
const spki = (k: { export(o: { format: "der"; type: "spki" }): Buffer }) => new Uint8Array(k.export({ format: "der", type: "spki" }));

let cached: Promise<PassportDeck> | null = null;

/** The deck (built once per process; a few hundred ms). */
export function passportDeck(): Promise<PassportDeck> {
  cached ??= buildDeck();
  return cached;
}

// eslint-disable-next-line max-lines-per-function -- one table of cases, read top to bottom
async function buildDeck(): Promise<PassportDeck> {
  const now = Date.now();
  const year = 365 * 86_400_000;
  const csca = await ec("P-384");
  const other = await ec("P-384");
  const cscaCert = await certificate({ serial: 1, subject: "TEST CSCA", issuer: "TEST CSCA", publicKey: csca.publicKey, signKey: csca.privateKey, hash: "SHA-384", notBefore: new Date(now - 5 * year), notAfter: new Date(now + 10 * year), ca: true });
  const otherCert = await certificate({ serial: 1, subject: "TEST CSCA", issuer: "TEST CSCA", publicKey: other.publicKey, signKey: other.privateKey, hash: "SHA-384", notBefore: new Date(now - 5 * year), notAfter: new Date(now + 10 * year), ca: true });
  const dsPss = await rsaPss();
  const dsEc = await ec("P-256");
  const mkDs = (serial: number, key: CryptoKeyPair, signer: CryptoKeyPair, notAfter: Date) =>
    certificate({ serial, subject: `TEST DS ${serial}`, issuer: "TEST CSCA", publicKey: key.publicKey, signKey: signer.privateKey, hash: "SHA-384", notBefore: new Date(now - 2 * year), notAfter, ca: false });
  const dsPssCert = await mkDs(10, dsPss, csca, new Date(now + 8 * year));
  const dsEcCert = await mkDs(11, dsEc, csca, new Date(now + 8 * year));
  const dsUnknown = await mkDs(12, dsEc, other, new Date(now + 8 * year));
  const dsExpired = await mkDs(13, dsEc, csca, new Date(now - 30 * 86_400_000));
  const face = await portrait(1);
  const yy = (d: Date) => String(d.getUTCFullYear() % 100).padStart(2, "0") + String(d.getUTCMonth() + 1).padStart(2, "0") + String(d.getUTCDate()).padStart(2, "0");
  const expiry = yy(new Date(now + 4 * year));

  interface Case {
    id: PassportCaseId;
    label: string;
    doc: string;
    birth: string;
    ds: { cert: pkijs.Certificate; key: CryptoKeyPair };
    aa: "rsa" | "ec" | "none";
    pace?: { parameterId: number; cipher: "aes128" | "aes192" | "aes256" | "3des" };
    clone?: boolean;
    alterBirth?: string;
    ca?: { curve: string; cipher: SmCipher; keyId: number | null; explicit: boolean; clone?: boolean };
    /** ECDSA AA with SHA-384, named in a DG14 that holds only the ActiveAuthenticationInfo. */
    aaSha384?: boolean;
  }
  const cases: Case[] = [
    { id: "genuine-pace", label: "Passport (genuine, PACE ECDH-GM brainpoolP256r1 AES-128)", doc: "TP1000009", birth: "790304", ds: { cert: dsEcCert, key: dsEc }, aa: "rsa", pace: { parameterId: 13, cipher: "aes128" } },
    { id: "genuine-bac", label: "Passport (genuine, BAC, RSA-PSS signer, RSA AA)", doc: "TP1000001", birth: "850412", ds: { cert: dsPssCert, key: dsPss }, aa: "rsa" },
    { id: "genuine-ecdsa", label: "Passport (genuine, ECDSA signer and AA)", doc: "TP1000002", birth: "920101", ds: { cert: dsEcCert, key: dsEc }, aa: "ec", aaSha384: true },
    { id: "altered-dg1", label: "Passport (DG1 altered)", doc: "TP1000003", birth: "100101", ds: { cert: dsEcCert, key: dsEc }, aa: "rsa", alterBirth: "800101" },
    { id: "clone", label: "Passport (clone: AA key mismatch)", doc: "TP1000004", birth: "880808", ds: { cert: dsEcCert, key: dsEc }, aa: "rsa", clone: true },
    { id: "unknown-csca", label: "Passport (unknown CSCA)", doc: "TP1000005", birth: "770707", ds: { cert: dsUnknown, key: dsEc }, aa: "rsa" },
    { id: "expired-ds", label: "Passport (DS certificate expired)", doc: "TP1000006", birth: "660606", ds: { cert: dsExpired, key: dsEc }, aa: "rsa" },
    { id: "no-aa", label: "Passport (no Active Authentication)", doc: "TP1000007", birth: "900909", ds: { cert: dsEcCert, key: dsEc }, aa: "none" },
    { id: "minor", label: "Passport (holder 16)", doc: "TP1000008", birth: yy(new Date(now - 16 * year)), ds: { cert: dsEcCert, key: dsEc }, aa: "rsa" },
    { id: "genuine-ca", label: "Passport (genuine, Chip Authentication 3DES, no AA)", doc: "TP1000010", birth: "830215", ds: { cert: dsEcCert, key: dsEc }, aa: "none", ca: { curve: "brainpoolP256r1", cipher: "3des", keyId: null, explicit: true } },
    {
      id: "genuine-ca-pace",
      label: "Passport (genuine, PACE and Chip Authentication AES, no AA)",
      doc: "TP1000011",
      birth: "950630",
      ds: { cert: dsPssCert, key: dsPss },
      aa: "none",
      pace: { parameterId: 12, cipher: "aes128" },
      ca: { curve: "prime256v1", cipher: "aes128", keyId: 1, explicit: false },
    },
    { id: "clone-ca", label: "Passport (clone: Chip Authentication key mismatch)", doc: "TP1000012", birth: "870417", ds: { cert: dsEcCert, key: dsEc }, aa: "none", ca: { curve: "brainpoolP256r1", cipher: "3des", keyId: null, explicit: true, clone: true } },
  ];
  const dg2Bytes = dg2(face.jpeg, face.width, face.height);
  const passports: DeckPassport[] = [];
  for (const c of cases) {
    const mrz = { documentNumber: c.doc, birthDate: c.birth, expiry };
    const line = (birth: string) => td3({ ...mrz, birthDate: birth, sex: "F", surname: "TESTER", given: c.id.toUpperCase().replace(/[^A-Z]/g, "<") });
    const groups = new Map<number, Uint8Array>([
      [1, dg1(line(c.birth))],
      [2, dg2Bytes],
    ]);
    let aaKey: Uint8Array | null = null;
    if (c.aa !== "none") {
      const gen = () => (c.aa === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 1024 }) : generateKeyPairSync("ec", { namedCurve: "prime256v1" }));
      const pair = gen();
      groups.set(15, encodeTlv(0x6f, spki(pair.publicKey)));
      aaKey = pkcs8(c.clone ? gen().privateKey : pair.privateKey);
    }
    let caKey: PassportProfile["ca"];
    if (c.ca) {
      const pair = createECDH(c.ca.curve);
      pair.generateKeys();
      groups.set(14, dg14({ ...c.ca, point: new Uint8Array(pair.getPublicKey()) }));
      const held = c.ca.clone ? createECDH(c.ca.curve) : pair;
      if (c.ca.clone) held.generateKeys();
      caKey = { curve: c.ca.curve, cipher: c.ca.cipher, privateKey: new Uint8Array(held.getPrivateKey()), keyId: c.ca.keyId === null ? null : Uint8Array.of(c.ca.keyId) };
    }
    if (c.aaSha384) groups.set(14, dg14Aa());
    const sodBytes = await sod(ldsSecurityObject(groups), c.ds.cert, c.ds.key.privateKey);
    if (c.alterBirth) groups.set(1, dg1(line(c.alterBirth)));
    const files = new Map<number, Uint8Array>([
      [EF.com, com([0x61, 0x75, ...(c.ca || c.aaSha384 ? [0x6e] : []), ...(c.aa === "none" ? [] : [0x6f])])],
      [EF.dg1, groups.get(1) ?? new Uint8Array(0)],
      [EF.dg2, dg2Bytes],
      [EF.sod, sodBytes],
    ]);
    const dg15 = groups.get(15);
    if (dg15) files.set(EF.dg15, dg15);
    const dg14Bytes = groups.get(14);
    if (dg14Bytes) files.set(EF.dg14, dg14Bytes);
    const profile: PassportProfile = { label: c.label, atr: PASSPORT_ATR, mrz, files, aaKeyPkcs8: aaKey, ...(c.aaSha384 ? { aaEcdsaHash: "sha384" } : {}), ...(c.pace ? { pace: c.pace } : {}), ...(caKey ? { ca: caKey } : {}) };
    passports.push({
      id: c.id,
      label: c.label,
      mrz,
      holderPresent: true,
      profile,
      makeCard: (deps = {}) => new SimulatedPassport(profile, deps),
    });
  }
  return {
    passports,
    cscaDer: new Uint8Array(cscaCert.toSchema().toBER(false)),
    untrustedCscaDer: new Uint8Array(otherCert.toSchema().toBER(false)),
    passport(id) {
      const p = passports.find((x) => x.id === id);
      if (!p) throw new RangeError(`no passport ${id}`);
      return p;
    },
  };
}
