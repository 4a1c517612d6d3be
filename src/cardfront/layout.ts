/**
 * Where things are printed on a My Number card (ID-1, 85.6 × 54.0 mm), in millimetres from the top-left
 * corner of the card seen front side up. The card layout is fixed by the issuer, so the pipeline crops
 * fixed boxes after rectifying the card; the synthetic generator (scripts/cardface/) prints at the same
 * places. Boxes are the printed text plus a margin for a few pixels of rectification error.
 *
 * Pure constants: no I/O.
 */

export const CARD_MM = { width: 85.6, height: 54.0 } as const;

/** Canonical raster the pipeline rectifies to: 10 px per mm (measured: dates print ~3.4 mm tall → 34 px). */
export const PX_PER_MM = 10;
export const CANON = { width: Math.round(CARD_MM.width * PX_PER_MM), height: Math.round(CARD_MM.height * PX_PER_MM) } as const;

export interface BoxMm {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Front side. `birth`: "昭和55年 2月17日生" or "1980年 2月17日生"; `expiry`: "2035年 2月17日まで有効";
 *  `securityCode`: four small digits under the photo. `photo`: the holder's portrait. */
export const FRONT = {
  birth: { x: 13.0, y: 26.6, w: 33.0, h: 5.6 },
  expiry: { x: 3.0, y: 36.6, w: 40.0, h: 5.6 },
  securityCode: { x: 62.0, y: 40.0, w: 17.0, h: 4.4 },
  photo: { x: 60.0, y: 8.0, w: 22.0, h: 30.0 },
} as const satisfies Record<string, BoxMm>;

/** Back side (the number side): the 12-digit 個人番号 band across the top and a QR code at the right.
 *  The pipeline never crops these for OCR; `qr` is only used to recognise a back-side-up card. */
export const BACK = {
  numberBand: { x: 4.0, y: 6.0, w: 60.0, h: 9.0 },
  qr: { x: 60.0, y: 24.0, w: 21.0, h: 21.0 },
} as const satisfies Record<string, BoxMm>;

/** A box in canonical pixels (rounded outwards). */
export function boxPx(b: BoxMm): { x: number; y: number; w: number; h: number } {
  const x = Math.floor(b.x * PX_PER_MM);
  const y = Math.floor(b.y * PX_PER_MM);
  return { x, y, w: Math.ceil((b.x + b.w) * PX_PER_MM) - x, h: Math.ceil((b.y + b.h) * PX_PER_MM) - y };
}
