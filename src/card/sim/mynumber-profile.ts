/**
 * Builds a simulated My Number card from a fictional person, images and test keys: the same file
 * layout and signature scheme as a real card (reference §3.3–§3.6, §5.1), signed by the deck's test CA.
 *
 * Key hierarchy (as on a real card, reference §3.6 and §7):
 *   test CA ("9000023/001", never a real id) ──signs──> EF 0004 CVC of the issuing key ("13xxxxx/000")
 *   issuing key ──signs──> EF 0002 (DigestInfo of three SHA-256 digests) and EF 0001 (SHA-256)
 *   card key (DF24 / DF12 public part) ──signs──> the kiosk's nonce with 80 2A 00 00
 *
 * `ProfileOptions` makes the variants the authenticity tests need: change fields after signing, a
 * different challenge key (a clone), another CA, another expiry, tries left.
 */
import { constants, createPrivateKey, createPublicKey, privateEncrypt, sign, type KeyObject } from "node:crypto";
import { concatBytes } from "../apdu";
import { encodeTlv } from "../tlv";
import { JPKI_AID, JPKI_EF, MY_NUMBER_TOKEN_LABEL, SURFACE_AID, SURFACE_EF, TEXT_AID, TEXT_EF } from "../mynumber/ids";
import { digestInfoSha256, sha256 } from "../mynumber/auth/digest";
import { afterVerify, ALWAYS, NEVER, type CardProfile, type SimApplication, type SimFile } from "./profile";

/** PC/SC pseudo-ATR of a contactless My Number card (pcsc-tools smartcard_list, reference §8). */
export const MY_NUMBER_ATR = Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xe0, 0xb3, 0x81, 0xa1, 0x00, 0x7f);

export type Sex = "1" | "2" | "9";

/** The facts a card face carries, as the chip stores them (ASCII, Gregorian YYYYMMDD). */
export interface FaceFacts {
  /** "YYYY-MM-DD" */
  readonly birthDate: string;
  readonly sex: Sex;
  /** "YYYY-MM-DD", the card's expiry (a birthday). */
  readonly expiry: string;
  /** 4 digits printed under the photo. */
  readonly securityCode: string;
  /** 5-digit 全国地方公共団体コード of the issuing municipality. */
  readonly municipality: string;
  /** 12-digit fictional 個人番号 (only inside 照合番号A-protected files; the kiosk never reads them). */
  readonly myNumber: string;
}

export interface FaceImages {
  readonly namePng: Uint8Array;
  readonly addressPng: Uint8Array;
  readonly photoJp2: Uint8Array;
  readonly securityCodePng: Uint8Array;
  readonly numberPng: Uint8Array;
}

/** An RSA signing authority: its 16-byte key id as text ("9000023/001") and private key. */
export interface Authority {
  readonly keyId: string;
  readonly privateKeyPkcs8: Uint8Array;
}

export interface CardKeys {
  /** The card's own key (DF24 public part; signs challenges). */
  readonly cardPkcs8: Uint8Array;
  /** JPKI user-authentication key (EF 0017) and its X.509 certificate (EF 000A). */
  readonly jpkiAuthPkcs8: Uint8Array;
  readonly jpkiAuthCertDer: Uint8Array;
  readonly jpkiCaCertDer: Uint8Array;
}

export interface ProfileInput {
  readonly label: string;
  readonly facts: FaceFacts;
  readonly images: FaceImages;
  readonly keys: CardKeys;
  /** The CA that certifies the issuing key (EF 0004). */
  readonly ca: Authority;
  /** The issuing key that signs EF 0002 / EF 0001. */
  readonly issuer: Authority;
  /** 照合番号B digits this card accepts (derived from the printed face by the deck builder). */
  readonly codeB: string;
  /** Name and address as text (入力補助AP EF 0002, UTF-8). Absent = that file is not on the card. */
  readonly text?: { readonly name: string; readonly address: string };
  /** Text-AP PIN and JPKI PINs (fictional). */
  readonly pins?: { readonly text?: string; readonly jpkiAuth?: string; readonly jpkiSign?: string };
}

