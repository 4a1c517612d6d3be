/**
 * Chip Authentication, version 1 with ECDH (ICAO Doc 9303-11 §6.2; BSI TR-03110 part 1 v1.11 / part 3
 * for the APDUs). The chip proves it holds the private key whose public key is in DG14 (and DG14's
 * hash is in the SOD, so the key is the issuer's — `assess` counts a CA success only after passive
 * authentication passed with DG14 among the hashed groups):
 *
 *   DG14 (6E ‖ SET OF SecurityInfo):
 *     ChipAuthenticationInfo          { id-CA-ECDH-{3DES-CBC-CBC | AES-CBC-CMAC-128/192/256}, version 1, keyId? }
 *     ChipAuthenticationPublicKeyInfo { id-PK-ECDH, SubjectPublicKeyInfo (id-ecPublicKey, named or explicit curve), keyId? }
 *   terminal: ephemeral key pair on the chip key's domain parameters, PK = uncompressed point;
 *   3DES:  MSE:Set KAT   00 22 41 A6  91 PK ‖ [84 keyId]                           (under the BAC/PACE SM)
 *   AES:   MSE:Set AT    00 22 41 A4  80 CA-OID ‖ [84 keyId]
 *          GENERAL AUTHENTICATE 00 86 00 00  7C { 80 PK } → 7C 00                   (under the BAC/PACE SM)
 *   K = x(SK_terminal · PK_chip) (ECKA, §9.6); KSenc = KDF(K, 1), KSmac = KDF(K, 2) (§9.7.1);
 *   secure messaging restarts with the new keys and SSC = 0 (one cipher block of zeros, 3DES and AES).
 *   The proof: the next protected answer (SELECT EF.COM, READ BINARY of its first bytes) must carry a
 *   MAC under the new keys and the bytes read before. A chip without the private key derives other
 *   keys and cannot answer it.
 *
 * Evidence: [spec] DG14 structures, OIDs, KDF, ECKA, the MSE/GA command shapes (9303-11 §6.2, §9.6–9.7,
 * TR-03110-3 B.1/B.11). [2nd] "SSC = 0 after CA" for both ciphers and "no ChipAuthenticationInfo →
 * 3DES" are read from JMRTD's EACCAProtocol (public code), matching our reading of 9303-11 §9.8.6.3;
 * not checked on a real passport. Not built: DH Chip Authentication (id-CA-DH-*: such chips count as
 * "not run"), CA version 2 (EAC with Terminal Authentication), command chaining of a long GA.
 */
