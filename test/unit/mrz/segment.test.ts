/**
 * The 44 positions by pitch (segment.ts) on two TUNING frames (test/fixtures/mrz/segment/, copied from
 * `gen:mrzpages` sets named in the manifest) whose lines do NOT split into 44 blobs: a blurred hard
 * frame where neighbouring glyphs merge (line 1: 38 blobs) and a moderate frame where a glyph splits
 * (45 blobs). The old rule (exactly 44 blobs per line) made both `unreadable/glyph-count`; now each
 * line is put on its pitch grid and the frame reads the printed line 2.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/image/decode";
import { findMrz, type MrzLineGeometry } from "../../../src/mrz/find";
import { readMrzFrame } from "../../../src/mrz/frame";
import { lineCells, LINE_CELLS } from "../../../src/mrz/segment";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/mrz/segment");
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as { entries: { file: string; lines: [string, string] }[] };
const frameOf = (file: string) => ({ width: 1024, height: 768, format: "jpeg" as const, data: new Uint8Array(readFileSync(path.join(DIR, file))), capturedAt: 0 });

describe("MRZ positions by pitch, not by blob count", () => {
  it.each(manifest.entries.map((e) => [e.file, e] as const))("%s: blobs ≠ 44, yet 44 positions on one pitch and line 2 read as printed", async (_, e) => {
    const d = await decodeFrame(frameOf(e.file));
    if (!d.ok) throw new Error("fixture does not decode");
    const found = findMrz(d.image);
    expect(found.found).toBe(true);
    if (!found.found) return;
    // what used to fail: some line is not 44 blobs
    expect(found.lines.some((l) => l.glyphs.length !== LINE_CELLS)).toBe(true);
    for (const l of found.lines) {
      const c = lineCells(l);
      expect(c).not.toBeNull();
      if (!c) continue;
      expect(c.centres).toHaveLength(LINE_CELLS);
      // evenly spaced along the line, first and last on the finder's extent
      const [x0, y0] = c.centres[0] ?? [0, 0];
      const [x1, y1] = c.centres[LINE_CELLS - 1] ?? [0, 0];
      expect(Math.abs(Math.hypot(x1 - x0, y1 - y0) / (LINE_CELLS - 1) - c.pitch)).toBeLessThan(0.01 * c.pitch);
      expect(Math.hypot(x0 - l.start[0], y0 - l.start[1])).toBeLessThan(0.3 * c.pitch);
    }
    const r = await readMrzFrame(frameOf(e.file));
    expect(r).toMatchObject({ kind: "valid", line2: e.lines[1] });
  });

  it("a line whose blobs do not fit one pitch grid is refused (null), not forced into 44", () => {
    const glyphs = Array.from({ length: 40 }, (_, i) => {
      const x = 100 + i * 15 + (i % 3) * 6; // spacing that no single pitch explains
      return { x0: x - 4, y0: 100, x1: x + 4, y1: 114 };
    });
    const line: MrzLineGeometry = { start: [100, 107], end: [100 + 39 * 15 + 6, 107], glyphHeight: 14, blobs: glyphs.length, glyphs };
    expect(lineCells(line)).toBeNull();
  });
});
