/**
 * The held-out family `heldout-ocrb` (scripts/mrzpage/render.ts): OCR-B drawn by librsvg on its own
 * page design. This test only checks that the family generates and that its MRZs are valid TD3 lines;
 * it never runs the reader on it (the family is for one evaluation run, not for tuning or tests).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { generateMrzPages, parsePageFamilies, readMrzManifest } from "../../../scripts/mrzpage/gen-mrzpages";
import { makeHolder, rng } from "../../../scripts/mrzpage/holders";
import { HELDOUT_OCRB_FAMILY, isHeldout, placeMrz, renderPage } from "../../../scripts/mrzpage/render";
import { validateTd3 } from "../../../src/mrz/validate";

const out = mkdtempSync(path.join(tmpdir(), "mrz-heldout-ocrb-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("generator: held-out family heldout-ocrb", () => {
  it("is held out: never in the tuning families, listed by heldouts and all", () => {
    expect(isHeldout(HELDOUT_OCRB_FAMILY)).toBe(true);
    expect(parsePageFamilies("tuning")).not.toContain(HELDOUT_OCRB_FAMILY);
    expect(parsePageFamilies("heldouts")).toEqual(["heldout", "heldout-ocrb"]);
    expect(parsePageFamilies("all")).toContain(HELDOUT_OCRB_FAMILY);
  });

  it("renders its page with librsvg at 16 px/mm, the MRZ band in OCR-B", async () => {
    const r = rng(1);
    const h = makeHolder(r, { year: 2026, month: 12, day: 4 });
    const png = await renderPage(HELDOUT_OCRB_FAMILY, h, placeMrz(r), r);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([125 * 16, 88 * 16]);
    // the MRZ band is not empty: dark ink in its bottom 14 mm
    const { data } = await sharp(png).extract({ left: 0, top: (88 - 14) * 16, width: 2000, height: 14 * 16 }).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(data.filter((v) => v < 80).length).toBeGreaterThan(2000);
  });

  it("generates photographed frames whose MRZ lines are valid TD3 (checked by the mrz package and our rules)", async () => {
    const n = await generateMrzPages({ families: [HELDOUT_OCRB_FAMILY], difficulties: ["moderate"], sessions: 3, frames: 1, out });
    expect(n).toBe(3);
    const m = readMrzManifest(path.join(out, "heldout-ocrb-moderate"));
    expect(m?.family).toBe(HELDOUT_OCRB_FAMILY);
    for (const e of m?.entries ?? []) {
      expect(validateTd3(e.lines[0], e.lines[1]).valid).toBe(true);
      const meta = await sharp(readFileSync(path.join(out, "heldout-ocrb-moderate", e.file))).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1024, 768]);
    }
    expect(new Set(m?.entries.map((e) => e.lines[1])).size).toBe(3);
  });
});
