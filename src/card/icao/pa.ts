/**
 * Passive authentication of an e-passport (Doc 9303-11 §5.1) [spec]:
 *   1. EF.SOD is a CMS SignedData (RFC 5652) whose content (type id-icao-mrtd-security-ldsSecurityObject
 *      2.23.136.1.1.1) is the LDSSecurityObject: one hash per data group;
 *   2. the signer's Document Signer certificate (inside the SignedData) verifies the signature over the
 *      signed attributes, whose messageDigest is the hash of the content;
 *   3. the DS certificate is signed by a CSCA of the trust store (Japan: 8 certificates, roots and links);
 *   4. the hashes of DG1, DG2 (and DG14/DG15 when read) equal the SOD's.
 * Signatures: RSA PKCS#1 v1.5, RSASSA-PSS (parameters from the AlgorithmIdentifier), ECDSA (P-256/384/521
 * and brainpool) — all verified with node:crypto; pkijs/asn1js only parse. CRLs are not checked (the
 * kiosk is offline; see README).
 *
 * Explicit curve parameters: a CSCA key that spells its curve out instead of naming it (two of Japan's
 * four CSCA generations do for P-384) is accepted when p, a, b, G and n equal a named curve's
 * (curves.ts); the key is then re-encoded with the named curve's OID. Anything else is refused.
 */
import { createHash, createPublicKey, verify as nodeVerify, constants, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesEqual } from "./crypto";
import { EXPLICIT_CURVES } from "./curves";
import { sodContent } from "./lds";

const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const OID_LDS_SO = "2.23.136.1.1.1";
const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";

const DIGESTS: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};
const RSA_PKCS1: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1",
  "1.2.840.113549.1.1.14": "sha224",
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
};
const ECDSA: Record<string, string> = {
  "1.2.840.10045.4.1": "sha1",
  "1.2.840.10045.4.3.1": "sha224",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
};

export class PaError extends Error {
  constructor(what: string) {
    super(what);
    this.name = "PaError";
  }
}

const view = (b: ArrayBuffer | Uint8Array) => (b instanceof Uint8Array ? b : new Uint8Array(b));

function parse(der: Uint8Array, what: string): asn1js.AsnType {
  const r = asn1js.fromBER(der);
  if (r.offset === -1) throw new PaError(`${what}: not DER`);
  return r.result;
}

/** Strip leading zero bytes (INTEGER / field element comparison). */
function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

interface CurveNumbers {
  p: Uint8Array;
  a: Uint8Array;
  b: Uint8Array;
  g: Uint8Array;
  n: Uint8Array;
}

function curveNumbers(params: asn1js.AsnType): CurveNumbers | null {
  if (!(params instanceof asn1js.Sequence)) return null;
  const [, field, curve, base, order] = params.valueBlock.value;
  if (!(field instanceof asn1js.Sequence) || !(curve instanceof asn1js.Sequence) || !(base instanceof asn1js.OctetString) || !(order instanceof asn1js.Integer)) return null;
  const [fieldType, prime] = field.valueBlock.value;
  const [a, b] = curve.valueBlock.value;
  if (!(fieldType instanceof asn1js.ObjectIdentifier) || fieldType.valueBlock.toString() !== "1.2.840.10045.1.1") return null;
  if (!(prime instanceof asn1js.Integer) || !(a instanceof asn1js.OctetString) || !(b instanceof asn1js.OctetString)) return null;
  return {
    p: stripZeros(prime.valueBlock.valueHexView),
    a: stripZeros(a.valueBlock.valueHexView),
    b: stripZeros(b.valueBlock.valueHexView),
    g: base.valueBlock.valueHexView,
    n: stripZeros(order.valueBlock.valueHexView),
  };
}

let named: { oid: string; numbers: CurveNumbers }[] | null = null;

/** The named curve whose numbers equal these explicit parameters, or null. */
export function namedCurveFor(params: asn1js.AsnType): string | null {
  named ??= EXPLICIT_CURVES.map((c) => {
    const n = curveNumbers(parse(Buffer.from(c.der, "hex"), "curve table"));
    if (!n) throw new Error(`curve table ${c.name}`);
    return { oid: c.oid, numbers: n };
  });
  const x = curveNumbers(params);
  if (!x) return null;
  const eq = (u: Uint8Array, v: Uint8Array) => u.length === v.length && bytesEqual(u, v);
  const hit = named.find(({ numbers: y }) => eq(x.p, y.p) && eq(x.a, y.a) && eq(x.b, y.b) && eq(x.g, y.g) && eq(x.n, y.n));
  return hit?.oid ?? null;
}

