/**
 * Parsers of the LDS files this reader reads (Doc 9303-10 §4.7) [spec]: EF.COM (60: 5F01 LDS version,
 * 5F36 Unicode version, 5C tag list), DG1 (61 → 5F1F MRZ), DG2 (75 → 7F61 → 7F60 → 5F2E/7F2E
 * biometric data block holding an ISO/IEC 19794-5 face record), EF.SOD (77 → CMS ContentInfo).
 * Pure, bounded (tlv.ts), no strings made of personal data: DG1 fields are byte ranges.
 */
import { CardError } from "../errors";
import { childrenByTag, readTlv, readTlvList, type Tlv } from "../tlv";
import { checkDigit } from "./mrz-key";

const malformed = (what: string) => new CardError({ kind: "malformed", what });

/** The tags listed in EF.COM's 5C. */
export function parseCom(bytes: Uint8Array): number[] {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== 0x60) throw malformed("EF.COM: tag 60 expected");
  const list = readTlvList(bytes, outer.valueStart, outer.end).find((t) => t.tag === 0x5c);
  if (!list) throw malformed("EF.COM: no tag list 5C");
  return Array.from(bytes.subarray(list.valueStart, list.end));
}

export interface Dg1 {
  /** The MRZ characters (TD3: 88, TD1: 90, TD2: 72), a view into the DG1 buffer. */
  readonly mrz: Uint8Array;
  readonly format: "TD1" | "TD2" | "TD3";
  /** Byte ranges into `mrz`. */
  readonly documentNumber: Uint8Array;
  readonly birthYymmdd: Uint8Array;
  readonly expiryYymmdd: Uint8Array;
  readonly sex: Uint8Array;
  readonly nationality: Uint8Array;
  readonly issuingState: Uint8Array;
  /** The name field (PRIMARY<<SECONDARY<NAMES), trailing filler '<' cut; attended staff view only. */
  readonly name: Uint8Array;
  /** Every check digit of the MRZ holds (document number, birth date, expiry). */
  readonly checkDigitsOk: boolean;
}

export function parseDg1(bytes: Uint8Array): Dg1 {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== 0x61) throw malformed("DG1: tag 61 expected");
  const mrzTlv = childrenByTag(bytes, outer).get(0x5f1f);
  if (!mrzTlv) throw malformed("DG1: no MRZ 5F1F");
  const mrz = bytes.subarray(mrzTlv.valueStart, mrzTlv.end);
  for (const c of mrz) if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x3c)) throw malformed("DG1: MRZ character outside 0-9 A-Z <");
  const r = (a: number, b: number) => mrz.subarray(a, b);
  const nameField = (a: number, b: number) => {
    let e = b;
    while (e > a && mrz[e - 1] === 0x3c) e--;
    return mrz.subarray(a, e);
  };
  const cd = (a: number, b: number, at: number) => checkDigit(r(a, b)) === (mrz[at] ?? 0) - 0x30;
  // Positions: Doc 9303-4 §4.2.2 (TD3), 9303-5 (TD1), 9303-6 (TD2). [spec]
  if (mrz.length === 88) {
    return {
      mrz,
      format: "TD3",
      issuingState: r(2, 5),
      name: nameField(5, 44),
      documentNumber: r(44, 53),
      nationality: r(54, 57),
      birthYymmdd: r(57, 63),
      sex: r(64, 65),
      expiryYymmdd: r(65, 71),
      checkDigitsOk: cd(44, 53, 53) && cd(57, 63, 63) && cd(65, 71, 71),
    };
  }
  if (mrz.length === 90) {
    return {
      mrz,
      format: "TD1",
      issuingState: r(2, 5),
      name: nameField(60, 90),
      documentNumber: r(5, 14),
      birthYymmdd: r(30, 36),
      sex: r(37, 38),
      expiryYymmdd: r(38, 44),
      nationality: r(45, 48),
      checkDigitsOk: cd(5, 14, 14) && cd(30, 36, 36) && cd(38, 44, 44),
    };
  }
  if (mrz.length === 72) {
    return {
      mrz,
      format: "TD2",
      issuingState: r(2, 5),
      name: nameField(5, 36),
      documentNumber: r(36, 45),
      nationality: r(46, 49),
      birthYymmdd: r(49, 55),
      sex: r(56, 57),
      expiryYymmdd: r(57, 63),
      checkDigitsOk: cd(36, 45, 45) && cd(49, 55, 55) && cd(57, 63, 63),
    };
  }
  throw malformed(`DG1: MRZ of ${mrz.length} characters`);
}

