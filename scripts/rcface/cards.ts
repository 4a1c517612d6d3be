/**
 * Fictional residence-card fronts (issue 17): the printed fields of a first-generation residence card
 * or special permanent resident (SPR) certificate, placed in layout families. Everything printed is
 * fictional. Placement follows the public sample card as far as it is known second-hand: card number
 * top right, name, birth date with sex on the row below, nationality, address, status, period of stay,
 * permission and issue dates, and "このカードは …まで有効" at the bottom [2nd: the ISA sample image, not
 * measured]. Whether the pre-printed labels (生年月日, 性別, …) are part of the chip's front image is not
 * known here (the notes say "printed fields only" [2nd]); the families therefore print them in some
 * cards and not in others, and the reader must not depend on either.
 *
 * Families: four TUNING families (`std`, `labelled`, `compact`, `spr`) and one HELD-OUT family
 * (`heldout`: another text renderer (ImageMagick instead of librsvg), other fonts, zero-padded dates,
 * labels in a different place) that no threshold of the reader was tuned on. Every printed group moves
 * by up to ±5 mm and scales by ±10 % independently.
 */
import { isValidDate, type CalendarDate } from "../../src/age/date";
import { rng } from "../cardface/people";

export { rng };

export const CARD_MM = { width: 85.6, height: 54.0 } as const;

export type RcFamily = "std" | "labelled" | "compact" | "spr" | "heldout";
export const RC_TUNING: readonly RcFamily[] = ["std", "labelled", "compact", "spr"];
export const RC_HELDOUT: RcFamily = "heldout";

export interface RcPerson {
  readonly id: string;
  readonly kind: "rc" | "spr";
  readonly cardNumber: string;
  readonly name: string;
  readonly sex: "男" | "女";
  readonly nationality: string;
  readonly address: string;
  readonly status: string;
  readonly birth: CalendarDate;
  readonly permit: CalendarDate;
  readonly issue: CalendarDate;
  readonly stayEnd: CalendarDate;
  readonly expiry: CalendarDate;
}

export interface TextRun {
  readonly text: string;
  /** Left edge and baseline, mm. */
  readonly x: number;
  readonly y: number;
  /** Font size (em), mm. */
  readonly size: number;
  readonly font: string;
  /** Which field this run prints (truth for tests; "label" for pre-printed labels). */
  readonly field: "number" | "name" | "birth" | "sex" | "nationality" | "address" | "status" | "work" | "stay" | "permit-kind" | "permit" | "issue" | "expiry" | "label" | "title";
}

const SURNAMES = ["SMITH", "NGUYEN", "SILVA", "KIM", "GARCIA", "PEREZ", "SANTOS", "TRAN", "LOPEZ", "MULLER", "SHARMA", "GURUNG", "WANG", "PARK", "REYES", "OKAFOR", "IVANOVA", "JOHNSON"];
const GIVEN = ["JOHN", "MARIA", "VAN AN", "MINJUN", "ANA", "LUIS", "THI HOA", "WEI", "ANNA", "RAJ", "SITA", "JOSE", "EMMA", "DUC", "AMARA", "OLGA", "PEDRO", "LINH"];
const NATIONS = ["中国", "韓国", "ベトナム", "フィリピン", "ネパール", "ブラジル", "米国", "インドネシア", "タイ", "ペルー", "インド", "英国"];
const PLACES = ["東京都港区港南5丁目5番30号", "大阪府大阪市北区梅田2丁目4番9号", "愛知県名古屋市中区三の丸3丁目1番2号", "福岡県福岡市博多区博多駅前1丁目7番", "北海道札幌市中央区北1条西10丁目", "神奈川県横浜市中区山下町12番地"];
const STATUSES = ["留学", "技術・人文知識・国際業務", "永住者", "家族滞在", "特定技能", "定住者", "日本人の配偶者等", "技能実習"];
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function pick<T>(r: () => number, xs: readonly T[]): T {
  const v = xs[Math.floor(r() * xs.length)];
  if (v === undefined) throw new Error("empty list");
  return v;
}

