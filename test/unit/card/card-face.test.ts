import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../../src/card/apdu";
import { CardError } from "../../../src/card/errors";
import { parseCardFace } from "../../../src/card/mynumber/card-face";
import { encodeTlv, readTlv, readTlvList } from "../../../src/card/tlv";
import { loadDeck } from "../../../src/card/sim/deck";
import { buildCardFace } from "../../../src/card/sim/mynumber-profile";

const entry = loadDeck().card("leap-day");
if (!entry.input) throw new Error("deck card without input");
const FACE = buildCardFace(entry.input);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();

/** Children of the real record, to rebuild hostile variants (without DF21 unless kept). */
function children(): { tag: number; bytes: Uint8Array }[] {
  const outer = readTlv(FACE, 0);
  return readTlvList(FACE, outer.valueStart, outer.end).map((t) => ({ tag: t.tag, bytes: FACE.slice(t.start, t.end) }));
}
const rebuild = (parts: { bytes: Uint8Array }[]) => encodeTlv(0xff20, concatBytes(...parts.map((p) => p.bytes)));
const withoutOffsets = () => children().filter((c) => c.tag !== 0xdf21);

function malformedReason(bytes: Uint8Array): string | null {
  try {
    parseCardFace(bytes);
    return null;
  } catch (e) {
    if (e instanceof CardError && e.problem.kind === "malformed") return e.problem.what;
    throw e;
  }
}