export interface ProfileOptions {
  /** Tries left on 照合番号B (券面AP 0012 and 入力補助AP 0015). Default 10. */
  readonly codeBTriesLeft?: number;
  /** Fields replaced AFTER signing (the signature no longer matches): tamper tests. */
  readonly alterAfterSigning?: Partial<Pick<FaceFacts, "birthDate" | "sex" | "expiry">> & { photoJp2?: Uint8Array };
  /** The key the chip signs challenges with, if not the one in DF24 (a clone that copied the data). */
  readonly challengeKeyPkcs8?: Uint8Array;
  /** EF 0002 status for a read that runs past the end. */
  readonly shortReadAtEnd?: 0x6282 | 0x9000;
  /** Bytes of FF filler after the EF 0002 TLV (default 32). */
  readonly faceFiller?: number;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const compactDate = (iso: string) => iso.replace(/-/g, "");

/** DigestInfo(SHA-256 OID, `digest`) — also for the 96-byte triple digest of reference §3.5. */
export const digestInfo = digestInfoSha256;

/** "9000023/001" → 7 ASCII digits ‖ 08 05 ‖ 3 ASCII digits ‖ 00 00 00 00 (reference §3.6). */
export function encodeKeyId(id: string): Uint8Array {
  const m = /^(\d{7})\/(\d{3})$/.exec(id);
  if (!m) throw new RangeError(`key id must look like 9000023/001: ${id}`);
  return concatBytes(utf8(m[1] ?? ""), Uint8Array.of(0x08, 0x05), utf8(m[2] ?? ""), new Uint8Array(4));
}

function keyObject(pkcs8: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
}

/** `90 <exponent> 91 <modulus>` TLVs of an RSA public key (the card's format, reference §3.5). */
export function publicKeyTlvs(pkcs8: Uint8Array): Uint8Array {
  const jwk = createPublicKey(keyObject(pkcs8)).export({ format: "jwk" });
  const n = new Uint8Array(Buffer.from(jwk.n ?? "", "base64url"));
  const e = new Uint8Array(Buffer.from(jwk.e ?? "", "base64url"));
  return concatBytes(encodeTlv(0x90, e), encodeTlv(0x91, n));
}

/** PKCS#1 v1.5 signature over a DigestInfo given as is (the card's 80 2A P1=00 and the issuer's scheme). */
export function signDigestInfo(pkcs8: Uint8Array, info: Uint8Array): Uint8Array {
  // A private-key operation with PKCS#1 v1.5 type-1 padding over the bytes as given (no hashing).
  return new Uint8Array(privateEncrypt({ key: keyObject(pkcs8), padding: constants.RSA_PKCS1_PADDING }, info));
}

function signSha256(pkcs8: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign("sha256", data, keyObject(pkcs8)));
}

/** EF 0004: `7F 21 { 5F 4E <issuer id ‖ subject id ‖ 90/91>, 5F 37 <signature> }` signed by the CA. */
export function buildCvc(ca: Authority, subject: Authority): Uint8Array {
  const body = concatBytes(encodeKeyId(ca.keyId), encodeKeyId(subject.keyId), publicKeyTlvs(subject.privateKeyPkcs8));
  const sig = signSha256(ca.privateKeyPkcs8, body);
  return encodeTlv(0x7f21, concatBytes(encodeTlv(0x5f4e, body), encodeTlv(0x5f37, sig)));
}

