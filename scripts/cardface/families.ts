/**
 * Layout families of the synthetic card faces: the generator's OWN description of where a card prints
 * what. It deliberately does not import the recogniser's `src/cardfront/layout.ts`: the generator is
 * the world, the recogniser must find the fields in it.
 *
 * A family is a design (which groups exist, where they sit, their sizes and fonts, decoration) plus the
 * rule every family shares: each group moves independently by up to ±8 mm in x and y and scales by
 * ±10 % (`placeCard`), re-drawn when it would overlap another group or leave the card. The placed
 * boxes are returned, so the truth of every generated card says where each field really is.
 *
 * Families: five tuning families (`classic`, `bottom-expiry`, `foreign`, `dense`, `compact`) that
 * recogniser and generator presets may be tuned on (`compact` is drawn by a third text renderer,
 * Chromium, with IPAex fonts and a patterned background), and ONE held-out family (`heldout`) that tuning never sees: a
 * different arrangement (labels stacked above values, portrait further right and taller, code beside
 * the portrait's foot), a different font mix and a different text renderer (SVG through librsvg
 * instead of ImageMagick). See scripts/cardface/README.md.
 *
 * The real card's positions are not measured here: the `classic` numbers are our earlier drawing of
 * the published card image (second-hand), the others are invented variations.
 */
import { rng } from "./people";

/** ID-1 card (ISO/IEC 7810), millimetres. */
export const CARD_MM = { width: 85.6, height: 54.0 } as const;

export type FamilyName = "classic" | "bottom-expiry" | "foreign" | "dense" | "compact" | "heldout";
export const TUNING_FAMILIES: readonly FamilyName[] = ["classic", "bottom-expiry", "foreign", "dense", "compact"];
export const HELDOUT_FAMILY: FamilyName = "heldout";
export const ALL_FAMILIES: readonly FamilyName[] = [...TUNING_FAMILIES, HELDOUT_FAMILY];

/** fontconfig family names (Debian fonts-noto-cjk, fonts-dejavu, fonts-ipaexfont-mincho/-gothic). */
export type FontName = "Noto Sans CJK JP" | "Noto Serif CJK JP" | "Noto Sans Mono CJK JP" | "DejaVu Sans" | "DejaVu Serif" | "DejaVu Sans Mono" | "IPAexMincho" | "IPAexGothic";

/** The fields the recogniser must find, and the other printed groups. */
export type GroupKey = "title" | "name" | "address" | "birth" | "sex" | "expiry" | "photo" | "securityCode" | "certBox" | "issuer";

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One printed text run, in card millimetres; `y` is the top of the text's em box. */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  size: number;
  font: FontName;
  fill: string;
  weight?: "normal" | "bold";
}

/** A placed group: its text runs and rectangles, its box and how far it moved from the design. */
export interface PlacedGroup {
  key: GroupKey;
  box: Box;
  dx: number;
  dy: number;
  scale: number;
  runs: TextRun[];
  rects: { box: Box; fill: string; stroke: string; strokeMm: number }[];
}

export interface PlacedCard {
  family: FamilyName;
  renderer: "imagemagick" | "svg" | "chromium";
  tint: string;
  groups: PlacedGroup[];
  /** Portrait tone (varies the head colour). */
  tone: number;
}

/** The printed strings of one card (made by the caller from the person). */
export interface CardTexts {
  name: string;
  /** Address lines (1–4). */
  address: string[];
  birth: string;
  sex: string;
  expiry: string;
  securityCode: string;
}

/** Design of one group before moving: anchor (top-left, mm) and a builder that lays its runs out
 *  relative to the anchor at a scale. */
interface GroupDesign {
  key: GroupKey;
  x: number;
  y: number;
  /** Whether this group moves (decoration that frames the card stays roughly put). */
  moves: boolean;
  build: (x: number, y: number, s: number, t: CardTexts) => { runs: TextRun[]; rects: PlacedGroup["rects"] };
}

interface FamilyDesign {
  renderer: PlacedCard["renderer"];
  groups: GroupDesign[];
  tints: string[];
}

const INK = "#1a1a1a";

