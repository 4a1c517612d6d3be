/**
 * One camera frame → what it shows: no card, the back side (refused before any OCR), or the three
 * front fields as parsed OCR readings. Steps: decode → locate the card → decide the side from layout
 * → rectify and crop the three fixed boxes at 15 px/mm → stretch contrast → OCR each line.
 * Every intermediate buffer is zeroed before returning; no text is logged.
 *
 * Measured here (1024 × 768 JPEG, moderate set): decode 20–60 ms, locate 5–20 ms, side + crops
 * 10–30 ms, OCR 65–90 ms for the three lines.
 */
import type { CalendarDate } from "../age/date";
import type { Frame } from "../camera/camera";
import { frameToGray } from "./decode";
import { parseBirthLine, parseExpiryLine, parseSecurityCode, type BirthField, type Parsed } from "./fields";
import { normalize, wipeGray, type Gray } from "./image";
import { FRONT, boxPx, type BoxMm } from "./layout";
import { locateCard } from "./locate";
import type { LineKind, OcrPort } from "./ocr";
import { sampleBox, type Homography } from "./rectify";
import { classifySide } from "./side";

/** Crop scale: canonical 10 px/mm × 1.5 = 15 px/mm; dates then print ~45 px tall for tesseract. */
export const CROP_SCALE = 1.5;

export type FrameReading =
  | { kind: "bad-image"; detail: string }
  | { kind: "no-card"; reason: "no-card" | "card-not-fully-visible" | "not-card-shaped" }
  | { kind: "side-unknown" }
  | { kind: "back-side-up" }
  | {
      kind: "front";
      birth: Parsed<BirthField>;
      expiry: Parsed<CalendarDate>;
      securityCode: Parsed<string>;
    };

export async function readFrame(deps: { ocr: OcrPort }, frame: Frame, today: CalendarDate, signal: AbortSignal): Promise<FrameReading> {
  const decoded = frameToGray(frame);
  if (!decoded.ok) return { kind: "bad-image", detail: decoded.detail };
  const g = decoded.image;
  try {
    const loc = locateCard(g);
    if (!loc.ok) return { kind: "no-card", reason: loc.reason };
    const side = classifySide(g, loc.quad);
    if (side.side === "back") return { kind: "back-side-up" };
    if (side.side === "unknown") return { kind: "side-unknown" };
    const birth = await line(deps.ocr, g, side.hm, FRONT.birth, "date", signal);
    const expiry = await line(deps.ocr, g, side.hm, FRONT.expiry, "date", signal);
    const code = await line(deps.ocr, g, side.hm, FRONT.securityCode, "digits", signal);
    return {
      kind: "front",
      birth: parseBirthLine(birth, today),
      expiry: parseExpiryLine(expiry),
      securityCode: parseSecurityCode(code),
    };
  } finally {
    wipeGray(g);
  }
}

async function line(ocr: OcrPort, g: Gray, hm: Homography, box: BoxMm, kind: LineKind, signal: AbortSignal): Promise<string> {
  const raw = sampleBox(g, hm, boxPx(box), CROP_SCALE);
  const crop = normalize(raw);
  wipeGray(raw);
  try {
    return (await ocr.recognizeLine(crop, kind, signal)).text;
  } finally {
    wipeGray(crop);
  }
}
