import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { CalendarDate } from "../../../../src/age/date";
import { birthLines, parsePlausible, parseStrictDate, readBirthFromChipImage } from "../../../../src/cardfront/residence/birth-image";
import { decodeChipTiff, readIfd } from "../../../../src/cardfront/residence/chip-tiff";
import { createBirthFromImage } from "../../../../src/cardfront/residence";
import { OcrFailure, type OcrLine, type OcrPort } from "../../../../src/cardfront/ocr";
import type { TextLine } from "../../../../src/cardfront/lines";

const dir = path.resolve(import.meta.dirname, "../../../fixtures/rcface");
const today: CalendarDate = { year: 2026, month: 12, day: 4 };
const never = new AbortController().signal;

interface Case {
  id: string;
  family: string;
  degradation: string;
  birth: CalendarDate;
}
const cases = (JSON.parse(readFileSync(path.join(dir, "cases.json"), "utf8")) as { cases: Case[] }).cases;
const tif = (id: string) => new Uint8Array(readFileSync(path.join(dir, `${id}.tif`)));
const genuine = cases.filter((c) => c.degradation === "none" && c.family === "std");
const first = genuine[0];
if (!first) throw new Error("fixtures missing: npm run gen:rcfaces -- --out test/fixtures/rcface --cards 2 --family all --degraded --no-png");

/** An OCR that answers from a script, one answer per call, and counts calls. */
function scripted(answers: readonly (OcrLine | Error)[]): OcrPort & { calls: number } {
  const o = {
    calls: 0,
    recognizeLine(): Promise<OcrLine> {
      const a = answers[o.calls++];
      if (!a) return Promise.reject(new Error("unexpected call"));
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
    close: () => Promise.resolve(),
  };
  return o;
}
const deps = (ocr: OcrPort) => ({ ocr, today: () => today });
const text = (d: CalendarDate) => `${String(d.year)} 年 ${String(d.month)} 月 ${String(d.day)} 日`;

describe("chip front image (G4 TIFF)", () => {
  it("decodes a generated chip image to black and white at the card's scale, with zero padding after it", async () => {
    const t = tif(first.id);
    const padded = new Uint8Array(7000);
    padded.set(t);
    const r = await decodeChipTiff(padded);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.image.width).toBe(674);
    expect(r.pxPerMm).toBeCloseTo(674 / 85.6, 5);
    expect(new Set(r.image.data)).toEqual(new Set([0, 255]));
    expect(readIfd(t)).toMatchObject({ compression: 4, bitsPerSample: 1, width: 674, height: 425 });
  });

  it("refuses what is not a small one-bit G4 TIFF, with a typed reason", async () => {
    expect(await decodeChipTiff(new Uint8Array(0))).toEqual({ ok: false, reason: "not-a-tiff" });
    expect(await decodeChipTiff(new Uint8Array(7000))).toEqual({ ok: false, reason: "not-a-tiff" });
    const png = await sharp({ create: { width: 674, height: 425, channels: 3, background: "#fff" } }).png().toBuffer();
    expect(await decodeChipTiff(png)).toEqual({ ok: false, reason: "not-a-tiff" });
    const lzw = await sharp({ create: { width: 674, height: 425, channels: 3, background: "#fff" } }).tiff({ compression: "lzw" }).toBuffer();
    expect(await decodeChipTiff(lzw)).toEqual({ ok: false, reason: "not-g4" });
    const square = await sharp({ create: { width: 500, height: 500, channels: 3, background: "#fff" } }).toColourspace("b-w").tiff({ compression: "ccittfax4", bitdepth: 1 }).toBuffer();
    expect(await decodeChipTiff(square)).toEqual({ ok: false, reason: "bad-size" });
    // A valid header with its image data cut off.
    const t = tif(first.id);
    const cut = t.slice(0, 200);
    expect((await decodeChipTiff(cut)).ok).toBe(false);
    // Every single-byte corruption of the header answers a result, never a throw.
    for (let i = 0; i < 16; i++) {
      const c = Uint8Array.from(t);
      c[i] = (c[i] ?? 0) ^ 0xff;
      await expect(decodeChipTiff(c)).resolves.toHaveProperty("ok");
    }
  });
});

