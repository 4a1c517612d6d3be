import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { checkDigit, compositeOf } from "../../../src/mrz/check";
import { MrzKey } from "../../../src/mrz/key";

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

describe("MrzKey", () => {
  it("is the 24-character MRZ information of ICAO 9303-11 §4.3.2, from the line or from typed fields", () => {
    const a = MrzKey.fromLine2(SPECIMEN_LINE2);
    const b = MrzKey.fromFields({ documentNumber: "L898902C3", birthDate: "740812", expiry: "120415" });
    expect(b).not.toBeNull();
    expect(a.useBytes((x) => new TextDecoder().decode(x))).toBe("L898902C36740812212041 59".replace(" ", ""));
    expect(b && a.equals(b)).toBe(true);
  });

  it("pads short document numbers with fillers and refuses malformed fields", () => {
    const k = MrzKey.fromFields({ documentNumber: "X1234", birthDate: "800101", expiry: "300101" });
    expect(k?.useBytes((x) => new TextDecoder().decode(x.slice(0, 10)))).toBe(`X1234<<<<${checkDigit("X1234<<<<")}`);
    expect(MrzKey.fromFields({ documentNumber: "x1234", birthDate: "800101", expiry: "300101" })).toBeNull();
    expect(MrzKey.fromFields({ documentNumber: "ABCDEFGHIJ", birthDate: "800101", expiry: "300101" })).toBeNull();
    expect(MrzKey.fromFields({ documentNumber: "X1234", birthDate: "8001", expiry: "300101" })).toBeNull();
    expect(MrzKey.fromFields({ documentNumber: "", birthDate: "800101", expiry: "300101" })).toBeNull();
  });

  it("never prints its content, and is unusable after wipe()", () => {
    const k = MrzKey.fromLine2(SPECIMEN_LINE2);
    expect(String(k)).toBe("[redacted]");
    expect(JSON.stringify({ k })).toBe('{"k":"[redacted]"}');
    expect(inspect(k)).toBe("[redacted]");
    k.wipe();
    expect(() => k.useBytes(() => 0)).toThrow();
  });
});
