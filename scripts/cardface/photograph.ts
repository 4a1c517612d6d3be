/**
 * "Photograph" a rendered card: place it on the document-camera tray with perspective, then a thumb
 * (occlusion), glare, blur, low light, sensor noise and JPEG compression. The card is decoded and
 * shrunk to about its size in the frame once per session (`loadCard`); each frame is then a bilinear
 * perspective warp and the effects in JavaScript, with blur and JPEG encoding in libvips (sharp):
 * ~10× faster than one ImageMagick `-distort Perspective` per frame. The four card corners in the
 * frame are kept with the shot so tests can check the locator.
 */
import sharp from "sharp";
import { rng } from "./people";
import { RENDER_SIZE } from "./render";

export const FRAME_SIZE = { width: 1024, height: 768 } as const;

export type Difficulty = "easy" | "moderate" | "hard";

export interface Shot {
  corners: [number, number][]; // TL, TR, BR, BL in frame pixels
  blur: number;
  noise: number;
  light: number; // 1 = normal exposure
  glare: null | { x: number; y: number; rx: number; ry: number; strength: number };
  occlusion: null | { x: number; y: number; w: number; h: number };
  quality: number;
  tray: number; // tray grey level, percent
}

const PRESETS: Record<Difficulty, { rot: number; jitter: number; blur: number; noise: number; glareP: number; glareMax: number; lowP: number; lowMin: number; occP: number; qMin: number }> = {
  easy: { rot: 2, jitter: 0.01, blur: 0.6, noise: 0.3, glareP: 0, glareMax: 0, lowP: 0, lowMin: 1, occP: 0, qMin: 88 },
  moderate: { rot: 5, jitter: 0.025, blur: 1.1, noise: 0.8, glareP: 0.25, glareMax: 0.45, lowP: 0.25, lowMin: 0.55, occP: 0.1, qMin: 70 },
  hard: { rot: 10, jitter: 0.045, blur: 2.0, noise: 1.6, glareP: 0.6, glareMax: 0.8, lowP: 0.5, lowMin: 0.35, occP: 0.3, qMin: 50 },
};

/** One random shot for a difficulty level. `pose` lets the frames of one session share the card's
 *  position on the tray (a customer places the card once; frames differ by small movements). */
export function randomShot(r: () => number, difficulty: Difficulty, pose?: Shot["corners"]): Shot {
  const p = PRESETS[difficulty];
  const sym = () => r() * 2 - 1;
  let corners = pose;
  if (!corners) {
    const w = FRAME_SIZE.width * (0.62 + r() * 0.14);
    const h = (w * RENDER_SIZE.height) / RENDER_SIZE.width;
    const cx = FRAME_SIZE.width / 2 + sym() * FRAME_SIZE.width * 0.05;
    const cy = FRAME_SIZE.height / 2 + sym() * FRAME_SIZE.height * 0.05;
    const a = (sym() * p.rot * Math.PI) / 180;
    const base: [number, number][] = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]];
    corners = base.map(([x, y]) => {
      const jx = sym() * p.jitter * w;
      const jy = sym() * p.jitter * w;
      return [cx + x * Math.cos(a) - y * Math.sin(a) + jx, cy + x * Math.sin(a) + y * Math.cos(a) + jy] as [number, number];
    });
  } else {
    corners = corners.map(([x, y]) => [x + sym() * 1.5, y + sym() * 1.5] as [number, number]);
  }
  const glare =
    r() < p.glareP
      ? { x: FRAME_SIZE.width * (0.25 + r() * 0.5), y: FRAME_SIZE.height * (0.25 + r() * 0.5), rx: 60 + r() * 140, ry: 40 + r() * 90, strength: 0.2 + r() * (p.glareMax - 0.2) }
      : null;
  let occlusion: Shot["occlusion"] = null;
  if (r() < p.occP) {
    const [bx, by] = corners[r() < 0.5 ? 3 : 2] ?? [0, 0];
    occlusion = { x: bx - 40 + sym() * 60, y: by - 70 - r() * 40, w: 80 + r() * 40, h: 160 };
  }
  return {
    corners,
    blur: r() * p.blur,
    noise: r() * p.noise,
    light: r() < p.lowP ? p.lowMin + r() * (1 - p.lowMin) * 0.7 : 1,
    glare,
    occlusion,
    quality: Math.round(p.qMin + r() * (95 - p.qMin)),
    tray: 12 + Math.floor(r() * 33),
  };
}

