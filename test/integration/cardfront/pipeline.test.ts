/**
 * The card-face pipeline with the real tesseract.js worker on the committed generated photos
 * (test/fixtures/cardface, made by scripts/cardface/fixtures.ts; truth in cases.json).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarDate } from "../../../src/age/date";
import type { CameraPort, Frame } from "../../../src/camera/camera";
import { encodedSize } from "../../../src/camera/image-size";
import { deriveCodeB } from "../../../src/card/mynumber/code-b";
import { readFrame } from "../../../src/cardfront/frame-read";
import type { OcrPort } from "../../../src/cardfront/ocr";
import { checkCard } from "../../../src/cardfront/plausibility";
import { readCardFront } from "../../../src/cardfront/read";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";
import type { FixtureCase } from "../../../scripts/cardface/fixtures";
import { printedBirth } from "../../../scripts/cardface/truth";

const DIR = path.resolve("test/fixtures/cardface");
const { today, cases } = JSON.parse(readFileSync(path.join(DIR, "cases.json"), "utf8")) as { today: CalendarDate; cases: FixtureCase[] };
const byName = (name: string): FixtureCase => {
  const c = cases.find((x) => x.file === `${name}.jpg`);
  if (!c) throw new Error(`no fixture ${name}`);
  return c;
};

function frame(c: FixtureCase): Frame {
  const data = new Uint8Array(readFileSync(path.join(DIR, c.file)));
  const size = encodedSize(data);
  if (!size) throw new Error("fixture is not an image");
  return { width: size.width, height: size.height, format: size.format, data, capturedAt: 0 };
}

/** A document camera that yields these frames in order (repeating `times` rounds), then ends. */
function camera(frames: Frame[], times = 1): CameraPort {
  return {
    role: "document",
    status: () => "ok",
    still: () => Promise.reject(new Error("not used")),
    async *frames(signal: AbortSignal) {
      for (let t = 0; t < times; t++) {
        for (const f of frames) {
          if (signal.aborted) return;
          yield { ...f, data: f.data.slice() };
          await Promise.resolve();
        }
      }
    },
    close: () => Promise.resolve(),
  };
}

/** Counts OCR calls, to prove a back side is never read. */
function counting(inner: OcrPort): OcrPort & { calls: number } {
  const o = {
    calls: 0,
    recognizeLine: (...a: Parameters<OcrPort["recognizeLine"]>) => {
      o.calls++;
      return inner.recognizeLine(...a);
    },
    close: () => inner.close(),
  };
  return o;
}

const clock = { now: () => Date.UTC(today.year, today.month - 1, today.day, 3) };
let ocr: OcrPort;
beforeAll(async () => {
  ocr = await createTesseractOcr();
});
afterAll(async () => {
  await ocr.close();
});

describe("one frame", () => {
  const readable = cases.filter((c) => c.expect === "read");

  it.each(readable.map((c) => [c.note, c] as const))("reads every field exactly: %s", async (_note, c) => {
    const r = await readFrame({ ocr }, frame(c), today, AbortSignal.timeout(20_000));
    expect(r.kind).toBe("front");
    if (r.kind !== "front") return;
    // `at`: the card box of the line each value was read from (readCardFront's same-place rule).
    const num: unknown = expect.any(Number);
    const at: unknown = expect.objectContaining({ x: num, y: num });
    expect(r.birth).toEqual({ ok: true, value: printedBirth(c.person), at });
    expect(r.expiry).toEqual({ ok: true, value: c.person.expiry, at });
    expect(r.securityCode).toEqual({ ok: true, value: c.person.securityCode, at });
    if (!r.birth.ok || !r.expiry.ok || !r.securityCode.ok) return;
    expect(checkCard({ birth: r.birth.value, expiry: r.expiry.value, securityCode: r.securityCode.value }, today)).toEqual([]);
  });

  it("refuses a back-side-up card without running OCR on it", async () => {
    const spy = counting(ocr);
    const r = await readFrame({ ocr: spy }, frame(byName("back")), today, AbortSignal.timeout(20_000));
    expect(r).toEqual({ kind: "back-side-up" });
    expect(spy.calls).toBe(0);
  });

  it("does not read a frame too blurred to be sure of", async () => {
    const r = await readFrame({ ocr }, frame(byName("heavy-blur")), today, AbortSignal.timeout(20_000));
    const c = byName("heavy-blur");
    const allRight =
      r.kind === "front" &&
      r.birth.ok && JSON.stringify(r.birth.value) === JSON.stringify(printedBirth(c.person)) &&
      r.expiry.ok && r.securityCode.ok && r.securityCode.value === c.person.securityCode;
    const answered = r.kind === "front" && r.birth.ok && r.expiry.ok && r.securityCode.ok;
    // Either it cannot read a field, or what it reads is right: never a confident misread.
    expect(!answered || allRight).toBe(true);
  });
});

