/**
 * Which printed line is which field, decided by what the line says, not where it is (issue 12).
 *
 * - birth: a date (era "昭和55年 2月17日" or Western "1980年 2月17日") followed by 生;
 * - expiry: a Western date followed by まで有効 (any of ま/で/有/効 right after 日 counts);
 * - security code: exactly four digits on a short line near the portrait.
 *
 * An era date is always a birth (expiry is printed in Western years). A Western date with neither
 * suffix could be either field: such a line makes both date fields "either-field" for the frame.
 * The same field read on two lines with different values is "found-twice". Neither is ever guessed.
 * Where a line sits only decides the order lines are read in (layout.ts is the prior) and which
 * short lines can be the code (near the portrait). Pure.
 */
import type { CalendarDate } from "../age/date";
import { birthKey, compact, parseBirthLine, parseExpiryLine, parseSecurityCode, type BirthField, type Parsed, type ParseFailure } from "./fields";
import { boxGap, type Box, type TextLine } from "./lines";
import { FRONT, PX_PER_MM, boxPx } from "./layout";

export type DateLine =
  | { kind: "birth"; value: Parsed<BirthField> }
  | { kind: "expiry"; value: Parsed<CalendarDate> }
  | { kind: "either" }
  | { kind: "none" };

const DATE = /(?:[明治大正昭和平成令]{1,2}(?:元|\d{1,2})|\d{4})年\d{1,2}月\d{1,2}日(.{0,4})/u;

/** Classify one OCR'd line (date whitelist) by its content. */
export function classifyDateLine(text: string, today: CalendarDate): DateLine {
  const s = compact(text);
  const m = DATE.exec(s);
  if (!m) {
    // A date whose era or digits did not come through, but whose ending says what it is.
    if (/日生/u.test(s)) return { kind: "birth", value: parseBirthLine(s, today) };
    if (/日(?:まで|で有|有効)/u.test(s)) return { kind: "expiry", value: parseExpiryLine(s) };
    return { kind: "none" };
  }
  const tail = m[1] ?? "";
  const era = /^[明治大正昭和平成令]/u.test(m[0]);
  const born = tail.startsWith("生");
  const until = /^(?:ま|で|有|効)/u.test(tail);
  if (born && !until) return { kind: "birth", value: parseBirthLine(s, today) };
  if (until && !born && !era) return { kind: "expiry", value: parseExpiryLine(s) };
  if (era && !until) return { kind: "birth", value: parseBirthLine(s, today) };
  return { kind: "either" };
}

const DATE_START = /(?:[明治大正昭和平成令]{1,2}(?:元|\d{1,2})|\d{4})年/gu;

/** Every date in a piece of OCR text, each classified with the text up to the next date (a piece is
 *  normally one line; two lines that ran together still give two dates, never one mixed one). */
export function classifyDates(text: string, today: CalendarDate): DateLine[] {
  const s = compact(text);
  const starts = [...s.matchAll(DATE_START)].map((m) => m.index);
  if (starts.length <= 1) {
    const one = classifyDateLine(s, today);
    return one.kind === "none" ? [] : [one];
  }
  const out: DateLine[] = [];
  for (const [i, at] of starts.entries()) {
    const one = classifyDateLine(s.slice(i === 0 ? 0 : at, starts[i + 1] ?? s.length), today);
    if (one.kind !== "none") out.push(one);
  }
  return out;
}

/** A line's last glyphs (see frame-read.ts) say it could be a date field: 日生 or 有効. */
export function tailLooksLikeField(text: string): boolean {
  return /日生|有効/u.test(compact(text));
}

export type FieldFailure = ParseFailure | "not-found" | "found-twice" | "either-field";
/** `at`: the box (canonical card pixels) of the line the value was read from, when known; readCardFront
 *  only lets frames agree when their values came from the same place on the card. */
export type Found<T> = { ok: true; value: T; at?: Box } | { ok: false; reason: FieldFailure };

/** A date line as read, with the card box of the line it came from and the lowest engine confidence
 *  of a digit in it (frame-read.ts). */
export type PlacedDateLine = DateLine & { at?: Box; confidence?: number };

/** Combine the lines one frame read into at most one value per date field. */
export function decideDates(lines: readonly PlacedDateLine[]): { birth: Found<BirthField>; expiry: Found<CalendarDate> } {
  const either = lines.some((l) => l.kind === "either");
  const pick = <T>(reads: { value: Parsed<T>; at: Box | undefined }[], key: (v: T) => string): Found<T> => {
    const good = reads.flatMap((r) => (r.value.ok ? [{ value: r.value.value, at: r.at }] : []));
    const distinct = new Set(good.map((r) => key(r.value)));
    if (distinct.size > 1) return { ok: false, reason: "found-twice" };
    if (either) return { ok: false, reason: "either-field" };
    const first = good[0];
    if (first) return first.at ? { ok: true, value: first.value, at: first.at } : { ok: true, value: first.value };
    const bad = reads.flatMap((r) => (r.value.ok ? [] : [r.value.reason]))[0];
    return { ok: false, reason: bad ?? "not-found" };
  };
  const births: { value: Parsed<BirthField>; at: Box | undefined }[] = [];
  const expiries: { value: Parsed<CalendarDate>; at: Box | undefined }[] = [];
  for (const l of lines) {
    if (l.kind === "birth") births.push({ value: l.value, at: l.at });
    else if (l.kind === "expiry") expiries.push({ value: l.value, at: l.at });
  }
  return { birth: pick(births, birthKey), expiry: pick(expiries, (d) => `${d.year}/${d.month}/${d.day}`) };
}

/** Combine the code candidates one frame read (null = the engine was not confident). A different
 *  4-digit group on another line near the portrait makes the code "found-twice". */
