/**
 * Authentication by card number and the secure-messaging commands of the residence card
 * (在留カード等仕様書 Ver 1.5 §4.2, 別添1, 別添2) [spec]; AES for the second generation [2nd].
 *
 *   00 84 00 00 08                                  GET CHALLENGE → RND.ICC (8)
 *   00 82 00 00 28 ‖ E_IFD (32) ‖ M_IFD (8) ‖ 00     MUTUAL AUTHENTICATE → E_ICC (32) ‖ M_ICC (8)
 *   08 20 00 86 13 86 11 01 ‖ E(KSenc, cardNo ‖ 80 00 00 00)                    VERIFY (SM)
 *   08 B0 P1 00 00 00 04 96 02 00 00 00 00           READ BINARY (SM, extended) → 86 L 01 ‖ E(KSenc, data ‖ pad)
 *
 * A wrong card number cannot pass the card's check of M_IFD; the card answers 63 00 and counts nothing
 * (§4.2.2 「照合失敗許容回数は無制限」). Which command answers 63 00 for a wrong number is not spelled out
 * in the notes [guess]: MUTUAL AUTHENTICATE (the first one that depends on the key) or VERIFY; both are
 * read as `wrong-number`.
 */
import { concatBytes } from "../apdu";
import type { Card } from "../card";
import { CardError } from "../errors";
import { readTlv } from "../tlv";
import type { CardNumber } from "./card-number";
import { authMac, blockSize, cardNumberKey, decryptCbc, encryptCbc, equalBytes, pad, sessionKey, unpad, type Generation } from "./crypto";

export type AuthAnswer = { kind: "ok"; ks: Uint8Array } | { kind: "wrong-number" };

/** GET CHALLENGE, MUTUAL AUTHENTICATE and the SM VERIFY of the card number. The session key is the caller's to zero. */
export async function authenticate(
  card: Card,
  gen: Generation,
  number: CardNumber,
  random: (n: number) => Uint8Array,
  signal: AbortSignal,
): Promise<AuthAnswer> {
  const k = number.useBytes((b) => cardNumberKey(b));
  const rndIfd = random(8);
  const kIfd = random(16);
  const secrets: Uint8Array[] = [k, rndIfd, kIfd];
  try {
    const ch = await card.call({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, le: 8 }, signal, "residence: GET CHALLENGE");
    if (ch.sw !== 0x9000 || ch.data.length !== 8) throw status(ch.sw, ch.data.length, "GET CHALLENGE");
    const rndIcc = ch.data.slice();
    const s = concatBytes(rndIfd, rndIcc, kIfd);
    const eIfd = encryptCbc(gen, k, s);
    const mIfd = authMac(gen, k, eIfd);
    secrets.push(s);
    const ma = await card.call(
      { cla: 0x00, ins: 0x82, p1: 0, p2: 0, data: concatBytes(eIfd, mIfd), le: 256 },
      signal,
      "residence: MUTUAL AUTHENTICATE",
    );
    if (ma.sw === 0x6300 || ma.sw === 0x6988) return { kind: "wrong-number" };
    if (ma.sw !== 0x9000 || ma.data.length !== 40) throw status(ma.sw, ma.data.length, "MUTUAL AUTHENTICATE");
    const eIcc = ma.data.subarray(0, 32);
    const mIcc = ma.data.subarray(32, 40);
    const expected = authMac(gen, k, eIcc);
    if (!equalBytes(expected, mIcc)) throw new CardError({ kind: "malformed", what: "residence: MUTUAL AUTHENTICATE: card MAC does not verify" });
    const dec = decryptCbc(gen, k, eIcc);
    secrets.push(dec);
    // RND.ICC ‖ RND.IFD ‖ K.ICC
    if (!equalBytes(dec.subarray(0, 8), rndIcc) || !equalBytes(dec.subarray(8, 16), rndIfd)) {
      throw new CardError({ kind: "malformed", what: "residence: MUTUAL AUTHENTICATE: challenge mismatch" });
    }
    const ks = sessionKey(kIfd, dec.subarray(16, 32));
    const v = await verifyNumber(card, gen, ks, number, signal);
    if (v !== "ok") {
      ks.fill(0);
      return { kind: "wrong-number" };
    }
    return { kind: "ok", ks };
  } finally {
    for (const b of secrets) b.fill(0);
  }
}