/** EF 0002 (reference §3.5) with its offset table; returns the TLV (no filler). */
export function buildCardFace(input: ProfileInput, options: ProfileOptions = {}): Uint8Array {
  const f = input.facts;
  const cardKey = publicKeyTlvs(input.keys.cardPkcs8);
  const birth = encodeTlv(0xdf22, utf8(compactDate(f.birthDate)));
  const sex = encodeTlv(0xdf23, utf8(f.sex));
  const key = encodeTlv(0xdf24, cardKey);
  const name = encodeTlv(0xdf25, input.images.namePng);
  const address = encodeTlv(0xdf26, input.images.addressPng);
  const photo = encodeTlv(0xdf27, input.images.photoJp2);
  const triple = concatBytes(sha256(concatBytes(birth, sex, key)), sha256(concatBytes(name, address)), sha256(photo));
  const signature = encodeTlv(0xdf28, signDigestInfo(input.issuer.privateKeyPkcs8, digestInfo(triple)));
  const alt = options.alterAfterSigning ?? {};
  const parts = [
    alt.birthDate !== undefined ? encodeTlv(0xdf22, utf8(compactDate(alt.birthDate))) : birth,
    alt.sex !== undefined ? encodeTlv(0xdf23, utf8(alt.sex)) : sex,
    key,
    name,
    address,
    alt.photoJp2 !== undefined ? encodeTlv(0xdf27, alt.photoJp2) : photo,
    signature,
    encodeTlv(0xdf29, utf8(compactDate(alt.expiry ?? f.expiry))),
    encodeTlv(0xdf2a, input.images.securityCodePng),
  ];
  // The offset table holds absolute offsets from byte 0 of the file; its own size is fixed (2+1+18).
  const outerValueLength = 21 + parts.reduce((n, p) => n + p.length, 0);
  const outerHeader = encodeTlv(0xff20, new Uint8Array(outerValueLength)).length - outerValueLength;
  const offsets = new Uint8Array(18);
  let pos = outerHeader + 21;
  parts.forEach((p, i) => {
    offsets[i * 2] = (pos >> 8) & 0xff;
    offsets[i * 2 + 1] = pos & 0xff;
    pos += p.length;
  });
  return encodeTlv(0xff20, concatBytes(encodeTlv(0xdf21, offsets), ...parts));
}

/** EF 0001 age record: `FF 10 { DF 11 birth, DF 12 card key, DF 13 signature over DF11 ‖ DF12 }`. */
function buildAgeRecord(input: ProfileInput): Uint8Array {
  const birth = encodeTlv(0xdf11, utf8(compactDate(input.facts.birthDate)));
  const key = encodeTlv(0xdf12, publicKeyTlvs(input.keys.cardPkcs8));
  const sig = encodeTlv(0xdf13, signSha256(input.issuer.privateKeyPkcs8, concatBytes(birth, key)));
  return encodeTlv(0xff10, concatBytes(birth, key, sig));
}

function buildBasicInfo(input: ProfileInput): Uint8Array {
  return encodeTlv(
    0xff30,
    concatBytes(
      encodeTlv(0xdf31, Uint8Array.of(0x06, 0x03, 0x0e, 0x01)),
      encodeTlv(0xdf32, encodeKeyId(input.issuer.keyId)),
      encodeTlv(0xdf33, Uint8Array.of(0x01)),
      encodeTlv(0xdf34, utf8(input.facts.municipality)),
    ),
  );
}

function buildNumberImage(input: ProfileInput): Uint8Array {
  const png = encodeTlv(0xdf41, input.images.numberPng);
  const key = encodeTlv(0xdf42, publicKeyTlvs(input.keys.cardPkcs8));
  const sig = encodeTlv(0xdf43, signSha256(input.issuer.privateKeyPkcs8, concatBytes(png, key)));
  return encodeTlv(0xff40, concatBytes(png, key, sig));
}

