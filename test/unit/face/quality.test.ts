import { describe, expect, it } from "vitest";
import type { GreyImage } from "../../../src/image/image";
import { meanIntensity, sharpness } from "../../../src/face/quality";

/** A synthetic "face": concentric rings and stripes, with detail at several scales. */
function pattern(w: number, h: number): GreyImage {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r = Math.hypot(x - w / 2, y - h / 2) / (w / 16);
      data[y * w + x] = 128 + 60 * Math.sin(r * 3) + 40 * Math.sign(Math.sin((x * 10) / w * Math.PI));
    }
  }
  return { kind: "grey", width: w, height: h, data };
}

function boxBlur(img: GreyImage, radius: number): GreyImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
            s += img.data[yy * w + xx] ?? 0;
            n++;
          }
        }
      }
      out[y * w + x] = Math.round(s / n);
    }
  }
  return { kind: "grey", width: w, height: h, data: out };
}

describe("sharpness", () => {
  it("scores a blurred copy well below the original", () => {
    const sharp = pattern(128, 128);
    const blurred = boxBlur(sharp, 8);
    expect(sharpness(blurred)).toBeLessThan(sharpness(sharp) / 2);
  });

  it("scores a flat black frame 0", () => {
    const black: GreyImage = { kind: "grey", width: 64, height: 48, data: new Uint8Array(64 * 48) };
    expect(sharpness(black)).toBe(0);
    expect(meanIntensity(black)).toBe(0);
  });

  it("does not depend on contrast: a dimmed copy scores about the same", () => {
    const img = pattern(128, 128);
    const dim: GreyImage = { ...img, data: img.data.map((v) => Math.round(v / 3)) };
    expect(sharpness(dim)).toBeCloseTo(sharpness(img), 1);
  });

  it("measures only the given box", () => {
    const w = 200;
    const h = 100;
    const left = pattern(100, 100);
    const data = new Uint8Array(w * h).fill(90);
    for (let y = 0; y < 100; y++) data.set(left.data.subarray(y * 100, (y + 1) * 100), y * w);
    const img: GreyImage = { kind: "grey", width: w, height: h, data };
    expect(sharpness(img, { x: 100, y: 0, width: 100, height: 100 })).toBe(0);
    expect(sharpness(img, { x: 0, y: 0, width: 100, height: 100 })).toBeGreaterThan(0.2);
  });

  it("answers 0 for a box outside the image", () => {
    expect(sharpness(pattern(32, 32), { x: 100, y: 100, width: 10, height: 10 })).toBe(0);
  });
});
