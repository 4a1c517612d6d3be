import { describe, expect, it } from "vitest";
import { greyToRgb, padGrey, purge, toGrey, type RgbImage } from "../../../src/image/image";

describe("image helpers", () => {
  it("converts RGB to BT.601 luma", () => {
    const rgb: RgbImage = { kind: "rgb", width: 4, height: 1, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 200]) };
    const g = toGrey(rgb);
    expect(Array.from(g.data)).toEqual([76, 150, 29, 200]);
  });

  it("copies a grey image so that purging the copy leaves the original intact", () => {
    const g = toGrey({ kind: "rgb", width: 2, height: 1, data: Uint8Array.from([10, 10, 10, 90, 90, 90]) });
    const copy = toGrey(g);
    purge(copy);
    expect(Array.from(copy.data)).toEqual([0, 0]);
    expect(Array.from(g.data)).toEqual([10, 90]);
  });

  it("round-trips grey through RGB", () => {
    const g = { kind: "grey" as const, width: 3, height: 1, data: Uint8Array.from([1, 2, 3]) };
    expect(Array.from(toGrey(greyToRgb(g)).data)).toEqual([1, 2, 3]);
  });

  it("pads with a border of the given value", () => {
    const g = { kind: "grey" as const, width: 1, height: 1, data: Uint8Array.from([9]) };
    const p = padGrey(g, 1, 5);
    expect(p.width).toBe(3);
    expect(Array.from(p.data)).toEqual([5, 5, 5, 5, 9, 5, 5, 5, 5]);
  });
});