export interface FaceImage {
  readonly format: "jpeg" | "jpeg2000";
  /** A view into the DG2 buffer. */
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

const JPEG = [0xff, 0xd8, 0xff];
const JP2 = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20];
const J2K = [0xff, 0x4f, 0xff, 0x51];
const startsWith = (b: Uint8Array, m: readonly number[]) => m.every((x, i) => b[i] === x);

function child(bytes: Uint8Array, parent: Tlv, tags: readonly number[], what: string): Tlv {
  const t = readTlvList(bytes, parent.valueStart, parent.end).find((c) => tags.includes(c.tag));
  if (!t) throw malformed(`DG2: no ${what}`);
  return t;
}

/** The first face image of DG2 (ISO/IEC 19794-5:2005 record inside the CBEFF wrapper). */
export function parseDg2(bytes: Uint8Array): FaceImage {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== 0x75) throw malformed("DG2: tag 75 expected");
  const group = child(bytes, outer, [0x7f61], "biometric information group 7F61");
  const bit = child(bytes, group, [0x7f60], "biometric information template 7F60");
  const bdb = child(bytes, bit, [0x5f2e, 0x7f2e], "biometric data block 5F2E");
  const rec = bytes.subarray(bdb.valueStart, bdb.end);
  // General header (14 bytes): "FAC\0", version "010\0", record length (4), number of faces (2).
  if (rec.length < 14 + 20 + 12 || rec[0] !== 0x46 || rec[1] !== 0x41 || rec[2] !== 0x43 || rec[3] !== 0) throw malformed("DG2: not an ISO 19794-5 record (FAC)");
  const u16 = (o: number) => ((rec[o] ?? 0) << 8) | (rec[o + 1] ?? 0);
  const u32 = (o: number) => (((rec[o] ?? 0) << 24) >>> 0) + ((rec[o + 1] ?? 0) << 16) + ((rec[o + 2] ?? 0) << 8) + (rec[o + 3] ?? 0);
  if (u16(12) < 1) throw malformed("DG2: no face in the record");
  // Facial record header (20 bytes): block length (4), feature points (2), gender, eyes, hair,
  // property mask (3), expression (2), pose (3), pose uncertainty (3); then 8 bytes per feature point;
  // then the image information (12 bytes): type, data type (0 JPEG, 1 JPEG 2000), width, height, …
  const blockStart = 14;
  const blockLen = u32(blockStart);
  const points = u16(blockStart + 4);
  const info = blockStart + 20 + points * 8;
  const img = info + 12;
  const blockEnd = blockStart + blockLen;
  if (blockLen < 32 || blockEnd > rec.length || img >= blockEnd) throw malformed("DG2: face block out of bounds");
  const dataType = rec[info + 1];
  const image = rec.subarray(img, blockEnd);
  const format = startsWith(image, JPEG) ? "jpeg" : startsWith(image, JP2) || startsWith(image, J2K) ? "jpeg2000" : null;
  if (format === null || (dataType === 0 && format !== "jpeg") || (dataType === 1 && format !== "jpeg2000")) throw malformed("DG2: image is neither JPEG nor JPEG 2000");
  return { format, bytes: image, width: u16(info + 2), height: u16(info + 4) };
}

/** The CMS ContentInfo inside EF.SOD (tag 77). */
export function sodContent(bytes: Uint8Array): Uint8Array {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== 0x77) throw malformed("EF.SOD: tag 77 expected");
  return bytes.subarray(outer.valueStart, outer.end);
}