function dateBetween(r: () => number, from: CalendarDate, to: CalendarDate): CalendarDate {
  for (;;) {
    const year = from.year + Math.floor(r() * (to.year - from.year + 1));
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 31);
    if (!isValidDate(year, month, day)) continue;
    const k = year * 10000 + month * 100 + day;
    if (k < from.year * 10000 + from.month * 100 + from.day || k > to.year * 10000 + to.month * 100 + to.day) continue;
    return { year, month, day };
  }
}

function addYears(d: CalendarDate, n: number): CalendarDate {
  const year = d.year + n;
  return { year, month: d.month, day: isValidDate(year, d.month, d.day) ? d.day : 28 };
}

/** One fictional holder. The birth date ranges over 16–95 years before `today` (a few are 16–20, the
 *  ages that matter at a bar), permission ≤ issue < stay end ≤ expiry. */
export function makePerson(seed: number, today: CalendarDate, kind: "rc" | "spr"): RcPerson {
  const r = rng(seed);
  const young = r() < 0.25;
  const birth = dateBetween(r, addYears(today, young ? -21 : -95), addYears(today, -16));
  const issue = dateBetween(r, addYears(today, -6), today);
  const permit = r() < 0.7 ? issue : dateBetween(r, addYears(issue, -1), issue);
  const stayEnd = kind === "rc" ? addYears(issue, 1 + Math.floor(r() * 5)) : addYears(issue, 7);
  const expiry = kind === "rc" ? stayEnd : addYears(issue, 7);
  const L = () => pick(r, [...LETTERS]);
  let digits = "";
  for (let i = 0; i < 8; i++) digits += String(Math.floor(r() * 10));
  return {
    id: `${kind}-${String(seed)}`,
    kind,
    cardNumber: `${L()}${L()}${digits}${L()}${L()}`,
    name: `${pick(r, SURNAMES)} ${pick(r, GIVEN)}${r() < 0.3 ? ` ${pick(r, GIVEN)}` : ""}`,
    sex: r() < 0.5 ? "男" : "女",
    nationality: kind === "spr" ? pick(r, ["韓国", "朝鮮"]) : pick(r, NATIONS),
    address: pick(r, PLACES),
    status: kind === "spr" ? "特別永住者" : pick(r, STATUSES),
    birth,
    permit,
    issue,
    stayEnd,
    expiry,
  };
}

export type DatePad = "none" | "space" | "zero";

export function dateText(d: CalendarDate, pad: DatePad): string {
  const p = (n: number) => (pad === "zero" ? String(n).padStart(2, "0") : pad === "space" ? String(n).padStart(2, " ") : String(n));
  return `${String(d.year)}年${p(d.month)}月${p(d.day)}日`;
}

interface Style {
  readonly sans: string;
  readonly serif: string;
  readonly latin: string;
  readonly labels: boolean;
  readonly pad: DatePad;
  /** Overall type scale. */
  readonly k: number;
}

const STYLES: Record<RcFamily, Style> = {
  std: { sans: "Noto Sans CJK JP", serif: "Noto Sans CJK JP", latin: "DejaVu Sans", labels: false, pad: "none", k: 1 },
  labelled: { sans: "Noto Sans CJK JP", serif: "Noto Serif CJK JP", latin: "DejaVu Sans", labels: true, pad: "space", k: 1 },
  compact: { sans: "Noto Serif CJK JP", serif: "Noto Serif CJK JP", latin: "DejaVu Serif", labels: false, pad: "none", k: 0.9 },
  spr: { sans: "Noto Sans CJK JP", serif: "Noto Sans CJK JP", latin: "DejaVu Sans", labels: true, pad: "none", k: 1 },
  heldout: { sans: "Noto Sans Mono CJK JP", serif: "Noto Serif CJK JP", latin: "DejaVu Sans Mono", labels: true, pad: "zero", k: 1.05 },
};

/**
 * Place the printed groups of `p` on the card: each group (a row of related runs) moves by up to
 * ±`moveMm` and scales by ±`scale` around its own origin.
 */
