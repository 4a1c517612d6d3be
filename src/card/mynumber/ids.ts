/**
 * Application ids and file ids of the My Number card (reference §1.1, §3.3, §4.2, §5.1), as named
 * constants so no bare 0x0002 appears anywhere else. Pure data; shared by the reader modules and the
 * simulator.
 */

/** 券面事項確認AP (card-face application). Always selected by its full 10-byte AID (reference §1.1). */
export const SURFACE_AID = Uint8Array.of(0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02);
/** 券面事項入力補助AP (text application). The kiosk never selects it; the simulator has it. */
export const TEXT_AID = Uint8Array.of(0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08);
/** 公的個人認証AP (JPKI). */
export const JPKI_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01);
/** GlobalPlatform issuer security domain: selecting it restores the MF-level state (reference §2.1). */
export const ISD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00);

/** Files and keys of the 券面AP (reference §3.3). */
export const SURFACE_EF = {
  /** 生年月日読出用 record (birth date + card key + signature); opened by the birth-date key. Not read by the kiosk. */
  AGE_RECORD: 0x0001,
  /** 券面事項 (card face: birth, sex, card key, name/address images, photo, signature, expiry, security-code image). */
  CARD_FACE: 0x0002,
  /** AP基本情報 (municipality code, key ids); no credential. */
  BASIC_INFO: 0x0003,
  /** この AP の鍵の証明書 (card-verifiable certificate, CVC); no credential. */
  CVC: 0x0004,
  /** 個人番号の画像 (needs 照合番号A). The kiosk must never read it. */
  NUMBER_IMAGE: 0x0005,
  /** Unknown, sixteen FF bytes. */
  UNKNOWN_06: 0x0006,
  /** 生年月日 key (6 digits). */
  KEY_BIRTH: 0x0011,
  /** 照合番号B key (14 digits). */
  KEY_CODE_B: 0x0012,
  /** 照合番号A key (12-digit 個人番号). The kiosk never presents it. */
  KEY_CODE_A: 0x0013,
  /** The card's own signing key (80 2A 00 00, no credential). */
  CARD_KEY: 0x001a,
} as const;

/** Files and keys of the 入力補助AP (reference §4.2); simulator only. */
export const TEXT_EF = {
  MY_NUMBER: 0x0001,
  ATTRIBUTES: 0x0002,
  INTEGRITY: 0x0003,
  CVC: 0x0004,
  BASIC_INFO: 0x0005,
  KEY_PIN: 0x0011,
  KEY_CODE_A: 0x0014,
  KEY_CODE_B: 0x0015,
  SIGNING_KEY: 0x0013,
} as const;

/** Files and keys of the JPKI-AP (reference §5.1). */
export const JPKI_EF = {
  /** 署名用電子証明書 (needs the signing password). */
  SIGN_CERT: 0x0001,
  SIGN_CA_CERT: 0x0002,
  /** Token info: first 32 bytes = label, "JPKIAPICCTOKEN2" on a My Number card. */
  TOKEN_INFO: 0x0006,
  CERT_FLAGS: 0x0008,
  /** 利用者証明用電子証明書 (readable without PIN on a physical card). */
  AUTH_CERT: 0x000a,
  AUTH_CA_CERT: 0x000b,
  AUTH_KEY: 0x0017,
  AUTH_PIN: 0x0018,
  SIGN_KEY: 0x001a,
  SIGN_PIN: 0x001b,
} as const;

/** Token label of a My Number card in JPKI EF 0006 (space padded to 32 bytes). */
export const MY_NUMBER_TOKEN_LABEL = "JPKIAPICCTOKEN2";
