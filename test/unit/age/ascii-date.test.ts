import { describe, expect, it } from "vitest";
import { parseAsciiDate } from "../../../src/age/date";

const ascii = (s: string) => new Uint8Array(Buffer.from(s, "ascii"));

describe("parseAsciiDate", () => {
  it("reads the chip's YYYYMMDD bytes and refuses anything that is not a real day", () => {
    expect(parseAsciiDate(ascii("19890107"))).toEqual({ year: 1989, month: 1, day: 7 });
    expect(parseAsciiDate(ascii("20000229"))).toEqual({ year: 2000, month: 2, day: 29 });
    for (const bad of ["19000229", "20260230", "20261301", "2026-6-1", "2026060", "202606011", "2026O601"]) {
      expect(parseAsciiDate(ascii(bad))).toBeNull();
    }
  });
});
