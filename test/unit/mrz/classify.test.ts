/**
 * The shipped glyph model (src/mrz/glyph-model.json) is loaded and reads the whole TD3 alphabet drawn
 * in OCR-B (Debian fonts-ocr-b, ImageMagick) as two MRZ-like lines at camera scale: found by content
 * (find.ts), put on the pitch grid (segment.ts), every cell classified among all 37 characters.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { convert } from "../../../scripts/cardface/render";
import { bestAllowed, bilinear, cellFeatures, FEATURES, GLYPH_CLASSES, glyphLogits, parseGlyphModel, shippedGlyphModel, type GlyphModelFile } from "../../../src/mrz/classify";
import { findMrz } from "../../../src/mrz/find";
import { lineCells } from "../../../src/mrz/segment";
import model from "../../../src/mrz/glyph-model.json";

const OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
const LINE1 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<<<<<<<<";
const LINE2 = "ZYXWVUTSRQPONMLKJIHGFEDCBA<<<9876543210<1<2<";

/** Two lines of 44 glyphs at `pxPerMm` (pitch 2.54 mm, cap ≈ 2.25 mm), blurred by `blur` px. */
async function rendered(pxPerMm: number, blur: number): Promise<{ width: number; height: number; data: Uint8Array }> {
  const pitch = 2.54 * pxPerMm, cap = 2.25 * pxPerMm;
  const args = ["-size", "1024x300", "xc:#f4f2ea", "-font", OCRB, "-fill", "#1a1a1a", "-pointsize", String(cap / 0.72)];
  [LINE1, LINE2].forEach((line, li) => {
    for (let i = 0; i < 44; i++) args.push("-annotate", `+${Math.round(30 + i * pitch)}+${Math.round(120 + li * 4.3 * pxPerMm)}`, line[i] ?? "<");
  });
  if (blur > 0) args.push("-blur", `0x${blur}`);
  const png = await convert([...args, "png:-"]);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

function readAll(g: { width: number; height: number; data: Uint8Array }): string[] {
  const found = findMrz(g);
  if (!found.found) throw new Error(`not found: ${found.reason}`);
  const m = shippedGlyphModel();
  const sample = bilinear(g.width, g.height, g.data);
  const feat = new Float32Array(FEATURES), logits = new Float32Array(GLYPH_CLASSES.length);
  return found.lines.map((line) => {
    const c = lineCells(line);
    if (!c) throw new Error("no pitch grid");
    return c.centres.map(([x, y]) => {
      cellFeatures(sample, x, y, c.ux, c.uy, c.pitch, feat);
      return bestAllowed(glyphLogits(m, feat, logits), GLYPH_CLASSES).char;
    }).join("");
  });
}

describe("OCR-B glyph classifier (shipped model)", () => {
  it("loads: the model file's alphabet and geometry are the reader's", () => {
    const m = shippedGlyphModel();
    expect(m.hidden).toBeGreaterThan(0);
    expect(m.w1.length).toBe(m.hidden * FEATURES);
    expect(() => parseGlyphModel({ ...(model as unknown as GlyphModelFile), classes: GLYPH_CLASSES.slice(1) })).toThrow(/alphabet/);
  });

  it.each([
    [7, 0],
    [6, 0.8],
    [8.5, 1.2],
  ])("reads every character of the alphabet at %s px/mm, blur %s px", async (pxPerMm, blur) => {
    const [l1, l2] = readAll(await rendered(pxPerMm, blur));
    expect(l1).toBe(LINE1);
    expect(l2).toBe(LINE2);
  });

  it("a flat cell (nothing printed) is reported as flat", () => {
    const flat = bilinear(4, 4, new Uint8Array(16).fill(200));
    expect(cellFeatures(flat, 2, 2, 1, 0, 3, new Float32Array(FEATURES))).toBe(false);
  });
});
