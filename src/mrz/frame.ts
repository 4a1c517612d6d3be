/**
 * One camera frame → one MRZ reading: decode to grey (src/image/decode.ts), find the two lines
 * (find.ts) with exactly 44 glyphs each, tell the fillers `<` by shape (glyphs.ts), erase them and
 * read the letters and digits of each line with the OCR port (kind "mrz": one engine call per line).
 * The engine must return exactly as many characters as there are non-filler glyphs; they fill those
 * positions in order. Then the corrections the field types allow (repair.ts) and validate (validate.ts).
 * Every buffer made here is wiped before returning; the OCR text is only in the returned reading.
 */
import type { Frame } from "../camera/camera";
import { OcrFailure, type OcrPort } from "../cardfront/ocr";
import { decodeFrame } from "../image/decode";
import { wipeGray } from "../image/image";
import { findMrz, lineStrip } from "./find";
import { isFiller } from "./glyphs";
import { repairLine1, repairLine2 } from "./repair";
import { TD3 } from "./check";
import { cleanLine, validateTd3, type MrzCheck } from "./validate";

export type FrameReading =
  | { kind: "valid"; line1: string; line2: string }
  | { kind: "invalid"; failed: MrzCheck[] }
  | { kind: "no-mrz"; reason: "no-text" | "no-mrz" | "one-line" }
  /** A line did not split into 44 glyphs, or the engine read more or fewer characters than expected. */
  | { kind: "unreadable"; reason: "glyph-count" | "text-length" }
  | { kind: "bad-image" }
  | { kind: "ocr-failed"; reason: OcrFailure["reason"] };

export async function readMrzFrame(ocr: OcrPort, frame: Frame, signal: AbortSignal): Promise<FrameReading> {
  const decoded = await decodeFrame(frame);
  if (!decoded.ok) return { kind: "bad-image" };
  const g = decoded.image;
  try {
    const found = findMrz(g);
    if (!found.found) return { kind: "no-mrz", reason: found.reason };
    if (found.lines.some((l) => l.glyphs.length !== TD3.lineLength)) return { kind: "unreadable", reason: "glyph-count" };
    const texts: string[] = [];
    for (const line of found.lines) {
      const filler = line.glyphs.map((b) => isFiller(g, b));
      const strip = lineStrip(g, line, found.angleDeg, line.glyphs.filter((_, i) => filler[i]));
      try {
        const read = cleanLine((await ocr.recognizeLine(strip, "mrz", signal)).text).replace(/</g, "");
        if (read.length !== filler.filter((f) => !f).length) return { kind: "unreadable", reason: "text-length" };
        let k = 0;
        texts.push(filler.map((f) => (f ? "<" : (read[k++] ?? "?"))).join(""));
      } catch (e) {
        if (e instanceof OcrFailure) return { kind: "ocr-failed", reason: e.reason };
        throw e;
      } finally {
        wipeGray(strip);
      }
    }
    const v = validateTd3(repairLine1(texts[0] ?? ""), repairLine2(texts[1] ?? ""));
    return v.valid ? { kind: "valid", line1: v.line1, line2: v.line2 } : { kind: "invalid", failed: v.failed };
  } finally {
    wipeGray(g);
  }
}
