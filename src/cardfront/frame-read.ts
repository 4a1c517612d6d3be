/**
 * One camera frame → what it shows: no card, the back side (refused before any OCR), or the three
 * front fields as parsed OCR readings. Steps: decode → locate the card → decide the side from layout
 * → rectify and crop the three fixed boxes at 15 px/mm → stretch contrast → OCR each line.
 * Every intermediate buffer is zeroed before returning; no text is logged.
 *
 * Measured here (1024 × 768 JPEG, eval-moderate, shared 2-core machine): 127 ms CPU per frame on
 * average (decode 20–60 ms, locate 5–20 ms, side + crops 10–30 ms, OCR of the three lines 65–90 ms).
 */
import type { CalendarDate } from "../age/date";
import type { Frame } from "../camera/camera";
import { decodeFrame } from "../image/decode";
import { birthKey, compact, parseSecurityCode, type BirthField } from "./fields";
import { CROP_HEIGHT_RATIO, samePlace, classifyDates, codeCandidates, cropBox, dateCandidates, decideCode, decideDates, tailLooksLikeField, type Found, type PlacedDateLine } from "./find";
import { boxBlur, minFilter, normalize, wipeGray, type Gray } from "../image/image";
import { analyseCard, type Box, type TextLine } from "./lines";
import { PX_PER_MM } from "./layout";
import { locateCard } from "./locate";
import { OcrFailure, type LineKind, type OcrLine, type OcrPort } from "./ocr";
import { sampleBox, type Homography } from "./rectify";
import { classifySide } from "./side";

/**
 * Per field: crop scale (× the canonical 10 px/mm), box-blur radius against sensor noise, and the
 * lowest tesseract confidence accepted. Dates: 10 px/mm without blur since 2026-12-05 (was 15 px/mm
 * with a 3 × 3 blur): on 386 moderate + hard tuning frames (3 nearest date lines each) it read as
 * many birth/expiry lines right (354/345 vs 353/344) at 28.8 instead of 33.7 ms CPU per engine call. Tuned on the generated tune split only (low light + noise
 * made the small code unreadable at 1.5×/no blur; 2×/r2 read all of them, and every misread seen
 * there came with a confidence below 70).
 */
export const CROPS = {
  birth: { scale: 1, blur: 0, minConfidence: 0 },
  expiry: { scale: 1, blur: 0, minConfidence: 0 },
  securityCode: { scale: 2, blur: 2, minConfidence: 70 },
} as const;

/**
 * The second read of a code line whose first read failed (confidence < 70 or not 4 digits). Chosen on
 * the tuning families only (768 moderate + hard frames, each crop variant read on the nearest code
 * line): 15 px/mm with a 3 × 3 blur read as many codes right as the first crop alone (715 vs 713)
 * and gave the most of the first crop's failures right (11 of 55, 1 wrong single-frame read).
 */
export const CODE_RETRY = { scale: 1.5, blur: 1, minConfidence: 70 } as const;

/**
 * The lowest engine confidence of any DIGIT (per character, not the line's mean) for a date line's
 * value to count. Below it the line is still classified (a second birth line still makes the birth
 * "found-twice"), but its value is "low-confidence", never voted for. Measured on the tuning families
 * only (scripts/cardface/confidence.ts, 1,200 frames): with the jpn date whitelist the per-digit
 * confidence does NOT separate misreads — wrong birth/expiry reads came at 84–98 while half of the
 * right reads are under 50 — so the floor is 0 (off); the knob stays for a better engine or model.
 */
export const MIN_DATE_DIGIT_CONFIDENCE = 0;

/**
 * The date check: before a birth or expiry value may be agreed (read.ts), the line it came from is
 * read once more by the date engine from a crop made differently — 15 px/mm instead of 10, strokes
 * thickened by a 3 × 3 grey-level erosion, no blur — and must give the same value. A misread of one
 * printed glyph repeats across the frames of one card (same glyph, similar photos), so agreement
 * between frames cannot catch it; a re-read of the same line at another scale with other stroke
 * widths is a different input to the network. Each value is checked until it is confirmed once per
 * session (FrameMemory.confirmed): usually one extra engine call per date field per session.
 * (A digits-only re-read by the eng engine was tried first: it needs the digits' boxes, and the
 * LSTM engine's character and word boxes overlap the neighbouring kanji, so the crops held 年 and 月.)
 */
