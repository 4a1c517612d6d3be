/**
 * Synthetic card-face photo generator with layout families (see scripts/cardface/README.md).
 *
 *   npm run gen:cardfaces -- [--family classic|bottom-expiry|foreign|dense|heldout|tuning|all]
 *                            [--difficulty easy|moderate|hard|all] [--sessions 40] [--frames 4]
 *                            [--backs 4] [--jobs 2] [--out test-output/cardfaces] [--today YYYY-MM-DD]
 *   npm run gen:cardfaces -- --sim-assets DIR
 *
 * Writes `<out>/<family>-<difficulty>/NNNN-K.jpg` plus `manifest.json` (truth: the person, the printed
 * texts, where every group was placed and how far it moved, the shot). A session is one fictional
 * person whose card lies on the tray for `--frames` frames. Each card is rendered ONCE (cached in
 * `<out>/cache/` by content hash) and photographed for every difficulty and frame; the same people
 * appear in a family's three difficulties (paired comparison), families use disjoint seeds.
 * Needs ImageMagick 6 (`convert`), fonts-noto-cjk and fonts-dejavu; sharp (libvips) does the rest.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Frame } from "../../src/camera/camera";
import { parseIsoDate, tokyoDate, type CalendarDate } from "../../src/age/date";
import { ALL_FAMILIES, HELDOUT_FAMILY, TUNING_FAMILIES, placeCard, type Box, type CardTexts, type FamilyName, type FontName, type GroupKey, type PlacedCard } from "./families";
import { makePeople, readDeckPeople, rng, type CardPerson } from "./people";
import { birthText, closeRenderers, expiryText, renderBack, renderPlaced, RENDER_SIZE } from "./render";
import { cardWidthInFrame, loadCard, photograph, randomShot, type Difficulty, type Shot } from "./photograph";

export const DIFFICULTIES: readonly Difficulty[] = ["easy", "moderate", "hard"];

export interface ManifestEntry {
  file: string;
  session: number;
  frame: number;
  side: "front" | "back";
  person: CardPerson;
  family: FamilyName;
  difficulty: Difficulty;
  font: FontName;
  /** Front only: the printed strings and where each group landed (mm), with its move and scale. */
  texts?: CardTexts;
  layout?: { key: GroupKey; box: Box; dx: number; dy: number; scale: number }[];
  shot: Shot;
}

/** Disjoint seed ranges per family (the held-out family far from the others). */
const FAMILY_SEED: Record<FamilyName, number> = { classic: 11_000, "bottom-expiry": 12_000, foreign: 13_000, dense: 14_000, compact: 15_000, heldout: 97_000 };
const DIFF_SEED: Record<Difficulty, number> = { easy: 1, moderate: 2, hard: 3 };

const FOREIGN_NAMES = [
  "SMITH JOHN", "NGUYEN VAN AN", "SILVA MARIA", "KIM MINJUN", "LI WEI", "GARCIA ANA", "TRAN THI HOA", "SANTOS JOAO PEDRO",
  "PATEL RAJESH KUMAR", "MULLER ANNA", "RODRIGUEZ CARLOS ALBERTO", "WANG XIAOMING", "PEREIRA LUCAS", "OKAFOR CHINEDU",
];
const BUILDINGS = ["", "", "コーポ青葉202号室", "グランドハイツ1105", "サンライズ荘3号", "メゾン桜101"];

/** Address lines for a family: classic/bottom-expiry/compact 1–2, foreign 2–3, dense 1–4 (dense or sparse),
 *  held-out 1–3. */
