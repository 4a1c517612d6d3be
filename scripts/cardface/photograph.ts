/**
 * "Photograph" a rendered card: place it on the document-camera tray with perspective, then blur,
 * glare, low light, sensor noise, partial occlusion (a thumb) and JPEG compression, in one IM6
 * `convert` call reading the card PNG on stdin. The four card corners in the frame are returned with
 * the shot so tests can check the locator.
 */
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

/** Arguments for `convert png:- … jpg:-`: the card on stdin, the JPEG photo on stdout. */
export function photographArgs(s: Shot): string[] {
  const { width: W, height: H } = RENDER_SIZE;
  const src = [[0, 0], [W, 0], [W, H], [0, H]];
  const pts = src.map(([x, y], i) => `${x},${y} ${(s.corners[i]?.[0] ?? 0).toFixed(1)},${(s.corners[i]?.[1] ?? 0).toFixed(1)}`).join("  ");
  const args = [
    "png:-",
    "-alpha", "set", "-virtual-pixel", "transparent",
    "-define", `distort:viewport=${FRAME_SIZE.width}x${FRAME_SIZE.height}+0+0`,
    "-distort", "Perspective", pts,
    "(", "-size", `${FRAME_SIZE.width}x${FRAME_SIZE.height}`, `gradient:gray${s.tray}-gray${Math.max(10, s.tray - 25)}`, ")",
    "+swap", "-compose", "over", "-composite", "-alpha", "off",
  ];
  if (s.occlusion) {
    const o = s.occlusion;
    args.push("-fill", "#c8987a", "-draw", `roundrectangle ${o.x.toFixed(0)},${o.y.toFixed(0)} ${(o.x + o.w).toFixed(0)},${(o.y + o.h).toFixed(0)} 35,35`);
  }
  if (s.glare) {
    const g = s.glare;
    const k = 8;
    args.push(
      "(", "-size", `${FRAME_SIZE.width / k}x${FRAME_SIZE.height / k}`, "xc:black", "-fill", "white",
      "-draw", `ellipse ${(g.x / k).toFixed(1)},${(g.y / k).toFixed(1)} ${(g.rx / k).toFixed(1)},${(g.ry / k).toFixed(1)} 0,360`,
      "-blur", "0x3", "-resize", `${FRAME_SIZE.width}x${FRAME_SIZE.height}!`, "-evaluate", "multiply", g.strength.toFixed(2), ")",
      "-compose", "screen", "-composite",
    );
  }
  if (s.blur > 0.05) args.push("-blur", `0x${s.blur.toFixed(2)}`);
  if (s.light < 1) args.push("-evaluate", "multiply", s.light.toFixed(2));
  if (s.noise > 0.02) args.push("-attenuate", s.noise.toFixed(2), "+noise", "Gaussian");
  args.push("-quality", String(s.quality), "jpg:-");
  return args;
}