export const DATE_CHECK = { scale: 1.5, thicken: 1 } as const;

interface CropSpec {
  readonly scale: number;
  readonly blur: number;
  readonly minConfidence: number;
}

/** Per frame at most: date-shaped lines considered, read in full; code-shaped lines considered,
 *  read in full. */
export const MAX_DATE_LINES = 6;
export const MAX_DATE_READS = 4;
export const MAX_CODE_LINES = 4;
export const MAX_CODE_READS = 2;

export type FrameReading =
  | { kind: "bad-image"; detail: string }
  | { kind: "no-card"; reason: "no-card" | "card-not-fully-visible" | "not-card-shaped" }
  | { kind: "side-unknown" }
  | { kind: "back-side-up" }
  /** The OCR engine failed inside this frame (timeout, closed, engine error, aborted). */
  | { kind: "ocr-failed"; reason: OcrFailure["reason"] }
  | {
      kind: "front";
      birth: Found<BirthField>;
      expiry: Found<CalendarDate>;
      securityCode: Found<string>;
      /** Per field, the lowest per-digit engine confidence of the lines its value was read from
       *  (before the floor; for tools such as scripts/cardface/confidence.ts). */
      confidence: { birth?: number; expiry?: number; securityCode?: number };
      /** Whether this frame's date value has passed the date check in this session (DATE_CHECK). */
      confirmed: { birth: boolean; expiry: boolean };
    };

/** Options of readFrame: `minDateDigitConfidence` overrides MIN_DATE_DIGIT_CONFIDENCE (tools that
 *  measure confidences pass 0). */
export interface FrameOptions {
  readonly minDateDigitConfidence?: number;
  /** false: skip the date check (tools that measure what it changes). */
  readonly dateCheck?: boolean;
}

/** The key a date value is confirmed under (FrameMemory.confirmed). */
export function dateCheckKey(field: "birth", v: BirthField): string;
export function dateCheckKey(field: "expiry", v: CalendarDate): string;
export function dateCheckKey(field: "birth" | "expiry", v: BirthField | CalendarDate): string {
  return field === "birth" ? `b:${birthKey(v as BirthField)}` : `e:${(v as CalendarDate).year}/${(v as CalendarDate).month}/${(v as CalendarDate).day}`;
}

/**
 * Steps after the side is known: rectify the card once at 5 px/mm, find its lines and portrait
 * (lines.ts), then read by content (find.ts):
 *
 * 1. Code-shaped lines near the portrait, nearest the prior first, until one reads as 4 digits
 *    confidently (at most MAX_CODE_READS).
 * 2. Date-shaped lines, nearest the layout prior first, one engine call each, until a birth and an
 *    expiry are found (at most MAX_DATE_READS).
 * 3. Every candidate line not read yet goes into ONE check call (a strip of crops side by side):
 *    for a date-shaped line only its last ~2.5 glyphs (birth ends in 生, expiry in 有効: a line
 *    whose tail shows neither is neither field); a code-shaped line whole. If the strip shows 日生
 *    or 有効, every unread date line is read in full; if it shows 4 digits, every unread code line.
 *    So a second birth line or a second code makes the field "found-twice" instead of being missed.
 *
 * Engine calls are the cost (≈ 20 ms each before any text, then about proportional to the width):
 * a clean card takes three calls per frame, plus the check strip in the session's first frame.
 */
/**
 * What the frames of one session share (readCardFront keeps one per session): the lines already
 * checked in step 3. The card does not change between frames, so a line checked once (matched by
 * position on the rectified card, within 2 mm) is not checked again.
 */
