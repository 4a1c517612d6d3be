/**
 * Fields found by content, not position (issue 12): cards drawn at test time by the generator
 * (scripts/cardface, tuning families classic / bottom-expiry / dense — the first whose design has room
 * for the move — every group at its design place), then ONE field moved
 * by 8 mm up, down, left or right, photographed with an easy shot and read by readFrame. Groups the
 * moved field would cover are dropped when they are not one of the three fields (the name, address,
 * sex, decoration), so nothing overlaps; a move that would leave the card or run into the portrait
 * cannot be drawn and is listed as such (asserted, so the set of drawable cases cannot shrink silently).
 * Also: a card with a second birth line is never read as sure.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarDate } from "../../../src/age/date";
import type { Frame } from "../../../src/camera/camera";
import { readFrame } from "../../../src/cardfront/frame-read";
import { locateCard } from "../../../src/cardfront/locate";
import { classifySide } from "../../../src/cardfront/side";
import { decodeFrame } from "../../../src/image/decode";
import type { OcrPort } from "../../../src/cardfront/ocr";
import { readCardFront } from "../../../src/cardfront/read";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";
import { CARD_MM, placeCard, type Box, type FamilyName, type PlacedCard, type PlacedGroup } from "../../../scripts/cardface/families";
import { cardTexts, generate, readManifest } from "../../../scripts/cardface/generate";
import { makePeople, rng, type CardPerson } from "../../../scripts/cardface/people";
import { cardWidthInFrame, loadCard, photograph, randomShot } from "../../../scripts/cardface/photograph";
import { renderPlaced } from "../../../scripts/cardface/render";
import { printedBirth } from "../../../scripts/cardface/truth";

const today: CalendarDate = { year: 2026, month: 11, day: 21 };
const clock = { now: () => Date.UTC(today.year, today.month - 1, today.day, 3) };
const FIELDS = ["birth", "expiry", "securityCode"] as const;
type Field = (typeof FIELDS)[number];
const MOVES = { up: [0, -8], down: [0, 8], left: [-8, 0], right: [8, 0] } as const;

function person(i: number): CardPerson {
  const p = makePeople(6, 4711, today)[i];
  if (!p) throw new Error("no person");
  return { ...p, birthPrinting: "era" };
}

/** Tuning families tried in order for a move: the first whose design has room for it is used. */
const FAMILIES = ["classic", "bottom-expiry", "dense"] as const;

function design(p: CardPerson, family: (typeof FAMILIES)[number] = "classic"): PlacedCard {
  return placeCard(family, cardTexts(p, family, rng(5)), 99, "Noto Sans CJK JP", { moveMm: 0, scale: 0 });
}

/** The first family's card with the move drawn, or every family's reason. */
function drawn(p: CardPerson, key: Field, dx: number, dy: number): PlacedCard | string {
  const why: string[] = [];
  for (const f of FAMILIES) {
    const c = shifted(design(p, f), key, dx, dy);
    if (typeof c !== "string") return c;
    why.push(`${f}: ${c}`);
  }
  return why.join("; ");
}

const near = (a: Box, b: Box) => a.x < b.x + b.w + 0.8 && b.x < a.x + a.w + 0.8 && a.y < b.y + b.h + 0.8 && b.y < a.y + a.h + 0.8;

function moveGroup(g: PlacedGroup, dx: number, dy: number): PlacedGroup {
  return {
    ...g,
    box: { ...g.box, x: g.box.x + dx, y: g.box.y + dy },
    dx: g.dx + dx,
    dy: g.dy + dy,
    runs: g.runs.map((r) => ({ ...r, x: r.x + dx, y: r.y + dy })),
    rects: g.rects.map((r) => ({ ...r, box: { ...r.box, x: r.box.x + dx, y: r.box.y + dy } })),
  };
}

/** The card with `key` moved, or why it cannot be drawn. */
function shifted(card: PlacedCard, key: Field, dx: number, dy: number): PlacedCard | string {
  const target = card.groups.find((g) => g.key === key);
  if (!target) return "no such group";
  const moved = moveGroup(target, dx, dy);
  const b = moved.box;
  if (b.x < 0.5 || b.y < 0.5 || b.x + b.w > CARD_MM.width - 0.5 || b.y + b.h > CARD_MM.height - 0.5) return "leaves the card";
  const keep: PlacedGroup[] = [];
  for (const g of card.groups) {
    if (g === target) continue;
    if (!near(g.box, moved.box)) keep.push(g);
    else if ((FIELDS as readonly string[]).includes(g.key) || g.key === "photo") return `runs into ${g.key}`;
    // other groups under the moved field are left out
  }
  return { ...card, groups: [...keep, moved] };
}

