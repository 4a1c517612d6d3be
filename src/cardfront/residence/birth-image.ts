/**
 * The birth date of a first-generation residence card / SPR certificate, read from the chip's signed
 * front image (DF1 EF01; chip-tiff.ts decodes it). The first generation has no birth date as text
 * (other-ids-protocol.md §2.1). Never a guess: the answer is `sure` only when
 *
 * 1. exactly ONE line on the card is the birth line, found by content and shape, not by position:
 *    a date-shaped line (10–32 mm long, 1.5–4.5 mm tall, ≥ 7 blobs) followed on the same row by a
 *    short group (the sex mark "女 F." / "男 M.", with or without the label 性別 before it: ≤ 13 mm,
 *    1–8 blobs), and no date-shaped line further right on that row. Other dates on the card (permission, issue, period of
 *    stay, validity) share their row with a second date, a label or nothing;
 * 2. nothing that is not print touches that line (no blob taller than 1.6 × the line or wider than
 *    9 mm: a stain or a scratch across the date makes it `damaged`, not read);
 * 3. two independent reads — the line at 20 px/mm smoothed, and at 16 px/mm smoothed less and re-binarised — both parse
 *    as exactly `YYYY年M月D日` (optionally after the label 生年月日), each with engine confidence
 *    ≥ MIN_CONFIDENCE, and agree;
 * 4. the date exists, is not in the future, and the holder is at most 125 years old.
 *
 * Everything else is `unsure` with a short reason that holds no personal data. Which line is the
 * birth date rests on the public sample card's layout (birth and sex on one row) [2nd]; whether the
 * pre-printed labels are in the chip image is unknown [2nd], so labels are neither needed nor refused.
 */
import { compareDates, isValidDate, type CalendarDate } from "../../age/date";
import { boxBlur, normalize, padGrey, wipeGray, type Gray } from "../../image/image";
import { compact } from "../fields";
import { PX_PER_MM } from "../layout";
import { blobs, groupLines, inkMask, rectifyCard, type Blob, type Box, type TextLine } from "../lines";
import { OcrFailure, type OcrPort } from "../ocr";
import { sampleBox, type Homography } from "../rectify";
import { cropBox } from "../find";
import { decodeChipTiff } from "./chip-tiff";

export type BirthImageReason =
  | "not-a-tiff"
  | "not-g4"
  | "bad-size"
  | "decode-failed"
  | "no-date-line"
  | "found-twice"
  | "damaged"
  | "unreadable"
  | "low-confidence"
  | "disagree"
  | "implausible"
  | "ocr-failed"
  | "aborted";

export type BirthImageResult = { readonly kind: "sure"; readonly date: CalendarDate } | { readonly kind: "unsure"; readonly reason: BirthImageReason };

export interface BirthImageDeps {
  readonly ocr: OcrPort;
  /** Today in Asia/Tokyo (the plausibility rule). */
  readonly today: () => CalendarDate;
}

/** Lowest tesseract line confidence accepted for each of the two reads (set on the tuning families). */
export const MIN_CONFIDENCE = 60;
/** One read of a line: crop scale (× 10 px/mm), box blur radius, re-binarise. */
export interface ReadSpec {
  readonly scale: number;
  readonly blur: number;
  readonly binarise: boolean;
}

/** The two reads: crop scale (× 10 px/mm), box blur radius, re-binarise. */
export const READS: readonly [ReadSpec, ReadSpec] = [
  { scale: 2, blur: 2, binarise: false },
  { scale: 1.6, blur: 1, binarise: true },
] as const;

const ANALYSIS = 5;
const mm = (v: number) => v * PX_PER_MM;

/** Read the birth date from the chip's front image (see the file comment). `tiff` is only read. */
export async function readBirthFromChipImage(deps: BirthImageDeps, tiff: Uint8Array, signal: AbortSignal): Promise<BirthImageResult> {
  if (signal.aborted) return unsure("aborted");
  const decoded = await decodeChipTiff(tiff);
  if (!decoded.ok) return unsure(decoded.reason);
  const img = decoded.image;
  try {
    const s = decoded.pxPerMm / PX_PER_MM;
    const hm: Homography = [s, 0, 0, 0, s, 0, 0, 0, 1];
    const found = findBirthLine(img, hm);
    if (!found.ok) return unsure(found.reason);
    const reads: CalendarDate[] = [];
    for (const spec of READS) {
      const r = await readLine(deps.ocr, img, hm, found.line, spec, signal);
      if (!r.ok) return unsure(r.reason);
      reads.push(r.date);
    }
    const [a, b] = reads;
    if (!a || !b || compareDates(a, b) !== 0) return unsure("disagree");
    return parsePlausible(a, deps.today()) ? { kind: "sure", date: a } : unsure("implausible");
  } catch (e) {
    if (e instanceof OcrFailure) return unsure(e.reason === "aborted" || signal.aborted ? "aborted" : "ocr-failed");
    throw e;
  } finally {
    wipeGray(img);
  }
}

function unsure(reason: BirthImageReason): BirthImageResult {
  return { kind: "unsure", reason };
}

type Found = { ok: true; line: TextLine } | { ok: false; reason: "no-date-line" | "found-twice" | "damaged" };

