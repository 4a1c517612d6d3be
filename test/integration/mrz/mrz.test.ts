/**
 * The MRZ route with the shipped OCR-B glyph classifier (src/mrz/glyph-model.json) on committed
 * generated data pages
 * (test/fixtures/mrz/, made by `npm run gen:mrzpages -- --family classic,banded --difficulty moderate
 * --sessions 2 --frames 3 --out test/fixtures/mrz`; tuning families only).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { framesCamera, type Frame } from "../../../src/camera/camera";
import { SimCamera, simImageFromBytes } from "../../../src/camera/sim";
import { checkDigit, TD3 } from "../../../src/mrz/check";
import { MIN_MARGIN, readMrzFrame, type FrameOptions, type LinesReading } from "../../../src/mrz/frame";
import { mrzReadFront } from "../../../src/mrz/front";
import { MrzKey } from "../../../src/card/icao/mrz-key";
import { keyOfLine2, readMrz } from "../../../src/mrz/read";
import { readMrzManifest, type MrzManifestEntry } from "../../../scripts/mrzpage/gen-mrzpages";

const ROOT = path.resolve(import.meta.dirname, "../../fixtures/mrz");
const SETS = ["classic-moderate", "banded-moderate"];
const never = new AbortController().signal;

interface Session {
  set: string;
  lines: [string, string];
  entries: MrzManifestEntry[];
  bytes: Uint8Array[];
}

function sessions(): Session[] {
  const out: Session[] = [];
  for (const set of SETS) {
    const m = readMrzManifest(path.join(ROOT, set));
    if (!m) throw new Error(`fixture ${set} missing`);
    const by = new Map<number, MrzManifestEntry[]>();
    for (const e of m.entries) by.set(e.session, [...(by.get(e.session) ?? []), e]);
    for (const entries of by.values()) {
      const first = entries[0];
      if (!first) continue;
      out.push({ set, lines: first.lines, entries, bytes: entries.map((e) => new Uint8Array(readFileSync(path.join(ROOT, set, e.file)))) });
    }
  }
  return out;
}

const frameOf = (b: Uint8Array): Frame => ({ width: 1024, height: 768, format: "jpeg", data: b.slice(), capturedAt: 0 });
const keyText = (k: MrzKey) => k.useBytes((b) => new TextDecoder().decode(b));
const truthKey = (line2: string) => line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, 28);
const angleOf = (e: MrzManifestEntry) => {
  const [a, b] = e.mrzCorners;
  return a && b ? (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI : 0;
};

/** Line 2 as read, with its first digit changed by +3 (mod 10: never a check digit's blind spot,
 *  which needs a change by a multiple of 10), in the frames `when` picks (1-based). */
function spoiling(when: (frame: number) => boolean): FrameOptions {
  let frame = 0;
  return {
    alter(r: LinesReading): LinesReading {
      if (r.kind !== "lines") return r;
      frame++;
      const t = r.lines[1];
      const i = t.search(/[0-9]/);
      if (!when(frame) || i < 0) return r;
      return { ...r, lines: [r.lines[0], t.slice(0, i) + String((Number(t[i]) + 3) % 10) + t.slice(i + 1)] };
    },
  };
}