/** 入力補助AP EF 0002, 基本4情報 (reference §4.3): `FF 20 { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex }`. */
export function buildTextAttributes(name: string, address: string, facts: FaceFacts): Uint8Array {
  const parts = [
    encodeTlv(0xdf22, utf8(name)),
    encodeTlv(0xdf23, utf8(address)),
    encodeTlv(0xdf24, utf8(compactDate(facts.birthDate))),
    encodeTlv(0xdf25, utf8(facts.sex)),
  ];
  const valueLength = 11 + parts.reduce((n, p) => n + p.length, 0);
  const header = encodeTlv(0xff20, new Uint8Array(valueLength)).length - valueLength;
  const offsets = new Uint8Array(8);
  let pos = header + 11;
  parts.forEach((p, i) => {
    offsets[i * 2] = (pos >> 8) & 0xff;
    offsets[i * 2 + 1] = pos & 0xff;
    pos += p.length;
  });
  return encodeTlv(0xff20, concatBytes(encodeTlv(0xdf21, offsets), ...parts));
}

function filler(tlv: Uint8Array, n: number): Uint8Array {
  return concatBytes(tlv, new Uint8Array(n).fill(0xff));
}

/** JPKI EF 0006: PKCS#11 CK_TOKEN_INFO, 160 bytes, label space-padded to 32 (reference §5.1). */
function tokenInfo(): Uint8Array {
  const out = new Uint8Array(160).fill(0x20);
  out.set(utf8(MY_NUMBER_TOKEN_LABEL), 0);
  return out;
}

function key(id: number, secret: string, maxTries: number, triesLeft = maxTries) {
  return { id, secret: utf8(secret), maxTries, triesLeft: Math.max(0, Math.min(maxTries, triesLeft)) };
}

