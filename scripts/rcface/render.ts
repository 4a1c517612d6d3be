/**
 * Renders placed residence-card fronts (cards.ts) like the chip's front image: black print on white,
 * no background and no photo, binarised at the chip's resolution and stored as a TIFF with CCITT G4
 * (T.6, "MMR") compression through sharp/libvips/libtiff.
 *
 * CHIP_DPI = 200 is a [guess]: the notes give the format (bitonal MMR TIFF, ≤ 7000 bytes) but not the
 * resolution. The reader does not depend on it (it measures px/mm from the image width).
 *
 * Two independent text renderers: librsvg through sharp (tuning families) and ImageMagick 6 `convert`
 * (the held-out family), each at 4 × the chip resolution, then area-averaged down and thresholded.
 */
import sharp from "sharp";
import { convert } from "../cardface/render";
import { CARD_MM, type RcFamily, type TextRun } from "./cards";

export const CHIP_DPI = 200;
export const CHIP_PX_PER_MM = CHIP_DPI / 25.4;
export const CHIP_SIZE = { width: Math.round(CARD_MM.width * CHIP_PX_PER_MM), height: Math.round(CARD_MM.height * CHIP_PX_PER_MM) };
const OVER = 4;
const K = CHIP_PX_PER_MM * OVER;

export interface Bitmap {
  readonly width: number;
  readonly height: number;
  /** 0 = black, 255 = white. */
  readonly data: Uint8Array;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function svgOf(runs: readonly TextRun[]): string {
  const w = Math.round(CARD_MM.width * K);
  const h = Math.round(CARD_MM.height * K);
  const texts = runs
    .map((t) => `<text x="${(t.x * K).toFixed(1)}" y="${(t.y * K).toFixed(1)}" font-family="${t.font}" font-size="${(t.size * K).toFixed(1)}" fill="#000" xml:space="preserve">${esc(t.text)}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${String(w)}" height="${String(h)}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
}

const IM_FONT: Record<string, string> = {
  "Noto Sans CJK JP": "Noto-Sans-CJK-JP",
  "Noto Serif CJK JP": "Noto-Serif-CJK-JP",
  "Noto Sans Mono CJK JP": "Noto-Sans-Mono-CJK-JP",
  "DejaVu Sans": "DejaVu-Sans",
  "DejaVu Serif": "DejaVu-Serif",
  "DejaVu Sans Mono": "DejaVu-Sans-Mono",
};

async function renderIm(runs: readonly TextRun[]): Promise<Buffer> {
  const w = Math.round(CARD_MM.width * K);
  const h = Math.round(CARD_MM.height * K);
  const args = ["-size", `${String(w)}x${String(h)}`, "xc:white", "-fill", "black"];
  for (const t of runs) {
    // ImageMagick's pointsize is in points at 72 dpi: one point = one pixel here.
    args.push("-font", IM_FONT[t.font] ?? "DejaVu-Sans", "-pointsize", (t.size * K).toFixed(1), "-annotate", `+${(t.x * K).toFixed(1)}+${(t.y * K).toFixed(1)}`, t.text);
  }
  args.push("-colorspace", "Gray", "png:-");
  return convert(args);
}

/** The card front at the chip's resolution, binary (0/255). */
export async function renderFront(runs: readonly TextRun[], family: RcFamily): Promise<Bitmap> {
  const big = family === "heldout" ? await renderIm(runs) : await sharp(Buffer.from(svgOf(runs))).png().toBuffer();
  const { data, info } = await sharp(big)
    .greyscale()
    .resize(CHIP_SIZE.width, CHIP_SIZE.height, { kernel: "linear", fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = (data[i * info.channels] ?? 255) < 150 ? 0 : 255;
  return { width: info.width, height: info.height, data: out };
}

/** A bitonal TIFF, CCITT T.6 (G4), 200 dpi, as the chip stores it. */
export async function toG4Tiff(b: Bitmap): Promise<Buffer> {
  return sharp(Buffer.from(b.data), { raw: { width: b.width, height: b.height, channels: 1 } })
    .toColourspace("b-w")
    .tiff({ compression: "ccittfax4", bitdepth: 1, xres: CHIP_PX_PER_MM, yres: CHIP_PX_PER_MM, resolutionUnit: "inch" })
    .toBuffer();
}

/** PNG for looking at (never used by the reader). */
export async function toPng(b: Bitmap): Promise<Buffer> {
  return sharp(Buffer.from(b.data), { raw: { width: b.width, height: b.height, channels: 1 } }).png().toBuffer();
}
