import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CalendarDate } from "../../../../src/age/date";
import { createExpiryFromImage } from "../../../../src/cardfront/residence";
import { chipImageLines } from "../../../../src/cardfront/residence/birth-image";
import { decodeChipTiff } from "../../../../src/cardfront/residence/chip-tiff";
import { parseValidity, plausibleValidity, readExpiryFromChipImage, validityShaped } from "../../../../src/cardfront/residence/expiry-image";
import { PX_PER_MM } from "../../../../src/cardfront/layout";
import { OcrFailure, type OcrLine, type OcrPort } from "../../../../src/cardfront/ocr";

const dir = path.resolve(import.meta.dirname, "../../../fixtures/rcface");
const today: CalendarDate = { year: 2026, month: 12, day: 4 };
const never = new AbortController().signal;
const id = "std-1000";
const tiff = new Uint8Array(readFileSync(path.join(dir, `${id}.tif`)));

/** How many lines of the fixture the reader reads once (the validity candidates). */
async function candidates(): Promise<number> {
  const d = await decodeChipTiff(tiff);
  if (!d.ok) throw new Error(d.reason);
  const s = d.pxPerMm / PX_PER_MM;
  return chipImageLines(d.image, [s, 0, 0, 0, s, 0, 0, 0, 1]).lines.filter(validityShaped).length;
}

/** An OCR answering call i with answer(i); counts calls. */
function fake(answer: (i: number) => OcrLine | Error): OcrPort & { calls: number } {
  const o = {
    calls: 0,
    recognizeLine(): Promise<OcrLine> {
      const a = answer(o.calls++);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
    close: () => Promise.resolve(),
  };
  return o;
}
const deps = (ocr: OcrPort) => ({ ocr, today: () => today });
const noise: OcrLine = { text: "和 9 生", confidence: 20 };
const valid = (t: string, confidence = 85): OcrLine => ({ text: t, confidence });

describe("validity text", () => {
  it("parses <no digits>YYYY年M月D日まで有効 only, a real day", () => {
    expect(parseValidity("2029 年 3 月 31 日 まで 有効")).toEqual({ year: 2029, month: 3, day: 31 });
    expect(parseValidity("大和 2029年3月31日まで有効")).toEqual({ year: 2029, month: 3, day: 31 });
    expect(parseValidity("2029年３月３１日まで有効")).toEqual({ year: 2029, month: 3, day: 31 });
    // A digit before the year (a misread prefix that could run into it) is refused.
    expect(parseValidity("1 2029年3月31日まで有効")).toBeNull();
    expect(parseValidity("12029年3月31日まで有効")).toBeNull();
    expect(parseValidity("2029年3月31日")).toBeNull();
    expect(parseValidity("2029年2月30日まで有効")).toBeNull();
    expect(parseValidity("2029年3月31日まで有効 1")).toBeNull();
  });
  it("plausible: from 1990 to today + 12 years", () => {
    expect(plausibleValidity({ year: 2038, month: 12, day: 4 }, today)).toBe(true);
    expect(plausibleValidity({ year: 2038, month: 12, day: 5 }, today)).toBe(false);
    expect(plausibleValidity({ year: 1989, month: 12, day: 31 }, today)).toBe(false);
  });
});

describe("readExpiryFromChipImage (scripted engine)", () => {
  it("sure only when exactly one line reads as a validity and the second read agrees", async () => {
    const n = await candidates();
    expect(n).toBeGreaterThanOrEqual(2);
    const last = n - 1;
    const ocr = fake((i) => (i === last || i === n ? valid("2029年3月31日まで有効") : noise));
    expect(await readExpiryFromChipImage(deps(ocr), tiff, never)).toEqual({ kind: "sure", validUntil: { year: 2029, month: 3, day: 31 }, stayEnd: null });
    expect(ocr.calls).toBe(n + 1);
  });
  it("no line, two lines, a disagreeing or weak second read, an implausible date: unsure", async () => {
    const n = await candidates();
    const last = n - 1;
    const run = (f: (i: number) => OcrLine | Error) => readExpiryFromChipImage(deps(fake(f)), tiff, never);
    expect(await run(() => noise)).toEqual({ kind: "unsure", reason: "no-validity-line" });
    expect(await run((i) => (i === 0 || i === last ? valid("2029年3月31日まで有効") : noise))).toEqual({ kind: "unsure", reason: "found-twice" });
    expect(await run((i) => (i === last ? valid("2029年3月31日まで有効") : i === n ? valid("2029年3月1日まで有効") : noise))).toEqual({ kind: "unsure", reason: "disagree" });
    expect(await run((i) => (i === last ? valid("2029年3月31日まで有効") : i === n ? valid("2029年3月31日まで有効", 40) : noise))).toEqual({ kind: "unsure", reason: "low-confidence" });
    expect(await run((i) => (i === last || i === n ? valid("2099年3月31日まで有効") : noise))).toEqual({ kind: "unsure", reason: "implausible" });
  });
  it("engine failure, abort, not an image: unsure with a fixed reason, never a throw", async () => {
    expect(await readExpiryFromChipImage(deps(fake(() => new OcrFailure("timeout"))), tiff, never)).toEqual({ kind: "unsure", reason: "ocr-failed" });
    const ac = new AbortController();
    ac.abort();
    expect(await readExpiryFromChipImage(deps(fake(() => noise)), tiff, ac.signal)).toEqual({ kind: "unsure", reason: "aborted" });
    const port = createExpiryFromImage(deps(fake(() => noise)));
    expect(await port(new Uint8Array(7000), never)).toEqual({ kind: "unsure", reason: "not-a-tiff" });
    // The engine is opened on first use; an engine that cannot open is "ocr-failed".
    const broken = createExpiryFromImage({ ocr: () => Promise.reject(new Error("no engine")), today: () => today });
    expect(await broken(tiff, never)).toEqual({ kind: "unsure", reason: "ocr-failed" });
  });
});
