/**
 * PACE with Generic Mapping over ECDH (Doc 9303-11 §4.4, §9.5) [spec], with the MRZ password:
 *   EF.CardAccess (read plain, SFI 1C) → PACEInfo { protocol, version 2, parameterId };
 *   MSE:Set AT (00 22 C1 A4: 80 protocol OID, 83 01 = MRZ password, 84 parameter id);
 *   GENERAL AUTHENTICATE (10 86 00 00, dynamic authentication data 7C):
 *     1. 7C 00 → 80 z; s = D(Kπ, z) with Kπ = KDF(SHA-1(MRZ_information), 3), zero IV;
 *     2. 81 PK_map,IFD → 82 PK_map,IC; H = SK_map,IFD · PK_map,IC; G' = s·G + H;
 *     3. 83 PK_IFD (= SK_IFD · G') → 84 PK_IC; K = x(SK_IFD · PK_IC); KSenc/KSmac = KDF(K, 1/2);
 *     4. (CLA 00) 85 T_IFD = MAC(KSmac, 7F49{06 OID, 86 PK_IC}) → 86 T_IC = MAC(KSmac, 7F49{06 OID, 86 PK_IFD}).
 *   Then secure messaging with SSC = 0.
 * Supported: id-PACE-ECDH-GM-3DES / -AES-CBC-CMAC-128/192/256 on the standard domain parameters 12
 * (P-256), 13 (brainpoolP256r1), 15 (P-384), 16 (brainpoolP384r1), 17 (brainpoolP512r1), 18 (P-521).
 * Not supported (BAC is used instead): DH (parameters 0–2), Integrated Mapping, Chip Authentication
 * Mapping. Checked against the ICAO worked example of appendix G.1 (test/unit/card/icao/pace.test.ts).
 */
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import { concatBytes } from "../apdu";
import type { Card } from "../card";
import { CardError } from "../errors";
import { encodeTlv, readTlv } from "../tlv";
import { bytesEqual, decryptCbc, kdf, KDF_ENC, KDF_MAC, KDF_PI, mac8, type SmCipher } from "./crypto";
import { add, bigToBytes, bytesToBig, curve, decodePoint, encodePoint, mul, onCurve, randomScalar, type Curve, type Point } from "./ec";
import type { MrzKey } from "./mrz-key";
import { SecureMessaging } from "./sm";

const PACE_ECDH_GM = "0.4.0.127.0.7.2.2.4.2.";
const CIPHER_BY_SUFFIX: Record<string, SmCipher> = { "1": "3des", "2": "aes128", "3": "aes192", "4": "aes256" };
export const CURVE_BY_PARAMETER_ID: Record<number, string> = { 12: "prime256v1", 13: "brainpoolP256r1", 15: "secp384r1", 16: "brainpoolP384r1", 17: "brainpoolP512r1", 18: "secp521r1" };

export interface PaceInfo {
  readonly oid: string;
  readonly version: number;
  readonly parameterId: number | null;
}

export interface PaceChoice {
  readonly oid: string;
  readonly oidBytes: Uint8Array;
  readonly cipher: SmCipher;
  readonly parameterId: number;
  readonly curve: Curve;
}

/** The PACEInfos of EF.CardAccess (a SET of SecurityInfos); other SecurityInfos are skipped. */
export function parseCardAccess(bytes: Uint8Array): PaceInfo[] {
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1 || !(r.result instanceof asn1js.Set)) return [];
  const out: PaceInfo[] = [];
  for (const info of r.result.valueBlock.value) {
    if (!(info instanceof asn1js.Sequence)) continue;
    const [oid, version, param] = info.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier) || !(version instanceof asn1js.Integer)) continue;
    const id = oid.valueBlock.toString();
    if (!id.startsWith("0.4.0.127.0.7.2.2.4.")) continue;
    out.push({ oid: id, version: version.valueBlock.valueDec, parameterId: param instanceof asn1js.Integer ? param.valueBlock.valueDec : null });
  }
  return out;
}

/** The first PACEInfo this reader can run (ECDH Generic Mapping, a supported curve), or null. */
export function choosePace(infos: readonly PaceInfo[]): PaceChoice | null {
  for (const i of infos) {
    if (!i.oid.startsWith(PACE_ECDH_GM) || i.version !== 2 || i.parameterId === null) continue;
    const cipher = CIPHER_BY_SUFFIX[i.oid.slice(PACE_ECDH_GM.length)];
    const name = CURVE_BY_PARAMETER_ID[i.parameterId];
    if (!cipher || !name) continue;
    const oidBytes = new Uint8Array(new asn1js.ObjectIdentifier({ value: i.oid }).toBER(false)).subarray(2);
    return { oid: i.oid, oidBytes, cipher, parameterId: i.parameterId, curve: curve(name) };
  }
  return null;
}

/** Kπ from the MRZ password. */
export function paceKpi(key: MrzKey, cipher: SmCipher): Uint8Array {
  const k = key.sha1();
  const out = kdf(k, KDF_PI, cipher);
  k.fill(0);
  return out;
}

/** s = D(Kπ, z) with a zero IV. */
export function decryptNonce(cipher: SmCipher, kpi: Uint8Array, z: Uint8Array): Uint8Array {
  return decryptCbc(cipher, kpi, new Uint8Array(cipher === "3des" ? 8 : 16), z);
}

/** Generic Mapping: G' = s·G + H. */
export function mapGenerator(c: Curve, s: Uint8Array, h: Point): Point {
  return add(c, mul(c, bytesToBig(s), c.g), h);
}

/** 7F49 { 06 OID, 86 point }: the public key data object the tokens are MACs of. */
export function publicKeyObject(oidBytes: Uint8Array, point: Uint8Array): Uint8Array {
  return encodeTlv(0x7f49, concatBytes(encodeTlv(0x06, oidBytes), encodeTlv(0x86, point)));
}