function addressLines(p: CardPerson, family: FamilyName, r: () => number): string[] {
  const full = p.address;
  const cut = Math.max(6, Math.min(full.length - 3, 7 + Math.floor(r() * 4)));
  const building = BUILDINGS[Math.floor(r() * BUILDINGS.length)] ?? "";
  const two = [full.slice(0, cut), full.slice(cut) + (building ? ` ${building}` : "")];
  switch (family) {
    case "classic":
    case "bottom-expiry":
      return r() < 0.6 ? [full] : two;
    case "compact":
      return r() < 0.5 ? [full] : two;
    case "foreign": {
      const b = building || "レジデンス西" + String(100 + Math.floor(r() * 900));
      return r() < 0.5 ? [full.slice(0, cut), full.slice(cut), b] : [full, b];
    }
    case "dense": {
      const n = 1 + Math.floor(r() * 4);
      if (n === 1) return [full];
      if (n === 2) return two;
      const third = Math.floor(full.length / 3);
      const lines = [full.slice(0, third), full.slice(third, 2 * third), full.slice(2 * third)];
      return n === 3 ? lines : [...lines, building || "（方書）第二ビル4階"];
    }
    case "heldout":
      return r() < 0.4 ? [full] : r() < 0.6 ? two : [...two, "別館"];
  }
}

/** The person as a family prints them (foreign residents: Latin name, Western birth date). */
function adapt(p: CardPerson, family: FamilyName, r: () => number): CardPerson {
  if (family !== "foreign") return p;
  const name = FOREIGN_NAMES[Math.floor(r() * FOREIGN_NAMES.length)] ?? "SMITH JOHN";
  const words = name.split(" ");
  // long names wrap onto a second line, as on residence-card style printing
  const printed = name.length > 16 && words.length > 2 ? `${words.slice(0, 2).join(" ")}\n${words.slice(2).join(" ")}` : name;
  return { ...p, name: printed, label: name, birthPrinting: "western" };
}

export function cardTexts(p: CardPerson, family: FamilyName, r: () => number): CardTexts {
  return { name: p.name, address: addressLines(p, family, r), birth: birthText(p), sex: p.sex, expiry: expiryText(p), securityCode: p.securityCode };
}

function fontFor(family: FamilyName, r: () => number): FontName {
  if (family === "heldout") return "Noto Serif CJK JP";
  if (family === "compact") {
    const x = r();
    return x < 0.4 ? "IPAexMincho" : x < 0.6 ? "Noto Serif CJK JP" : "IPAexGothic";
  }
  return r() < 0.75 ? "Noto Sans CJK JP" : "Noto Serif CJK JP";
}

/** Cached render: `<cache>/<sha1 of what is drawn>.png`. */
async function cachedRender(cache: string, key: string, make: () => Promise<Buffer>): Promise<{ png: Buffer; hit: boolean }> {
  const file = path.join(cache, `${createHash("sha1").update(key).digest("hex").slice(0, 20)}.png`);
  if (existsSync(file)) return { png: readFileSync(file), hit: true };
  const png = await make();
  writeFileSync(file, png);
  return { png, hit: false };
}

export interface GenerateOptions {
  families: readonly FamilyName[];
  difficulties: readonly Difficulty[];
  sessions: number;
  frames: number;
  backs: number;
  jobs: number;
  out: string;
  today: CalendarDate;
  /** Largest move per group, mm (default 8). */
  moveMm?: number;
  log?: (s: string) => void;
}

export interface GenerateStats {
  sessions: number;
  frames: number;
  renders: number;
  cacheHits: number;
  seconds: number;
  /** Distribution of group moves (max of |dx|, |dy|) over the moving text fields. */
  moves: { fields: number; atLeast4: number; atLeast6: number; max: number };
}

interface Job {
  family: FamilyName;
  session: number;
  side: "front" | "back";
  person: CardPerson;
}

