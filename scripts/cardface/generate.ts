/**
 * Synthetic card-face photo generator.
 *
 *   npm run gen:cardfaces -- --split tune|eval [--sessions 40] [--frames 4] [--difficulty moderate]
 *                            [--backs 4] [--out test-output/cardfaces] [--sim-assets DIR] [--today YYYY-MM-DD]
 *
 * Writes `<out>/<split>-<difficulty>/NNN-K.jpg` plus `manifest.json` (ground truth). A session is one
 * fictional person whose card lies on the tray for `--frames` frames. The tune and eval splits use
 * disjoint seeds (fictional people and shots differ): tune thresholds on `tune`, measure on `eval`.
 * `--sim-assets DIR` instead writes one clean, lightly photographed front per deck person
 * (`<id>.jpg`) for the simulated document camera.
 * Needs ImageMagick 6 (`convert`) and fonts-noto-cjk.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseIsoDate, tokyoDate, type CalendarDate } from "../../src/age/date";
import { makePeople, readDeckPeople, rng, type CardPerson } from "./people";
import { frontArgs, backArgs, type CardFont } from "./render";
import { photographArgs, randomShot, type Difficulty, type Shot } from "./photograph";

export interface ManifestEntry {
  file: string;
  session: number;
  frame: number;
  side: "front" | "back";
  person: CardPerson;
  difficulty: Difficulty;
  font: CardFont;
  shot: Shot;
}

function convert(args: string[], input?: Buffer): Buffer {
  const r = spawnSync("convert", args, { input, maxBuffer: 64 << 20, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`convert failed (${String(r.status)}): ${r.stderr.toString().slice(0, 400)}`);
  return r.stdout;
}

export function renderCard(p: CardPerson, side: "front" | "back", font: CardFont, r: () => number): Buffer {
  const args = side === "front" ? frontArgs(p, font, r) : backArgs(p, font, r);
  return convert([...args, "png:-"]);
}

export function photograph(card: Buffer, shot: Shot): Buffer {
  return convert(photographArgs(shot), card);
}

export interface SetOptions {
  split: "tune" | "eval";
  sessions: number;
  frames: number;
  difficulty: Difficulty;
  backs: number;
  out: string;
  today: CalendarDate;
}

const SEEDS = { tune: 1000, eval: 9000 } as const;
const DIFF_SEED: Record<Difficulty, number> = { easy: 1, moderate: 2, hard: 3 };

/** Generate one split; returns the manifest (also written as manifest.json). */
export function generateSet(o: SetOptions): ManifestEntry[] {
  const dir = path.join(o.out, `${o.split}-${o.difficulty}`);
  mkdirSync(dir, { recursive: true });
  const seed = SEEDS[o.split] + DIFF_SEED[o.difficulty] * 100;
  const people = makePeople(o.sessions + o.backs, seed, o.today);
  const r = rng(seed + 7);
  const manifest: ManifestEntry[] = [];
  people.forEach((person, session) => {
    const side = session >= o.sessions ? "back" : "front";
    const font: CardFont = r() < 0.75 ? "Noto-Sans-CJK-JP" : "Noto-Serif-CJK-JP";
    const card = renderCard(person, side, font, r);
    const pose = randomShot(r, o.difficulty).corners;
    for (let k = 0; k < o.frames; k++) {
      const shot = randomShot(r, o.difficulty, pose);
      const file = `${String(session).padStart(3, "0")}-${k}.jpg`;
      writeFileSync(path.join(dir, file), photograph(card, shot));
      manifest.push({ file, session, frame: k, side, person, difficulty: o.difficulty, font, shot });
    }
  });
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** One clean front per person for the simulated document camera. */
export function generateSimAssets(people: CardPerson[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const r = rng(42);
  for (const p of people) {
    const card = renderCard(p, "front", "Noto-Sans-CJK-JP", r);
    const shot = { ...randomShot(r, "easy"), quality: 75 };
    writeFileSync(path.join(dir, `${p.id}.jpg`), photograph(card, shot));
  }
}

function main(argv: string[]): void {
  const get = (name: string, def: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : def;
  };
  const today = parseIsoDate(get("today", "")) ?? tokyoDate(Date.now());
  const simAssets = get("sim-assets", "");
  if (simAssets) {
    const deck = readDeckPeople(path.resolve("src/card/sim/deck/deck.json"));
    const people = deck ?? makePeople(9, 77, today);
    generateSimAssets(people, simAssets);
    console.log(`wrote ${people.length} card fronts to ${simAssets} (${deck ? "deck" : "fictional"} people)`);
    return;
  }
  const split = get("split", "tune");
  const difficulty = get("difficulty", "moderate");
  if ((split !== "tune" && split !== "eval") || (difficulty !== "easy" && difficulty !== "moderate" && difficulty !== "hard")) {
    console.error("usage: generate --split tune|eval --difficulty easy|moderate|hard [--sessions N] [--frames K] [--backs M] [--out DIR]");
    process.exit(2);
  }
  const t0 = Date.now();
  const m = generateSet({
    split,
    difficulty,
    sessions: Number(get("sessions", "40")),
    frames: Number(get("frames", "4")),
    backs: Number(get("backs", "4")),
    out: get("out", "test-output/cardfaces"),
    today,
  });
  console.log(`wrote ${m.length} frames (${split}-${difficulty}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && /generate\.(mjs|ts|js)$/.test(process.argv[1])) main(process.argv.slice(2));
