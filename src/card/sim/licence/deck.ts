/**
 * The simulated licences for demo mode and tests: fictional people, their PIN 1, tries left, dates and
 * a photo (a deck face re-encoded as a JPEG 2000 codestream, photos.json, scripts/make-licence-photos.ts).
 *
 * Each card builds a `LicenceSimCard` on demand (`makeCard`). The chip files follow reference §1
 * (second-hand): DF1/EF01 is the chain of simple TLVs (11 JIS edition, 12 name, 13 reading, 16 birth,
 * 17 address, 18 issue date, 1B expiry, 21 licence number, …) padded with FF to 880 bytes [guess:
 * the filler byte]; DF2/EF01 is 5F 40 82 07 D0 + the codestream padded to 2000 bytes [guess: filler].
 *
 * Test data only: the PINs here open test cards; nothing in the product logs them.
 */
import { asciiDate } from "../../../documents/ascii-date";
import { parseIsoDate, type CalendarDate } from "../../../age/date";
import { toEraDate, type EraId } from "../../../age/era";
import { concatBytes } from "../../apdu";
import { DF1_AID, DF2_AID, ENTRIES_BYTES } from "../../licence/ids";
import { textToJisX0208 } from "../../licence/jis";
import { LicenceSimCard, type LicenceProfile, type LicenceSimDeps } from "./card";
import photosJson from "./photos.json";

export interface LicencePerson {
  readonly id: string;
  readonly label: string;
  /** Whether the person at the kiosk in the demo is the holder (the face simulator follows it). */
  readonly holderPresent: boolean;
  /** The card's PIN 1. */
  readonly pin: string;
  /** The PIN the demo drawer offers to type: the card's own, or a wrong one for the wrong-PIN card. */
  readonly demoPin: string;
  readonly triesLeft: number;
  readonly name: string;
  readonly reading: string;
  readonly address: string;
  readonly birthDate: string;
  readonly issueDate: string;
  readonly expiry: string;
  /**
   * The expiry as the chip writes it, when not the era of the date itself: chips written before
   * May 2019 may say 平成33年 for 2021 ([guess], reference §1.5).
   */
  readonly expiryEraText?: string;
  readonly licenceNumber: string;
  /** Key of photos.json. */
  readonly face: string;
}