/** Width estimate of a string in em: CJK and full-width forms 1 em, ASCII ~0.6 em (digits of Noto
 *  Sans CJK are 0.55 em; a margin keeps the overlap test on the safe side). */
export function textWidthEm(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) < 0x2000 ? (ch === " " ? 0.33 : 0.62) : 1;
  return w;
}

function run(text: string, x: number, y: number, size: number, font: FontName, fill = INK, weight?: "bold"): TextRun {
  return weight ? { text, x, y, size, font, fill, weight } : { text, x, y, size, font, fill };
}

/** Label to the left of the value (the classic card). */
function labelled(label: string, labelSize: number, gap: number, valueSize: number, labelFont: FontName, valueFont: FontName, value: (t: CardTexts) => string[], lineGap = 1.25) {
  return (x: number, y: number, s: number, t: CardTexts) => {
    const vs = valueSize * s;
    const runs = [run(label, x, y + (vs - labelSize * s) * 0.6, labelSize * s, labelFont)];
    value(t).forEach((line, i) => runs.push(run(line, x + gap * s, y + i * vs * lineGap, vs, valueFont)));
    return { runs, rects: [] };
  };
}

/** Label stacked above the value (the held-out card). */
function stacked(label: string, labelSize: number, valueSize: number, labelFont: FontName, valueFont: FontName, value: (t: CardTexts) => string[], lineGap = 1.2) {
  return (x: number, y: number, s: number, t: CardTexts) => {
    const ls = labelSize * s, vs = valueSize * s;
    const runs = [run(label, x, y, ls, labelFont, "#4a4a4a")];
    value(t).forEach((line, i) => runs.push(run(line, x + 0.6 * s, y + ls * 1.25 + i * vs * lineGap, vs, valueFont)));
    return { runs, rects: [] };
  };
}

function photo(w: number, h: number) {
  return (x: number, y: number, s: number) => ({ runs: [], rects: [{ box: { x, y, w: w * s, h: h * s }, fill: "#d8dde0", stroke: "none", strokeMm: 0 }] });
}

function code(size: number, font: FontName, spaced: boolean) {
  return (x: number, y: number, s: number, t: CardTexts) => ({ runs: [run(spaced ? t.securityCode.split("").join(" ") : t.securityCode, x, y, size * s, font)], rects: [] });
}

function boxedExpiry(size: number, font: FontName, stroke: string) {
  return (x: number, y: number, s: number, t: CardTexts) => {
    const vs = size * s;
    const w = textWidthEm(t.expiry) * vs + 3 * s;
    return { runs: [run(t.expiry, x + 1.5 * s, y + 0.8 * s, vs, font)], rects: [{ box: { x, y, w, h: vs + 1.9 * s }, fill: "none", stroke, strokeMm: 0.15 }] };
  };
}

function certBox(w: number, h: number, font: FontName) {
  return (x: number, y: number, s: number) => ({
    runs: [run("電子証明書の有効期限の記載欄", x + 1, y + 0.5, 1.6 * s, font, "#777777")],
    rects: [{ box: { x, y, w: w * s, h: h * s }, fill: "none", stroke: "#999999", strokeMm: 0.1 }],
  });
}

const fixed = (text: string, size: number, font: FontName, fill: string, weight?: "bold") => (x: number, y: number, s: number) => ({ runs: [run(text, x, y, size * s, font, fill, weight)], rects: [] });

const SANS: FontName = "Noto Sans CJK JP";
const SERIF: FontName = "Noto Serif CJK JP";

