/**
 * The OCR port the card-face pipeline uses: recognise one cropped, rectified text line.
 *
 * - "date": a Japanese date line (era kanji or a 4-digit Western year, 年月日, 生 / まで有効).
 * - "digits": Latin digits only (the 4-digit security code).
 *
 * Contract: resolves with the raw text and the engine's mean confidence (0–100), or rejects with
 * {@link OcrFailure}; every call is bounded by the adapter's own timeout. Text is never logged.
 */
import type { Gray } from "../image/image";

export type LineKind = "date" | "digits";

export interface OcrSymbol {
  readonly text: string;
  /** The engine's confidence in this one character (0–100). */
  readonly confidence: number;
}

export interface OcrLine {
  readonly text: string;
  readonly confidence: number;
  /** Per character, when the engine gives it (tesseract does); the date rule uses the lowest digit
   *  confidence (frame-read.ts), because a mean over a line hides one uncertain digit. */
  readonly symbols?: readonly OcrSymbol[];
}

export interface OcrPort {
  recognizeLine(image: Gray, kind: LineKind, signal: AbortSignal): Promise<OcrLine>;
  /** Stop the worker(s); later calls reject. Idempotent. */
  close(): Promise<void>;
}

export class OcrFailure extends Error {
  constructor(readonly reason: "timeout" | "aborted" | "closed" | "engine-error") {
    super(`ocr ${reason}`);
    this.name = "OcrFailure";
  }
}
