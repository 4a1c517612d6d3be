/**
 * The residence card kind's OCR side (issue 17), exposed through the ports in
 * src/documents/residence/ports.ts; the composition root wires it.
 */
import type { CalendarDate } from "../../age/date";
import type { BirthFromImage } from "../../documents/residence/ports";
import type { OcrPort } from "../ocr";
import { readBirthFromChipImage } from "./birth-image";

export { readBirthFromChipImage, type BirthImageResult, type BirthImageReason } from "./birth-image";
export { decodeChipTiff } from "./chip-tiff";

/** `BirthFromImage` on the card-face OCR engine. */
export function createBirthFromImage(deps: { readonly ocr: OcrPort; readonly today: () => CalendarDate }): BirthFromImage {
  return (tiff, signal) => readBirthFromChipImage(deps, tiff, signal);
}
