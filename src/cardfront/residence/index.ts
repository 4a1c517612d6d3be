/**
 * The residence card kind's OCR side (issue 17), exposed through the ports in
 * src/documents/residence/ports.ts; the composition root wires it.
 */
import type { CalendarDate } from "../../age/date";
import type { BirthFromImage, ExpiryFromImage } from "../../documents/residence/ports";
import type { OcrPort } from "../ocr";
import { readBirthFromChipImage } from "./birth-image";
import { readExpiryFromChipImage } from "./expiry-image";

export { readBirthFromChipImage, type BirthImageResult, type BirthImageReason } from "./birth-image";
export { decodeChipTiff } from "./chip-tiff";
export { readExpiryFromChipImage, type ExpiryImageResult, type ExpiryImageReason } from "./expiry-image";

/** The engine, or a way to open it on first use (the daemon's lazily opened, warmed engine). */
export type OcrSource = OcrPort | (() => Promise<OcrPort>);

interface PortDeps {
  readonly ocr: OcrSource;
  readonly today: () => CalendarDate;
}

/** Open the engine; null when it cannot be opened (then the port answers unsure "ocr-failed"). */
async function engineOf(src: OcrSource): Promise<OcrPort | null> {
  if (typeof src !== "function") return src;
  try {
    return await src();
  } catch {
    return null;
  }
}

/** `BirthFromImage` on the card-face OCR engine. */
export function createBirthFromImage(deps: PortDeps): BirthFromImage {
  return async (tiff, signal) => {
    const ocr = await engineOf(deps.ocr);
    return ocr ? readBirthFromChipImage({ ocr, today: deps.today }, tiff, signal) : { kind: "unsure", reason: "ocr-failed" };
  };
}

/** `ExpiryFromImage` (card validity; see expiry-image.ts for why the period of stay is not read). */
export function createExpiryFromImage(deps: PortDeps): ExpiryFromImage {
  return async (tiff, signal) => {
    const ocr = await engineOf(deps.ocr);
    return ocr ? readExpiryFromChipImage({ ocr, today: deps.today }, tiff, signal) : { kind: "unsure", reason: "ocr-failed" };
  };
}
