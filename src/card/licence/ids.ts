/**
 * The IC driver's licence (ICカード運転免許証): application ids, file ids and sizes.
 *
 * Every value here is second-hand: the NPA specification (運転免許証及び運転免許証作成システム等仕様書)
 * was not read itself; the bytes come from working open-source readers, as collected in
 * /work/shared/reference/other-ids-protocol.md §1.2–§1.6 ([code] there). Sizes are what those readers
 * use; the kiosk does not rely on them beyond bounding its reads.
 */

const aid = (n: number) => Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x31, n, ...new Array<number>(10).fill(0));

/** DF1: the entries (name, birth date, expiry, licence number…) and the signature. [code] */
export const DF1_AID = aid(0x01);
/** DF2: the photo (needs PIN 1 and PIN 2). [code] */
export const DF2_AID = aid(0x02);

/**
 * The マイナ免許証 application on a My Number card (免許証カードAP, instance AID). [code] hmpow, tested on
 * a real card. Only to tell it apart from a plastic licence: the kiosk never reads it (it holds no
 * birth date, [2nd]); such a holder is served by the My Number kind.
 */
export const MYNA_LICENCE_AP_AID = aid(0x06);

/** DF1/EF01: every entry except 本籍 (880 bytes, PIN 1). [code] */
export const EF_ENTRIES = 0x0001;
/** DF2/EF01: the photo, tag 5F40, 2000-byte value (2005 bytes with its header). [code] */
export const EF_PHOTO = 0x0001;
export const ENTRIES_BYTES = 880;
export const PHOTO_FILE_BYTES = 2005;

/** VERIFY P2 for PIN 1: 80 | short EF id 01 of IEF01 under the MF. (PIN 2 is 82: never sent.) [code] */
export const P2_PIN1 = 0x81;
export const PIN_LENGTH = 4;
/** The card blocks PIN 1 after 3 wrong tries; unblocking needs the police. [code]/[2nd] */
export const PIN1_MAX_TRIES = 3;

/** DF1/EF01 tags used by the kiosk (simple TLV: 1-byte tag, 1-byte length). [code] */
export const TAG = {
  /** JIS X 0208 edition (制定年番号), 1 byte: read past, not used. */
  jisEdition: 0x11,
  /** 氏名, JIS X 0208. */
  name: 0x12,
  /** 生年月日, 7 JIS X 0201 digits: era code + YYMMDD. */
  birthDate: 0x16,
  /** 有効期間の末日, era code + YYMMDD. */
  expiry: 0x1b,
  /** 免許証の番号, 12 JIS X 0201 digits. */
  licenceNumber: 0x21,
} as const;

/** The photo's tag in DF2/EF01 (a JPEG 2000 codestream as its value). [code] */
export const TAG_PHOTO = 0x5f40;
