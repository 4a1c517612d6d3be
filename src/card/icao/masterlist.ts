/**
 * ICAO CSCA master lists (Doc 9303-12 §9): a CMS SignedData (RFC 5652) whose content, of type
 * id-icao-cscaMasterList (2.23.136.1.1.2), is `CscaMasterList ::= SEQUENCE { version INTEGER,
 * certList SET OF Certificate }`. The signer is a Master List Signer certificate issued by the
 * publishing state's CSCA. [spec]
 *
 * `verifyMasterList` checks the CMS signature with the embedded signer certificate, chains that
 * certificate to one of the given signer CAs (the publishing state's CSCA, obtained out of band — the
 * list's own certificates are never used to vouch for the list), checks the signer's validity on
 * `today`, and returns the certificates of the list (optionally one country's). Pure: no I/O.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { findIssuer, openSignedData, PaError, type CscaStore } from "./pa";

export const OID_CSCA_MASTER_LIST = "2.23.136.1.1.2";

export interface MasterListCertificate {
  readonly der: Uint8Array;
  /** The subject's C= value (upper case), or "" when it has none. */
  readonly country: string;
  readonly subject: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export type MasterListResult =
  | { ok: true; signer: { subject: string; serialHex: string; by: string }; certificates: MasterListCertificate[] }
  | { ok: false; problem: "malformed" | "bad-signature" | "signer-not-trusted" | "signer-expired"; detail: string };

/** The text of an attribute value (PrintableString, UTF8String, …), or "" when it is not text. */
function text(v: { valueBlock: unknown }): string {
  const x = (v.valueBlock as { value?: unknown }).value;
  return typeof x === "string" ? x : "";
}

function rdnString(n: pkijs.RelativeDistinguishedNames): string {
  const short: Record<string, string> = { "2.5.4.6": "C", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.3": "CN", "2.5.4.5": "serialNumber" };
  return n.typesAndValues.map((t) => `${short[t.type] ?? t.type}=${text(t.value)}`).join(", ");
}

function describe(c: pkijs.Certificate, der: Uint8Array): MasterListCertificate {
  const country = c.subject.typesAndValues.find((t) => t.type === "2.5.4.6");
  return {
    der,
    country: country ? text(country.value).toUpperCase() : "",
    subject: rdnString(c.subject),
    serialHex: Buffer.from(c.serialNumber.valueBlock.valueHexView).toString("hex").toUpperCase(),
    notBefore: c.notBefore.value,
    notAfter: c.notAfter.value,
  };
}

export function verifyMasterList(ml: Uint8Array, signerCas: CscaStore, today: Date, country?: string): MasterListResult {
  let cms;
  try {
    cms = openSignedData(ml, OID_CSCA_MASTER_LIST, "master list");
  } catch (e) {
    return { ok: false, problem: "malformed", detail: e instanceof PaError ? e.message : "not a CMS master list" };
  }
  const signer = { subject: rdnString(cms.signer.subject), serialHex: Buffer.from(cms.signer.serialNumber.valueBlock.valueHexView).toString("hex").toUpperCase() };
  if (!cms.signatureOk) return { ok: false, problem: "bad-signature", detail: `signature of ${signer.subject} does not verify` };
  const by = findIssuer(cms.signer, signerCas);
  if (!by) return { ok: false, problem: "signer-not-trusted", detail: `${signer.subject} is not signed by a given signer CA` };
  if (today < cms.signer.notBefore.value || today > cms.signer.notAfter.value) return { ok: false, problem: "signer-expired", detail: `${signer.subject} not valid on ${today.toISOString().slice(0, 10)}` };
  const parsed = asn1js.fromBER(cms.content);
  const seq = parsed.result;
  if (parsed.offset === -1 || !(seq instanceof asn1js.Sequence)) return { ok: false, problem: "malformed", detail: "CscaMasterList is not a SEQUENCE" };
  const list = seq.valueBlock.value[1];
  if (!(list instanceof asn1js.Set)) return { ok: false, problem: "malformed", detail: "certList is not a SET" };
  const certificates: MasterListCertificate[] = [];
  for (const item of list.valueBlock.value) {
    try {
      const der = new Uint8Array(item.toBER(false));
      const d = describe(new pkijs.Certificate({ schema: item }), der);
      if (!country || d.country === country.toUpperCase()) certificates.push(d);
    } catch {
      return { ok: false, problem: "malformed", detail: "a certificate of the list does not parse" };
    }
  }
  return { ok: true, signer: { ...signer, by }, certificates };
}
