/**
 * Basic Access Control (Doc 9303-11 §4.3) [spec]:
 *   Kseed = SHA-1(MRZ_information)[0..16]; Kenc/Kmac = KDF(Kseed, 1/2) (3DES, parity adjusted);
 *   GET CHALLENGE (00 84 00 00 08) → RND.ICC;
 *   S = RND.IFD ‖ RND.ICC ‖ K.IFD; E.IFD = 3DES-CBC(Kenc, IV 0, S); M.IFD = retail MAC(Kmac, pad(E.IFD));
 *   EXTERNAL AUTHENTICATE (00 82 00 00 28 E.IFD ‖ M.IFD 28) → E.ICC ‖ M.ICC;
 *   check M.ICC, decrypt, check RND.IFD and RND.ICC echoed; KSseed = K.IFD ⊕ K.ICC;
 *   KSenc/KSmac = KDF(KSseed, 1/2); SSC = RND.ICC[4..8] ‖ RND.IFD[4..8].
 * Checked against the worked example of Doc 9303-11 appendix D.2–D.3 (test/unit/card/icao/).
 * A wrong MRZ makes the chip refuse EXTERNAL AUTHENTICATE (6300, 6982 or similar): `wrong-key`.
 */
import { concatBytes } from "../apdu";
import type { Card } from "../card";
import { CardError } from "../errors";
import { bytesEqual, decryptCbc, encryptCbc, kdf, KDF_ENC, KDF_MAC, mac8 } from "./crypto";
import type { MrzKey } from "./mrz-key";
import { SecureMessaging } from "./sm";

export interface BacKeys {
  kEnc: Uint8Array;
  kMac: Uint8Array;
}

export function bacKeys(key: MrzKey): BacKeys {
  const h = key.sha1();
  const seed = h.slice(0, 16);
  h.fill(0);
  const keys = { kEnc: kdf(seed, KDF_ENC, "3des"), kMac: kdf(seed, KDF_MAC, "3des") };
  seed.fill(0);
  return keys;
}

/** The EXTERNAL AUTHENTICATE data E.IFD ‖ M.IFD (40 bytes). */
export function bacCommandData(keys: BacKeys, rndIfd: Uint8Array, rndIcc: Uint8Array, kIfd: Uint8Array): Uint8Array {
  const s = concatBytes(rndIfd, rndIcc, kIfd);
  const e = encryptCbc("3des", keys.kEnc, new Uint8Array(8), s);
  s.fill(0);
  return concatBytes(e, mac8("3des", keys.kMac, e));
}

/** Check the chip's answer and derive the session; null when the answer does not authenticate. */
export function bacSession(keys: BacKeys, rndIfd: Uint8Array, rndIcc: Uint8Array, kIfd: Uint8Array, answer: Uint8Array): SecureMessaging | null {
  if (answer.length !== 40) return null;
  const e = answer.subarray(0, 32);
  if (!bytesEqual(mac8("3des", keys.kMac, e), answer.subarray(32, 40))) return null;
  const r = decryptCbc("3des", keys.kEnc, new Uint8Array(8), e);
  try {
    if (!bytesEqual(r.subarray(0, 8), rndIcc) || !bytesEqual(r.subarray(8, 16), rndIfd)) return null;
    const seed = new Uint8Array(16);
    for (let i = 0; i < 16; i++) seed[i] = (kIfd[i] ?? 0) ^ (r[16 + i] ?? 0);
    const sm = new SecureMessaging("3des", kdf(seed, KDF_ENC, "3des"), kdf(seed, KDF_MAC, "3des"), concatBytes(rndIcc.subarray(4, 8), rndIfd.subarray(4, 8)));
    seed.fill(0);
    return sm;
  } finally {
    r.fill(0);
  }
}

export type BacOutcome = { kind: "ok"; sm: SecureMessaging } | { kind: "wrong-key"; sw: number };

/** Run BAC on the selected eMRTD application. Transport failures throw CardError. */
export async function performBac(card: Card, key: MrzKey, random: (n: number) => Uint8Array, signal: AbortSignal): Promise<BacOutcome> {
  const keys = bacKeys(key);
  const rndIfd = random(8);
  const kIfd = random(16);
  try {
    const ch = await card.call({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, le: 8 }, signal, "BAC: GET CHALLENGE");
    if (ch.sw !== 0x9000 || ch.data.length !== 8) throw new CardError({ kind: "status", sw: ch.sw, step: "BAC: GET CHALLENGE" });
    const rndIcc = ch.data.slice();
    const data = bacCommandData(keys, rndIfd, rndIcc, kIfd);
    const r = await card.call({ cla: 0x00, ins: 0x82, p1: 0, p2: 0, data, le: 40 }, signal, "BAC: EXTERNAL AUTHENTICATE");
    if (r.sw !== 0x9000) return { kind: "wrong-key", sw: r.sw };
    const sm = bacSession(keys, rndIfd, rndIcc, kIfd, r.data);
    if (!sm) throw new CardError({ kind: "malformed", what: "BAC: the chip's answer does not authenticate" });
    return { kind: "ok", sm };
  } finally {
    keys.kEnc.fill(0);
    keys.kMac.fill(0);
    rndIfd.fill(0);
    kIfd.fill(0);
  }
}