/** `font` is the card's body font (tuning families draw it per card: 75 % gothic, 25 % mincho). */
function design(family: FamilyName, font: FontName): FamilyDesign {
  const addr = (t: CardTexts) => t.address;
  const one = (k: "name" | "birth" | "sex") => (t: CardTexts) => [t[k]];
  switch (family) {
    case "classic":
      return {
        renderer: "imagemagick",
        tints: ["#e3eef5", "#f1e6ee"],
        groups: [
          { key: "title", x: 3, y: 2.2, moves: false, build: fixed("個人番号カード", 3.0, font, "#203060") },
          { key: "name", x: 3, y: 8.6, moves: true, build: labelled("氏名", 1.8, 8, 4.0, font, font, one("name")) },
          { key: "address", x: 3, y: 16.0, moves: true, build: labelled("住所", 1.8, 8, 2.6, font, font, addr) },
          { key: "birth", x: 3, y: 27.2, moves: true, build: labelled("生年月日", 1.8, 11, 3.2, font, font, one("birth")) },
          { key: "sex", x: 48, y: 27.2, moves: true, build: labelled("性別", 1.8, 5, 3.2, font, font, one("sex")) },
          { key: "expiry", x: 2.5, y: 36.4, moves: true, build: boxedExpiry(3.2, font, "#c05070") },
          { key: "certBox", x: 2.5, y: 44.5, moves: false, build: certBox(53.5, 7, font) },
          { key: "issuer", x: 62, y: 48.5, moves: false, build: fixed("〇〇市長", 2.0, font, "#333333") },
          { key: "photo", x: 60, y: 8, moves: true, build: photo(22, 30) },
          { key: "securityCode", x: 67, y: 40.6, moves: true, build: code(2.4, SANS, true) },
        ],
      };
    case "bottom-expiry":
      return {
        renderer: "imagemagick",
        tints: ["#e6f0ea", "#eef0f6", "#f4efe4"],
        groups: [
          { key: "title", x: 3, y: 2.0, moves: false, build: fixed("個人番号カード", 2.8, font, "#2a4a30") },
          { key: "name", x: 3, y: 8.0, moves: true, build: labelled("氏名", 1.7, 7, 3.8, font, font, one("name")) },
          { key: "address", x: 3, y: 15.5, moves: true, build: labelled("住所", 1.7, 7, 2.5, font, font, addr) },
          { key: "birth", x: 3, y: 28.5, moves: true, build: labelled("生年月日", 1.7, 10, 3.0, font, font, one("birth")) },
          { key: "sex", x: 3, y: 34.0, moves: true, build: labelled("性別", 1.7, 10, 3.0, font, font, one("sex")) },
          { key: "issuer", x: 40, y: 41.0, moves: false, build: fixed("〇〇市長", 2.0, font, "#333333") },
          { key: "photo", x: 59, y: 6, moves: true, build: photo(23, 29) },
          { key: "securityCode", x: 64, y: 37.5, moves: true, build: code(2.4, SANS, true) },
          // expiry on its own line across the bottom, no box
          { key: "expiry", x: 4, y: 47.0, moves: true, build: (x, y, s, t) => ({ runs: [run(t.expiry, x, y, 3.2 * s, font)], rects: [] }) },
        ],
      };
    case "foreign":
      // Foreign resident: Latin-alphabet name (sometimes on two lines), two or three address lines,
      // Western birth date (the caller makes the person so).
      return {
        renderer: "imagemagick",
        tints: ["#e3eef5", "#f1e6ee"],
        groups: [
          { key: "title", x: 3, y: 2.2, moves: false, build: fixed("個人番号カード", 3.0, font, "#203060") },
          { key: "name", x: 3, y: 7.5, moves: true, build: labelled("氏名", 1.8, 7, 3.2, font, "DejaVu Sans", (t) => t.name.split("\n"), 1.15) },
          { key: "address", x: 3, y: 15.0, moves: true, build: labelled("住所", 1.8, 7, 2.3, font, font, addr, 1.3) },
          { key: "birth", x: 3, y: 29.0, moves: true, build: labelled("生年月日", 1.8, 11, 3.0, font, font, one("birth")) },
          { key: "sex", x: 46, y: 29.0, moves: true, build: labelled("性別", 1.8, 5, 3.0, font, font, one("sex")) },
          { key: "expiry", x: 2.5, y: 37.0, moves: true, build: boxedExpiry(3.0, font, "#c05070") },
          { key: "certBox", x: 2.5, y: 45.5, moves: false, build: certBox(52, 6.5, font) },
          { key: "photo", x: 60, y: 8, moves: true, build: photo(22, 30) },
          { key: "securityCode", x: 66, y: 40.6, moves: true, build: code(2.4, SANS, true) },
        ],
      };
    case "dense":
      // Denser or sparser address blocks: 1–4 lines at 2.0–3.0 mm, labels in a narrow column.
      return {
        renderer: "imagemagick",
        tints: ["#eceff3", "#f3eee6"],
        groups: [
          { key: "title", x: 3, y: 1.8, moves: false, build: fixed("個人番号カード", 2.6, font, "#203060", "bold") },
          { key: "name", x: 3, y: 7.0, moves: true, build: labelled("氏名", 1.6, 6.5, 3.6, font, font, one("name")) },
          { key: "address", x: 3, y: 13.0, moves: true, build: labelled("住所", 1.6, 6.5, 2.3, font, font, addr, 1.15) },
          { key: "birth", x: 3, y: 30.5, moves: true, build: labelled("生年月日", 1.6, 9.5, 3.0, font, font, one("birth")) },
          { key: "sex", x: 44, y: 30.5, moves: true, build: labelled("性別", 1.6, 4.5, 3.0, font, font, one("sex")) },
          { key: "expiry", x: 2.5, y: 38.5, moves: true, build: boxedExpiry(3.0, font, "#5070c0") },
          { key: "certBox", x: 2.5, y: 46.0, moves: false, build: certBox(50, 6.5, font) },
          { key: "photo", x: 61, y: 7, moves: true, build: photo(21, 28) },
          { key: "securityCode", x: 66.5, y: 38.5, moves: true, build: code(2.3, SANS, true) },
        ],
      };
    case "compact":
      // A tighter design drawn by Chromium (HTML text through Skia): birth and sex on the row under
      // the name, the address below them, the expiry unboxed at the bottom left, a smaller portrait
      // with the code under it, and a fine rosette pattern behind everything (renderer "chromium",
      // render.ts). Body font per card from IPAex Mincho / Noto Serif / IPAex Gothic (generate.ts).
      return {
        renderer: "chromium",
        tints: ["#e9f0f4", "#f3ece4", "#eef3ea"],
        groups: [
          { key: "title", x: 3, y: 2.0, moves: false, build: fixed("個人番号カード", 2.6, "IPAexGothic", "#304060") },
          { key: "name", x: 3, y: 7.0, moves: true, build: labelled("氏名", 1.6, 6, 3.6, "IPAexGothic", font, one("name")) },
          { key: "birth", x: 3, y: 14.0, moves: true, build: labelled("生年月日", 1.6, 9, 3.0, "IPAexGothic", font, one("birth")) },
          { key: "sex", x: 44, y: 14.0, moves: true, build: labelled("性別", 1.6, 4.5, 3.0, "IPAexGothic", font, one("sex")) },
          { key: "address", x: 3, y: 21.5, moves: true, build: labelled("住所", 1.6, 6, 2.4, "IPAexGothic", font, addr, 1.25) },
          { key: "expiry", x: 3, y: 44.0, moves: true, build: (x, y, s, t) => ({ runs: [run(t.expiry, x, y, 3.0 * s, font)], rects: [] }) },
          { key: "photo", x: 62, y: 9, moves: true, build: photo(19, 25) },
          { key: "securityCode", x: 65, y: 37.0, moves: true, build: code(2.5, "IPAexGothic", true) },
        ],
      };
    case "heldout":
      // Never used for tuning. Labels above values; mincho values, gothic labels, DejaVu digits for the
      // code; the portrait taller and further right with the code beside its foot; expiry boxed at
      // the right of the birth line's row below; drawn as SVG by librsvg (sharp), not ImageMagick.
      return {
        renderer: "svg",
        tints: ["#f2f0e8", "#e8eef2", "#eef2e8"],
        groups: [
          { key: "title", x: 2.5, y: 1.8, moves: false, build: fixed("個人番号カード", 2.7, SERIF, "#402040", "bold") },
          { key: "name", x: 3, y: 6.5, moves: true, build: stacked("氏名", 1.5, 3.6, SANS, SERIF, one("name")) },
          { key: "address", x: 3, y: 14.0, moves: true, build: stacked("住所", 1.5, 2.4, SANS, SERIF, addr, 1.25) },
          { key: "birth", x: 3, y: 26.0, moves: true, build: stacked("生年月日", 1.5, 3.1, SANS, SERIF, one("birth")) },
          { key: "sex", x: 44, y: 26.0, moves: true, build: stacked("性別", 1.5, 3.1, SANS, SERIF, one("sex")) },
          { key: "expiry", x: 20, y: 36.5, moves: true, build: boxedExpiry(2.9, SERIF, "#8a6a20") },
          { key: "issuer", x: 3, y: 48.5, moves: false, build: fixed("〇〇区長", 1.9, SERIF, "#333333") },
          { key: "photo", x: 62.5, y: 5, moves: true, build: photo(20.5, 31) },
          { key: "securityCode", x: 63, y: 38.5, moves: true, build: code(2.6, "DejaVu Sans Mono", false) },
        ],
      };
  }
}

