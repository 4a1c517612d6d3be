/**
 * Photographed TD3 data pages for the MRZ reader (src/mrz/): fictional holders (holders.ts) on pages
 * of four layout families (render.ts; `heldout` and `heldout-ocrb` are never tuned on), "photographed" on the kiosk tray
 * with scripts/cardface/photograph.ts (perspective, rotation, blur, glare, low light, noise, a thumb,
 * JPEG) at 1024 × 768. The page lies data-page-up with its MRZ fully in the frame; its size in the
 * frame varies (the 112 mm MRZ spans 62–92 % of the frame width) and the top of the page may be cut off.
 *
 *   npm run gen:mrzpages -- [--family classic|banded|heldout|heldout-ocrb|tuning|heldouts|all] [--difficulty easy|moderate|hard|all]
 *                           [--sessions 40] [--frames 3] [--out test-output/mrzpages]
 *
 * Writes `<out>/<family>-<difficulty>/NNNN-K.jpg` and `manifest.json` (truth: the two MRZ lines).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { cardWidthInFrame, FRAME_SIZE, loadCard, photograph, randomShot, type Difficulty } from "../cardface/photograph";
import { makeHolder, rng, type Holder } from "./holders";
import { HELDOUT_FAMILIES, isHeldout, PAGE_MM, placeMrz, renderPage, TUNING_FAMILIES, type MrzPlacement, type PageFamily } from "./render";

export const ALL_FAMILIES: readonly PageFamily[] = [...TUNING_FAMILIES, ...HELDOUT_FAMILIES];
const FAMILY_SEED: Record<PageFamily, number> = { classic: 21_000, banded: 22_000, heldout: 98_000, "heldout-ocrb": 613_000 };
const DIFF_SEED: Record<Difficulty, number> = { easy: 0, moderate: 300, hard: 600 };
const ROT: Record<Difficulty, number> = { easy: 2, moderate: 5, hard: 9 };

export interface MrzManifestEntry {
  file: string;
  session: number;
  frame: number;
  lines: [string, string];
  /** MRZ corners in the frame (TL of line 1, TR of line 1, BR of line 2, BL of line 2), px */
  mrzCorners: [number, number][];
}

export interface MrzManifest {
  family: PageFamily;
  difficulty: Difficulty;
  entries: MrzManifestEntry[];
}

type Pt = [number, number];

/** Page corners in the frame (TL, TR, BR, BL) with the MRZ fully inside; and the MRZ's own corners. */
function pose(r: () => number, d: Difficulty, m: MrzPlacement): { page: Pt[]; mrz: Pt[] } {
  for (;;) {
    const s = (FRAME_SIZE.width * (0.62 + r() * 0.3)) / 112; // px per mm
    const a = ((r() * 2 - 1) * ROT[d] * Math.PI) / 180;
    const cx = FRAME_SIZE.width / 2 + (r() * 2 - 1) * FRAME_SIZE.width * 0.12;
    const cy = FRAME_SIZE.height / 2 + (r() * 2 - 1) * FRAME_SIZE.height * 0.2;
    const at = (x: number, y: number): Pt => {
      const u = (x - PAGE_MM.width / 2) * s, v = (y - PAGE_MM.height / 2) * s;
      return [cx + u * Math.cos(a) - v * Math.sin(a), cy + u * Math.sin(a) + v * Math.cos(a)];
    };
    const top = m.baselines[0] - m.cap - 0.6, bottom = m.baselines[1] + 0.6, right = m.left + 44 * m.pitch;
    const mrz = [at(m.left - 0.5, top), at(right, top), at(right, bottom), at(m.left - 0.5, bottom)];
    const margin = 10;
    if (mrz.every(([x, y]) => x > margin && y > margin && x < FRAME_SIZE.width - margin && y < FRAME_SIZE.height - margin)) {
      return { page: [at(0, 0), at(PAGE_MM.width, 0), at(PAGE_MM.width, PAGE_MM.height), at(0, PAGE_MM.height)], mrz };
    }
  }
}

export interface GenerateOptions {
  families: readonly PageFamily[];
  difficulties: readonly Difficulty[];
  sessions: number;
  frames: number;
  out: string;
  today?: { year: number; month: number; day: number };
}

export function readMrzManifest(dir: string): MrzManifest | null {
  const f = path.join(dir, "manifest.json");
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as MrzManifest) : null;
}

/** Generate one set per family × difficulty. Returns the number of frames written. */
export async function generateMrzPages(o: GenerateOptions): Promise<number> {
  const today = o.today ?? { year: 2026, month: 12, day: 4 };
  let n = 0;
  for (const family of o.families) {
    for (const difficulty of o.difficulties) {
      const dir = path.join(o.out, `${family}-${difficulty}`);
      mkdirSync(dir, { recursive: true });
      const entries: MrzManifestEntry[] = [];
      for (let session = 0; session < o.sessions; session++) {
        const r = rng(FAMILY_SEED[family] + DIFF_SEED[difficulty] + session);
        const holder: Holder = makeHolder(r, today);
        const m = placeMrz(r);
        const png = await renderPage(family, holder, m, r);
        const p = pose(r, difficulty, m);
        const raster = await loadCard(png, cardWidthInFrame(p.page));
        for (let k = 0; k < o.frames; k++) {
          const shot = randomShot(r, difficulty, p.page);
          const file = `${String(session).padStart(4, "0")}-${k}.jpg`;
          writeFileSync(path.join(dir, file), await photograph(raster, shot, Math.floor(r() * 2 ** 31)));
          entries.push({ file, session, frame: k, lines: holder.lines, mrzCorners: p.mrz });
          n++;
        }
        raster.data.fill(0);
      }
      const manifest: MrzManifest = { family, difficulty, entries };
      writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    }
  }
  return n;
}

export function parsePageFamilies(s: string): PageFamily[] | null {
  if (s === "all") return [...ALL_FAMILIES];
  if (s === "tuning") return [...TUNING_FAMILIES];
  if (s === "heldouts") return [...HELDOUT_FAMILIES];
  const list = s.split(",");
  return list.every((f) => (ALL_FAMILIES as readonly string[]).includes(f)) ? (list as PageFamily[]) : null;
}

export function parseDifficultyList(s: string): Difficulty[] | null {
  const all: Difficulty[] = ["easy", "moderate", "hard"];
  if (s === "all") return all;
  const list = s.split(",");
  return list.every((d) => (all as string[]).includes(d)) ? (list as Difficulty[]) : null;
}

export function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : def;
}

async function main(argv: string[]): Promise<void> {
  const families = parsePageFamilies(arg(argv, "family", "tuning"));
  const difficulties = parseDifficultyList(arg(argv, "difficulty", "moderate"));
  const sessions = Number(arg(argv, "sessions", "40"));
  const frames = Number(arg(argv, "frames", "3"));
  if (!families || !difficulties || !(sessions > 0) || !(frames > 0)) {
    console.error("usage: gen:mrzpages [--family classic|banded|heldout|heldout-ocrb|tuning|heldouts|all] [--difficulty easy|moderate|hard|all] [--sessions N] [--frames K] [--out DIR]");
    process.exit(2);
  }
  for (const f of families.filter(isHeldout)) console.log(`note: includes the held-out family "${f}": evaluate on it, never tune on it`);
  const t0 = Date.now();
  const n = await generateMrzPages({ families, difficulties, sessions, frames, out: arg(argv, "out", "test-output/mrzpages") });
  console.log(`wrote ${n} frames in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && /gen-mrzpages\.(mjs|ts|js)$/.test(process.argv[1])) await main(process.argv.slice(2));
