import { describe, expect, it } from "vitest";
import { CARD_MM } from "../../../src/cardfront/layout";
import { otsu, type Gray } from "../../../src/image/image";
import { locateCard } from "../../../src/cardfront/locate";
import { apply, homographyFromRect, sampleBox, type Quad } from "../../../src/cardfront/rectify";

/** A bright convex quad on a dark tray (anti-aliasing-free: a pixel is in when its centre is). */
function drawQuad(w: number, h: number, q: Quad, inside = 215, outside = 55): Gray {
  const data = new Uint8Array(w * h).fill(outside);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5, py = y + 0.5;
      let inQuad = true;
      for (let i = 0; i < 4; i++) {
        const [ax, ay] = q[i] as [number, number];
        const [bx, by] = q[(i + 1) % 4] as [number, number];
        if ((bx - ax) * (py - ay) - (by - ay) * (px - ax) < 0) inQuad = false;
      }
      if (inQuad) data[y * w + x] = inside;
    }
  }
  return { width: w, height: h, data };
}

describe("homography", () => {
  it("maps the canonical rectangle's corners onto the quad", () => {
    const q: Quad = [[100, 80], [540, 95], [530, 370], [90, 350]];
    const hm = homographyFromRect(856, 540, q);
    expect(hm).not.toBeNull();
    if (!hm) return;
    const back = [apply(hm, 0, 0), apply(hm, 856, 0), apply(hm, 856, 540), apply(hm, 0, 540)];
    back.forEach((p, i) => {
      expect(p[0]).toBeCloseTo((q[i] as [number, number])[0], 6);
      expect(p[1]).toBeCloseTo((q[i] as [number, number])[1], 6);
    });
  });

  it("is null for a degenerate quad", () => {
    expect(homographyFromRect(10, 10, [[0, 0], [0, 0], [0, 0], [0, 0]])).toBeNull();
  });
});

describe("locateCard", () => {
  const cardH = (w: number) => (w * CARD_MM.height) / CARD_MM.width;

  it("finds a rotated card's corners to within two pixels", () => {
    const a = (4 * Math.PI) / 180;
    const cx = 512, cy = 384, w = 700, h = cardH(700);
    const q = ([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]] as const).map(
      ([x, y]) => [cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a)] as [number, number],
    ) as unknown as Quad;
    const r = locateCard(drawQuad(1024, 768, q));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    r.quad.forEach((p, i) => expect(Math.hypot(p[0] - (q[i] as [number, number])[0], p[1] - (q[i] as [number, number])[1])).toBeLessThan(2));
  });

  it("says no-card for an empty tray and not-fully-visible for a card over the frame's edge", () => {
    expect(locateCard({ width: 640, height: 480, data: new Uint8Array(640 * 480).fill(50) })).toMatchObject({ ok: false });
    const q: Quad = [[300, 100], [300 + 500, 100], [300 + 500, 100 + cardH(500)], [300, 100 + cardH(500)]];
    expect(locateCard(drawQuad(640, 480, q))).toEqual({ ok: false, reason: "card-not-fully-visible" });
  });

  it("refuses a bright region that is not card-shaped", () => {
    const q: Quad = [[100, 100], [400, 100], [400, 400], [100, 400]];
    expect(locateCard(drawQuad(640, 480, q))).toEqual({ ok: false, reason: "not-card-shaped" });
  });

  it("rectifies a box back to the canonical raster", () => {
    const q: Quad = [[100, 100], [100 + 856 / 2, 100], [100 + 856 / 2, 100 + 270], [100, 370]];
    const g = drawQuad(700, 500, q);
    const hm = homographyFromRect(856, 540, q);
    if (!hm) throw new Error("degenerate");
    const crop = sampleBox(g, hm, { x: 10, y: 10, w: 100, h: 50 }, 1);
    expect(crop.width).toBe(100);
    expect(crop.data.every((v) => v === 215)).toBe(true);
    expect(otsu(g.data)).toBeGreaterThanOrEqual(55);
  });
});
