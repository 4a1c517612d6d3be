import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCommand, encodeCommand, fromHex, parseResponse, toHex } from "../../../src/card/apdu";
import { CardError } from "../../../src/card/errors";

describe("APDU encoding", () => {
  it("encodes the reference's SELECT of the 券面AP byte for byte", () => {
    const aid = fromHex("D3 92 10 00 31 00 01 01 04 02");
    expect(toHex(encodeCommand({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: aid }))).toBe("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02");
  });

  it("encodes short Le 256 as 00 and an extended whole-file read as 00 00 00", () => {
    expect(toHex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe("00 B0 00 00 00");
    expect(toHex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 }))).toBe("00 B0 00 00 00 00 00");
    expect(toHex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 4, le: 0x061f }))).toBe("00 B0 00 04 00 06 1F");
  });

  it("switches to the extended form for more than 255 data bytes", () => {
    const b = encodeCommand({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0, data: new Uint8Array(300), le: 256 });
    expect(toHex(b.subarray(0, 7))).toBe("80 2A 00 00 00 01 2C");
    expect(toHex(b.subarray(-2))).toBe("01 00");
  });

  it("refuses out-of-range header bytes and Le with a RangeError", () => {
    expect(() => encodeCommand({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 65537 })).toThrow(RangeError);
  });

  it("decodes every encodable command back to the same fields (property, 2,000 cases)", () => {
    const cmd = fc.record({
      cla: fc.integer({ min: 0, max: 255 }),
      ins: fc.integer({ min: 0, max: 255 }),
      p1: fc.integer({ min: 0, max: 255 }),
      p2: fc.integer({ min: 0, max: 255 }),
      data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 400 }), { nil: undefined }),
      le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
      extended: fc.boolean(),
    });
    fc.assert(
      fc.property(cmd, ({ extended, data, le, ...h }) => {
        const c = { ...h, ...(data ? { data } : {}), ...(le !== undefined ? { le } : {}) };
        const d = decodeCommand(encodeCommand(c, { extended }));
        expect(d).not.toBeNull();
        expect(d?.data ?? undefined).toEqual(data);
        expect(d?.le).toBe(le);
        expect([d?.cla, d?.ins, d?.p1, d?.p2]).toEqual([h.cla, h.ins, h.p1, h.p2]);
      }),
      { numRuns: 2000 },
    );
  });

  it("treats a response shorter than a status word as malformed", () => {
    expect(() => parseResponse(new Uint8Array(1))).toThrow(CardError);
    expect(parseResponse(Uint8Array.of(1, 2, 0x90, 0)).sw).toBe(0x9000);
  });
});
