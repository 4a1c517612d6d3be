import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/card/apdu";
import { CardError } from "../../../src/card/errors";
import { childrenByTag, encodeTlv, readTlv, readTlvList, tlvTotalSize } from "../../../src/card/tlv";

const malformed = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof CardError && e.kind === "malformed";
  }
  return false;
};

describe("BER-TLV", () => {
  it("reads two-byte private tags and long-form lengths", () => {
    const b = fromHex("FF 20 82 00 05 DF 22 02 31 39 FF");
    const outer = readTlv(b, 0);
    expect(outer).toMatchObject({ tag: 0xff20, constructed: true, valueStart: 5, end: 10, length: 5 });
    const inner = readTlvList(b, outer.valueStart, outer.end);
    expect(inner).toEqual([{ tag: 0xdf22, constructed: false, start: 5, valueStart: 8, end: 10, length: 2 }]);
    expect(readTlv(fromHex("7F 21 81 01 00"), 0)).toMatchObject({ tag: 0x7f21, length: 1 });
    expect(readTlv(fromHex("5F 4E 83 00 00 01 AA"), 0)).toMatchObject({ tag: 0x5f4e, length: 1, valueStart: 6 });
  });

  it("refuses truncated headers, values past the buffer and values past their parent", () => {
    expect(malformed(() => readTlv(fromHex("DF"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("DF 22"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("DF 22 82 01"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("DF 22 05 31 32"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("DF 22 02 31 32"), 0, 3))).toBe(true);
    const lies = fromHex("FF 20 04 DF 22 05 31 32 33 34 35");
    const outer = readTlv(lies, 0);
    expect(malformed(() => readTlvList(lies, outer.valueStart, outer.end))).toBe(true);
  });

  it("refuses indefinite and over-long length forms and over-long tags", () => {
    expect(malformed(() => readTlv(fromHex("FF 20 80 00 00"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("DF 22 84 00 00 00 01 00"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("DF 81 82 03 01 00"), 0))).toBe(true);
    expect(malformed(() => readTlv(fromHex("00 01 00"), 0))).toBe(true);
  });

  it("finds duplicates among children", () => {
    const b = fromHex("FF 20 06 DF 22 01 31 DF 22 01 32");
    expect(malformed(() => childrenByTag(b, readTlv(b, 0)))).toBe(true);
  });

  it("stops at FF filler only when asked", () => {
    const b = fromHex("DF 22 01 31 FF FF FF");
    expect(readTlvList(b, 0, b.length, { stopAtFiller: true })).toHaveLength(1);
    expect(malformed(() => readTlvList(b, 0, b.length))).toBe(true);
  });

  it("sizes a whole TLV from its header alone", () => {
    expect(tlvTotalSize(fromHex("FF 20 82 12 34"))).toBe(5 + 0x1234);
    expect(tlvTotalSize(fromHex("7F 21 81 80"))).toBe(4 + 0x80);
    expect(malformed(() => tlvTotalSize(fromHex("FF 20 82 12")))).toBe(true);
    expect(malformed(() => tlvTotalSize(new Uint8Array(0)))).toBe(true);
  });

  it("sizes a file from its header by the same rules readTlv reads it: padding and indefinite lengths are malformed", () => {
    for (const hex of ["00 05 01 02 03", "FF 20 80 00", "FF FF FF 01 00", "FF 20 84 00 00 00 01"]) {
      expect(malformed(() => tlvTotalSize(fromHex(hex)))).toBe(true);
      expect(malformed(() => readTlv(fromHex(hex), 0))).toBe(true);
    }
  });

  it("round-trips encodeTlv through readTlv for every length form (property, 3,000 cases)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x90, 0xdf22, 0xff20, 0x7f21, 0x5f37),
        fc.integer({ min: 0, max: 70000 }),
        (tag, len) => {
          const t = readTlv(encodeTlv(tag, new Uint8Array(len)), 0);
          return t.tag === tag && t.length === len;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("never crashes, never reads out of bounds and always fails with a typed error on random bytes (fuzz, 70,000 cases)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), fc.nat(48), (buf, cut) => {
        const end = Math.min(cut, buf.length);
        try {
          const list = readTlvList(buf, 0, end, { stopAtFiller: true, maxItems: 64 });
          let prev = 0;
          for (const t of list) {
            if (t.start !== prev || t.valueStart > t.end || t.end > end) return false;
            prev = t.end;
          }
          return true;
        } catch (e) {
          return e instanceof CardError && e.kind === "malformed";
        }
      }),
      { numRuns: 70000 },
    );
  });
});
