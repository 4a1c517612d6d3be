/**
 * Issue 17 acceptance, OCR side, on the simulator deck's chip images (src/card/sim/residence/deck.json,
 * real tesseract.js engine): the birth date and the card's validity read from the SIGNED front image
 * (DF1 EF01, tag D0) are exact on every first-generation deck card, and "not sure" — never a wrong
 * date — on degraded copies made here: salt-and-pepper noise, dropped scan lines, cropped, scaled down.
 * Counts are printed (the report quotes them).
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarDate } from "../../../src/age/date";
import { loadResidenceDeck } from "../../../src/card/sim/residence/deck";
import { readTlvList } from "../../../src/card/tlv";
import type { OcrPort } from "../../../src/cardfront/ocr";
import { readBirthFromChipImage, readExpiryFromChipImage } from "../../../src/cardfront/residence";
import { decodeChipTiff } from "../../../src/cardfront/residence/chip-tiff";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";

const today: CalendarDate = { year: 2026, month: 12, day: 5 };
const never = new AbortController().signal;
const deck = loadResidenceDeck();
const firstGen = deck.cards.filter((c) => c.generation === 1);

function iso(s: string): CalendarDate {
  const [year = 0, month = 0, day = 0] = s.split("-").map(Number);
  return { year, month, day };
}

/** The front image (tag D0) as the chip holds it: the first deck file that has the tag. */
function frontImage(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  for (const f of files.values()) {
    try {
      const t = readTlvList(f, 0, f.length).find((x) => x.tag === 0xd0);
      if (t) return f.slice(t.valueStart, t.end);
    } catch {
      // not a TLV file
    }
  }
  throw new Error("no front image");
}

interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

async function g4(b: Bitmap): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(b.data), { raw: { width: b.width, height: b.height, channels: 1 } })
    .toColourspace("b-w")
    .tiff({ compression: "ccittfax4", bitdepth: 1 })
    .toBuffer();
  return new Uint8Array(buf);
}

/** A small deterministic generator (the degradations are the same every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

type Degrade = (b: Bitmap, r: () => number) => Promise<Bitmap>;
const DEGRADATIONS: Record<string, Degrade> = {
  // 4 % of the pixels flipped.
  noise: (b, r) => Promise.resolve({ ...b, data: b.data.map((v) => (r() < 0.04 ? 255 - v : v)) }),
  // Every third scan line lost (white), as from a bad transfer.
  "dropped-lines": (b) => Promise.resolve({ ...b, data: b.data.map((v, i) => (Math.floor(i / b.width) % 3 === 1 ? 255 : v)) }),
  // The bottom 12 % and right 10 % cut off (the image no longer spans the card).
  cropped: (b) => {
    const w = Math.round(b.width * 0.9);
    const h = Math.round(b.height * 0.88);
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) out.set(b.data.subarray(y * b.width, y * b.width + w), y * w);
    return Promise.resolve({ width: w, height: h, data: out });
  },
  // Scaled to 55 % and re-thresholded (a low-resolution copy).
  scaled: async (b) => {
    const w = Math.round(b.width * 0.55);
    const h = Math.round(b.height * 0.55);
    const { data } = await sharp(Buffer.from(b.data), { raw: { width: b.width, height: b.height, channels: 1 } })
      .resize(w, h, { kernel: "linear", fit: "fill" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: w, height: h, data: new Uint8Array(data).map((v) => (v < 128 ? 0 : 255)) };
  },
};

let ocr: OcrPort;
interface Row {
  id: string;
  degradation: string;
  birth: CalendarDate;
  expiry: CalendarDate;
  b: Awaited<ReturnType<typeof readBirthFromChipImage>>;
  e: Awaited<ReturnType<typeof readExpiryFromChipImage>>;
}
const rows: Row[] = [];

beforeAll(async () => {
  ocr = await createTesseractOcr();
  const deps = { ocr, today: () => today };
  for (const c of firstGen) {
    const tiff = frontImage(c.profile.files);
    const decoded = await decodeChipTiff(tiff);
    if (!decoded.ok) throw new Error(`${c.id}: ${decoded.reason}`);
    const bitmap: Bitmap = { width: decoded.image.width, height: decoded.image.height, data: decoded.image.data.map((v) => (v < 128 ? 0 : 255)) };
    const variants: [string, Uint8Array][] = [["none", tiff]];
    let seed = 1;
    for (const [name, f] of Object.entries(DEGRADATIONS)) variants.push([name, await g4(await f(bitmap, rng(seed++ * 7919 + c.id.length)))]);
    for (const [degradation, t] of variants) {
      rows.push({
        id: c.id,
        degradation,
        // The altered card's image was re-drawn after signing with this birth date
        // (scripts/make-residence-deck.ts): the OCR reads what the image shows; the signature fails.
        birth: iso(c.alterAfterSigning ? "1987-06-15" : c.birth),
        expiry: iso(c.expiry),
        b: await readBirthFromChipImage(deps, t, never),
        e: await readExpiryFromChipImage(deps, t, never),
      });
    }
  }
  const count = (d: string, k: "b" | "e") => rows.filter((r) => r.degradation === d && r[k].kind === "sure").length;
  const summary = ["none", ...Object.keys(DEGRADATIONS)].map((d) => `${d}: birth ${String(count(d, "b"))}/${String(firstGen.length)} sure, validity ${String(count(d, "e"))}/${String(firstGen.length)} sure`);
  console.log(`residence deck chip-image OCR\n  ${summary.join("\n  ")}\n  unsure reasons: ${rows.filter((r) => r.degradation !== "none").map((r) => `${r.b.kind === "unsure" ? r.b.reason : "sure"}/${r.e.kind === "unsure" ? r.e.reason : "sure"}`).join(" ")}`);
}, 600_000);

afterAll(async () => {
  await ocr.close();
});

describe("chip front image of every first-generation deck card", () => {
  it("has first-generation cards to check", () => {
    expect(firstGen.length).toBeGreaterThanOrEqual(6);
  });

  it("birth date and validity are exact on every genuine image (as printed in it)", () => {
    for (const r of rows.filter((x) => x.degradation === "none")) {
      expect(r.b, r.id).toEqual({ kind: "sure", date: r.birth });
      expect(r.e, r.id).toEqual({ kind: "sure", validUntil: r.expiry, stayEnd: null });
    }
  });

  it("a degraded image is read exactly or 'not sure', never a wrong date", () => {
    const degraded = rows.filter((x) => x.degradation !== "none");
    expect(degraded.length).toBe(firstGen.length * Object.keys(DEGRADATIONS).length);
    for (const r of degraded) {
      if (r.b.kind === "sure") expect(r.b.date, `${r.id} ${r.degradation}`).toEqual(r.birth);
      if (r.e.kind === "sure") expect(r.e.validUntil, `${r.id} ${r.degradation}`).toEqual(r.expiry);
    }
  });
});
