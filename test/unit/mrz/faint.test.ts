/**
 * The finder's second, `faint` ink threshold (find.ts INK_THRESHOLDS, frame.ts readMrzLines) on two
 * TUNING hard frames (test/fixtures/mrz/faint/, copied from the `gen:mrzpages` sets named in the
 * manifest) where a glare spot washes out part of a line: with the normal threshold the finder sees
 * one line or none; the second pass finds both and the frame reads the printed line 2, judged by the
 * same rules (margin, every check).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/image/decode";
import { findMrz } from "../../../src/mrz/find";
import { readMrzFrame } from "../../../src/mrz/frame";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/mrz/faint");
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as { entries: { file: string; lines: [string, string] }[] };
const frameOf = (file: string) => ({ width: 1024, height: 768, format: "jpeg" as const, data: new Uint8Array(readFileSync(path.join(DIR, file))), capturedAt: 0 });

describe("MRZ finder: a second, fainter ink threshold when the first finds no MRZ", () => {
  it.each(manifest.entries.map((e) => [e.file, e] as const))("%s: not found with the normal threshold, read as printed with the faint one", async (_, e) => {
    const d = await decodeFrame(frameOf(e.file));
    if (!d.ok) throw new Error("fixture does not decode");
    expect(findMrz(d.image, "normal").found).toBe(false);
    expect(findMrz(d.image, "faint").found).toBe(true);
    const r = await readMrzFrame(frameOf(e.file));
    expect(r).toMatchObject({ kind: "valid", line1: e.lines[0], line2: e.lines[1] });
  });
});