/** The simulated licences (fictional). */
export const LICENCE_PEOPLE: readonly LicencePerson[] = [
  {
    id: "licence-showa",
    label: "運転免許証 昭和50年6月1日生, PIN 1 ok, 3 tries",
    holderPresent: true,
    pin: "4821",
    demoPin: "4821",
    triesLeft: 3,
    name: "山田　花子",
    reading: "ヤマダ　ハナコ",
    address: "東京都千代田区霞が関９９丁目９番９号",
    birthDate: "1975-06-01",
    issueDate: "2024-05-10",
    expiry: "2029-07-01",
    licenceNumber: "309912345670",
    face: "showa-64",
  },
  {
    id: "licence-minor",
    label: "運転免許証 平成20年3月3日生 (18), 3 tries",
    holderPresent: true,
    pin: "7305",
    demoPin: "7305",
    triesLeft: 3,
    name: "渡辺　蓮",
    reading: "ワタナベ　レン",
    address: "大阪府大阪市北区中之島９９番地",
    birthDate: "2008-03-03",
    issueDate: "2026-04-01",
    expiry: "2029-04-03",
    licenceNumber: "629900012340",
    face: "minor-18",
  },
  {
    id: "licence-two-tries",
    label: "運転免許証, 2 tries left (the kiosk refuses)",
    holderPresent: true,
    pin: "1357",
    demoPin: "1357",
    triesLeft: 2,
    name: "小林　真由美",
    reading: "コバヤシ　マユミ",
    address: "愛知県名古屋市中区三の丸９番",
    birthDate: "1978-12-01",
    issueDate: "2023-01-20",
    expiry: "2028-01-01",
    licenceNumber: "499900054320",
    face: "two-tries",
  },
  {
    id: "licence-blocked",
    label: "運転免許証, PIN 1 blocked",
    holderPresent: true,
    pin: "2468",
    demoPin: "2468",
    triesLeft: 0,
    name: "加藤　健太",
    reading: "カトウ　ケンタ",
    address: "福岡県福岡市中央区天神９丁目",
    birthDate: "1990-05-05",
    issueDate: "2022-06-15",
    expiry: "2027-06-05",
    licenceNumber: "909900067890",
    face: "blocked",
  },
  {
    id: "licence-wrong-pin",
    label: "運転免許証, the demo types a wrong PIN (costs one try)",
    holderPresent: true,
    pin: "8642",
    demoPin: "1111",
    triesLeft: 3,
    name: "中村　大輔",
    reading: "ナカムラ　ダイスケ",
    address: "北海道札幌市中央区北９条",
    birthDate: "1985-10-20",
    issueDate: "2025-09-01",
    expiry: "2030-11-20",
    licenceNumber: "109900098760",
    face: "not-holder",
  },
  {
    id: "licence-expired",
    label: "運転免許証, expired (平成33年3月31日 as written before 令和)",
    holderPresent: true,
    pin: "5790",
    demoPin: "5790",
    triesLeft: 3,
    name: "山本　和子",
    reading: "ヤマモト　カズコ",
    address: "京都府京都市上京区９９番地",
    birthDate: "1950-06-10",
    issueDate: "2018-02-01",
    expiry: "2021-03-31",
    expiryEraText: "4330331",
    licenceNumber: "609900011110",
    face: "senior",
  },
];

const ERA_CODE: Readonly<Record<EraId, number>> = { meiji: 1, taisho: 2, showa: 3, heisei: 4, reiwa: 5 };

/** A date as the licence writes it: era code + YYMMDD, 7 ASCII digits. */
export function licenceDateBytes(d: CalendarDate): Uint8Array {
  const e = toEraDate(d);
  if (!e) throw new RangeError("date before Meiji");
  const s = `${ERA_CODE[e.era]}${String(e.eraYear).padStart(2, "0")}${String(e.month).padStart(2, "0")}${String(e.day).padStart(2, "0")}`;
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function date(iso: string): CalendarDate {
  const d = parseIsoDate(iso);
  if (!d) throw new RangeError(`bad date ${iso}`);
  return d;
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xff) throw new RangeError("simple TLV value over 255 bytes");
  return concatBytes(Uint8Array.of(tag, value.length), value);
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function padded(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length > size) throw new RangeError(`${bytes.length} bytes do not fit in ${size}`);
  const out = new Uint8Array(size).fill(0xff);
  out.set(bytes);
  return out;
}

/** Gregorian BCD YYYYMMDD (MF/EF01 common data). */
function bcd(d: CalendarDate): Uint8Array {
  const a = asciiDate(d);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) out[i] = (((a[2 * i] ?? 0x30) - 0x30) << 4) | ((a[2 * i + 1] ?? 0x30) - 0x30);
  return out;
}

export interface LicenceProfileOptions {
  /** Tries left of PIN 1 (default: the person's). */
  triesLeft?: number;
  /** false: the photo opens with PIN 1 alone — a counterfactual for tests of the photo path (real cards need PIN 2). */
  photoNeedsPin2?: boolean;
  /** Replace the birth date field's 7 bytes (era-code tests). */
  birthBytes?: Uint8Array;
}

/** A Type B card's ATR (3B 88 80 01, 8 historical bytes, TCK) with made-up application data "LIC". */
export const LICENCE_SIM_ATR = ((): Uint8Array => {
  const body = Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0x4c, 0x49, 0x43, 0x00, 0xb3, 0x81, 0xa1, 0x00);
  let tck = 0;
  for (const b of body.subarray(1)) tck ^= b;
  return Uint8Array.of(...body, tck);
})();