/** A public key from a SubjectPublicKeyInfo, with explicit EC parameters replaced by the named curve. */
export function publicKeyFromSpki(spki: pkijs.PublicKeyInfo): KeyObject {
  const alg = spki.algorithm;
  let der = view(spki.toSchema().toBER());
  if (alg.algorithmId === OID_EC_PUBLIC_KEY && alg.algorithmParams instanceof asn1js.Sequence) {
    const oid = namedCurveFor(alg.algorithmParams);
    if (!oid) throw new PaError("EC key with explicit parameters that are no named curve");
    const rebuilt = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_EC_PUBLIC_KEY }), new asn1js.ObjectIdentifier({ value: oid })] }),
        new asn1js.BitString({ valueHex: spki.subjectPublicKey.valueBlock.valueHexView }),
      ],
    });
    der = view(rebuilt.toBER());
  }
  return createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
}

/** Verify `sig` over `data` with an X.509/CMS signature algorithm; `digest` names the hash for bare rsaEncryption/ecPublicKey. */
export function verifySignature(alg: pkijs.AlgorithmIdentifier, key: KeyObject, data: Uint8Array, sig: Uint8Array, digest?: string): boolean {
  const id = alg.algorithmId;
  try {
    if (RSA_PKCS1[id] || (id === "1.2.840.113549.1.1.1" && digest)) {
      return nodeVerify(RSA_PKCS1[id] ?? digest ?? "", data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
    }
    if (id === "1.2.840.113549.1.1.10") {
      const p = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
      const hash = DIGESTS[p.hashAlgorithm.algorithmId];
      if (!hash) return false;
      return nodeVerify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, sig);
    }
    if (ECDSA[id] || (id === OID_EC_PUBLIC_KEY && digest)) {
      return nodeVerify(ECDSA[id] ?? digest ?? "", data, { key, dsaEncoding: "der" }, sig);
    }
  } catch {
    return false;
  }
  return false;
}

export interface SodContents {
  /** Data group number → hash in the SOD. */
  readonly hashes: ReadonlyMap<number, Uint8Array>;
  readonly hashAlgorithm: string;
  readonly ds: pkijs.Certificate;
  /** Whether the CMS signature verifies with the DS key. */
  readonly signatureOk: boolean;
}

export interface VerifiedCms {
  /** The encapsulated content (eContent). */
  readonly content: Uint8Array;
  /** The signer's certificate (from the SignedData). */
  readonly signer: pkijs.Certificate;
  /** Whether the CMS signature verifies with the signer's key (messageDigest included). */
  readonly signatureOk: boolean;
}

/**
 * Open a CMS ContentInfo holding SignedData with one signer whose certificate is inside, content of
 * type `eContentType`, and check its signature (RFC 5652 §5.4, §5.6). The signer's certificate is not
 * judged here (the caller chains it). Throws PaError on anything malformed.
 */
export function openSignedData(der: Uint8Array, eContentType: string, what: string): VerifiedCms {
  const ci = new pkijs.ContentInfo({ schema: parse(der, what) });
  if (ci.contentType !== OID_SIGNED_DATA) throw new PaError(`${what}: not SignedData`);
  const sd = new pkijs.SignedData({ schema: ci.content });
  if (sd.encapContentInfo.eContentType !== eContentType) throw new PaError(`${what}: content type ${sd.encapContentInfo.eContentType}`);
  const econtent = sd.encapContentInfo.eContent;
  if (!econtent) throw new PaError(`${what}: no content`);
  const content = view(econtent.getValue());
  const si = sd.signerInfos[0];
  if (!si || sd.signerInfos.length !== 1) throw new PaError(`${what}: one signer expected`);
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid: unknown = si.sid;
  // By issuer and serial number; a subjectKeyIdentifier sid is taken to name the one certificate
  // carried (Doc 9303-10 puts exactly one DS certificate in EF.SOD).
  const signer =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber))
      : certs.length === 1
        ? certs[0]
        : undefined;
  if (!signer) throw new PaError(`${what}: no certificate for the signer`);
  const digest = DIGESTS[si.digestAlgorithm.algorithmId];
  if (!digest) throw new PaError(`${what}: unknown digest algorithm`);
  let signed: Uint8Array = content;
  if (si.signedAttrs) {
    const md: unknown = si.signedAttrs.attributes.find((a) => a.type === OID_MESSAGE_DIGEST)?.values[0];
    if (!(md instanceof asn1js.OctetString)) throw new PaError(`${what}: no messageDigest`);
    const actual = new Uint8Array(createHash(digest).update(content).digest());
    const raw = new Uint8Array(si.signedAttrs.encodedValue.slice(0));
    raw[0] = 0x31; // signed over as a SET (RFC 5652 §5.4)
    signed = bytesEqual(actual, md.valueBlock.valueHexView) ? raw : new Uint8Array(0);
  }
  const key = publicKeyFromSpki(signer.subjectPublicKeyInfo);
  const signatureOk = signed.length > 0 && verifySignature(si.signatureAlgorithm, key, signed, si.signature.valueBlock.valueHexView, digest);
  return { content, signer, signatureOk };
}