export function authToken(cipher: SmCipher, ksMac: Uint8Array, oidBytes: Uint8Array, point: Uint8Array): Uint8Array {
  return mac8(cipher, ksMac, publicKeyObject(oidBytes, point));
}

/** The session from the shared x-coordinate: KSenc, KSmac, SSC 0. */
export function paceSession(cipher: SmCipher, sharedX: Uint8Array): SecureMessaging {
  return new SecureMessaging(cipher, kdf(sharedX, KDF_ENC, cipher), kdf(sharedX, KDF_MAC, cipher), new Uint8Array(cipher === "3des" ? 8 : 16));
}

/** The value of tag `tag` inside a 7C dynamic authentication data answer, or null. */
function daValue(data: Uint8Array, tag: number): Uint8Array | null {
  try {
    const outer = readTlv(data, 0);
    if (outer.tag !== 0x7c || outer.end !== data.length) return null;
    if (outer.length === 0) return null;
    const inner = readTlv(data, outer.valueStart, outer.end);
    if (inner.tag !== tag || inner.end !== outer.end) return null;
    return data.slice(inner.valueStart, inner.end);
  } catch {
    return null;
  }
}

export type PaceOutcome = { kind: "ok"; sm: SecureMessaging } | { kind: "wrong-key"; sw: number };

/** Run PACE (the chip must not have an application selected yet). Transport failures throw CardError. */
export async function performPace(card: Card, key: MrzKey, p: PaceChoice, random: (n: number) => Uint8Array, signal: AbortSignal): Promise<PaceOutcome> {
  const c = p.curve;
  const bad = (what: string): never => {
    throw new CardError({ kind: "malformed", what: `PACE: ${what}` });
  };
  const mse = await card.call(
    { cla: 0, ins: 0x22, p1: 0xc1, p2: 0xa4, data: concatBytes(encodeTlv(0x80, p.oidBytes), encodeTlv(0x83, Uint8Array.of(1)), encodeTlv(0x84, Uint8Array.of(p.parameterId))) },
    signal,
    "PACE: MSE:Set AT",
  );
  if (mse.sw !== 0x9000) throw new CardError({ kind: "status", sw: mse.sw, step: "PACE: MSE:Set AT" });
  const ga = async (cla: number, inner: Uint8Array, step: string, answerTag: number) => {
    const r = await card.call({ cla, ins: 0x86, p1: 0, p2: 0, data: encodeTlv(0x7c, inner), le: 256 }, signal, step);
    return { sw: r.sw, value: r.sw === 0x9000 ? daValue(r.data, answerTag) : null };
  };
  const r1 = await ga(0x10, new Uint8Array(0), "PACE: GA nonce", 0x80);
  if (r1.sw !== 0x9000) throw new CardError({ kind: "status", sw: r1.sw, step: "PACE: GA nonce" });
  const z = r1.value ?? bad("no encrypted nonce");
  const kpi = paceKpi(key, p.cipher);
  const s = decryptNonce(p.cipher, kpi, z);
  kpi.fill(0);
  const skMap = randomScalar(c, random);
  const r2 = await ga(0x10, encodeTlv(0x81, encodePoint(mul(c, skMap, c.g), c.size)), "PACE: GA map", 0x82);
  if (r2.sw !== 0x9000) throw new CardError({ kind: "status", sw: r2.sw, step: "PACE: GA map" });
  const pkMapIc = decodePoint(r2.value ?? bad("no mapping key"), c.size);
  if (!onCurve(c, pkMapIc)) bad("mapping key not on the curve");
  const g2 = mapGenerator(c, s, mul(c, skMap, pkMapIc));
  s.fill(0);
  const sk = randomScalar(c, random);
  const pkIfd = encodePoint(mul(c, sk, g2), c.size);
  const r3 = await ga(0x10, encodeTlv(0x83, pkIfd), "PACE: GA key agreement", 0x84);
  if (r3.sw !== 0x9000) throw new CardError({ kind: "status", sw: r3.sw, step: "PACE: GA key agreement" });
  const pkIcBytes = r3.value ?? bad("no chip key");
  const pkIc = decodePoint(pkIcBytes, c.size);
  if (!onCurve(c, pkIc) || bytesEqual(pkIcBytes, pkIfd)) bad("chip key not on the curve or equal to ours");
  const shared = mul(c, sk, pkIc);
  if (!shared) return bad("shared point at infinity");
  const sharedX = bigToBytes(shared.x, c.size);
  const sm = paceSession(p.cipher, sharedX);
  const ksMac = kdf(sharedX, KDF_MAC, p.cipher);
  sharedX.fill(0);
  try {
    const r4 = await ga(0x00, encodeTlv(0x85, authToken(p.cipher, ksMac, p.oidBytes, pkIcBytes)), "PACE: GA mutual authentication", 0x86);
    // A wrong password gives the chip a different G', so it rejects our token (Doc 9303-11: 6300 or 6982).
    if (r4.sw !== 0x9000) {
      sm.wipe();
      return { kind: "wrong-key", sw: r4.sw };
    }
    const tIc = r4.value ?? bad("no chip token");
    if (!bytesEqual(tIc, authToken(p.cipher, ksMac, p.oidBytes, pkIfd))) {
      sm.wipe();
      return bad("chip token does not verify");
    }
    return { kind: "ok", sm };
  } finally {
    ksMac.fill(0);
  }
}

/** SHA-1 of MRZ_information: the PACE password K (exported for the worked-example test). */
export function passwordK(mrzInformation: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha1").update(mrzInformation).digest());
}
