/**
 * Application ids, short EF ids and tags of the residence card / SPR certificate (在留カード等仕様書
 * Ver 1.5 §3.1–3.3 [spec]; second generation per reference §2.2 [2nd]). Pure data, shared by the reader
 * and the simulator.
 */

export const DF1_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x4f, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
export const DF2_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x4f, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
export const DF3_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x4f, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
export const MF_FILE_ID = 0x3f00;

/** READ BINARY P1 = 0x80 | short EF id (spec §4.1.2). */
export const SFI = {
  /** MF EF01: common data, tag C0 (spec version). */
  MF_COMMON: 0x0b,
  /** MF EF02: card type, tag C1. Free read: the recognition probe. */
  MF_CARD_TYPE: 0x0a,
  /** DF1 EF01: front-of-card image, tag D0 (1st gen). 2nd gen [2nd]: DF1 EF02 printed entries. */
  DF1_EF01: 0x05,
  /** DF1 EF02: photo, tag D1 (1st gen). */
  DF1_EF02: 0x06,
  /** 2nd gen [2nd]: DF1 EF02 printed entries (tags C5…CD) and DF1 EF03 name image D0 + photo D1. */
  DF1_PRINTED_2: 0x02,
  DF1_IMAGES_2: 0x03,
  /** DF3 EF01: signature (check code + certificate). */
  DF3_EF01: 0x02,
} as const;

export const TAG = {
  COMMON: 0xc0,
  CARD_TYPE: 0xc1,
  FRONT_IMAGE: 0xd0,
  PHOTO: 0xd1,
  /** 1st gen check code (RSA-2048 PKCS#1 v1.5 over SHA-256) and X.509 certificate [spec]. */
  CHECK_CODE: 0xda,
  CERTIFICATE: 0xdb,
  /** 2nd gen ECDSA P-384 signature and certificate [2nd]. */
  CHECK_CODE_2: 0xdc,
  CERTIFICATE_2: 0xdd,
  /** 2nd gen printed entries [2nd]. */
  CARD_EXPIRY_2: 0xc5,
  BIRTH_2: 0xc6,
  STAY_EXPIRY_2: 0xcd,
} as const;

/** The value sizes the signature covers, zero padding included (spec §3.4.3.1) [spec]. */
export const FRONT_IMAGE_BYTES = 7000;
export const PHOTO_BYTES = 3000;

/** Card types in MF EF02 tag C1 (ASCII). */
export type CardType = "1" | "2" | "05" | "06";
export function generationOf(t: CardType): 1 | 2 {
  return t === "1" || t === "2" ? 1 : 2;
}
/** "1"/"05": residence card; "2"/"06": special permanent resident certificate. */
export function isSpr(t: CardType): boolean {
  return t === "2" || t === "06";
}

/** Parse the MF EF02 bytes (C1 01 31 / C1 02 30 35 …); null for anything else (incl. 07/08). */
export function parseCardType(ef: Uint8Array): CardType | null {
  if (ef[0] !== TAG.CARD_TYPE) return null;
  const len = ef[1];
  if (len === 1 && ef.length >= 3) {
    if (ef[2] === 0x31) return "1";
    if (ef[2] === 0x32) return "2";
  }
  if (len === 2 && ef.length >= 4 && ef[2] === 0x30) {
    if (ef[3] === 0x35) return "05";
    if (ef[3] === 0x36) return "06";
  }
  return null;
}