describe("MRZ OCR (glyph classifier, generated data pages)", () => {
  const all = sessions();

  it("the fixtures are rotated and shifted pages (so the next test means something)", () => {
    const angles = all.map((s) => angleOf(s.entries[0] as MrzManifestEntry));
    expect(Math.max(...angles.map(Math.abs))).toBeGreaterThan(2);
    expect(Math.max(...angles) - Math.min(...angles)).toBeGreaterThan(2);
    const xs = all.map((s) => s.entries[0]?.mrzCorners[0]?.[0] ?? 0);
    const ys = all.map((s) => s.entries[0]?.mrzCorners[0]?.[1] ?? 0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(30);
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(30);
  });

  it("reads rotated/shifted pages from their frames: never a wrong key, and most sessions sure", async () => {
    let sure = 0;
    for (const s of all) {
      const r = await readMrz({ camera: framesCamera(s.bytes.map(frameOf)) }, never, 60_000);
      if (r.kind !== "sure") continue;
      sure++;
      expect(keyText(r.key)).toBe(truthKey(s.lines[1]));
      expect(r.prefill).toEqual({
        documentNumber: s.lines[1].slice(0, 9).replace(/<+$/, ""),
        birthDate: s.lines[1].slice(...TD3.birthDate),
        expiry: s.lines[1].slice(...TD3.expiry),
      });
      r.key.wipe();
    }
    // measured with the OCR-B classifier: all 4 sessions sure (with tesseract `eng` before it: 2 of 4)
    expect(sure).toBe(all.length);
  });

  it("through the camera simulator and the readFront entry point, the key comes out", async () => {
    const s = all.find((x) => x.set === "banded-moderate") as Session;
    const camera = new SimCamera({ role: "document", images: s.bytes.map((b) => simImageFromBytes(b)), intervalMs: 5 });
    const seen: number[] = [];
    const r = await mrzReadFront({ camera }, 30_000)(never, (n) => seen.push(n));
    expect(r.kind).toBe("sure");
    if (r.kind === "sure") {
      expect(r.key).toBeInstanceOf(MrzKey);
      expect(keyText(r.key as MrzKey)).toBe(truthKey(s.lines[1]));
      r.key.wipe();
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    await camera.close();
  });

  it("a frame with one wrong character in line 2 never gives a key (check digits), so every spoiled frame → manual entry", async () => {
    const s = all.find((x) => x.set === "banded-moderate") as Session;
    for (const b of s.bytes) {
      const r = await readMrzFrame(frameOf(b), spoiling(() => true));
      expect(r.kind).not.toBe("valid");
    }
    const r = await readMrz({ camera: framesCamera(s.bytes.map(frameOf)), frame: spoiling(() => true) }, never, 60_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") {
      expect(r.reasons.some((x) => x.kind === "check-failed")).toBe(true);
      expect(r.prefill).toEqual({});
    }
  });

  it("one spoiled frame among good ones does not change the key", async () => {
    const s = all[1] as Session;
    const frames = [...s.bytes, ...s.bytes].map(frameOf);
    const r = await readMrz({ camera: framesCamera(frames), frame: spoiling((f) => f === 1) }, never, 60_000);
    if (r.kind === "sure") {
      expect(keyText(r.key)).toBe(truthKey(s.lines[1]));
      r.key.wipe();
    }
  });

  it("margins pooled across frames that read the same line: a mean ≥ MIN_MARGIN at every position is sure, below it is not, one frame alone never", async () => {
    const s = all.find((x) => x.set === "classic-moderate") as Session;
    const good: Uint8Array[] = [];
    for (const b of s.bytes) if ((await readMrzFrame(frameOf(b))).kind === "valid") good.push(b);
    expect(good.length).toBeGreaterThanOrEqual(2);
    const two = good.slice(0, 2);
    // line-2 position 11 (nationality) read with these margins in frame 1 and frame 2: no check digit
    // covers it, so only pooling can make it sure (the vouching rule, read.ts vouchesFor, never covers
    // the nationality; it is tested in vouch.test.ts)
    const margins = (m1: number, m2: number): FrameOptions => {
      let frame = 0;
      return {
        alter(r: LinesReading): LinesReading {
          if (r.kind !== "lines") return r;
          frame++;
          const m = Float32Array.from(r.margins[1]);
          m[11] = frame === 1 ? m1 : m2;
          return { ...r, margins: [r.margins[0], m] };
        },
      };
    };
    expect(MIN_MARGIN).toBe(0.5);
    // frame 1 alone is low-margin (not valid); with frame 2 the mean is (0.2 + 0.85) / 2 = 0.525 ≥ 0.5
    const frame1 = await readMrzFrame(frameOf(two[0] as Uint8Array), margins(0.2, 0.2));
    expect(frame1.kind).toBe("unreadable");
    const ok = await readMrz({ camera: framesCamera(two.map(frameOf)), frame: margins(0.2, 0.85) }, never, 60_000);
    expect(ok.kind).toBe("sure");
    if (ok.kind === "sure") {
      expect(keyText(ok.key)).toBe(truthKey(s.lines[1]));
      ok.key.wipe();
    }
    // (0.2 + 0.7) / 2 = 0.45 < 0.5: not sure, although frame 2 alone passes the margin rule
    const low = await readMrz({ camera: framesCamera(two.map(frameOf)), frame: margins(0.2, 0.7) }, never, 60_000);
    expect(low.kind).toBe("unsure");
    // both frames low: never sure, however many agree
    const lows = await readMrz({ camera: framesCamera([...two, ...two].map(frameOf)), frame: margins(0.3, 0.3) }, never, 60_000);
    expect(lows.kind).not.toBe("sure");
    // one low-margin frame alone: never sure
    const one = await readMrz({ camera: framesCamera([frameOf(two[0] as Uint8Array)]), frame: margins(0.2, 0.2) }, never, 60_000);
    expect(one.kind).toBe("unsure");
  });

  it("a frame that hesitated at one glyph vouches for a valid frame's line only where the check digit settles it", async () => {
    const s = all.find((x) => x.set === "classic-moderate") as Session;
    const good: Uint8Array[] = [];
    for (const b of s.bytes) if ((await readMrzFrame(frameOf(b))).kind === "valid") good.push(b);
    const two = good.slice(0, 2);
    const i = s.lines[1].slice(0, 9).search(/[0-9]/);
    expect(i).toBeGreaterThanOrEqual(0);
    const d = Number(s.lines[1][i]);
    // the frames `which` picks read the document number's digit at i without margin (0.1), torn with
    // `second`; the others with margin 0.6 there (so pooling, mean 0.35, cannot decide: read.ts PooledMargins)
    const torn = (second: string, which: (f: number) => boolean = (f) => f === 2): FrameOptions => {
      let frame = 0;
      return {
        alter(r: LinesReading): LinesReading {
          if (r.kind !== "lines" || r.runnersUp === undefined) return r;
          const m = Float32Array.from(r.margins[1]);
          if (!which(++frame)) {
            m[i] = 0.6;
            return { ...r, margins: [r.margins[0], m] };
          }
          m[i] = 0.1;
          return { ...r, margins: [r.margins[0], m], runnersUp: r.runnersUp.slice(0, i) + second + r.runnersUp.slice(i + 1) };
        },
      };
    };
    // d against d+3: different in the check sum → the valid frame's check digit settles it → sure
    const ok = await readMrz({ camera: framesCamera(two.map(frameOf)), frame: torn(String((d + 3) % 10)) }, never, 60_000);
    expect(ok.kind).toBe("sure");
    if (ok.kind === "sure") {
      expect(keyText(ok.key)).toBe(truthKey(s.lines[1]));
      ok.key.wipe();
    }
    // d against the letter of value d + 10 (A for 0, B for 1…): the check digits cannot tell them apart → not sure
    const blind = await readMrz({ camera: framesCamera(two.map(frameOf)), frame: torn(String.fromCharCode(65 + d)) }, never, 60_000);
    expect(blind.kind).toBe("unsure");
    // the torn frame alone, however often: never sure (no frame read the glyph with margin)
    const alone = await readMrz({ camera: framesCamera([...two, ...two].map(frameOf)), frame: torn(String((d + 3) % 10), () => true) }, never, 60_000);
    expect(alone.kind).toBe("unsure");
  });

  it("an empty tray is 'not sure' within the budget, never a hang", async () => {
    const camera = new SimCamera({ role: "document", intervalMs: 20 });
    const t0 = Date.now();
    const r = await mrzReadFront({ camera }, 600)(never, () => undefined);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") expect(r.problem).toBe("mrz:no-mrz");
    expect(Date.now() - t0).toBeLessThan(5_000);
    await camera.close();
  });

  it("the key read equals the passport kind's key from the typed fields (manual entry and camera agree)", () => {
    const l2 = (all[0] as Session).lines[1];
    const read = keyOfLine2(l2);
    const typed = MrzKey.fromFields({ documentNumber: l2.slice(0, 9).replace(/<+$/, ""), birthDate: l2.slice(13, 19), expiry: l2.slice(21, 27) });
    expect(read && keyText(read)).toBe(truthKey(l2));
    expect(typed.ok && keyText(typed.key)).toBe(truthKey(l2));
    expect(checkDigit(l2.slice(0, 9))).toBe(Number(l2[9]));
  });
});