describe("strict date and plausibility", () => {
  it("accepts exactly YYYY年M月D日 (optionally after 生年月日) that exists", () => {
    expect(parseStrictDate("1985 年 12 月 31 日")).toEqual({ year: 1985, month: 12, day: 31 });
    expect(parseStrictDate("生年月日 2009年 7月 5日")).toEqual({ year: 2009, month: 7, day: 5 });
    expect(parseStrictDate("2007年09月08日")).toEqual({ year: 2007, month: 9, day: 8 });
    for (const bad of ["1985年12月31", "985年12月31日", "1985年12月31日生", "1985年2月30日", "1985年13月1日", "3年(2025年9月19日)", "このカードは2029年12月31日まで有効", ""]) {
      expect(parseStrictDate(bad)).toBeNull();
    }
  });
  it("is not in the future and at most 125 years back", () => {
    expect(parsePlausible({ year: 2026, month: 12, day: 4 }, today)).toBe(true);
    expect(parsePlausible({ year: 2026, month: 12, day: 5 }, today)).toBe(false);
    expect(parsePlausible({ year: 1901, month: 12, day: 4 }, today)).toBe(true);
    expect(parsePlausible({ year: 1901, month: 12, day: 3 }, today)).toBe(false);
  });
});

describe("the birth line is found by what is on its row", () => {
  const mm = (v: number) => v * 10;
  const line = (x: number, y: number, w: number, h: number, parts: number): TextLine => ({ x: mm(x), y: mm(y), w: mm(w), h: mm(h), parts });
  it("a date followed by the sex mark is the birth line; a date followed by a label and another date is not", () => {
    const birth = line(15, 13, 18, 2.4, 10);
    const sex = line(40, 13, 6, 2.4, 3);
    const permit = line(14, 44, 15, 2.2, 10);
    const label = line(33, 44, 9.5, 2.0, 6);
    const issue = line(45, 44, 15, 2.2, 10);
    expect(birthLines([birth, sex, permit, label, issue])).toEqual([birth]);
  });
  it("two such rows are both reported (the reader then answers found-twice), none is none", () => {
    const a = [line(15, 13, 18, 2.4, 10), line(40, 13, 6, 2.4, 3), line(15, 30, 18, 2.4, 10), line(40, 30, 6, 2.4, 3)];
    expect(birthLines(a)).toHaveLength(2);
    expect(birthLines([line(15, 13, 18, 2.4, 10)])).toEqual([]);
  });
});

describe("readBirthFromChipImage (scripted OCR)", () => {
  const b = first.birth;
  it("sure only when both reads parse, are confident and agree", async () => {
    const ocr = scripted([{ text: text(b), confidence: 90 }, { text: text(b), confidence: 88 }]);
    expect(await readBirthFromChipImage(deps(ocr), tif(first.id), never)).toEqual({ kind: "sure", date: b });
    expect(ocr.calls).toBe(2);
  });
  it("two reads that differ in one digit: disagree", async () => {
    const other = { ...b, day: b.day === 1 ? 2 : 1 };
    const ocr = scripted([{ text: text(b), confidence: 95 }, { text: text(other), confidence: 95 }]);
    expect(await readBirthFromChipImage(deps(ocr), tif(first.id), never)).toEqual({ kind: "unsure", reason: "disagree" });
  });
  it("a low-confidence read, a partial read, a future date: unsure", async () => {
    expect(await readBirthFromChipImage(deps(scripted([{ text: text(b), confidence: 40 }])), tif(first.id), never)).toEqual({ kind: "unsure", reason: "low-confidence" });
    expect(await readBirthFromChipImage(deps(scripted([{ text: "1985 年 12 月 3", confidence: 95 }])), tif(first.id), never)).toEqual({ kind: "unsure", reason: "unreadable" });
    const future = { text: "2031 年 1 月 1 日", confidence: 95 };
    expect(await readBirthFromChipImage(deps(scripted([future, future])), tif(first.id), never)).toEqual({ kind: "unsure", reason: "implausible" });
  });
  it("an engine failure or an abort is unsure, never a throw", async () => {
    expect(await readBirthFromChipImage(deps(scripted([new OcrFailure("timeout")])), tif(first.id), never)).toEqual({ kind: "unsure", reason: "ocr-failed" });
    const ac = new AbortController();
    ac.abort();
    expect(await readBirthFromChipImage(deps(scripted([])), tif(first.id), ac.signal)).toEqual({ kind: "unsure", reason: "aborted" });
    expect(await readBirthFromChipImage(deps(scripted([new OcrFailure("aborted")])), tif(first.id), never)).toEqual({ kind: "unsure", reason: "aborted" });
  });
  it("not an image: unsure with the decoder's reason, and the port adapter says the same", async () => {
    const port = createBirthFromImage(deps(scripted([])));
    expect(await port(new Uint8Array(7000), never)).toEqual({ kind: "unsure", reason: "not-a-tiff" });
  });
  it("reasons hold no personal data (a fixed vocabulary)", async () => {
    const r = await readBirthFromChipImage(deps(scripted([{ text: text(b), confidence: 95 }, { text: "2001 年 1 月 1 日", confidence: 95 }])), tif(first.id), never);
    expect(r.kind === "unsure" && /^[a-z-]+$/.test(r.reason)).toBe(true);
  });
});
