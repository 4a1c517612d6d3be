import { describe, expect, it } from "vitest";
import { checkDigit, compositeOf } from "../../../src/mrz/check";

// ICAO Doc 9303 part 4 Appendix A specimen (Anna Maria Eriksson, state "UTO"), line 2:
const SPECIMEN_LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

describe("ICAO 7-3-1 check digits", () => {
  it("match the Doc 9303 specimen", () => {
    expect(checkDigit("L898902C3")).toBe(6);
    expect(checkDigit("740812")).toBe(2);
    expect(checkDigit("120415")).toBe(9);
    expect(checkDigit("ZE184226B<<<<<")).toBe(1);
    expect(compositeOf(SPECIMEN_LINE2)).toBe(0);
  });

  it("refuse characters outside the MRZ alphabet", () => {
    expect(checkDigit("ab12")).toBeNull();
    expect(checkDigit("12 3")).toBeNull();
  });

  it("cannot see `<` for `0` (same value): the blind spot validate.ts and the agreement guard", () => {
    expect(checkDigit("AB123<<<<")).toBe(checkDigit("AB1230<<<"));
  });
});
