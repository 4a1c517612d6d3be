/**
 * Frames whose MRZ lines' RIGHT end is hidden (a thumb, a glare spot): the left part is read as far as
 * it is visible (segment.ts lineCellsLeftPart), judged by every check whose glyphs are visible and the
 * `P` anchor (frame.ts `left-part`), and counted only together with a frame that read the whole line
 * with every check (read.ts KeyParts). Real TUNING frames (test/fixtures/mrz/left-part/, copied from the
 * `gen:mrzpages` sets named in the manifest): classic-moderate session 24 (frame 0 has its LEFT end
 * hidden, frame 1 is whole, frame 2 has its right end hidden) and classic-hard session 38 (frame 0
 * right end hidden, frame 2 whole; frame 1, low margin, is not in the fixtures).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { framesCamera, type Frame } from "../../../src/camera/camera";
import { decodeFrame } from "../../../src/image/decode";
import { checkDigit } from "../../../src/mrz/check";
import { findMrz } from "../../../src/mrz/find";
import { readMrzFrame, type FrameOptions, type LinesReading } from "../../../src/mrz/frame";
import { KEY_END, PART_NEEDS_WHOLE, readMrz } from "../../../src/mrz/read";
import { lineCells, lineCellsLeftPart } from "../../../src/mrz/segment";
import { validateTd3Left } from "../../../src/mrz/validate";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/mrz/left-part");
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as { entries: { file: string; lines: [string, string] }[] };
const bytes = new Map(manifest.entries.map((e) => [e.file, new Uint8Array(readFileSync(path.join(DIR, e.file)))]));
const truth = new Map(manifest.entries.map((e) => [e.file, e.lines]));
const frameOf = (file: string): Frame => ({ width: 1024, height: 768, format: "jpeg", data: (bytes.get(file) ?? new Uint8Array(0)).slice(), capturedAt: 0 });
const never = new AbortController().signal;
const keyOf = (l2: string) => l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 28);

const M = "classic-moderate-";
const H = "classic-hard-";
const RIGHT_HIDDEN = [`${M}0024-2.jpg`, `${H}0038-0.jpg`];

async function session(files: string[], frame?: FrameOptions) {
  const r = await readMrz({ camera: framesCamera(files.map(frameOf)), ...(frame ? { frame } : {}) }, never, 60_000);
  const key = r.kind === "sure" ? r.key.useBytes((b) => new TextDecoder().decode(b)) : null;
  if (r.kind === "sure") r.key.wipe();
  return { kind: r.kind, key };
}

/** In left-part readings only: two birth-date digits changed so that the date's own check digit still
 *  holds (a wrong key the field checks cannot see; the composite check digit is hidden). */
const wrongButChecked: FrameOptions = {
  alter(r: LinesReading): LinesReading {
    if (r.kind !== "lines" || r.visible === 44) return r;
    const [l1, l2] = r.lines;
    for (let i = 13; i < 19; i++) {
      for (let j = i + 1; j < 19; j++) {
        for (let a = 1; a < 10; a++) {
          for (let b = 1; b < 10; b++) {
            const birth = [...l2.slice(13, 19)];
            birth[i - 13] = String((Number(birth[i - 13]) + a) % 10);
            birth[j - 13] = String((Number(birth[j - 13]) + b) % 10);
            const bad = l2.slice(0, 13) + birth.join("") + l2.slice(19);
            if (checkDigit(birth.join("")) === Number(l2[19]) && validateTd3Left(l1, bad).valid) return { ...r, lines: [l1, bad] };
          }
        }
      }
    }
    throw new Error("no compensating change found");
  },
};

describe("MRZ lines with their right end hidden", () => {
  it.each(RIGHT_HIDDEN)("%s: no 44-position grid, a left part of ≥ 28 positions, read as printed", async (file) => {
    const d = await decodeFrame(frameOf(file));
    if (!d.ok) throw new Error("fixture does not decode");
    const found = findMrz(d.image);
    expect(found.found).toBe(true);
    if (!found.found) return;
    for (const l of found.lines) expect(lineCells(l)).toBeNull();
    const parts = found.lines.map(lineCellsLeftPart);
    expect(parts[0]?.visible).toBeGreaterThanOrEqual(KEY_END);
    expect(parts[0]?.visible).toBeLessThan(44);
    expect(parts[1]?.visible).toBe(parts[0]?.visible);
    const r = await readMrzFrame(frameOf(file));
    const [l1, l2] = truth.get(file) ?? ["", ""];
    expect(r.kind).toBe("left-part");
    if (r.kind !== "left-part") return;
    expect(r.line2).toBe(l2.slice(0, r.visible));
    expect(r.line1).toBe(l1.slice(0, r.visible));
  });

  it("a frame whose LEFT end is hidden is refused: no `P` anchor, and line 2 fails its checks at the assumed positions", async () => {
    const r = await readMrzFrame(frameOf(`${M}0024-0.jpg`));
    expect(r).toMatchObject({ kind: "unreadable", reason: "hidden-end" });
    if (r.kind !== "unreadable" || r.reason !== "hidden-end") return;
    expect(r.failed).toContain("anchor");
    expect(r.failed).toContain("document-number-check");
  });

  it("a left part and a whole frame that agree give the key; a session that had only one whole frame now answers", async () => {
    const m = await session([`${M}0024-0.jpg`, `${M}0024-1.jpg`, `${M}0024-2.jpg`]);
    expect(m).toEqual({ kind: "sure", key: keyOf(truth.get(`${M}0024-1.jpg`)?.[1] ?? "") });
    const h = await session([`${H}0038-0.jpg`, `${H}0038-2.jpg`]);
    expect(h).toEqual({ kind: "sure", key: keyOf(truth.get(`${H}0038-2.jpg`)?.[1] ?? "") });
    // without the left part, one whole frame is not enough
    expect((await session([`${M}0024-0.jpg`, `${M}0024-1.jpg`])).kind).toBe("unsure");
  });

  it("left parts alone never give a key (the composite check digit was seen in no frame)", async () => {
    expect(PART_NEEDS_WHOLE).toBe(1);
    expect((await session([`${M}0024-2.jpg`, `${M}0024-2.jpg`, `${M}0024-2.jpg`])).kind).toBe("unsure");
  });

  it("a wrong key that passes the field checks in a left part is refused: it disagrees with the whole frame", async () => {
    // the alteration is what the hidden composite check digit might have caught
    expect((await session([`${M}0024-1.jpg`, `${M}0024-2.jpg`], wrongButChecked)).kind).toBe("unsure");
    expect((await session([`${H}0038-2.jpg`, `${H}0038-0.jpg`, `${H}0038-0.jpg`], wrongButChecked)).kind).toBe("unsure");
    // and a wrong key is never given even when more whole frames come: they decide, with the true key
    const r = await session([`${M}0024-1.jpg`, `${M}0024-2.jpg`, `${M}0024-1.jpg`], wrongButChecked);
    expect(r).toEqual({ kind: "sure", key: keyOf(truth.get(`${M}0024-1.jpg`)?.[1] ?? "") });
  });
});