export function decideCode(reads: readonly (string | null | { text: string | null; at: Box; confidence?: number })[]): Found<string> {
  const placed = reads.map((r) => (r !== null && typeof r === "object" ? r : { text: r, at: undefined }));
  const parsed = placed.map((r) => (r.text === null ? null : parseSecurityCode(r.text)));
  const good = new Set(parsed.flatMap((p) => (p?.ok ? [p.value] : [])));
  if (good.size > 1) return { ok: false, reason: "found-twice" };
  const [only] = good;
  if (only !== undefined) {
    const at = placed[parsed.findIndex((p) => p?.ok === true)]?.at;
    return at ? { ok: true, value: only, at } : { ok: true, value: only };
  }
  return { ok: false, reason: parsed.some((p) => p === null) ? "low-confidence" : reads.length ? "unreadable" : "not-found" };
}

/** Two reads of one field agree in place when their lines' centres are at most this far apart on the
 *  rectified card, or when one line's box mostly lies inside the other's (SAME_LINE_OVERLAP) (frames of one session differ by rectification jitter, well under this; two
 *  different printed lines are at least a line pitch, ≈ 4 mm, apart). */
export const SAME_PLACE_MM = 3;

/** Share of the smaller box that the two boxes' intersection must cover for them to be one printed
 *  line found with different extents: the line finder sometimes chains a line's tail (まで有効, 生) or
 *  a neighbour's descenders in one photo and not in the next, which moves the box centre by 5–10 mm
 *  along the line (tuning families: 15 of 300 sessions were "moved" with every read right). Two
 *  different printed lines do not overlap (line pitch ≥ 4 mm, lines ≤ 3.6 mm tall). */
export const SAME_LINE_OVERLAP = 0.6;

export function samePlace(a: Box, b: Box): boolean {
  if (Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2)) <= SAME_PLACE_MM * PX_PER_MM) return true;
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 && w * h >= SAME_LINE_OVERLAP * Math.min(a.w * a.h, b.w * b.h);
}

const mm = (v: number) => v * PX_PER_MM;

/** Lines that can hold a date: 2–5.5 mm tall (3.2 mm print ± scale), ≥ 12 mm long, ≥ 4 blobs. */
export function dateCandidates(lines: readonly TextLine[], portrait: Box | null): TextLine[] {
  const c = lines.filter((l) => l.h >= mm(2) && l.h <= mm(5.5) && l.w >= mm(12) && l.parts >= 4 && !(portrait && overlapShare(l, portrait) > 0.5));
  const prior = [boxPx(FRONT.birth), boxPx(FRONT.expiry)];
  return c.sort((a, b) => priorDistance(a, prior) - priorDistance(b, prior));
}

/** How far (gap, mm) the code line may be from the portrait. The generator moves the photo and the
 *  code independently by up to ±8 mm each, so a code printed 2.6 mm under the photo can end up
 *  ≈ 18 mm away; 12 mm (the first value) missed the code on 9 % of tuning cards (all frames). A
 *  second 4-digit group this near is still "found-twice", never a guess. */
export const CODE_NEAR_PORTRAIT_MM = 20;

/** Short lines of 3–8 blobs, 1.2–3.6 mm tall and 3–20 mm long, near the portrait: within
 *  CODE_NEAR_PORTRAIT_MM of it and centred no further than 6 mm beside its left or right edge (the code is printed under or
 *  over the photo, not in the text column). */
export function codeCandidates(lines: readonly TextLine[], portrait: Box | null): TextLine[] {
  if (!portrait) return [];
  const c = lines.filter((l) => {
    const cx = l.x + l.w / 2;
    const beside = cx >= portrait.x - mm(6) && cx <= portrait.x + portrait.w + mm(6);
    return l.h >= mm(1.2) && l.h <= mm(3.6) && l.w >= mm(3) && l.w <= mm(20) && l.parts >= 3 && l.parts <= 8 && beside && boxGap(l, portrait) <= mm(CODE_NEAR_PORTRAIT_MM) && overlapShare(l, portrait) < 0.5;
  });
  const prior = [boxPx(FRONT.securityCode)];
  return c.sort((a, b) => priorDistance(a, prior) - priorDistance(b, prior));
}

/** The crop to OCR for a line: its box plus a margin of ~half its height (canonical pixels); the
 *  crop is CROP_HEIGHT_RATIO × the line's height. */
export const CROP_HEIGHT_RATIO = 1.9;
export function cropBox(l: Box): Box {
  const mx = Math.round(0.6 * l.h);
  const my = Math.round(((CROP_HEIGHT_RATIO - 1) / 2) * l.h);
  return { x: l.x - mx, y: l.y - my, w: l.w + 2 * mx, h: l.h + 2 * my };
}

function priorDistance(l: Box, priors: readonly Box[]): number {
  return Math.min(...priors.map((p) => Math.hypot(l.x + l.w / 2 - (p.x + p.w / 2), l.y + l.h / 2 - (p.y + p.h / 2))));
}

function overlapShare(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? (w * h) / (a.w * a.h) : 0;
}


/** Where one field has been read from so far in a session: the first read's box; a later read from
 *  elsewhere (not samePlace) marks the field "moved" for good. Reads without a box are not judged. */
export class FieldPlace {
  #first: Box | undefined;
  #moved = false;

  /** Record one read; true when this read made the field "moved" (first time only). */
  see(at: Box | undefined): boolean {
    if (!at || this.#moved) return false;
    if (!this.#first) {
      this.#first = at;
      return false;
    }
    if (samePlace(this.#first, at)) return false;
    this.#moved = true;
    return true;
  }

  get moved(): boolean {
    return this.#moved;
  }
}