describe("EF 0002 (card face) parser", () => {
  it("parses the deck record into typed fields", () => {
    const r = parseCardFace(concatBytes(FACE, new Uint8Array(40).fill(0xff)));
    expect(r.birthDate).toEqual({ year: 2000, month: 2, day: 29 });
    expect(r.sex).toBe("2");
    expect(r.expiry).toEqual({ year: 2032, month: 2, day: 29 });
    expect(r.cardPublicKey.modulus).toHaveLength(256);
    expect(Array.from(r.cardPublicKey.exponent)).toEqual([1, 0, 1]);
    expect(r.photo.format).toBe("jp2");
    expect(r.namePng.subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));
    expect(r.signature).toHaveLength(256);
  });

  it("exposes the raw TLV spans the three signature digests cover (reference §3.5)", () => {
    const r = parseCardFace(FACE);
    const parts = children();
    const raw = (tag: number) => parts.find((p) => p.tag === tag)?.bytes ?? new Uint8Array(0);
    expect(sha(r.spans.birthSexKey)).toEqual(sha(concatBytes(raw(0xdf22), raw(0xdf23), raw(0xdf24))));
    expect(sha(r.spans.nameAddress)).toEqual(sha(concatBytes(raw(0xdf25), raw(0xdf26))));
    expect(sha(r.spans.photo)).toEqual(sha(raw(0xdf27)));
  });

  it("copies its input and zeroes every field with wipe()", () => {
    const input = FACE.slice();
    const r = parseCardFace(input);
    input.fill(0);
    expect(r.birthDate.year).toBe(2000);
    expect(r.photo.bytes.some((b) => b !== 0)).toBe(true);
    r.wipe();
    for (const v of [r.raw, r.photo.bytes, r.namePng, r.addressPng, r.securityCodePng, r.signature, r.spans.birthSexKey, r.cardPublicKey.modulus]) {
      expect(v.every((b) => b === 0)).toBe(true);
    }
  });

  it("still parses without the offset table, and copies spans when TLVs are not adjacent", () => {
    const parts = withoutOffsets();
    const sex = parts.splice(1, 1)[0];
    if (!sex) throw new Error("no sex TLV");
    parts.push(sex); // DF23 moved to the end: DF22‖DF23‖DF24 is no longer contiguous
    const r = parseCardFace(rebuild(parts));
    expect(r.sex).toBe("2");
    expect(sha(r.spans.birthSexKey)).toEqual(sha(parseCardFace(FACE).spans.birthSexKey));
  });

  describe("hostile records, each a typed malformed error", () => {
    const cases: [string, () => Uint8Array][] = [
      ["truncated in the middle of the photo", () => FACE.slice(0, Math.floor(FACE.length / 2))],
      ["truncated to the outer header", () => FACE.slice(0, 5)],
      ["empty", () => new Uint8Array(0)],
      ["outer length longer than the data", () => concatBytes(Uint8Array.of(0xff, 0x20, 0x83, 0x01, 0x00, 0x00), FACE.slice(5))],
      ["wrong outer tag", () => concatBytes(Uint8Array.of(0xff, 0x21), FACE.slice(2))],
      ["a child length that lies (DF22 says 9 bytes)", () => {
        const p = withoutOffsets();
        const birth = p[0];
        if (birth) birth.bytes = concatBytes(Uint8Array.of(0xdf, 0x22, 0x09), birth.bytes.slice(3));
        return rebuild(p);
      }],
      ["duplicate DF22", () => { const p = withoutOffsets(); return rebuild([p[0] as { bytes: Uint8Array }, ...p]); }],
      ["missing DF27 (photo)", () => rebuild(withoutOffsets().filter((c) => c.tag !== 0xdf27))],
      ["missing DF28 (signature)", () => rebuild(withoutOffsets().filter((c) => c.tag !== 0xdf28))],
      ["an unknown extra tag", () => rebuild([...withoutOffsets(), { bytes: encodeTlv(0xdf30, Uint8Array.of(1)) }])],
      ["an offset table that lies", () => {
        const b = FACE.slice();
        const off = readTlvList(b, readTlv(b, 0).valueStart, readTlv(b, 0).end)[0];
        if (off) b[off.valueStart + 1] = (b[off.valueStart + 1] ?? 0) ^ 1;
        return b;
      }],
      ["a birth date that is not a day (19890230)", () => rebuild(withoutOffsets().map((c) => (c.tag === 0xdf22 ? { ...c, bytes: encodeTlv(0xdf22, new TextEncoder().encode("19890230")) } : c)))],
      ["a sex code of 3", () => rebuild(withoutOffsets().map((c) => (c.tag === 0xdf23 ? { ...c, bytes: encodeTlv(0xdf23, Uint8Array.of(0x33)) } : c)))],
      ["a 1024-bit card key", () => rebuild(withoutOffsets().map((c) => (c.tag === 0xdf24 ? { ...c, bytes: encodeTlv(0xdf24, concatBytes(encodeTlv(0x90, Uint8Array.of(1, 0, 1)), encodeTlv(0x91, new Uint8Array(128).fill(0xc1)))) } : c)))],
      ["garbage after the record", () => concatBytes(FACE, Uint8Array.of(0xff, 0x12))],
    ];
    it.each(cases)("%s", (_name, make) => {
      expect(malformedReason(make())).toEqual(expect.any(String));
    });
  });

  it("never crashes on byte flips and truncations of a real record (fuzz, 25,000 cases)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(FACE.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(FACE.length), { nil: undefined }),
        (flips, cut) => {
          const b = FACE.slice(0, cut ?? FACE.length);
          for (const f of flips) if (f.at < b.length) b[f.at] = f.value;
          try {
            const r = parseCardFace(b);
            return r.raw.length <= b.length && r.photo.bytes.buffer === r.raw.buffer;
          } catch (e) {
            return e instanceof CardError && e.kind === "malformed";
          }
        },
      ),
      { numRuns: 25000 },
    );
  });

  it("never crashes on random TLV structures inside FF20 (fuzz, 10,000 cases)", () => {
    const child = fc.record({
      tag: fc.constantFrom(0xdf21, 0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a, 0x90, 0xff20),
      value: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(child, { maxLength: 12 }), (kids) => {
        const b = encodeTlv(0xff20, concatBytes(...kids.map((k) => encodeTlv(k.tag, k.value))));
        try {
          parseCardFace(b);
          return true;
        } catch (e) {
          return e instanceof CardError && e.kind === "malformed";
        }
      }),
      { numRuns: 10000 },
    );
  });
});
