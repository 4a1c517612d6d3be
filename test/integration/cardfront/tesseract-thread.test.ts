/**
 * The OCR adapter (src/cardfront/tesseract.ts) runs both engines (jpn for dates, eng for the security
 * code) in ONE worker thread (issue 16, memory round 5: the second thread cost ~35 MiB and bought no
 * speed, since the pipeline reads one line at a time). Checked here: one thread, both engines read,
 * and the port's failure contract (aborted, closed) is kept.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readFrame } from "../../../src/cardfront/frame-read";
import { OcrFailure } from "../../../src/cardfront/ocr";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";

/** OS threads of this process (Linux; counted before anything else here starts threads: sharp's
 *  libvips and libuv's pool start theirs on first use). */
const threads = () => readdirSync("/proc/self/task").length;
const blank = { width: 64, height: 16, data: new Uint8Array(64 * 16).fill(255) };

describe("tesseract OCR adapter", () => {
  it("starts one thread for both engines, reads a card's dates (jpn) and code (eng) through it, and ends the thread on close", async () => {
    const before = threads();
    const ocr = await createTesseractOcr();
    try {
      expect(threads() - before).toBe(1);
      const data = new Uint8Array(readFileSync(path.resolve("test/fixtures/cardface/showa-64.jpg")));
      const r = await readFrame({ ocr }, { width: 1024, height: 768, format: "jpeg", data, capturedAt: 0 }, { year: 2026, month: 11, day: 21 }, new AbortController().signal);
      expect(r.kind).toBe("front");
      if (r.kind !== "front") return;
      expect([r.birth.ok, r.expiry.ok, r.securityCode.ok]).toEqual([true, true, true]);
    } finally {
      await ocr.close();
    }
    await expect(ocr.recognizeLine(blank, "date", new AbortController().signal)).rejects.toEqual(new OcrFailure("closed"));
  });

  it("rejects an aborted line as aborted and stays usable", async () => {
    const ocr = await createTesseractOcr();
    try {
      const gone = new AbortController();
      gone.abort();
      await expect(ocr.recognizeLine(blank, "digits", gone.signal)).rejects.toEqual(new OcrFailure("aborted"));
      const late = new AbortController();
      const pending = ocr.recognizeLine(blank, "date", late.signal);
      late.abort();
      await expect(pending).rejects.toEqual(new OcrFailure("aborted"));
      expect((await ocr.recognizeLine(blank, "digits", new AbortController().signal)).text).toBe("");
    } finally {
      await ocr.close();
    }
  });
});