export interface FrameMemory {
  readonly checked: Box[];
  /** Date values (dateCheckKey) the check re-read alike (DATE_CHECK). */
  readonly confirmed: Set<string>;
  /** Date checks run and refuted in this session (counts only, for tools). */
  readonly dateChecks: { run: number; refuted: number };
  /** Where earlier frames read each field: lines at the same place (find.ts samePlace) are read
   *  first, so later frames spend no engine calls on the other candidates before stopping early. */
  readonly seen: Box[];
}

export function newFrameMemory(): FrameMemory {
  return { checked: [], seen: [], confirmed: new Set(), dateChecks: { run: 0, refuted: 0 } };
}

/** Candidates at a place an earlier frame of the session read a field from go first (stable). */
function seenFirst<T extends Box>(lines: readonly T[], seen: readonly Box[]): T[] {
  const hit = (l: T) => seen.some((b) => samePlace(b, l));
  return [...lines.filter(hit), ...lines.filter((l) => !hit(l))];
}

export async function readFrame(deps: { ocr: OcrPort }, frame: Frame, today: CalendarDate, signal: AbortSignal, memory: FrameMemory = newFrameMemory(), options: FrameOptions = {}): Promise<FrameReading> {
  const floor = options.minDateDigitConfidence ?? MIN_DATE_DIGIT_CONFIDENCE;
  const decoded = await decodeFrame(frame);
  if (!decoded.ok) return { kind: "bad-image", detail: decoded.detail };
  const g = decoded.image;
  try {
    const loc = locateCard(g);
    if (!loc.ok) return { kind: "no-card", reason: loc.reason };
    const side = classifySide(g, loc.quad);
    if (side.side === "back") return { kind: "back-side-up" };
    if (side.side === "unknown") return { kind: "side-unknown" };
    const layout = analyseCard(side.card, side.portrait);
    wipeGray(side.card);
    const hm = side.hm;
    const readDate = async (l: TextLine): Promise<PlacedDateLine[]> => {
      const r = await line(deps.ocr, g, hm, cropBox(l), CROPS.birth, "date", signal);
      return r === null ? [] : classifyDates(r.text, today).map((d) => ({ ...d, at: boxOf(l), confidence: r.digitConfidence }));
    };
    const readCode = async (l: TextLine) => {
      let r = await line(deps.ocr, g, hm, cropBox(l), CROPS.securityCode, "digits", signal);
      // A code line the engine was unsure of (or that did not give 4 digits) is read once more at a
      // second scale/blur; the agreement rule still needs 3 frames, so this only adds chances.
      if (r === null || !parseSecurityCode(r.text).ok) r = (await line(deps.ocr, g, hm, cropBox(l), CODE_RETRY, "digits", signal)) ?? r;
      return { text: r?.text ?? null, at: boxOf(l), ...(r ? { confidence: r.digitConfidence } : {}) };
    };

    const codeLines = seenFirst(codeCandidates(layout.lines, layout.portrait).slice(0, MAX_CODE_LINES), memory.seen);
    const codes: { text: string | null; at: Box; confidence?: number }[] = [];
    let nc = 0;
    while (nc < Math.min(codeLines.length, MAX_CODE_READS) && !decideCode(codes).ok) {
      const l = codeLines[nc++];
      if (l) codes.push(await readCode(l));
    }
    const dateLines = seenFirst(dateCandidates(layout.lines, layout.portrait).slice(0, MAX_DATE_LINES), memory.seen);
    const dates: PlacedDateLine[] = [];
    let nd = 0;
    while (nd < Math.min(dateLines.length, MAX_DATE_READS)) {
      const found = decideDates(dates);
      if (found.birth.ok && found.expiry.ok) break;
      const l = dateLines[nd++];
      if (l) dates.push(...(await readDate(l)));
    }
    const unchecked = (l: TextLine) => !memory.checked.some((c) => Math.abs(c.x - l.x) + Math.abs(c.x + c.w - l.x - l.w) <= 4 * PX_PER_MM && Math.abs(c.y - l.y) + Math.abs(c.y + c.h - l.y - l.h) <= 4 * PX_PER_MM);
    const restDates = dateLines.slice(nd).filter(unchecked);
    const restCodes = codeLines.slice(nc).filter(unchecked);
    if (restDates.length + restCodes.length > 0) {
      memory.checked.push(...restDates, ...restCodes);
      const check = compact(await strip(deps.ocr, g, hm, [...restDates.map(tailBox), ...restCodes.map(cropBox)], signal));
      if (restDates.length > 0 && tailLooksLikeField(check)) for (const l of restDates) dates.push(...(await readDate(l)));
      if (restCodes.length > 0 && /\d{4}/u.test(check)) for (const l of restCodes) codes.push(await readCode(l));
    }
    const { birth, expiry } = decideDates(dates.map((d) => belowFloor(d, floor)));
    if (options.dateCheck !== false) {
      if (birth.ok) await checkDate(deps.ocr, g, hm, dates, "birth", dateCheckKey("birth", birth.value), today, memory, signal);
      if (expiry.ok) await checkDate(deps.ocr, g, hm, dates, "expiry", dateCheckKey("expiry", expiry.value), today, memory, signal);
    }
    const securityCode = decideCode(codes);
    for (const f of [birth, expiry, securityCode]) if (f.ok && f.at && !memory.seen.some((b) => f.at && samePlace(b, f.at))) memory.seen.push(f.at);
    const confidence = {
      ...minConfidence("birth", dates),
      ...minConfidence("expiry", dates),
      ...(securityCode.ok ? minOf("securityCode", codes.filter((c) => c.text !== null && compact(c.text) === securityCode.value).map((c) => c.confidence)) : {}),
    };
    const confirmed = {
      birth: birth.ok && memory.confirmed.has(dateCheckKey("birth", birth.value)),
      expiry: expiry.ok && memory.confirmed.has(dateCheckKey("expiry", expiry.value)),
    };
    return { kind: "front", birth, expiry, securityCode, confidence, confirmed };
  } catch (e) {
    if (e instanceof OcrFailure) return { kind: "ocr-failed", reason: e.reason };
    throw e;
  } finally {
    wipeGray(g);
  }
}