/** The birth line (rule 1) and its integrity (rule 2), on the image analysed at 5 px/mm. */
export function findBirthLine(img: Gray, hm: Homography): Found {
  const { lines, blobs: scaled } = chipImageLines(img, hm);
  const birth = birthLines(lines);
  if (birth.length === 0) return { ok: false, reason: "no-date-line" };
  if (birth.length > 1) return { ok: false, reason: "found-twice" };
  const line = birth[0] as TextLine;
  return damaged(line, scaled) ? { ok: false, reason: "damaged" } : { ok: true, line };
}

/** Every text line and ink blob of the chip image, found at 5 px/mm, in canonical (10 px/mm) units. */
export function chipImageLines(img: Gray, hm: Homography): { lines: TextLine[]; blobs: Blob[] } {
  const card = rectifyCard(img, hm, ANALYSIS);
  const mask = inkMask(card);
  const all = blobs(mask, card.width, card.height);
  mask.fill(0);
  wipeGray(card);
  const k = PX_PER_MM / ANALYSIS;
  const lines = groupLines(all, null)
    .filter((l) => l.h >= ANALYSIS)
    .map((l) => ({ x: l.x * k, y: l.y * k, w: l.w * k, h: l.h * k, parts: l.parts }));
  return { lines, blobs: all.map((b) => ({ x: b.x * k, y: b.y * k, w: b.w * k, h: b.h * k, area: b.area })) };
}

function dateShaped(l: TextLine): boolean {
  return l.w >= mm(10) && l.w <= mm(32) && l.h >= mm(1.5) && l.h <= mm(4.5) && l.parts >= 7;
}

function shortGroup(l: TextLine): boolean {
  return l.w <= mm(13) && l.parts >= 1 && l.parts <= 8 && l.h >= mm(1.2) && l.h <= mm(4.5);
}

function sameRow(a: Box, b: Box): boolean {
  const ca = a.y + a.h / 2;
  const cb = b.y + b.h / 2;
  return Math.abs(ca - cb) <= 0.35 * Math.max(a.h, b.h);
}

/** Date-shaped lines whose nearest right neighbour on the row is a short group 2–25 mm away, with no
 *  date-shaped line further right on the row (the permission row: date, label, date). */
export function birthLines(lines: readonly TextLine[]): TextLine[] {
  return lines.filter((d) => {
    if (!dateShaped(d)) return false;
    // Specks and dots (under 0.6 × the line's height) are not neighbours.
    const right = lines
      .filter((o) => o !== d && o.h >= 0.6 * d.h && sameRow(d, o) && o.x >= d.x + d.w - mm(0.5))
      .sort((p, q) => p.x - q.x);
    const next = right[0];
    if (!next || right.some(dateShaped)) return false;
    const gap = next.x - (d.x + d.w);
    return gap >= mm(2) && gap <= mm(25) && shortGroup(next) && Math.abs(next.h - d.h) <= 0.5 * d.h;
  });
}

/** A blob that is not print (too tall or too wide for a glyph) touching the line's crop. */
export function damaged(line: TextLine, all: readonly Blob[]): boolean {
  const c = cropBox(line);
  return all.some((b) => {
    const touches = b.x < c.x + c.w && b.x + b.w > c.x && b.y < c.y + c.h && b.y + b.h > c.y;
    return touches && (b.h > 1.6 * line.h || b.w > mm(9));
  });
}

type LineRead = { ok: true; date: CalendarDate } | { ok: false; reason: "unreadable" | "low-confidence" };

async function readLine(ocr: OcrPort, img: Gray, hm: Homography, line: Box, spec: ReadSpec, signal: AbortSignal): Promise<LineRead> {
  const r = await readLineText(ocr, img, hm, line, spec, signal);
  const date = parseStrictDate(r.text);
  if (!date) return { ok: false, reason: "unreadable" };
  return r.confidence >= MIN_CONFIDENCE ? { ok: true, date } : { ok: false, reason: "low-confidence" };
}

/** One read of a line of the chip image (crop at `spec`, the engine's "date" line mode). */
export async function readLineText(ocr: OcrPort, img: Gray, hm: Homography, line: Box, spec: ReadSpec, signal: AbortSignal): Promise<{ text: string; confidence: number }> {
  const raw = sampleBox(img, hm, cropBox(line), spec.scale);
  const smooth = spec.blur > 0 ? boxBlur(raw, spec.blur) : raw;
  if (spec.binarise) for (let i = 0; i < smooth.data.length; i++) smooth.data[i] = (smooth.data[i] ?? 0) < 128 ? 0 : 255;
  const stretched = normalize(smooth);
  // A white margin of half the crop's height: at the smaller scale the engine dropped a last glyph
  // (日) that touched the crop's edge.
  const crop = padGrey(stretched, Math.round(stretched.height / 2), 255);
  wipeGray(raw);
  wipeGray(smooth);
  wipeGray(stretched);
  try {
    const r = await ocr.recognizeLine(crop, "date", signal);
    return { text: r.text, confidence: r.confidence };
  } finally {
    wipeGray(crop);
  }
}

/** Exactly "YYYY年M月D日" (month and day 1–2 digits), optionally after 生年月日; a real day. */
export function parseStrictDate(text: string): CalendarDate | null {
  const m = /^(?:生年月日)?(\d{4})年(\d{1,2})月(\d{1,2})日$/u.exec(compact(text));
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/** Not in the future; at most 125 years old. */
export function parsePlausible(d: CalendarDate, today: CalendarDate): boolean {
  return compareDates(d, today) <= 0 && compareDates(d, { year: today.year - 125, month: today.month, day: today.day }) >= 0;
}