import { createECDH, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { concatBytes, type Command, type Response } from "../apdu";
import type { Card } from "../card";
import { CardError } from "../errors";
import { encodeTlv, readTlv } from "../tlv";
import { blockSize, bytesEqual, kdf, KDF_ENC, KDF_MAC, type SmCipher } from "./crypto";
import { bigToBytes, curve as curveByName, randomScalar } from "./ec";
import { publicKeyFromSpki } from "./pa";
import { SecureMessaging } from "./sm";

const CA_ECDH = "0.4.0.127.0.7.2.2.3.2.";
const CA_DH = "0.4.0.127.0.7.2.2.3.1.";
export const OID_PK_ECDH = "0.4.0.127.0.7.2.2.1.2";
export const OID_PK_DH = "0.4.0.127.0.7.2.2.1.1";
const CIPHER_BY_SUFFIX: Record<string, SmCipher> = { "1": "3des", "2": "aes128", "3": "aes192", "4": "aes256" };
export const CA_OID_BY_CIPHER: Record<SmCipher, string> = { "3des": `${CA_ECDH}1`, aes128: `${CA_ECDH}2`, aes192: `${CA_ECDH}3`, aes256: `${CA_ECDH}4` };
/** Curves this reader runs CA on (node:crypto's ECDH has them all). */
const CA_CURVES = new Set(["prime256v1", "secp384r1", "secp521r1", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"]);

export interface CaChoice {
  /** The Chip Authentication protocol OID (id-CA-ECDH-…). */
  readonly oid: string;
  readonly oidBytes: Uint8Array;
  readonly cipher: SmCipher;
  /** keyId INTEGER content bytes, when DG14 names one. */
  readonly keyId: Uint8Array | null;
  /** OpenSSL curve name of the chip's static key. */
  readonly curve: string;
  /** The chip's static public point (as in DG14: uncompressed or compressed). */
  readonly chipPoint: Uint8Array;
}

export type Dg14Choice = { kind: "ok"; ca: CaChoice } | { kind: "unsupported"; why: string };

interface CaInfo {
  oid: string;
  version: number;
  keyId: Uint8Array | null;
}
interface PkInfo {
  oid: string;
  spki: pkijs.PublicKeyInfo;
  keyId: Uint8Array | null;
}

const intBytes = (i: asn1js.Integer): Uint8Array => {
  const v = i.valueBlock.valueHexView;
  let s = 0;
  while (s < v.length - 1 && v[s] === 0) s++;
  return v.slice(s);
};
const sameId = (a: Uint8Array | null, b: Uint8Array | null) => (a === null && b === null) || (a !== null && b !== null && a.length === b.length && bytesEqual(a, b));

/** The CA infos and public keys of DG14; other SecurityInfos (AA info, TA, PACE) are skipped. */
export function parseDg14(dg14: Uint8Array): { infos: CaInfo[]; keys: PkInfo[] } {
  const t = readTlv(dg14, 0);
  if (t.tag !== 0x6e) throw new CardError({ kind: "malformed", what: "DG14: tag 6E expected" });
  const r = asn1js.fromBER(dg14.slice(t.valueStart, t.end));
  if (r.offset === -1 || !(r.result instanceof asn1js.Set)) throw new CardError({ kind: "malformed", what: "DG14: SET OF SecurityInfo expected" });
  const infos: CaInfo[] = [];
  const keys: PkInfo[] = [];
  for (const item of r.result.valueBlock.value) {
    if (!(item instanceof asn1js.Sequence)) continue;
    const [oid, second, third] = item.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier)) continue;
    const id = oid.valueBlock.toString();
    if ((id.startsWith(CA_ECDH) || id.startsWith(CA_DH)) && second instanceof asn1js.Integer) {
      infos.push({ oid: id, version: second.valueBlock.valueDec, keyId: third instanceof asn1js.Integer ? intBytes(third) : null });
    } else if ((id === OID_PK_ECDH || id === OID_PK_DH) && second instanceof asn1js.Sequence) {
      try {
        keys.push({ oid: id, spki: new pkijs.PublicKeyInfo({ schema: second }), keyId: third instanceof asn1js.Integer ? intBytes(third) : null });
      } catch {
        throw new CardError({ kind: "malformed", what: "DG14: ChipAuthenticationPublicKeyInfo" });
      }
    }
  }
  return { infos, keys };
}

/**
 * The Chip Authentication this reader runs for a DG14: the first ECDH public key on a supported curve
 * with its ChipAuthenticationInfo (matched by keyId; without any ChipAuthenticationInfo, 3DES [2nd]).
 * Never throws: a DG14 that does not parse is "unsupported" (passive authentication judges its bytes).
 */
export function chooseChipAuthentication(dg14: Uint8Array): Dg14Choice {
  let parsed: ReturnType<typeof parseDg14>;
  try {
    parsed = parseDg14(dg14);
  } catch {
    return { kind: "unsupported", why: "dg14-malformed" };
  }
  const { infos, keys } = parsed;
  if (keys.length === 0) return { kind: "unsupported", why: "no-ca-key" };
  for (const k of keys) {
    if (k.oid !== OID_PK_ECDH) continue;
    const info = infos.find((i) => i.oid.startsWith(CA_ECDH) && sameId(i.keyId, k.keyId)) ?? (keys.length === 1 ? infos.find((i) => i.oid.startsWith(CA_ECDH)) : undefined);
    if (infos.length > 0 && !info) continue;
    if (info && info.version !== 1) continue;
    const oid = info?.oid ?? CA_OID_BY_CIPHER["3des"];
    const cipher = CIPHER_BY_SUFFIX[oid.slice(CA_ECDH.length)];
    if (!cipher) continue;
    let key: KeyObject;
    try {
      key = publicKeyFromSpki(k.spki);
    } catch {
      continue;
    }
    const name = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== "ec" || !name || !CA_CURVES.has(name)) continue;
    const oidBytes = new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false)).subarray(2);
    return { kind: "ok", ca: { oid, oidBytes, cipher, keyId: k.keyId ?? info?.keyId ?? null, curve: name, chipPoint: k.spki.subjectPublicKey.valueBlock.valueHexView.slice() } };
  }
  return { kind: "unsupported", why: keys.some((k) => k.oid === OID_PK_DH) ? "dh" : "algorithm" };
}

/** The new session of §6.2 from the shared secret K: KSenc = KDF(K,1), KSmac = KDF(K,2), SSC = 0. */
export function caSession(cipher: SmCipher, sharedX: Uint8Array): SecureMessaging {
  return new SecureMessaging(cipher, kdf(sharedX, KDF_ENC, cipher), kdf(sharedX, KDF_MAC, cipher), new Uint8Array(blockSize(cipher)));
}