const boxOf = (l: Box): Box => ({ x: l.x, y: l.y, w: l.w, h: l.h });

/** A date line whose lowest digit confidence is under the floor keeps its kind, loses its value. */
function belowFloor(d: PlacedDateLine, floor: number): PlacedDateLine {
  if ((d.kind !== "birth" && d.kind !== "expiry") || !d.value.ok || d.confidence === undefined || d.confidence >= floor) return d;
  return d.kind === "birth" ? { ...d, value: { ok: false, reason: "low-confidence" } } : { ...d, value: { ok: false, reason: "low-confidence" } };
}

function minOf<K extends string>(k: K, xs: readonly (number | undefined)[]): Partial<Record<K, number>> {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? ({ [k]: Math.min(...known) } as Partial<Record<K, number>>) : {};
}

function minConfidence(kind: "birth" | "expiry", dates: readonly PlacedDateLine[]): Partial<Record<"birth" | "expiry", number>> {
  return minOf(kind, dates.filter((d) => d.kind === kind && d.value.ok).map((d) => d.confidence));
}

/** One OCR'd line: its text and the lowest confidence of any digit in it (the engine's own
 *  per-character confidence; the line's mean confidence when the engine gives no characters). */
export interface LineRead {
  readonly text: string;
  readonly digitConfidence: number;
}

/** The lowest per-character confidence among the digits of a line (a look-alike digit — 3/8, 1/7,
 *  5/6 — is where a date misread hides, and a line's mean confidence dilutes it among the kanji). */
export function digitConfidence(r: OcrLine): number {
  const digits = (r.symbols ?? []).filter((s) => /\d/u.test(compact(s.text)));
  return digits.length ? Math.min(...digits.map((s) => s.confidence)) : r.confidence;
}

