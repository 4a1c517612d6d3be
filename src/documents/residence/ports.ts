/**
 * The residence card kind's ports to the OCR side (issue 17; implemented by the card-face OCR code,
 * wired in the composition root src/main.ts). Types only: nothing here does I/O.
 *
 * First-generation residence cards and SPR certificates (card types '1'/'2') carry no birth date as
 * text: the only birth date on the chip is printed inside the signed front-of-card image (DF1 EF01,
 * tag D0, a bitonal TIFF with CCITT T.6 / G4 "MMR" compression, spec §3.3.4.3). The kiosk OCRs that
 * image — never the camera picture — because it is the one covered by the issuer's signature.
 */
import type { CalendarDate } from "../../age/date";
import type { FrontResult } from "../types";

/**
 * Read the birth date from the chip's front image.
 *
 * - `tiff`: the value of tag D0 exactly as the chip holds it (a TIFF file with G4 compression, possibly
 *   followed by zero padding up to 7000 bytes). The caller owns the buffer and zeroes it after the call;
 *   the implementation must not keep a reference nor copy it anywhere that outlives the call, and must
 *   zero any decoded bitmap it makes.
 * - Answers `sure` only when the printed date is read beyond doubt (exact format, a real calendar
 *   date, independent reads agreeing); anything else is `unsure` with a short non-personal reason
 *   (e.g. "no-date-line", "disagree", "not-a-tiff") — never a guess. The verdict for `unsure` is
 *   refer (attended: staff check the date by eye on the image).
 * - Settles soon after `signal` aborts (then `unsure` with reason "aborted", or a rejection with an
 *   AbortError; both are treated as unsure). A rejection for any other cause is treated as unsure too.
 * - The reason must never contain personal data (it is logged).
 */
export type BirthFromImage = (tiff: Uint8Array, signal: AbortSignal) => Promise<BirthFromImageResult>;

export type BirthFromImageResult =
  | { readonly kind: "sure"; readonly date: CalendarDate }
  | { readonly kind: "unsure"; readonly reason: string };

/**
 * The camera route to the 12-character card number (2 letters, 8 digits, 2 letters), printed at the
 * top right of the card front. Same contract as DocumentKind.readFront: `sure` only after multi-frame
 * agreement; the key in a `sure` answer is a residence `CardNumber` (documents/residence/card-number.ts).
 */
export type ReadCardNumberFront = (signal: AbortSignal, onFrame: (frames: number) => void) => Promise<FrontResult>;

/**
 * Read the card's validity ("このカードは YYYY年M月D日まで有効") and, on a residence card, the end of the
 * period of stay ("在留期間 … (YYYY年M月D日)") from the same signed front image. Same contract as
 * BirthFromImage (sure only beyond doubt; the caller owns and zeroes the buffer). `stayEnd` is null on an
 * SPR certificate (no period of stay). Optional: without it, a first-generation card's expiry is
 * unknown and the card is referred (never a guessed "valid").
 */
export type ExpiryFromImage = (tiff: Uint8Array, signal: AbortSignal) => Promise<ExpiryFromImageResult>;

export type ExpiryFromImageResult =
  | { readonly kind: "sure"; readonly validUntil: CalendarDate; readonly stayEnd: CalendarDate | null }
  | { readonly kind: "unsure"; readonly reason: string };