/** The terminal's ephemeral ECDH key on the chip's curve, from the caller's CSPRNG. */
export function ephemeralKey(curveName: string, random: (n: number) => Uint8Array): { publicPoint: Uint8Array; agree(peer: Uint8Array): Uint8Array; wipe(): void } {
  const c = curveByName(curveName);
  const sk = bigToBytes(randomScalar(c, random), c.size);
  const ecdh = createECDH(curveName);
  ecdh.setPrivateKey(sk);
  sk.fill(0);
  return {
    publicPoint: new Uint8Array(ecdh.getPublicKey(null, "uncompressed")),
    agree: (peer) => new Uint8Array(ecdh.computeSecret(peer)),
    // node's ECDH object cannot be zeroed; overwrite its key with a fixed scalar so it holds nothing of ours.
    wipe: () => ecdh.setPrivateKey(bigToBytes(1n, c.size)),
  };
}

/** The terminal's commands of §6.2 (tests check them byte for byte). */
export function caCommands(ca: CaChoice, terminalPoint: Uint8Array): Command[] {
  const keyRef = ca.keyId ? encodeTlv(0x84, ca.keyId) : new Uint8Array(0);
  if (ca.cipher === "3des") return [{ cla: 0, ins: 0x22, p1: 0x41, p2: 0xa6, data: concatBytes(encodeTlv(0x91, terminalPoint), keyRef) }];
  return [
    { cla: 0, ins: 0x22, p1: 0x41, p2: 0xa4, data: concatBytes(encodeTlv(0x80, ca.oidBytes), keyRef) },
    { cla: 0, ins: 0x86, p1: 0, p2: 0, data: encodeTlv(0x7c, encodeTlv(0x80, terminalPoint)), le: 256 },
  ];
}

export type CaOutcome =
  /** The chip answered under the new keys: `sm` is the new session (the caller owns it). */
  | { kind: "ok"; sm: SecureMessaging }
  /** The chip refused a CA command (status word) or could not answer under the new keys. */
  | { kind: "failed"; why: "refused" | "proof" };

/** A protected exchange: the card's transport failures throw; SM failures (bad MAC) are `null`. */
async function protectedCall(card: Card, sm: SecureMessaging, cmd: Command, signal: AbortSignal, step: string): Promise<Response | null> {
  const w = sm.wrap(cmd);
  const raw = await card.call(w.command, signal, step, { extended: w.extended });
  try {
    return sm.unwrap(raw);
  } catch (e) {
    if (e instanceof CardError && e.problem.kind === "malformed") return null;
    throw e;
  }
}

/**
 * Run Chip Authentication under the current session `sm` (wiped here whatever happens), then prove
 * it by reading the first bytes of EF.COM (`comPrefix`) under the new keys. Transport failures
 * (no-card, timeout, abort) throw CardError; the chip's refusal or a wrong proof is `failed`.
 */
export async function performChipAuthentication(
  card: Card,
  sm: SecureMessaging,
  ca: CaChoice,
  comPrefix: Uint8Array,
  random: (n: number) => Uint8Array,
  signal: AbortSignal,
): Promise<CaOutcome> {
  const eph = ephemeralKey(ca.curve, random);
  let next: SecureMessaging | null = null;
  try {
    // The shared secret first: a chip key that is no point of the curve is the chip's fault, before any APDU.
    let sharedX: Uint8Array;
    try {
      sharedX = eph.agree(ca.chipPoint);
    } catch {
      return { kind: "failed", why: "refused" };
    }
    for (const cmd of caCommands(ca, eph.publicPoint)) {
      const step = cmd.ins === 0x22 ? "CA: MSE" : "CA: GENERAL AUTHENTICATE";
      const r = await protectedCall(card, sm, cmd, signal, step);
      if (!r || r.sw !== 0x9000) {
        sharedX.fill(0);
        return { kind: "failed", why: "refused" };
      }
      r.data.fill(0);
    }
    next = caSession(ca.cipher, sharedX);
    sharedX.fill(0);
    const sel = await protectedCall(card, next, { cla: 0, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(0x01, 0x1e) }, signal, "CA: select EF.COM");
    if (!sel || sel.sw !== 0x9000) return { kind: "failed", why: "proof" };
    const n = Math.min(comPrefix.length, 8);
    const rd = await protectedCall(card, next, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: n }, signal, "CA: read EF.COM");
    if (!rd || rd.sw !== 0x9000 || rd.data.length !== n || !bytesEqual(rd.data, comPrefix.subarray(0, n))) return { kind: "failed", why: "proof" };
    const ok = next;
    next = null;
    return { kind: "ok", sm: ok };
  } finally {
    eph.wipe();
    next?.wipe();
    sm.wipe();
  }
}