/** A complete simulated My Number card. */
// eslint-disable-next-line max-lines-per-function -- not split yet (issue 13, house): remove when split
export function buildCardProfile(input: ProfileInput, options: ProfileOptions = {}): CardProfile {
  if (!/^\d{14}$/.test(input.codeB)) throw new RangeError("codeB must be 14 digits");
  const f = input.facts;
  const codeBTries = options.codeBTriesLeft ?? 10;
  const pins = input.pins ?? {};
  const face = buildCardFace(input, options);
  const surfaceFiles: SimFile[] = [
    { id: SURFACE_EF.AGE_RECORD, bytes: filler(buildAgeRecord(input), 2), read: afterVerify(SURFACE_EF.KEY_BIRTH) },
    {
      id: SURFACE_EF.CARD_FACE,
      bytes: filler(face, options.faceFiller ?? 32),
      read: afterVerify(SURFACE_EF.KEY_CODE_A, SURFACE_EF.KEY_CODE_B),
    },
    { id: SURFACE_EF.BASIC_INFO, bytes: filler(buildBasicInfo(input), 2), read: ALWAYS },
    { id: SURFACE_EF.CVC, bytes: buildCvc(input.ca, input.issuer), read: ALWAYS },
    { id: SURFACE_EF.NUMBER_IMAGE, bytes: filler(buildNumberImage(input), 2), read: afterVerify(SURFACE_EF.KEY_CODE_A) },
    {
      id: SURFACE_EF.UNKNOWN_06,
      bytes: new Uint8Array(16).fill(0xff),
      read: afterVerify(SURFACE_EF.KEY_CODE_A, SURFACE_EF.KEY_CODE_B),
    },
  ];
  const surface: SimApplication = {
    name: "surface",
    aid: SURFACE_AID,
    files: surfaceFiles,
    keys: [
      key(SURFACE_EF.KEY_BIRTH, input.codeB.slice(0, 6), 10),
      key(SURFACE_EF.KEY_CODE_B, input.codeB, 10, codeBTries),
      key(SURFACE_EF.KEY_CODE_A, f.myNumber, 10),
    ],
    signers: [
      { id: SURFACE_EF.CARD_KEY, privateKeyPkcs8: options.challengeKeyPkcs8 ?? input.keys.cardPkcs8, use: ALWAYS, isDefault: true },
    ],
    internalAuthenticateSw: 0x6985,
  };
  const numberFile = concatBytes(encodeTlv(0xff10, utf8(f.myNumber)), Uint8Array.of(0xff, 0xff));
  const text: SimApplication = {
    name: "text",
    aid: TEXT_AID,
    files: [
      { id: TEXT_EF.MY_NUMBER, bytes: numberFile, read: afterVerify(TEXT_EF.KEY_PIN, TEXT_EF.KEY_CODE_A) },
      ...(input.text
        ? [
            {
              id: TEXT_EF.ATTRIBUTES,
              bytes: filler(buildTextAttributes(input.text.name, input.text.address, f), 2),
              // 照合番号B opens the 4 facts but not the number; 照合番号A the number but not the 4 facts (§1.2).
              read: afterVerify(TEXT_EF.KEY_PIN, TEXT_EF.KEY_CODE_B),
            },
          ]
        : []),
      { id: TEXT_EF.CVC, bytes: buildCvc(input.ca, input.issuer), read: ALWAYS },
      { id: TEXT_EF.BASIC_INFO, bytes: filler(buildBasicInfo(input), 2), read: ALWAYS },
    ],
    keys: [
      key(TEXT_EF.KEY_PIN, pins.text ?? "1234", 3),
      key(TEXT_EF.KEY_CODE_A, f.myNumber, 10),
      key(TEXT_EF.KEY_CODE_B, input.codeB, 10, codeBTries),
    ],
    signers: [],
    internalAuthenticateSw: 0x6985,
  };
  const jpki: SimApplication = {
    name: "jpki",
    aid: JPKI_AID,
    files: [
      { id: JPKI_EF.TOKEN_INFO, bytes: tokenInfo(), read: ALWAYS },
      { id: JPKI_EF.CERT_FLAGS, bytes: Uint8Array.of(0x8f, 0x8f, 0x00), read: ALWAYS },
      { id: JPKI_EF.AUTH_CERT, bytes: input.keys.jpkiAuthCertDer, read: ALWAYS },
      { id: JPKI_EF.AUTH_CA_CERT, bytes: input.keys.jpkiCaCertDer, read: ALWAYS },
      { id: JPKI_EF.SIGN_CERT, bytes: input.keys.jpkiAuthCertDer, read: afterVerify(JPKI_EF.SIGN_PIN) },
      { id: JPKI_EF.SIGN_CA_CERT, bytes: input.keys.jpkiCaCertDer, read: ALWAYS },
    ],
    keys: [key(JPKI_EF.AUTH_PIN, pins.jpkiAuth ?? "1234", 3), key(JPKI_EF.SIGN_PIN, pins.jpkiSign ?? "ABC123", 5)],
    signers: [
      { id: JPKI_EF.AUTH_KEY, privateKeyPkcs8: input.keys.jpkiAuthPkcs8, use: afterVerify(JPKI_EF.AUTH_PIN), isDefault: false },
      { id: JPKI_EF.SIGN_KEY, privateKeyPkcs8: input.keys.jpkiAuthPkcs8, use: afterVerify(JPKI_EF.SIGN_PIN), isDefault: false },
    ],
    internalAuthenticateSw: 0x6982,
  };
  return {
    label: input.label,
    atr: MY_NUMBER_ATR,
    applications: [surface, text, jpki],
    shortReadAtEnd: options.shortReadAtEnd ?? 0x6282,
  };
}

/** A contactless card that is not a My Number card (e.g. a transit card): every My Number AID answers 6A82. */
export function buildForeignCardProfile(label: string): CardProfile {
  return {
    label,
    atr: Uint8Array.of(0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x11, 0x00, 0x3b, 0x00, 0x00, 0x00, 0x00, 0x42),
    applications: [
      {
        name: "other",
        aid: Uint8Array.of(0xa0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10),
        files: [{ id: 0x0001, bytes: Uint8Array.of(0x01, 0x02), read: NEVER }],
        keys: [],
        signers: [],
        internalAuthenticateSw: 0x6d00,
      },
    ],
    shortReadAtEnd: 0x6282,
  };
}
