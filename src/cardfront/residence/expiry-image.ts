/**
 * The expiry of a first-generation residence card / SPR certificate, read from the chip's signed front
 * image (DF1 EF01; chip-tiff.ts decodes it), with the birth reader's never-guess rule (birth-image.ts).
 *
 * What is read: the card's validity, printed as "このカードは YYYY年M月D日まで有効" [2nd: the ISA
 * sample card]. The answer is `sure` only when
 *
 * 1. the validity line is found by CONTENT, not position: every long line on the card (22–85 mm,
 *    1.5–4.5 mm tall, ≥ 12 blobs) is read once, and exactly ONE reads as
 *    `<no digits>YYYY年M月D日まで有効` (the engine's date alphabet has no kana, so "このカードは" comes
 *    out as some non-digit characters; a digit there — a misread prefix that could run into the
 *    year — is refused). None → `no-validity-line`, two → `found-twice`;
 * 2. nothing that is not print touches that line (`damaged`, as for the birth line);
 * 3. the second, independent read of that line (another scale, blur and binarisation) parses
 *    the same way to the SAME date, and both reads have confidence ≥ MIN_CONFIDENCE;
 * 4. the date is a real day between 1990 and today + 12 years [guess: a card is valid at most 10 years
 *    from issue in the notes; the margin only refuses nonsense] (`implausible`).
 *
 * Period of stay: not read. The end of the period of stay (在留期間) cannot come before the card's
 * validity: a card is valid until the end of the period of stay for a non-permanent resident and 7
 * years for a permanent resident or an SPR holder (Immigration Control Act art. 19-5; Special Act
 * art. 9) [2nd: the statute as summarised by the ISA's public pages, not read here]. So the validity
 * alone is the earlier of the two dates, and `stayEnd` is always null. (The label 在留期間 is outside
 * the engine's date alphabet too, so reading it by content would need a second engine.)
 */
import { compareDates, isValidDate, type CalendarDate } from "../../age/date";
import { wipeGray } from "../../image/image";
import { compact } from "../fields";
import { PX_PER_MM } from "../layout";
import type { TextLine } from "../lines";
import { OcrFailure, type OcrPort } from "../ocr";
import type { Homography } from "../rectify";
import { chipImageLines, damaged, MIN_CONFIDENCE, readLineText, type ReadSpec } from "./birth-image";
import { decodeChipTiff } from "./chip-tiff";

export type ExpiryImageReason =
  | "not-a-tiff"
  | "not-g4"
  | "bad-size"
  | "decode-failed"
  | "no-validity-line"
  | "found-twice"
  | "damaged"
  | "low-confidence"
  | "disagree"
  | "implausible"
  | "ocr-failed"
  | "aborted";

export type ExpiryImageResult =
  | { readonly kind: "sure"; readonly validUntil: CalendarDate; readonly stayEnd: null }
  | { readonly kind: "unsure"; readonly reason: ExpiryImageReason };

export interface ExpiryImageDeps {
  readonly ocr: OcrPort;
  /** Today in Asia/Tokyo (the plausibility rule). */
  readonly today: () => CalendarDate;
}

const mm = (v: number) => v * PX_PER_MM;

/**
 * The two reads of the validity line: crop scale (× 10 px/mm), box blur radius, re-binarise. Chosen on
 * the tuning families (std, labelled, compact, spr; 8 cards each) and the sim deck, never on the
 * held-out family: the birth reader's first read (2.0, blur 2) read "11月" as "1月" on the deck's SPR
 * card (the heavy blur at the larger scale joins two narrow "1"s), and so did 2.4/blur 1 and 3.0/blur 2;
 * these two had no wrong read there and differ in scale, blur and binarisation.
 */
export const VALIDITY_READS: readonly [ReadSpec, ReadSpec] = [
  { scale: 1.6, blur: 2, binarise: false },
  { scale: 2, blur: 1, binarise: true },
];

/** Long enough to hold "このカードは" + a date + "まで有効" (≈ 20 glyphs at ≥ 1.5 mm). */
export function validityShaped(l: TextLine): boolean {
  return l.w >= mm(22) && l.w <= mm(85) && l.h >= mm(1.5) && l.h <= mm(4.5) && l.parts >= 12;
}

/** Read the card's validity from the chip's front image (see the file comment). `tiff` is only read. */
export async function readExpiryFromChipImage(deps: ExpiryImageDeps, tiff: Uint8Array, signal: AbortSignal): Promise<ExpiryImageResult> {
  if (signal.aborted) return unsure("aborted");
  const decoded = await decodeChipTiff(tiff);
  if (!decoded.ok) return unsure(decoded.reason);
  const img = decoded.image;
  try {
    const s = decoded.pxPerMm / PX_PER_MM;
    const hm: Homography = [s, 0, 0, 0, s, 0, 0, 0, 1];
    const { lines, blobs } = chipImageLines(img, hm);
    const [first, second] = VALIDITY_READS;
    // Rule 1: one read of every long line; the validity line is the one that reads as one.
    const found: { line: TextLine; date: CalendarDate; confidence: number }[] = [];
    for (const line of lines.filter(validityShaped)) {
      const r = await readLineText(deps.ocr, img, hm, line, first, signal);
      const date = parseValidity(r.text);
      if (date) found.push({ line, date, confidence: r.confidence });
    }
    const hit = found[0];
    if (!hit) return unsure("no-validity-line");
    if (found.length > 1) return unsure("found-twice");
    if (damaged(hit.line, blobs)) return unsure("damaged");
    // Rule 3: the independent second read agrees.
    const again = await readLineText(deps.ocr, img, hm, hit.line, second, signal);
    const date2 = parseValidity(again.text);
    if (!date2 || compareDates(date2, hit.date) !== 0) return unsure("disagree");
    if (hit.confidence < MIN_CONFIDENCE || again.confidence < MIN_CONFIDENCE) return unsure("low-confidence");
    return plausibleValidity(hit.date, deps.today()) ? { kind: "sure", validUntil: hit.date, stayEnd: null } : unsure("implausible");
  } catch (e) {
    if (e instanceof OcrFailure) return unsure(e.reason === "aborted" || signal.aborted ? "aborted" : "ocr-failed");
    throw e;
  } finally {
    wipeGray(img);
  }
}

function unsure(reason: ExpiryImageReason): ExpiryImageResult {
  return { kind: "unsure", reason };
}

/** `<no digits>YYYY年M月D日まで有効` (the engine's date alphabet), a real day; else null. */
export function parseValidity(text: string): CalendarDate | null {
  const m = /^[^\d]*?(\d{4})年(\d{1,2})月(\d{1,2})日まで有効$/u.exec(compact(text));
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/** From 1990 (the first cards were issued in 2012) to 12 years after today. */
export function plausibleValidity(d: CalendarDate, today: CalendarDate): boolean {
  return d.year >= 1990 && compareDates(d, { year: today.year + 12, month: today.month, day: today.day }) <= 0;
}
