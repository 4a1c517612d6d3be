/**
 * Fictional card holders for the synthetic card faces. When the card-core engineer's deck
 * (src/card/sim/deck/deck.json) exists, its people are used for the demo assets; the tuning and
 * evaluation splits use seeded fictional people of the same shape, with fixed special cases (every
 * era, the era boundary days, 29 February, Western-printed cards) and disjoint seeds per split.
 */
import { existsSync, readFileSync } from "node:fs";
import { daysInMonth, isLeapYear, type CalendarDate } from "../../src/age/date";

export interface CardPerson {
  id: string;
  label: string;
  name: string;
  address: string;
  sex: "男" | "女";
  birth: CalendarDate;
  /** Japanese nationals: era. Foreign residents: Western. */
  birthPrinting: "era" | "western";
  expiry: CalendarDate;
  securityCode: string;
}

/** mulberry32: small, seeded, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "松本"];
const GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "さくら", "翔", "陽菜", "大輔", "結衣", "拓海", "葵"];
const FOREIGN = ["SMITH JOHN", "NGUYEN VAN AN", "SILVA MARIA", "KIM MINJUN", "LI WEI", "GARCIA ANA"];
const PLACES = ["東京都千代田区霞が関一丁目", "大阪府大阪市北区梅田二丁目", "北海道札幌市中央区北一条西", "福岡県福岡市博多区博多駅前", "愛知県名古屋市中区三の丸"];

/** The card's expiry under the issuing rules: the 10th birthday after issue (5th when under 18 at
 *  issue). A 29 February birthday in a common expiry year ends on 28 February (民法143: no
 *  corresponding day → the last day of that month). */
export function expiryFor(birth: CalendarDate, issue: CalendarDate): CalendarDate {
  const ageAtIssue = issue.year - birth.year - (issue.month * 100 + issue.day < birth.month * 100 + birth.day ? 1 : 0);
  const n = ageAtIssue >= 18 ? 10 : 5;
  const passed = issue.month * 100 + issue.day >= birth.month * 100 + birth.day;
  const year = issue.year + n - (passed ? 0 : 1);
  const day = birth.month === 2 && birth.day === 29 && !isLeapYear(year) ? 28 : birth.day;
  return { year, month: birth.month, day };
}

/** Holders renew their card when it runs out: the expiry of the card held today (not long past). */
function renewedExpiry(birth: CalendarDate, issue: CalendarDate, today: CalendarDate): CalendarDate {
  let e = expiryFor(birth, issue);
  while (e.year < today.year - 1) e = expiryFor(birth, { year: e.year, month: e.month, day: Math.min(e.day, 28) });
  return e;
}

function randomDate(r: () => number, fromYear: number, toYear: number): CalendarDate {
  const year = fromYear + Math.floor(r() * (toYear - fromYear + 1));
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * daysInMonth(year, month));
  return { year, month, day };
}

/** Fixed cases every split contains (each era, the boundary days, 29 February, Western printing). */
const SPECIAL_BIRTHS: readonly { birth: CalendarDate; printing: "era" | "western" }[] = [
  { birth: { year: 1911, month: 5, day: 3 }, printing: "era" }, // 明治44
  { birth: { year: 1924, month: 11, day: 20 }, printing: "era" }, // 大正13
  { birth: { year: 1989, month: 1, day: 7 }, printing: "era" }, // 昭和64
  { birth: { year: 1989, month: 1, day: 8 }, printing: "era" }, // 平成元年
  { birth: { year: 2019, month: 4, day: 30 }, printing: "era" }, // 平成31
  { birth: { year: 2019, month: 5, day: 1 }, printing: "era" }, // 令和元年
  { birth: { year: 1968, month: 2, day: 29 }, printing: "era" }, // 29 February
  { birth: { year: 1992, month: 2, day: 29 }, printing: "western" },
  { birth: { year: 1985, month: 10, day: 4 }, printing: "western" },
];

export function makePeople(count: number, seed: number, today: CalendarDate): CardPerson[] {
  const r = rng(seed);
  const people: CardPerson[] = [];
  for (let i = 0; i < count; i++) {
    const special = SPECIAL_BIRTHS[i];
    const birth = special?.birth ?? randomDate(r, 1935, today.year - 1);
    const printing = special?.printing ?? (r() < 0.2 ? "western" : "era");
    const earliestIssue = Math.max(2016, birth.year);
    let issue = randomDate(r, earliestIssue, today.year);
    if (issue.year * 10000 + issue.month * 100 + issue.day < birth.year * 10000 + birth.month * 100 + birth.day) issue = { ...birth, day: Math.min(birth.day, 28) };
    const ti = today.year * 10000 + today.month * 100 + today.day;
    if (issue.year * 10000 + issue.month * 100 + issue.day > ti) issue = today;
    const name =
      printing === "western"
        ? (FOREIGN[Math.floor(r() * FOREIGN.length)] ?? "SMITH JOHN")
        : `${SURNAMES[Math.floor(r() * SURNAMES.length)] ?? "山田"}\u3000${GIVEN[Math.floor(r() * GIVEN.length)] ?? "太郎"}`;
    people.push({
      id: `p${seed}-${i}`,
      label: name,
      name,
      address: `${PLACES[Math.floor(r() * PLACES.length)] ?? PLACES[0]}${1 + Math.floor(r() * 9)}番${1 + Math.floor(r() * 20)}号`,
      sex: r() < 0.5 ? "男" : "女",
      birth,
      birthPrinting: printing,
      expiry: renewedExpiry(birth, issue, today),
      securityCode: String(Math.floor(r() * 10000)).padStart(4, "0"),
    });
  }
  return people;
}

/** The deck's My Number cards (src/card/sim/deck/deck.json, `cards[].printed`), or null when the
 *  file is absent or has none. */
export function readDeckPeople(path: string): CardPerson[] | null {
  if (!existsSync(path)) return null;
  const raw = JSON.parse(readFileSync(path, "utf8")) as { cards?: unknown[] };
  const out: CardPerson[] = [];
  for (const c of (raw.cards ?? []) as DeckCardJson[]) {
    const p = c.printed;
    const birthDate = c.facts?.birthDate;
    if (c.kind !== "mynumber" || !p?.birth || !p.expiry || !p.securityCode || typeof birthDate !== "string") continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
    if (!m) continue;
    out.push({
      id: c.id,
      label: c.label ?? c.id,
      name: p.name ?? "",
      address: p.address ?? "",
      sex: p.sex === "女" ? "女" : "男",
      birth: { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
      birthPrinting: p.birth.calendar === "western" ? "western" : "era",
      expiry: { year: p.expiry.year, month: p.expiry.month, day: p.expiry.day },
      securityCode: p.securityCode,
    });
  }
  return out.length > 0 ? out : null;
}

interface DeckCardJson {
  id: string;
  label?: string;
  kind?: string;
  facts?: { birthDate?: unknown };
  printed?: {
    name?: string;
    address?: string;
    sex?: string;
    birth?: { calendar?: string };
    expiry?: { year: number; month: number; day: number };
    securityCode?: string;
  };
}