describe("readCardFront (several frames)", () => {
  // Three frames: the security code needs three agreeing frames (read.ts, AGREE.code); the two
  // photos of the card plus the first again.
  it("is sure with three agreeing frames of the same card and derives the card's 照合番号B", async () => {
    const c = byName("showa-64");
    const r = await readCardFront({ camera: camera([frame(c), frame(byName("showa-64-b")), frame(c)]), ocr, clock }, AbortSignal.timeout(30_000), 30_000);
    expect(r.kind).toBe("sure");
    if (r.kind !== "sure") return;
    const want = deriveCodeB({ birth: printedBirth(c.person), expiryYear: c.person.expiry.year, securityCode: c.person.securityCode });
    expect(want.ok && want.code.equals(r.code)).toBe(true);
    expect(String(r.code)).toBe("[redacted]");
    r.code.wipe();
  });

  it("is not sure from a single frame, and pre-fills manual entry with what it read", async () => {
    const c = byName("reiwa-1");
    const r = await readCardFront({ camera: camera([frame(c)]), ocr, clock }, AbortSignal.timeout(30_000), 30_000);
    expect(r.kind).toBe("unsure");
    if (r.kind !== "unsure") return;
    expect(r.reasons).toContainEqual({ kind: "frames-ended", frames: 1 });
    expect(r.prefill).toEqual({ calendar: "era", era: "reiwa", birthYear: "1", birthMonth: "5", birthDay: "1", expiryYear: String(c.person.expiry.year), securityCode: c.person.securityCode });
  });

  it("routes a card whose security code is covered to manual entry, birth date pre-filled", async () => {
    const c = byName("code-covered");
    const r = await readCardFront({ camera: camera([frame(c)], 3), ocr, clock }, AbortSignal.timeout(30_000), 30_000);
    expect(r.kind).toBe("unsure");
    if (r.kind !== "unsure") return;
    expect(r.reasons.some((x) => (x.kind === "unreadable" && x.field === "securityCode") || x.kind === "no-card" || x.kind === "side-unknown")).toBe(true);
    expect(r.prefill.securityCode).toBeUndefined();
  });

  it("answers back-side-up for the number side", async () => {
    const r = await readCardFront({ camera: camera([frame(byName("back"))]), ocr, clock }, AbortSignal.timeout(30_000), 30_000);
    expect(r).toEqual({ kind: "back-side-up" });
  });

  it("gives up within its budget when the camera shows an empty tray", async () => {
    const tray: Frame = { width: 64, height: 48, format: "gray", data: new Uint8Array(64 * 48).fill(40), capturedAt: 0 };
    const t0 = Date.now();
    const r = await readCardFront({ camera: camera([tray], 100_000), ocr, clock }, AbortSignal.timeout(30_000), 300);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") expect(r.reasons.map((x) => x.kind)).toEqual(expect.arrayContaining(["no-card", "timeout"]));
  });
});