/** Open EF.SOD: the LDSSecurityObject, the DS certificate and whether the CMS signature holds. */
export function openSod(sod: Uint8Array): SodContents {
  const { content, signer: ds, signatureOk } = openSignedData(sodContent(sod), OID_LDS_SO, "EF.SOD");
  const so = parse(content, "LDSSecurityObject");
  if (!(so instanceof asn1js.Sequence)) throw new PaError("LDSSecurityObject: not a SEQUENCE");
  const [, hashAlg, list] = so.valueBlock.value;
  if (!hashAlg || !(list instanceof asn1js.Sequence)) throw new PaError("LDSSecurityObject: fields");
  const hashAlgorithm = DIGESTS[new pkijs.AlgorithmIdentifier({ schema: hashAlg }).algorithmId];
  if (!hashAlgorithm) throw new PaError("LDSSecurityObject: unknown hash algorithm");
  const hashes = new Map<number, Uint8Array>();
  for (const item of list.valueBlock.value) {
    if (!(item instanceof asn1js.Sequence)) throw new PaError("LDSSecurityObject: DataGroupHash");
    const [n, h] = item.valueBlock.value;
    if (!(n instanceof asn1js.Integer) || !(h instanceof asn1js.OctetString)) throw new PaError("LDSSecurityObject: DataGroupHash fields");
    hashes.set(n.valueBlock.valueDec, h.valueBlock.valueHexView.slice());
  }
  return { hashes, hashAlgorithm, ds, signatureOk };
}

/** The CSCA trust store: certificates (DER) with a provenance label each. */
export interface CscaStore {
  readonly certificates: readonly { readonly der: Uint8Array; readonly label: string }[];
}

export type PaOutcome =
  | { kind: "genuine"; csca: string; dsExpired: boolean }
  | { kind: "data-altered"; reason: "signature" | `hash-dg${number}` | "dg-missing" }
  | { kind: "unknown-csca" }
  | { kind: "malformed"; what: string };

/** The CSCA (from the store) that signed `cert`, or null. */
export function findIssuer(cert: pkijs.Certificate, store: CscaStore): string | null {
  for (const c of store.certificates) {
    let ca: pkijs.Certificate;
    try {
      ca = new pkijs.Certificate({ schema: parse(c.der, "CSCA") });
    } catch {
      continue;
    }
    if (!ca.subject.isEqual(cert.issuer)) continue;
    try {
      const key = publicKeyFromSpki(ca.subjectPublicKeyInfo);
      if (verifySignature(cert.signatureAlgorithm, key, cert.tbsView, cert.signatureValue.valueBlock.valueHexView)) return c.label;
    } catch {
      continue;
    }
  }
  return null;
}

/** Full passive authentication of what was read. `dataGroups`: number → file bytes as read. */
export function passiveAuthentication(sod: Uint8Array, dataGroups: ReadonlyMap<number, Uint8Array>, store: CscaStore, today: Date): PaOutcome {
  let s: SodContents;
  try {
    s = openSod(sod);
  } catch (e) {
    return { kind: "malformed", what: e instanceof Error ? e.message : "EF.SOD" };
  }
  if (!s.signatureOk) return { kind: "data-altered", reason: "signature" };
  for (const [n, bytes] of dataGroups) {
    const want = s.hashes.get(n);
    if (!want) return { kind: "data-altered", reason: "dg-missing" };
    const got = new Uint8Array(createHash(s.hashAlgorithm).update(bytes).digest());
    if (!bytesEqual(got, want)) return { kind: "data-altered", reason: `hash-dg${n}` };
  }
  const csca = findIssuer(s.ds, store);
  if (!csca) return { kind: "unknown-csca" };
  const dsExpired = today.getTime() > s.ds.notAfter.value.getTime() || today.getTime() < s.ds.notBefore.value.getTime();
  return { kind: "genuine", csca, dsExpired };
}