/** OCR one box (canonical pixels); null when the engine's confidence is below the field's minimum. */
async function line(ocr: OcrPort, g: Gray, hm: Homography, box: Box, spec: CropSpec, kind: LineKind, signal: AbortSignal): Promise<LineRead | null> {
  const raw = sampleBox(g, hm, box, spec.scale);
  const smooth = spec.blur > 0 ? boxBlur(raw, spec.blur) : raw;
  const crop = normalize(smooth);
  wipeGray(raw);
  wipeGray(smooth);
  try {
    const r = await ocr.recognizeLine(crop, kind, signal);
    return r.confidence >= spec.minConfidence ? { text: r.text, digitConfidence: digitConfidence(r) } : null;
  } finally {
    wipeGray(crop);
  }
}

/**
 * The date check of one value not yet confirmed this session: the line it was read from is read
 * again by the date engine from a differently made crop (DATE_CHECK: another scale, strokes
 * thickened), and must give the same value for the same field.
 */
async function checkDate(ocr: OcrPort, g: Gray, hm: Homography, dates: readonly PlacedDateLine[], field: "birth" | "expiry", key: string, today: CalendarDate, memory: FrameMemory, signal: AbortSignal): Promise<void> {
  if (memory.confirmed.has(key)) return;
  const keyOf = (d: PlacedDateLine): string | null => (d.kind === "birth" && d.value.ok ? dateCheckKey("birth", d.value.value) : d.kind === "expiry" && d.value.ok ? dateCheckKey("expiry", d.value.value) : null);
  const src = dates.find((d) => d.kind === field && keyOf(d) === key);
  if (!src?.at) return;
  memory.dateChecks.run++;
  const raw = sampleBox(g, hm, cropBox(src.at), DATE_CHECK.scale);
  const thick = minFilter(raw, DATE_CHECK.thicken);
  const crop = normalize(thick);
  wipeGray(raw);
  wipeGray(thick);
  let text: string;
  try {
    text = (await ocr.recognizeLine(crop, "date", signal)).text;
  } finally {
    wipeGray(crop);
  }
  const again = classifyDates(text, today).map((d) => keyOf(d));
  if (again.includes(key)) memory.confirmed.add(key);
  else memory.dateChecks.refuted++;
}

/** Height of every crop in a check strip: a 3.2 mm line's crop at the date scale. */
const STRIP_HEIGHT = Math.round(3.2 * CROP_HEIGHT_RATIO * PX_PER_MM * CROPS.birth.scale);

/**
 * Several boxes (canonical pixels) in ONE date-engine call: each scaled to STRIP_HEIGHT, blurred
 * and contrast-stretched on its own, side by side with a blank of half a crop height between them.
 * Only the whole text is used (as a trigger, see readFrame): which crop a word came from is not.
 */
async function strip(ocr: OcrPort, g: Gray, hm: Homography, boxes: readonly Box[], signal: AbortSignal): Promise<string> {
  const height = STRIP_HEIGHT;
  const pieces = boxes.map((b) => {
    const raw = sampleBox(g, hm, b, height / b.h);
    const smooth = boxBlur(raw, CROPS.birth.blur);
    const n = normalize(smooth);
    wipeGray(raw);
    wipeGray(smooth);
    return n;
  });
  const gap = Math.round(height / 2);
  const width = pieces.reduce((w, p) => w + p.width + gap, gap);
  const data = new Uint8Array(width * height).fill(255);
  let x = gap;
  for (const p of pieces) {
    for (let y = 0; y < Math.min(height, p.height); y++) data.set(p.data.subarray(y * p.width, (y + 1) * p.width), y * width + x);
    x += p.width + gap;
    wipeGray(p);
  }
  const img = { width, height, data };
  try {
    return (await ocr.recognizeLine(img, "date", signal)).text;
  } finally {
    wipeGray(img);
  }
}

/** The right end of a line: its last ~2.5 glyph heights (where 生 or 有効 would be), with margins. */
function tailBox(l: TextLine): Box {
  const w = Math.min(l.w, Math.round(2.5 * l.h));
  return cropBox({ x: l.x + l.w - w, y: l.y, w, h: l.h });
}