async function shoot(card: PlacedCard, seed: number): Promise<Frame> {
  const png = await renderPlaced(card);
  const r = rng(seed);
  const shot = randomShot(r, "easy");
  const raster = await loadCard(png, cardWidthInFrame(shot.corners) * 1.25);
  const jpeg = await photograph(raster, shot, seed);
  return { width: 1024, height: 768, format: "jpeg", data: new Uint8Array(jpeg), capturedAt: 0 };
}

let ocr: OcrPort;
beforeAll(async () => {
  ocr = await createTesseractOcr();
});
afterAll(async () => {
  await ocr.close();
});

describe("a field moved by 8 mm is still read", () => {
  const cases = FIELDS.flatMap((field) => Object.entries(MOVES).map(([dir, [dx, dy]], i) => ({ field, dir, dx, dy, who: (FIELDS.indexOf(field) * 4 + i) % 6 })));
  const drawable = cases.filter((c) => typeof drawn(person(c.who), c.field, c.dx, c.dy) !== "string");

  it("draws every move except those into the portrait or off the card", () => {
    const refused = cases.filter((c) => !drawable.includes(c)).map((c) => `${c.field} ${c.dir}`);
    // Every design prints the code right under the portrait (moved up 8 mm it would be inside it),
    // and starts the birth and expiry groups (with their labels / frames) within 8 mm of the card's
    // left edge (moved left they would leave the card). Every other move is drawn and read below.
    expect(refused).toEqual(["birth left", "expiry left", "securityCode up"]);
  });

  it.each(drawable.map((c) => [`${c.field} ${c.dir}`, c] as const))("%s", { timeout: 60_000 }, async (_name, c) => {
    const p = person(c.who);
    const card = drawn(p, c.field, c.dx, c.dy);
    if (typeof card === "string") throw new Error(card);
    const r = await readFrame({ ocr }, await shoot(card, 17 + c.who), today, AbortSignal.timeout(30_000));
    expect(r.kind).toBe("front");
    if (r.kind !== "front") return;
    const want = { birth: printedBirth(p), expiry: p.expiry, securityCode: p.securityCode };
    // `at`: the card box of the line it was read from (readCardFront's same-place rule).
    const num: unknown = expect.any(Number);
    const at: unknown = expect.objectContaining({ x: num, y: num });
    expect(r[c.field]).toEqual({ ok: true, value: want[c.field], at });
  });
});

describe("two lines that both look like a birth date", () => {
  it("is never sure, and says why", { timeout: 120_000 }, async () => {
    const p = person(1);
    const other = person(2);
    const base = design(p);
    // A second birth line (another person's date) where the address was: same print, same size.
    const birth = base.groups.find((g) => g.key === "birth");
    const address = base.groups.find((g) => g.key === "address");
    if (!birth || !address) throw new Error("design without birth/address");
    const second: PlacedGroup = {
      ...moveGroup(birth, address.box.x - birth.box.x, address.box.y - birth.box.y),
      runs: moveGroup(birth, address.box.x - birth.box.x, address.box.y - birth.box.y).runs.map((r) => (r.text.endsWith("生") ? { ...r, text: cardTexts(other, "classic", rng(5)).birth } : r)),
    };
    const card: PlacedCard = { ...base, groups: [...base.groups.filter((g) => g.key !== "address"), second] };
    const frames = [await shoot(card, 3), await shoot(card, 4), await shoot(card, 5)];
    const one = await readFrame({ ocr }, { ...frames[0], data: frames[0]?.data.slice() } as Frame, today, AbortSignal.timeout(30_000));
    expect(one.kind).toBe("front");
    if (one.kind === "front") expect(one.birth).toEqual({ ok: false, reason: "found-twice" });
    const camera = {
      role: "document" as const,
      status: () => "ok" as const,
      still: () => Promise.reject(new Error("not used")),
      async *frames(signal: AbortSignal) {
        for (const f of frames) {
          if (signal.aborted) return;
          yield { ...f, data: f.data.slice() };
          await Promise.resolve();
        }
      },
      close: () => Promise.resolve(),
    };
    const r = await readCardFront({ camera, ocr, clock }, AbortSignal.timeout(60_000), 60_000);
    expect(r.kind).toBe("unsure");
    if (r.kind === "unsure") {
      expect(r.reasons).toContainEqual({ kind: "ambiguous", field: "birth", detail: "found-twice" });
      expect(r.prefill.birthYear).toBeUndefined();
    }
  });
});