/** VERIFY with SM: 08 20 00 86 13 86 11 01 ‖ E(KSenc, card number ‖ 80 00 00 00). */
async function verifyNumber(card: Card, gen: Generation, ks: Uint8Array, number: CardNumber, signal: AbortSignal): Promise<"ok" | "wrong"> {
  // 12 bytes ‖ 80 00 00 00 = 16 bytes: two TDES blocks or one AES block.
  const plain = number.useBytes((b) => pad(b, blockSize(gen)));
  const enc = encryptCbc(gen, ks, plain);
  plain.fill(0);
  const data = concatBytes(Uint8Array.of(0x86, 0x11, 0x01), enc);
  try {
    const r = await card.call({ cla: 0x08, ins: 0x20, p1: 0x00, p2: 0x86, data }, signal, "residence: VERIFY (SM)");
    if (r.sw === 0x9000) return "ok";
    if (r.sw === 0x6300 || (r.sw & 0xfff0) === 0x63c0) return "wrong";
    throw status(r.sw, r.data.length, "VERIFY");
  } finally {
    data.fill(0);
    enc.fill(0);
  }
}

/**
 * READ BINARY with SM of a whole EF by short EF id (extended APDU, Le 65536): decrypts the `86` object
 * and strips the padding. The plaintext is the caller's to zero.
 */
export async function readSm(card: Card, gen: Generation, ks: Uint8Array, sfi: number, signal: AbortSignal, step: string): Promise<Uint8Array> {
  const r = await card.call(
    { cla: 0x08, ins: 0xb0, p1: 0x80 | sfi, p2: 0x00, data: Uint8Array.of(0x96, 0x02, 0x00, 0x00), le: 65536 },
    signal,
    step,
    { extended: true },
  );
  if (r.sw !== 0x9000) throw status(r.sw, r.data.length, step);
  const t = readTlv(r.data, 0);
  if (t.tag !== 0x86 || t.length < 1 + blockSize(gen) || r.data[t.valueStart] !== 0x01) {
    throw new CardError({ kind: "malformed", what: `${step}: no 86 object with padding indicator 01` });
  }
  // Nothing but an optional status object 99 02 may follow.
  if (t.end !== r.data.length && !(r.data.length - t.end === 4 && r.data[t.end] === 0x99 && r.data[t.end + 1] === 0x02)) {
    throw new CardError({ kind: "malformed", what: `${step}: data after the 86 object` });
  }
  const cipherText = r.data.subarray(t.valueStart + 1, t.end);
  if (cipherText.length % blockSize(gen) !== 0) throw new CardError({ kind: "malformed", what: `${step}: cryptogram not whole blocks` });
  const plain = decryptCbc(gen, ks, cipherText);
  r.data.fill(0);
  const body = unpad(plain, blockSize(gen));
  if (!body) {
    plain.fill(0);
    throw new CardError({ kind: "malformed", what: `${step}: bad padding (wrong session key?)` });
  }
  const out = body.slice();
  plain.fill(0);
  return out;
}

/** Plain READ BINARY of a whole EF by short EF id, extended Le (spec §4.1.2: 00 B0 P1 P2 00 00 00). */
export async function readPlain(card: Card, sfi: number, signal: AbortSignal, step: string): Promise<Uint8Array> {
  const r = await card.call({ cla: 0x00, ins: 0xb0, p1: 0x80 | sfi, p2: 0x00, le: 65536 }, signal, step, { extended: true });
  if (r.sw !== 0x9000) throw status(r.sw, r.data.length, step);
  const out = r.data.slice();
  r.data.fill(0);
  return out;
}

function status(sw: number, n: number, step: string): CardError {
  if (sw === 0x9000) return new CardError({ kind: "malformed", what: `${step}: ${n} data bytes` });
  if (sw === 0x6982) return new CardError({ kind: "security-status", sw });
  if (sw === 0x6a82) return new CardError({ kind: "not-found", sw });
  return new CardError({ kind: "status", sw, step });
}
