/**
 * readCardFront's multi-frame rules with a scripted OCR port (no tesseract): the frames are a real
 * generated card photo so that locating and the side check run for real; only the text is scripted.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CameraPort, Frame } from "../../../src/camera/camera";
import { encodedSize } from "../../../src/camera/image-size";
import { OcrFailure, type LineKind, type OcrLine, type OcrPort } from "../../../src/cardfront/ocr";
import { readCardFront } from "../../../src/cardfront/read";

const data = new Uint8Array(readFileSync(path.resolve("test/fixtures/cardface/heisei-1.jpg")));
const size = encodedSize(data);
if (!size) throw new Error("fixture is not an image");
const photo: Frame = { width: size.width, height: size.height, format: size.format, data, capturedAt: 0 };

function camera(n: number): CameraPort {
  return {
    role: "document",
    status: () => "ok",
    still: () => Promise.reject(new Error("not used")),
    async *frames(signal: AbortSignal) {
      for (let i = 0; i < n && !signal.aborted; i++) {
        yield { ...photo, data: photo.data.slice() };
        await Promise.resolve();
      }
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Per frame: [birth line, expiry line, code]; a string "fail" makes that call reject. A frame reads
 * the code first ("digits", which starts the frame here), then the date lines (frame-read.ts): the
 * frame's first "date" call reads the birth line, the second the expiry line, later ones (other lines,
 * the check strip) nothing. Then the date check (DATE_CHECK) re-reads each date value not yet
 * confirmed in the session, birth first, from a crop at 1.5 × the scale: told apart here by the
 * image's height (this fixture's date crops are ~60 px tall, its check crops ~90), and answered by
 * `check` (default: the same line again, i.e. confirmed).
 */
function scripted(lines: [string, string, string][], check: (field: "birth" | "expiry", text: string) => string = (_f, t) => t): OcrPort & { calls: LineKind[]; checks: number } {
  let frame = -1;
  let dateCalls = 0;
  let due: { field: "birth" | "expiry"; text: string }[] = [];
  const confirmed = new Set<string>();
  const o = {
    calls: [] as LineKind[],
    checks: 0,
    recognizeLine(img: { height: number }, kind: LineKind): Promise<OcrLine> {
      o.calls.push(kind);
      if (kind === "digits") {
        frame++;
        dateCalls = 0;
      }
      const [birth = "", expiry = "", code = ""] = lines[Math.max(0, frame)] ?? lines[lines.length - 1] ?? [];
      if (kind === "digits") return Promise.resolve({ text: code, confidence: 95 });
      if (birth === "fail" || expiry === "fail") return Promise.reject(new OcrFailure("timeout"));
      if (img.height >= 80) {
        o.checks++;
        const d = due.shift();
        if (!d) return Promise.resolve({ text: "", confidence: 95 });
        const answer = check(d.field, d.text);
        if (answer === d.text) confirmed.add(d.text);
        return Promise.resolve({ text: answer, confidence: 95 });
      }
      if (dateCalls === 0) due = [{ field: "birth" as const, text: birth }, { field: "expiry" as const, text: expiry }].filter((d) => d.text !== "" && !confirmed.has(d.text));
      const text = dateCalls === 0 ? birth : dateCalls === 1 ? expiry : "";
      dateCalls++;
      return Promise.resolve({ text, confidence: 95 });
    },
    close: () => Promise.resolve(),
  };
  return o;
}

const clock = { now: () => Date.UTC(2026, 10, 21, 3) };
const B = "平成元年 1月 8日生";
const E = "2033年 1月 8日まで有効";