export function buildLicenceProfile(p: LicencePerson, options: LicenceProfileOptions = {}): LicenceProfile {
  const photo = (photosJson.photos as Record<string, string>)[p.face];
  if (!photo) throw new RangeError(`no photo ${p.face}`);
  const codestream = new Uint8Array(Buffer.from(photo, "base64"));
  const birth = options.birthBytes ?? licenceDateBytes(date(p.birthDate));
  const expiry = p.expiryEraText ? ascii(p.expiryEraText) : licenceDateBytes(date(p.expiry));
  const entries = concatBytes(
    tlv(0x11, Uint8Array.of(0x01)),
    tlv(0x12, textToJisX0208(p.name)),
    tlv(0x13, textToJisX0208(p.reading)),
    tlv(0x16, birth),
    tlv(0x17, textToJisX0208(p.address)),
    tlv(0x18, licenceDateBytes(date(p.issueDate))),
    tlv(0x19, ascii("0000000000")),
    tlv(0x1a, textToJisX0208("一般")),
    tlv(0x1b, expiry),
    tlv(0x1c, textToJisX0208("眼鏡等")),
    tlv(0x20, textToJisX0208("東京都公安委員会")),
    tlv(0x21, ascii(p.licenceNumber)),
    tlv(0x2d, licenceDateBytes(date(p.issueDate))),
  );
  const photoValue = padded(codestream, 2000);
  const photoFile = concatBytes(Uint8Array.of(0x5f, 0x40, 0x82, 0x07, 0xd0), photoValue);
  const common = concatBytes(Uint8Array.of(0x45, 0x0b), ascii("008"), bcd(date(p.issueDate)), bcd(date(p.expiry)), Uint8Array.of(0x46, 0x02, 0x00, 0x00));
  return {
    label: p.label,
    atr: LICENCE_SIM_ATR,
    mfFiles: [
      { id: 0x2f01, bytes: common, need: "free" },
      { id: 0x000a, bytes: Uint8Array.of(0x05, 0x01, 0x01), need: "free" },
    ],
    dfs: [
      {
        name: "DF1",
        aid: DF1_AID,
        files: [
          { id: 0x0001, bytes: padded(entries, ENTRIES_BYTES), need: "pin1" },
          { id: 0x0002, bytes: padded(tlv(0x31, textToJisX0208("東京都")), 82), need: "pin1+pin2" },
          { id: 0x0007, bytes: padded(Uint8Array.of(0xb1, 0x00, 0x00), 578), need: "pin1" },
        ],
      },
      { name: "DF2", aid: DF2_AID, files: [{ id: 0x0001, bytes: photoFile, need: options.photoNeedsPin2 === false ? "pin1" : "pin1+pin2" }] },
      { name: "DF3", aid: Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x48, 0x03, ...new Array<number>(10).fill(0)), files: [] },
    ],
    pins: [ascii(p.pin), ascii("9999")],
    triesLeft: [options.triesLeft ?? p.triesLeft, 3],
  };
}

export interface LicenceDeckCard {
  readonly person: LicencePerson;
  readonly photo: Uint8Array;
  makeCard(options?: LicenceProfileOptions & { deps?: LicenceSimDeps }): LicenceSimCard;
}

export function licenceDeck(): LicenceDeckCard[] {
  return LICENCE_PEOPLE.map((person) => ({
    person,
    photo: new Uint8Array(Buffer.from((photosJson.photos as Record<string, string>)[person.face] ?? "", "base64")),
    makeCard: (options = {}) => {
      const { deps, ...rest } = options;
      return new LicenceSimCard(buildLicenceProfile(person, rest), deps ?? {});
    },
  }));
}

export function licenceCard(id: string): LicenceDeckCard {
  const c = licenceDeck().find((x) => x.person.id === id);
  if (!c) throw new RangeError(`no simulated licence "${id}"`);
  return c;
}
