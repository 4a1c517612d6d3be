import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createJp2Decoder, parseJp2Header, type Jp2Decoder } from "../../../src/face/jp2";

const FIX = new URL("../../fixtures/faces/", import.meta.url);
const chipA = new Uint8Array(readFileSync(new URL("chip-a.jp2", FIX)));
const liveJpeg = new Uint8Array(readFileSync(new URL("live-a.jpg", FIX)));
const PNG_HEAD = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** Offset of the SIZ marker segment (after FF4F FF51) inside the fixture's codestream. */
function sizOffset(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0x4f && bytes[i + 2] === 0xff && bytes[i + 3] === 0x51) return i + 4;
  }
  throw new Error("no SIZ");
}

function withSiz(mutate: (v: DataView, siz: number) => void): Uint8Array {
  const b = chipA.slice();
  mutate(new DataView(b.buffer), sizOffset(b));
  return b;
}

describe("JPEG 2000 chip photo decoder", () => {
  let dec: Jp2Decoder;
  beforeAll(async () => {
    dec = await createJp2Decoder();
  });

  it("decodes the chip-like fixture to an 8-bit grey image of the size in its header", async () => {
    const r = await dec.decode(chipA);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.image.kind).toBe("grey");
    expect([r.image.width, r.image.height]).toEqual([180, 224]);
    expect(r.image.data.length).toBe(180 * 224);
    // A real photo: many distinct grey levels, not a flat or garbage image.
    expect(new Set(r.image.data).size).toBeGreaterThan(100);
  });

  it("gives a typed reason for empty input, a PNG and a JPEG where JPEG 2000 was expected", async () => {
    expect(await dec.decode(new Uint8Array())).toEqual({ ok: false, problem: { kind: "empty" } });
    expect(await dec.decode(PNG_HEAD)).toEqual({ ok: false, problem: { kind: "not-jp2", looksLike: "png" } });
    expect(await dec.decode(liveJpeg)).toEqual({ ok: false, problem: { kind: "not-jp2", looksLike: "jpeg" } });
    expect(await dec.decode(Uint8Array.from([1, 2, 3, 4]))).toEqual({ ok: false, problem: { kind: "not-jp2", looksLike: "unknown" } });
  });

  it("calls every cut-short copy of the file truncated (or corrupt), never a decoded image", async () => {
    for (const cut of [12, 40, 100, 500, chipA.length / 2, chipA.length - 1]) {
      const r = await dec.decode(chipA.subarray(0, Math.floor(cut)));
      expect(r.ok, `cut at ${cut}`).toBe(false);
      if (!r.ok) expect(["truncated", "corrupt"]).toContain(r.problem.kind);
    }
  });

  it("refuses huge declared dimensions from the header, before decoding", async () => {
    const huge = withSiz((v, siz) => {
      v.setUint32(siz + 4, 60_000);
      v.setUint32(siz + 8, 80_000);
    });
    const r = await dec.decode(huge);
    expect(r).toEqual({ ok: false, problem: { kind: "too-large", width: 60_000, height: 80_000 } });
  });

  it("refuses sub-sampled components (the OpenJPEG WASM build crashes on them) and too many components", async () => {
    const sub = withSiz((v, siz) => v.setUint8(siz + 39, 2));
    expect(await dec.decode(sub)).toMatchObject({ ok: false, problem: { kind: "unsupported" } });
    const many = withSiz((v, siz) => v.setUint16(siz + 36, 9));
    expect(await dec.decode(many)).toMatchObject({ ok: false, problem: { kind: "unsupported" } });
  });

  it("refuses files above the byte limit", async () => {
    const small = await createJp2Decoder({ limits: { maxBytes: 1000 } });
    expect(await small.decode(chipA)).toEqual({ ok: false, problem: { kind: "too-many-bytes", bytes: chipA.length, max: 1000 } });
  });

  it("never throws and always answers a typed result for arbitrary corruption of the file (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat({ max: chipA.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 20 }),
        async (edits) => {
          const b = chipA.slice();
          for (const e of edits) b[e.at] = e.value;
          const r = await dec.decode(b);
          if (r.ok) {
            expect(r.image.width * r.image.height).toBe(r.image.data.length);
            expect(r.image.width).toBeLessThanOrEqual(1024);
          } else {
            expect(["empty", "too-many-bytes", "not-jp2", "truncated", "too-large", "unsupported", "corrupt"]).toContain(r.problem.kind);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps its WASM heap bounded: the module is recycled once it grows past the limit", async () => {
    let loads = 0;
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    const factory = req("@cornerstonejs/codec-openjpeg/decodewasmjs") as (o: object) => Promise<never>;
    const limit = 60 * 1024 * 1024;
    const d = await createJp2Decoder({
      limits: { maxHeapBytes: limit },
      loadModule: () => {
        loads++;
        return factory({ print: () => {}, printErr: () => {} });
      },
    });
    const bad = chipA.slice();
    bad.fill(0x55, 200, 1200);
    for (let i = 0; i < 40; i++) {
      const r = await d.decode(i % 2 ? chipA : bad);
      if (i % 2) expect(r.ok).toBe(true);
      expect(d.heapBytes()).toBeLessThanOrEqual(limit);
    }
    expect(loads).toBeGreaterThanOrEqual(1);
  });

  it("recycles the module after every decode when the heap limit is below its starting size, and still decodes", async () => {
    let loads = 0;
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    const factory = req("@cornerstonejs/codec-openjpeg/decodewasmjs") as (o: object) => Promise<never>;
    const d = await createJp2Decoder({
      limits: { maxHeapBytes: 1 },
      loadModule: () => {
        loads++;
        return factory({ print: () => {}, printErr: () => {} });
      },
    });
    for (let i = 0; i < 3; i++) expect((await d.decode(chipA)).ok).toBe(true);
    expect(loads).toBe(3);
    expect(d.heapBytes()).toBe(0);
  });
});

describe("parseJp2Header", () => {
  it("reads width, height, components and bit depth of the fixture without decoding", () => {
    const h = parseJp2Header(chipA);
    expect(h.ok).toBe(true);
    if (h.ok) expect(h.value).toMatchObject({ width: 180, height: 224, components: 1, bitDepth: 8 });
  });

  it("accepts a raw codestream (no JP2 boxes) as well", () => {
    const h = parseJp2Header(chipA);
    if (!h.ok) throw new Error("fixture");
    const raw = chipA.subarray(h.value.codestream.start, h.value.codestream.end);
    expect(parseJp2Header(raw)).toMatchObject({ ok: true, value: { width: 180, height: 224 } });
  });
});