/** A card raster (RGB, 3 bytes per pixel) ready to be photographed. */
export interface CardRaster {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decode the rendered card and shrink it to `widthPx` (Lanczos, so the warp never minifies much). */
export async function loadCard(png: Buffer, widthPx: number): Promise<CardRaster> {
  const w = Math.max(64, Math.min(RENDER_SIZE.width, Math.round(widthPx)));
  const { data, info } = await sharp(png).removeAlpha().toColourspace("srgb").resize({ width: w, kernel: "lanczos3" }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Width in frame pixels of the card's top edge for these corners (what `loadCard` should shrink to). */
export function cardWidthInFrame(corners: Shot["corners"]): number {
  const [a, b, c, d] = corners;
  if (!a || !b || !c || !d) return RENDER_SIZE.width;
  return Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), Math.hypot(c[0] - d[0], c[1] - d[1])) * 1.05;
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

/** Homography from the unit square (0,0),(1,0),(1,1),(0,1) onto the quad p0..p3. */
function squareToQuad(q: Shot["corners"]): Mat3 {
  const [x0, y0] = q[0] ?? [0, 0], [x1, y1] = q[1] ?? [0, 0], [x2, y2] = q[2] ?? [0, 0], [x3, y3] = q[3] ?? [0, 0];
  const dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
  const sx = x0 - x1 + x2 - x3, sy = y0 - y1 + y2 - y3;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (sx * dy2 - dx2 * sy) / den, h = (dx1 * sy - sx * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

function invert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

/** One frame of the card on the tray, as a JPEG. `seed` fixes the sensor noise. */
export async function photograph(card: CardRaster, s: Shot, seed: number): Promise<Buffer> {
  const W = FRAME_SIZE.width, H = FRAME_SIZE.height;
  const out = new Uint8Array(W * H * 3);
  const inv = invert(squareToQuad(s.corners));
  const cw = card.width, ch = card.height, src = card.data;
  const top = (s.tray * 255) / 100, bottom = (Math.max(10, s.tray - 25) * 255) / 100;
  const xs = s.corners.map((c) => c[0]), ys = s.corners.map((c) => c[1]);
  const bx0 = Math.max(0, Math.floor(Math.min(...xs)) - 1), bx1 = Math.min(W - 1, Math.ceil(Math.max(...xs)) + 1);
  const by0 = Math.max(0, Math.floor(Math.min(...ys)) - 1), by1 = Math.min(H - 1, Math.ceil(Math.max(...ys)) + 1);
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = inv;
  for (let y = 0; y < H; y++) {
    const tray = Math.round(top + ((bottom - top) * y) / (H - 1));
    const row = y * W * 3;
    for (let x = 0; x < W; x++) {
      let o = row + x * 3;
      let r = tray, g = tray, b = tray;
      if (x >= bx0 && x <= bx1 && y >= by0 && y <= by1) {
        const X = x + 0.5, Y = y + 0.5;
        const z = m6 * X + m7 * Y + m8;
        const u = ((m0 * X + m1 * Y + m2) / z) * cw - 0.5;
        const v = ((m3 * X + m4 * Y + m5) / z) * ch - 0.5;
        if (u > -1 && v > -1 && u < cw && v < ch) {
          const iu = Math.floor(u), iv = Math.floor(v);
          const fu = u - iu, fv = v - iv;
          const u0 = Math.max(0, iu), u1 = Math.min(cw - 1, iu + 1), v0 = Math.max(0, iv), v1 = Math.min(ch - 1, iv + 1);
          // coverage at the card's edge (antialiased border against the tray)
          const cov = Math.min(1, u + 1, v + 1, cw - u, ch - v);
          const p00 = (v0 * cw + u0) * 3, p10 = (v0 * cw + u1) * 3, p01 = (v1 * cw + u0) * 3, p11 = (v1 * cw + u1) * 3;
          const w00 = (1 - fu) * (1 - fv), w10 = fu * (1 - fv), w01 = (1 - fu) * fv, w11 = fu * fv;
          const sr = (src[p00] ?? 0) * w00 + (src[p10] ?? 0) * w10 + (src[p01] ?? 0) * w01 + (src[p11] ?? 0) * w11;
          const sg = (src[p00 + 1] ?? 0) * w00 + (src[p10 + 1] ?? 0) * w10 + (src[p01 + 1] ?? 0) * w01 + (src[p11 + 1] ?? 0) * w11;
          const sb = (src[p00 + 2] ?? 0) * w00 + (src[p10 + 2] ?? 0) * w10 + (src[p01 + 2] ?? 0) * w01 + (src[p11 + 2] ?? 0) * w11;
          r = tray + (sr - tray) * cov;
          g = tray + (sg - tray) * cov;
          b = tray + (sb - tray) * cov;
        }
      }
      out[o++] = r;
      out[o++] = g;
      out[o] = b;
    }
  }
  if (s.occlusion) {
    const { x: ox, y: oy, w: ow, h: oh } = s.occlusion;
    const rad = 35;
    for (let y = Math.max(0, Math.floor(oy)); y < Math.min(H, oy + oh); y++) {
      for (let x = Math.max(0, Math.floor(ox)); x < Math.min(W, ox + ow); x++) {
        const dx = Math.max(ox + rad - x, 0, x - (ox + ow - rad)), dy = Math.max(oy + rad - y, 0, y - (oy + oh - rad));
        if (dx * dx + dy * dy > rad * rad) continue;
        const o = (y * W + x) * 3;
        out[o] = 0xc8;
        out[o + 1] = 0x98;
        out[o + 2] = 0x7a;
      }
    }
  }
  if (s.glare) {
    const gl = s.glare;
    const reach = 1.6;
    for (let y = Math.max(0, Math.floor(gl.y - gl.ry * reach)); y < Math.min(H, gl.y + gl.ry * reach); y++) {
      for (let x = Math.max(0, Math.floor(gl.x - gl.rx * reach)); x < Math.min(W, gl.x + gl.rx * reach); x++) {
        const d = Math.hypot((x - gl.x) / gl.rx, (y - gl.y) / gl.ry);
        const t = Math.min(1, Math.max(0, (1.25 - d) / 0.5));
        const m = gl.strength * t * t * (3 - 2 * t);
        if (m <= 0) continue;
        const o = (y * W + x) * 3;
        for (let k = 0; k < 3; k++) out[o + k] = (out[o + k] ?? 0) + (255 - (out[o + k] ?? 0)) * m;
      }
    }
  }
  const raw = { raw: { width: W, height: H, channels: 3 as const } };
  let px: Uint8Array = out;
  if (s.blur >= 0.3) {
    const b = await sharp(out, raw).blur(s.blur).raw().toBuffer();
    px = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  if (s.light < 1 || s.noise > 0.02) {
    // Gaussian sensor noise (σ = 6 levels per unit of `noise`): a table of 8192 normal samples
    // (sum of three uniforms) indexed by an inline xorshift, ~10× cheaper than three calls per value.
    const r = rng(seed);
    const sigma = s.noise * 6;
    const table = new Float32Array(8192);
    for (let i = 0; i < table.length; i++) table[i] = (r() + r() + r() - 1.5) * 2 * sigma;
    let x = (seed | 1) >>> 0;
    for (let i = 0; i < px.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const v = (px[i] ?? 0) * s.light + (table[x & 8191] ?? 0);
      px[i] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
    }
  }
  return sharp(px, raw).jpeg({ quality: s.quality, chromaSubsampling: "4:2:0" }).toBuffer();
}