describe("a portrait moved by 8 mm (with its code) is still a front (side.ts finds it by content)", () => {
  /** The card with the photo and the code under it moved together, or why it cannot be drawn. */
  function photoMoved(card: PlacedCard, dx: number, dy: number): PlacedCard | string {
    const moving = card.groups.filter((g) => g.key === "photo" || g.key === "securityCode");
    const moved = moving.map((g) => moveGroup(g, dx, dy));
    for (const m of moved) {
      const b = m.box;
      if (b.x < 0.5 || b.y < 0.5 || b.x + b.w > CARD_MM.width - 0.5 || b.y + b.h > CARD_MM.height - 0.5) return "leaves the card";
    }
    const keep: PlacedGroup[] = [];
    for (const g of card.groups) {
      if (moving.includes(g)) continue;
      if (!moved.some((m) => near(g.box, m.box))) keep.push(g);
      else if ((FIELDS as readonly string[]).includes(g.key)) return `runs into ${g.key}`;
    }
    return { ...card, groups: [...keep, ...moved] };
  }
  // Up by 8 mm or right by 8 mm leaves every design's card: 7 mm up and 3 mm right are as far as the
  // photo goes. The diagonal moves on the dense and foreign designs are where the fixed-box side check
  // (before issue 12's follow-up) took fronts for backs on the tuning sets: the moved photo left the
  // code and the text beside it in the back's QR box.
  const moves: { dir: string; dx: number; dy: number; family?: FamilyName }[] = [
    { dir: "up", dx: 0, dy: -7 },
    { dir: "down", dx: 0, dy: 8 },
    { dir: "left", dx: -8, dy: 0 },
    { dir: "right", dx: 3, dy: 0 },
    { dir: "dense, left 5 up 6", dx: -5, dy: -6, family: "dense" },
    { dir: "dense, left 4 up 5", dx: -4, dy: -5, family: "dense" },
    { dir: "foreign, left 3 down 5", dx: -3, dy: 5, family: "foreign" },
    { dir: "foreign, left 8 down 8", dx: -8, dy: 8, family: "foreign" },
  ];
  const cases = moves.map(({ dir, dx, dy, family }, i) => {
    const p = person(i % 6);
    const card = (family ? [family] : FAMILIES).map((f) => photoMoved(placeCard(f, cardTexts(p, f, rng(5)), 99, "Noto Sans CJK JP", { moveMm: 0, scale: 0 }), dx, dy)).find((c) => typeof c !== "string");
    return { dir, card, seed: 31 + i };
  });

  it("draws every move", () => {
    expect(cases.filter((c) => !c.card).map((c) => c.dir)).toEqual([]);
  });

  it.each(cases.map((c) => [c.dir, c] as const))("%s", { timeout: 60_000 }, async (_dir, c) => {
    if (!c.card || typeof c.card === "string") throw new Error("not drawable");
    const r = await readFrame({ ocr }, await shoot(c.card, c.seed), today, AbortSignal.timeout(30_000));
    expect(r.kind).toBe("front");
  });
});

describe("fronts the fixed-box side check took for backs (tuning set dense-easy, session 3)", () => {
  it("are fronts: the portrait is found where it is, not looked for in the photo box", { timeout: 120_000 }, async () => {
    // The generator's own tuning card (every group moved; the photo 4.6 mm left and 6 mm up, the code
    // and text then fill the back's QR box): all four frames were "back-side-up" before.
    const out = mkdtempSync(path.join(os.tmpdir(), "cardface-side-"));
    try {
      await generate({ families: ["dense"], difficulties: ["easy"], sessions: 4, frames: 4, backs: 0, jobs: 1, out, today: { year: 2026, month: 12, day: 5 } });
      const m = readManifest(path.join(out, "dense-easy"));
      const frames = (m?.entries ?? []).filter((e) => e.session === 3);
      expect(frames).toHaveLength(4);
      for (const e of frames) {
        const g = await decodeFrame({ width: 0, height: 0, format: "jpeg", data: new Uint8Array(readFileSync(path.join(out, "dense-easy", e.file))), capturedAt: 0 });
        if (!g.ok) throw new Error("bad frame");
        const loc = locateCard(g.image);
        if (!loc.ok) throw new Error("no card");
        expect(classifySide(g.image, loc.quad).side).toBe("front");
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