/** Generate every family × difficulty; returns counts and timing (manifests are written per set). */
export async function generate(o: GenerateOptions): Promise<GenerateStats> {
  const t0 = performance.now();
  const cache = path.join(o.out, "cache");
  mkdirSync(cache, { recursive: true });
  const manifests = new Map<string, ManifestEntry[]>();
  const stats: GenerateStats = { sessions: 0, frames: 0, renders: 0, cacheHits: 0, seconds: 0, moves: { fields: 0, atLeast4: 0, atLeast6: 0, max: 0 } };
  for (const f of o.families) {
    for (const d of o.difficulties) {
      mkdirSync(path.join(o.out, `${f}-${d}`), { recursive: true });
      manifests.set(`${f}-${d}`, []);
    }
  }
  const jobs: Job[] = [];
  for (const family of o.families) {
    const people = makePeople(o.sessions + o.backs, FAMILY_SEED[family], o.today);
    people.forEach((person, session) => jobs.push({ family, session, side: session >= o.sessions ? "back" : "front", person }));
  }
  const one = async (j: Job): Promise<void> => {
    const r = rng(FAMILY_SEED[j.family] * 31 + j.session);
    const person = adapt(j.person, j.family, r);
    const font = fontFor(j.family, r);
    let png: { png: Buffer; hit: boolean };
    let texts: CardTexts | undefined;
    let placed: PlacedCard | undefined;
    if (j.side === "front") {
      texts = cardTexts(person, j.family, r);
      const card = placeCard(j.family, texts, Math.floor(r() * 2 ** 31), font, o.moveMm === undefined ? {} : { moveMm: o.moveMm });
      placed = card;
      png = await cachedRender(cache, JSON.stringify(card), () => renderPlaced(card));
      for (const g of card.groups) {
        if (!["name", "address", "birth", "sex", "expiry", "photo", "securityCode"].includes(g.key)) continue;
        const m = Math.max(Math.abs(g.dx), Math.abs(g.dy));
        stats.moves.fields++;
        if (m >= 4) stats.moves.atLeast4++;
        if (m >= 6) stats.moves.atLeast6++;
        stats.moves.max = Math.max(stats.moves.max, m);
      }
    } else {
      const seed = Math.floor(r() * 2 ** 31);
      png = await cachedRender(cache, `back:${JSON.stringify(person)}:${font}:${seed}`, () => renderBack(person, font, rng(seed)));
    }
    if (png.hit) stats.cacheHits++;
    else stats.renders++;
    let raster: Awaited<ReturnType<typeof loadCard>> | null = null;
    let rasterWidth = 0;
    for (const d of o.difficulties) {
      const sr = rng(FAMILY_SEED[j.family] * 97 + DIFF_SEED[d] * 100_003 + j.session);
      const pose = randomShot(sr, d).corners;
      const want = cardWidthInFrame(pose);
      // one decode per card; re-shrink only when a difficulty's pose is much smaller
      if (!raster || want < rasterWidth * 0.8) {
        raster = await loadCard(png.png, Math.min(RENDER_SIZE.width, want * 1.25));
        rasterWidth = raster.width;
      }
      const list = manifests.get(`${j.family}-${d}`) ?? [];
      for (let k = 0; k < o.frames; k++) {
        const shot = randomShot(sr, d, pose);
        const file = `${String(j.session).padStart(4, "0")}-${k}.jpg`;
        writeFileSync(path.join(o.out, `${j.family}-${d}`, file), await photograph(raster, shot, Math.floor(sr() * 2 ** 31)));
        const e: ManifestEntry = { file, session: j.session, frame: k, side: j.side, person, family: j.family, difficulty: d, font, shot };
        if (texts && placed) {
          e.texts = texts;
          e.layout = placed.groups.map((g) => ({ key: g.key, box: g.box, dx: g.dx, dy: g.dy, scale: g.scale }));
        }
        list.push(e);
        stats.frames++;
      }
    }
    stats.sessions++;
    if (stats.sessions % 50 === 0) o.log?.(`  ${stats.sessions}/${jobs.length} sessions, ${stats.frames} frames, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  };
  // `jobs` sessions in flight: their renders (convert processes, librsvg in the libuv pool) overlap
  // with the JavaScript warps of the others.
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, o.jobs) }, async () => {
        while (next < jobs.length) {
          const j = jobs[next++];
          if (j) await one(j);
        }
      }),
    );
  } finally {
    await closeRenderers();
  }
  for (const [set, list] of manifests) {
    list.sort((a, b) => a.session - b.session || a.frame - b.frame);
    writeFileSync(path.join(o.out, set, "manifest.json"), JSON.stringify({ today: o.today, entries: list }));
  }
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}

/** Reads a set's manifest (`<dir>/manifest.json`). */
export function readManifest(dir: string): { today: CalendarDate; entries: ManifestEntry[] } | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { today: CalendarDate; entries: ManifestEntry[] };
  } catch {
    return null;
  }
}

/** One generated photo (`<setDir>/<file>`) as the camera port hands over a JPEG frame; the size is
 *  read from the JPEG by the decoder. Shared by every bench and analysis script over these sets. */
export function loadJpegFrame(setDir: string, file: string): Frame {
  return { width: 0, height: 0, format: "jpeg", data: new Uint8Array(readFileSync(path.join(setDir, file))), capturedAt: 0 };
}

/** One clean, lightly photographed front per person (classic family, design positions) for the
 *  simulated document camera. */
export async function generateSimAssets(people: CardPerson[], dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const r = rng(42);
  for (const p of people) {
    const card = placeCard("classic", cardTexts(p, "classic", () => 0), 1, "Noto Sans CJK JP", { moveMm: 0, scale: 0 });
    const shot = { ...randomShot(r, "easy"), quality: 75 };
    const raster = await loadCard(await renderPlaced(card), cardWidthInFrame(shot.corners) * 1.25);
    writeFileSync(path.join(dir, `${p.id}.jpg`), await photograph(raster, shot, 7));
  }
}

export function parseFamilies(s: string): FamilyName[] | null {
  if (s === "all") return [...ALL_FAMILIES];
  if (s === "tuning") return [...TUNING_FAMILIES];
  const list = s.split(",");
  return list.every((x): x is FamilyName => (ALL_FAMILIES as readonly string[]).includes(x)) ? list : null;
}

export function parseDifficulties(s: string): Difficulty[] | null {
  if (s === "all") return [...DIFFICULTIES];
  const list = s.split(",");
  return list.every((x): x is Difficulty => (DIFFICULTIES as readonly string[]).includes(x)) ? list : null;
}

async function main(argv: string[]): Promise<void> {
  const get = (name: string, def: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : def;
  };
  const today = parseIsoDate(get("today", "")) ?? tokyoDate(Date.now());
  const simAssets = get("sim-assets", "");
  if (simAssets) {
    const deck = readDeckPeople(path.resolve("src/card/sim/deck/deck.json"));
    const people = deck ?? makePeople(9, 77, today);
    await generateSimAssets(people, simAssets);
    console.log(`wrote ${people.length} card fronts to ${simAssets} (${deck ? "deck" : "fictional"} people)`);
    return;
  }
  const families = parseFamilies(get("family", "tuning"));
  const difficulties = parseDifficulties(get("difficulty", "all"));
  if (!families || !difficulties) {
    console.error(`usage: generate [--family ${ALL_FAMILIES.join("|")}|tuning|all] [--difficulty easy|moderate|hard|all] [--sessions N] [--frames K] [--backs M] [--jobs J] [--out DIR]`);
    process.exit(2);
  }
  if (families.includes(HELDOUT_FAMILY)) console.log(`note: includes the held-out family "${HELDOUT_FAMILY}" — evaluate on it, never tune on it`);
  const s = await generate({
    families,
    difficulties,
    sessions: Number(get("sessions", "40")),
    frames: Number(get("frames", "4")),
    backs: Number(get("backs", "4")),
    jobs: Number(get("jobs", "2")),
    out: get("out", "test-output/cardfaces"),
    today,
    log: (x) => console.log(x),
  });
  console.log(
    `wrote ${s.frames} frames of ${s.sessions} cards (${s.renders} rendered, ${s.cacheHits} from cache) in ${s.seconds.toFixed(1)} s` +
      ` = ${((60 * s.sessions * difficulties.length) / Math.max(0.001, s.seconds)).toFixed(0)} sessions/min (a session = one card × one difficulty, ${get("frames", "4")} frames)`,
  );
  const m = s.moves;
  if (m.fields) console.log(`field moves: ${((100 * m.atLeast4) / m.fields).toFixed(0)} % ≥ 4 mm, ${((100 * m.atLeast6) / m.fields).toFixed(0)} % ≥ 6 mm, max ${m.max.toFixed(1)} mm (of ${m.fields} placed fields)`);
}

if (process.argv[1] && /generate\.(mjs|ts|js)$/.test(process.argv[1])) await main(process.argv.slice(2));