describe("readCardFront agreement rules", () => {
  it("is sure once a rival code is outvoted by two (A, B, A, A)", async () => {
    const ocr = scripted([[B, E, "2718"], [B, E, "2713"], [B, E, "2718"], [B, E, "2718"]]);
    const r = await readCardFront({ camera: camera(4), ocr, clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("sure");
    if (r.kind === "sure") {
      expect(r.fields.securityCode).toBe("2718");
      expect(r.frames).toBe(4);
      r.code.wipe();
    }
  });

  it("stays unsure when frames disagree and the camera stops (A, B, A)", async () => {
    const ocr = scripted([[B, E, "2718"], [B, E, "2713"], [B, E, "2718"]]);
    const r = await readCardFront({ camera: camera(3), ocr, clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") {
      expect(r.reasons).toContainEqual({ kind: "disagree", field: "securityCode" });
      expect(r.prefill).toMatchObject({ era: "heisei", birthYear: "1", expiryYear: "2033" });
      // The code the frames disagreed on is left for the customer to type, not pre-filled with a guess.
      expect(r.prefill.securityCode).toBeUndefined();
    }
  });

  it("refuses an agreed reading that breaks a plausibility rule (expiry not on the birthday)", async () => {
    const ocr = scripted([[B, "2033年 1月 9日まで有効", "2718"]]);
    const r = await readCardFront({ camera: camera(3), ocr, clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") expect(r.reasons).toContainEqual({ kind: "implausible", problem: { field: "expiry", code: "not-birthday" } });
  });

  it("needs three agreeing frames for a Western-printed birth date", async () => {
    const w = "1989年 1月 8日生";
    const two = await readCardFront({ camera: camera(2), ocr: scripted([[w, E, "2718"]]), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(two.kind).toBe("unsure");
    const three = await readCardFront({ camera: camera(3), ocr: scripted([[w, E, "2718"]]), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(three.kind).toBe("sure");
    if (three.kind === "sure") three.code.wipe();
  });

  it("is unsure when a look-alike birth date (元 read as 8) is agreed in only 2 frames, even though it is plausible", async () => {
    // 平成8年 1月 8日 is a real date with the same birthday as the card's expiry: no plausibility rule
    // catches it. Frame 3 reads the code and expiry but not the birth line. Before 2026-12-05 two
    // agreeing era-printed frames were enough and this session was "sure" with the wrong birth.
    const lookAlike = "平成8年 1月 8日生";
    const lines: [string, string, string][] = [[lookAlike, E, "2718"], [lookAlike, E, "2718"], ["", E, "2718"]];
    const r = await readCardFront({ camera: camera(3), ocr: scripted(lines), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("unsure");
    const four = await readCardFront({ camera: camera(4), ocr: scripted([...lines, [lookAlike, E, "2718"]]), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(four.kind).toBe("sure");
    if (four.kind === "sure") four.code.wipe();
  });

  it("is unsure when an expiry date is agreed in only 2 frames", async () => {
    const lines: [string, string, string][] = [[B, E, "2718"], [B, E, "2718"], [B, "", "2718"]];
    const r = await readCardFront({ camera: camera(3), ocr: scripted(lines), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("unsure");
  });

  it("needs three agreeing frames for the security code, which no plausibility rule can check", async () => {
    const two = await readCardFront({ camera: camera(2), ocr: scripted([[B, E, "2718"]]), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(two.kind).toBe("unsure");
    if (two.kind === "unsure") expect(two.prefill.securityCode).toBe("2718");
    const three = await readCardFront({ camera: camera(3), ocr: scripted([[B, E, "2718"]]), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(three.kind).toBe("sure");
    if (three.kind === "sure") three.code.wipe();
  });

  it("never agrees a date that the re-read from another crop does not give (a misread repeated in every frame)", async () => {
    // The frames read 平成元年 1月 8日 in all four frames; the check's re-read gives 平成元年 1月 3日
    // every time: the birth is unconfirmed, the session unsure, and the birth is not pre-filled
    // (the expiry, confirmed, is).
    const ocr = scripted([[B, E, "2718"]], (field, t) => (field === "birth" ? "平成元年 1月 3日生" : t));
    const r = await readCardFront({ camera: camera(4), ocr, clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") {
      expect(r.reasons).toContainEqual({ kind: "unconfirmed", field: "birth" });
      expect(r.reasons).not.toContainEqual({ kind: "unconfirmed", field: "expiry" });
      expect(r.prefill.era).toBeUndefined();
      expect(r.prefill.expiryYear).toBe("2033");
    }
  });

  it("checks each date once per session when the re-read agrees", async () => {
    const ocr = scripted([[B, E, "2718"]]);
    const r = await readCardFront({ camera: camera(3), ocr, clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("sure");
    if (r.kind === "sure") r.code.wipe();
    expect(ocr.checks).toBe(2); // birth and expiry, in the first frame only
  });

  it("turns an OCR failure into a reason, not an exception", async () => {
    const r = await readCardFront({ camera: camera(3), ocr: scripted([[B, "fail", "2718"]]), clock }, AbortSignal.timeout(20_000), 20_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") expect(r.reasons).toContainEqual({ kind: "ocr", detail: "timeout" });
  });
});