export interface PlaceOptions {
  /** Largest move of a group, mm (default 8). */
  moveMm?: number;
  /** Largest relative scale change (default 0.10). */
  scale?: number;
}

function groupBox(g: { runs: TextRun[]; rects: PlacedGroup["rects"] }): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const r of g.runs) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + textWidthEm(r.text) * r.size);
    y1 = Math.max(y1, r.y + r.size * 1.15);
  }
  for (const r of g.rects) {
    x0 = Math.min(x0, r.box.x);
    y0 = Math.min(y0, r.box.y);
    x1 = Math.max(x1, r.box.x + r.box.w);
    y1 = Math.max(y1, r.box.y + r.box.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

const GAP_MM = 0.8;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.w + GAP_MM && b.x < a.x + a.w + GAP_MM && a.y < b.y + b.h + GAP_MM && b.y < a.y + a.h + GAP_MM;
const inside = (a: Box) => a.x >= 1.2 && a.y >= 1.0 && a.x + a.w <= CARD_MM.width - 1.2 && a.y + a.h <= CARD_MM.height - 1.0;

/**
 * Lay one card out: every moving group gets an independent offset in [-moveMm, +moveMm]² and a scale
 * in [1 - scale, 1 + scale], groups placed in random order; a draw that overlaps an already placed
 * group or leaves the card is drawn again (60 times), and when a group finds no place the whole card
 * is drawn again (20 times per range, then with half the range, …; finally the design itself).
 */
export function placeCard(family: FamilyName, texts: CardTexts, seed: number, font: FontName, o: PlaceOptions = {}): PlacedCard {
  const r = rng(seed);
  const scale = o.scale ?? 0.1;
  const d = design(family, font);
  const add = (g: GroupDesign, dx: number, dy: number, s: number): PlacedGroup => {
    const b = g.build(g.x + dx, g.y + dy, s, texts);
    return { key: g.key, box: groupBox(b), dx, dy, scale: s, runs: b.runs, rects: b.rects };
  };
  const attempt = (range: number, sc: number): PlacedGroup[] | null => {
    const placed = d.groups.filter((g) => !g.moves).map((g) => add(g, 0, 0, 1));
    const moving = d.groups.filter((g) => g.moves);
    for (let i = moving.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      const a = moving[i], b = moving[j];
      if (a && b) [moving[i], moving[j]] = [b, a];
    }
    for (const g of moving) {
      let done: PlacedGroup | null = null;
      for (let k = 0; k < 60 && !done; k++) {
        const c = add(g, (r() * 2 - 1) * range, (r() * 2 - 1) * range, 1 + (r() * 2 - 1) * sc);
        if (inside(c.box) && placed.every((p) => !overlaps(p.box, c.box))) done = c;
      }
      if (!done) return null;
      placed.push(done);
    }
    return placed;
  };
  let groups: PlacedGroup[] | null = null;
  for (let range = o.moveMm ?? 8; !groups && range >= 0.5; range /= 2) {
    for (let k = 0; k < 20 && !groups; k++) groups = attempt(range, scale);
  }
  groups ??= attempt(0, 0) ?? d.groups.map((g) => add(g, 0, 0, 1));
  const tint = d.tints[Math.floor(r() * d.tints.length)] ?? "#eeeeee";
  return { family, renderer: d.renderer, tint, groups, tone: 90 + Math.floor(r() * 80) };
}
