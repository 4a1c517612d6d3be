/**
 * Authenticity of a residence card read: the issuer's signature over the signed files, made by the
 * signer certificate on the chip, and that certificate issued by a trusted ISA CA.
 *
 * First generation [spec §3.4.3.1, Figure 3-4]: DF3 EF01 = `DA` check code (RSA-2048, PKCS#1 v1.5,
 * SHA-256) ‖ `DB` X.509 v3 certificate; the signed data is the VALUE of DF1 EF01 (`D0`, front image,
 * 7000 bytes) ‖ the VALUE of DF1 EF02 (`D1`, photo, 3000 bytes): tags and lengths excluded, the zero
 * padding inside each value included.
 * Second generation [2nd: reference §2.2, a summary of the ISA spec Ver 1.1 that could not be read
 * here]: `DC` ECDSA P-384 signature (96 bytes r ‖ s; DER accepted too) ‖ `DD` certificate; the signed
 * data is "printed entries ‖ face image ‖ name image". Taken here as: the whole DF1 EF02 content ‖ the
 * value of `D1` (photo) ‖ the value of `D0` (name image) of DF1 EF03, hashed with SHA-256 [guess: the
 * notes give neither the exact byte ranges nor the hash].
 * Under-16 cards carry no check code or certificate (`DA 00 …`, spec §3.3.5): `unsigned`.
 *
 * Results (the flow's vocabulary): `genuine`; `data-altered` (a signature that does not verify: the
 * data or the certificate was changed); `unknown-ca` (no trusted CA issued the signer certificate);
 * `expired` (the signer certificate has run out); `could-not-check` (unsigned, or files that do not
 * parse). The CA's own validity is not checked: cards signed under the 2015 CA (expired 2025-09-05
 * [2nd]) stay in use while their signer certificate is valid.
 */
import { X509Certificate, constants, verify as verifySignature } from "node:crypto";
import { tokyoMidnight, type CalendarDate } from "../../age/date";
import { concatBytes } from "../apdu";
import { isCardError } from "../errors";
import { readTlv, type Tlv } from "../tlv";
import { TAG } from "./ids";
import type { ResidenceFiles } from "./read";
import type { ResidenceTrust } from "./trust";

export type ResidenceAuthenticity = "genuine" | "data-altered" | "unknown-ca" | "expired" | "could-not-check";

export interface ResidenceAssessment {
  readonly result: ResidenceAuthenticity;
  /** Short, non-personal reason for the log. */
  readonly reason: string;
}

export type SignatureFile =
  | { kind: "signed"; checkCode: Uint8Array; certificate: Uint8Array }
  | { kind: "unsigned" }
  | { kind: "malformed"; what: string };

/** The value of the first TLV of `ef` if it has `tag`, else null (a malformed TLV is null too). */
export function tlvValue(ef: Uint8Array, tag: number): Uint8Array | null {
  const t = tryTlv(ef, 0);
  return t && t.tag === tag ? ef.subarray(t.valueStart, t.end) : null;
}

function tryTlv(buf: Uint8Array, offset: number): Tlv | null {
  try {
    return readTlv(buf, offset);
  } catch (e) {
    if (isCardError(e)) return null;
    throw e;
  }
}

/** DF3 EF01: check code then certificate; zero bytes after them are the file's unused space. */
export function parseSignatureFile(ef: Uint8Array, gen: 1 | 2): SignatureFile {
  const [codeTag, certTag] = gen === 1 ? [TAG.CHECK_CODE, TAG.CERTIFICATE] : [TAG.CHECK_CODE_2, TAG.CERTIFICATE_2];
  const a = tryTlv(ef, 0);
  if (!a || a.tag !== codeTag) return { kind: "malformed", what: "no check code object" };
  if (a.length === 0) return { kind: "unsigned" };
  const b = tryTlv(ef, a.end);
  if (!b || b.tag !== certTag) return { kind: "malformed", what: "no certificate object" };
  if (b.length === 0) return { kind: "unsigned" };
  for (let i = b.end; i < ef.length; i++) if (ef[i] !== 0) return { kind: "malformed", what: "data after the certificate" };
  return { kind: "signed", checkCode: ef.subarray(a.valueStart, a.end), certificate: ef.subarray(b.valueStart, b.end) };
}

/** The bytes the issuer signed, or null when the files do not have the expected objects. */
export function signedData(files: ResidenceFiles, gen: 1 | 2): Uint8Array | null {
  if (gen === 1) {
    const front = tlvValue(files.df1ef01, TAG.FRONT_IMAGE);
    const photo = tlvValue(files.df1ef02, TAG.PHOTO);
    return front && photo ? concatBytes(front, photo) : null;
  }
  const name = tlvValue(files.images2, TAG.FRONT_IMAGE);
  const nameT = tryTlv(files.images2, 0);
  const photoT = nameT ? tryTlv(files.images2, nameT.end) : null;
  if (!name || !photoT || photoT.tag !== TAG.PHOTO || files.printed.length === 0) return null;
  return concatBytes(files.printed, files.images2.subarray(photoT.valueStart, photoT.end), name);
}

export interface AssessInput {
  readonly files: ResidenceFiles;
  readonly generation: 1 | 2;
  readonly trust: ResidenceTrust;
  readonly today: CalendarDate;
}

export function assessResidence(input: AssessInput): ResidenceAssessment {
  const sig = parseSignatureFile(input.files.signature, input.generation);
  if (sig.kind === "unsigned") return { result: "could-not-check", reason: "unsigned" };
  if (sig.kind === "malformed") return { result: "could-not-check", reason: `signature-file: ${sig.what}` };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(sig.certificate);
  } catch {
    return { result: "could-not-check", reason: "certificate-unparsable" };
  }
  // The parser stops at the end of the DER certificate; the object must hold exactly that, no more.
  if (cert.raw.length !== sig.certificate.length) return { result: "could-not-check", reason: "certificate-length" };
  const issuers = input.trust.anchors.filter((a) => cert.checkIssued(a.cert));
  if (issuers.length === 0) return { result: "unknown-ca", reason: "no-trusted-issuer" };
  if (!issuers.some((a) => safeVerifyCert(cert, a.cert))) return { result: "data-altered", reason: "certificate-signature" };
  const data = signedData(input.files, input.generation);
  if (!data) return { result: "could-not-check", reason: "signed-files-malformed" };
  try {
    if (!verifyData(input.generation, data, sig.checkCode, cert)) return { result: "data-altered", reason: "check-code" };
  } finally {
    data.fill(0);
  }
  if (Date.parse(cert.validTo) < tokyoMidnight(input.today)) return { result: "expired", reason: "signer-certificate-expired" };
  if (Date.parse(cert.validFrom) > tokyoMidnight(input.today) + 86_400_000) return { result: "could-not-check", reason: "signer-certificate-not-yet-valid" };
  return { result: "genuine", reason: "ok" };
}

function safeVerifyCert(cert: X509Certificate, ca: X509Certificate): boolean {
  try {
    return cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function verifyData(gen: 1 | 2, data: Uint8Array, code: Uint8Array, cert: X509Certificate): boolean {
  try {
    const key = cert.publicKey;
    if (gen === 1) {
      if (key.asymmetricKeyType !== "rsa" || code.length !== 256) return false;
      return verifySignature("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING }, code);
    }
    if (key.asymmetricKeyType !== "ec") return false;
    return verifySignature("sha256", data, { key, dsaEncoding: code.length === 96 ? "ieee-p1363" : "der" }, code);
  } catch {
    return false;
  }
}