export function placeCard(p: RcPerson, family: RcFamily, seed: number, moveMm = 5, scale = 0.1): TextRun[] {
  const r = rng(seed ^ 0x5eed);
  const s = STYLES[family];
  const runs: TextRun[] = [];
  const group = (baseX: number, baseY: number, items: readonly (Omit<TextRun, "x" | "y" | "size"> & { dx: number; size: number })[], maxMove = moveMm) => {
    const gx = baseX + (r() * 2 - 1) * maxMove;
    const gy = baseY + (r() * 2 - 1) * Math.min(maxMove, 0.8);
    const k = s.k * (1 + (r() * 2 - 1) * scale);
    for (const it of items) runs.push({ text: it.text, font: it.font, field: it.field, x: gx + it.dx * k, y: gy, size: it.size * k });
  };
  const lab = (text: string, dx: number): (Omit<TextRun, "x" | "y" | "size"> & { dx: number; size: number })[] =>
    s.labels ? [{ text, dx, size: 1.9, font: s.sans, field: "label" }] : [];
  const lx = s.labels ? 12 : 0;
  const held = family === "heldout";
  // Vertical pitch: rows sit ~4.3 mm apart; moves along y are kept small so rows do not collide.
  group(48, 5.5, [...lab("番号", 0), { text: p.cardNumber, dx: s.labels ? 6 : 0, size: 2.7, font: s.latin, field: "number" }], 3);
  group(3, 11, [...lab("氏名", 0), { text: p.name, dx: lx * 0.6, size: 3.3, font: s.latin, field: "name" }], 2);
  group(3, 16, [
    ...lab("生年月日", 0),
    { text: dateText(p.birth, s.pad), dx: lx, size: 2.5, font: s.sans, field: "birth" },
    ...lab("性別", lx + 24),
    { text: `${p.sex} ${p.sex === "男" ? "M." : "F."}`, dx: lx + (s.labels ? 30 : 26), size: 2.5, font: s.sans, field: "sex" },
  ], 2);
  group(held ? 3 : 3, 20.5, [...lab("国籍・地域", 0), { text: p.nationality, dx: lx, size: 2.5, font: s.sans, field: "nationality" }], 2);
  group(3, 25, [...lab("住居地", 0), { text: p.address, dx: lx * 0.7, size: 2.3, font: s.serif, field: "address" }], 1.5);
  if (p.kind === "rc") {
    group(3, 29.5, [...lab("在留資格", 0), { text: p.status, dx: lx, size: 2.6, font: s.sans, field: "status" }], 2);
    group(3, 33.5, [{ text: p.status === "永住者" ? "就労制限なし" : "就労不可", dx: lx, size: 2.3, font: s.sans, field: "work" }], 2);
    const years = p.stayEnd.year - p.issue.year;
    group(3, 38, [...lab("在留期間(満了日)", 0), { text: `${String(years)}年 (${dateText(p.stayEnd, s.pad)})`, dx: s.labels ? 17 : 0, size: 2.2, font: s.sans, field: "stay" }], 2);
    group(3, 42, [...lab("許可の種類", 0), { text: "在留期間更新許可 (東京出入国在留管理局長)", dx: lx, size: 1.9, font: s.sans, field: "permit-kind" }], 1);
    group(3, 46.5, [
      ...lab("許可年月日", 0),
      { text: dateText(p.permit, s.pad), dx: lx, size: 2.2, font: s.sans, field: "permit" },
      ...lab("交付年月日", lx + 22),
      { text: dateText(p.issue, s.pad), dx: lx + (s.labels ? 34 : 24), size: 2.2, font: s.sans, field: "issue" },
    ], 1.5);
  } else {
    group(3, 40, [...lab("交付年月日", 0), { text: dateText(p.issue, s.pad), dx: lx, size: 2.3, font: s.sans, field: "issue" }], 2);
  }
  group(held ? 20 : 16, 51, [{ text: `このカードは${dateText(p.expiry, s.pad)}まで有効`, dx: 0, size: 2.2, font: s.sans, field: "expiry" }], 2);
  return runs.map((t) => ({ ...t, x: Math.max(1, Math.min(t.x, CARD_MM.width - 2)) }));
}
