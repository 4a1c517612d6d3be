/**
 * The small committed test set (test/fixtures/cardface/): one photo per case the tests name — each era,
 * the era boundary days, 29 February, a Western-printed card, glare, blur, low light, an upside-down
 * card, a covered security code, a back side — plus `cases.json` with the truth. Deterministic
 * (fixed seed and shots); regenerate with:
 *
 *   node scripts/run.mjs scripts/cardface/fixtures.ts [--out test/fixtures/cardface]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makePeople, readDeckPeople, rng, type CardPerson } from "./people";
import { placeCard } from "./families";
import { cardTexts } from "./generate";
import { cardWidthInFrame, FRAME_SIZE, loadCard, photograph, randomShot, type Shot } from "./photograph";
import { renderBack, renderPlaced } from "./render";

export interface FixtureCase {
  file: string;
  person: CardPerson;
  side: "front" | "back";
  /** What the pipeline must answer for this single frame. */
  expect: "read" | "not-sure" | "back-side-up";
  note: string;
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf("--out");
  const out = i >= 0 ? (argv[i + 1] ?? "test/fixtures/cardface") : "test/fixtures/cardface";
  mkdirSync(out, { recursive: true });
  const today = { year: 2026, month: 11, day: 21 };
  const deck = readDeckPeople(path.resolve("src/card/sim/deck/deck.json")) ?? [];
  const byId = (id: string) => deck.find((p) => p.id === id);
  const own = makePeople(9, 4242, today); // 0 明治, 1 大正, …, 6 = 1968-02-29 (common-year expiry)
  const pick = (p: CardPerson | undefined, fallback: CardPerson | undefined): CardPerson => {
    const x = p ?? fallback;
    if (!x) throw new Error("no person");
    return x;
  };
  const r = rng(2026);
  const base = (): Shot => ({ ...randomShot(r, "easy"), blur: 0.3, noise: 0.2, quality: 85, glare: null, occlusion: null, light: 1 });
  const cases: { name: string; person: CardPerson; side?: "front" | "back"; shot: (s: Shot) => Shot; expect: FixtureCase["expect"]; note: string }[] = [
    { name: "meiji", person: pick(own[0], undefined), shot: (s) => s, expect: "read", note: "明治44年 5月 3日生" },
    { name: "taisho", person: pick(own[1], undefined), shot: (s) => s, expect: "read", note: "大正13年11月20日生" },
    { name: "showa-64", person: pick(byId("showa-64"), own[2]), shot: (s) => s, expect: "read", note: "1989-01-07, last day of 昭和" },
    { name: "showa-64-b", person: pick(byId("showa-64"), own[2]), shot: (s) => ({ ...s, blur: 0.7, noise: 0.5 }), expect: "read", note: "second frame of the same card" },
    { name: "heisei-1", person: pick(byId("heisei-1"), own[3]), shot: (s) => s, expect: "read", note: "1989-01-08, 平成元年" },
    { name: "heisei-31", person: pick(byId("heisei-31"), own[4]), shot: (s) => s, expect: "read", note: "2019-04-30, last day of 平成" },
    { name: "reiwa-1", person: pick(byId("reiwa-1"), own[5]), shot: (s) => s, expect: "read", note: "2019-05-01, 令和元年" },
    { name: "leap-common", person: pick(own[6], undefined), shot: (s) => s, expect: "read", note: "born 29 February, expiry 28 February of a common year" },
    { name: "leap-deck", person: pick(byId("leap-day"), own[6]), shot: (s) => s, expect: "read", note: "born 29 February, expiry 29 February of a leap year" },
    { name: "western", person: pick(byId("foreign"), own[7]), shot: (s) => s, expect: "read", note: "Western-printed birth date" },
    {
      name: "glare",
      person: pick(byId("senior"), own[8]),
      shot: (s) => ({ ...s, glare: { x: FRAME_SIZE.width * 0.45, y: FRAME_SIZE.height * 0.4, rx: 150, ry: 90, strength: 0.45 } }),
      expect: "read",
      note: "glare spot on the card",
    },
    { name: "blur", person: pick(byId("not-holder"), own[8]), shot: (s) => ({ ...s, blur: 1.2 }), expect: "read", note: "moderate blur" },
    { name: "low-light", person: pick(byId("two-tries"), own[8]), shot: (s) => ({ ...s, light: 0.5, noise: 0.8 }), expect: "read", note: "half exposure with noise" },
    { name: "upside-down", person: pick(byId("minor-18"), own[8]), shot: (s) => ({ ...s, corners: [s.corners[2], s.corners[3], s.corners[0], s.corners[1]] as Shot["corners"] }), expect: "read", note: "card placed rotated by 180°" },
    { name: "heavy-blur", person: pick(byId("blocked"), own[8]), shot: (s) => ({ ...s, blur: 4.5 }), expect: "not-sure", note: "too blurred to read" },
    {
      name: "code-covered",
      person: pick(byId("showa-64"), own[2]),
      shot: (s) => {
        const [bx, by] = s.corners[2] ?? [0, 0];
        const [ax, ay] = s.corners[3] ?? [0, 0];
        // a thumb over the security code (≈ 83 % along the bottom edge, 20 % up)
        const x = ax + (bx - ax) * 0.8, y = ay + (by - ay) * 0.8 - (by - (s.corners[1]?.[1] ?? 0)) * 0.25;
        return { ...s, occlusion: { x: x - 45, y: y - 30, w: 110, h: 200 } };
      },
      expect: "not-sure",
      note: "security code covered by a thumb",
    },
    { name: "back", person: pick(byId("heisei-1"), own[3]), side: "back", shot: (s) => s, expect: "back-side-up", note: "number side up" },
  ];
  const manifest: FixtureCase[] = [];
  for (const c of cases) {
    const side = c.side ?? "front";
    // the classic family at its design positions (the committed fixtures do not move fields)
    const png =
      side === "front"
        ? await renderPlaced(placeCard("classic", cardTexts(c.person, "classic", () => 0), 1, "Noto Sans CJK JP", { moveMm: 0, scale: 0 }))
        : await renderBack(c.person, "Noto Sans CJK JP", r);
    const shot = c.shot(base());
    const file = `${c.name}.jpg`;
    writeFileSync(path.join(out, file), await photograph(await loadCard(png, cardWidthInFrame(shot.corners) * 1.25), shot, 5));
    manifest.push({ file, person: c.person, side, expect: c.expect, note: c.note });
    console.log(`wrote ${file}`);
  }
  writeFileSync(path.join(out, "cases.json"), JSON.stringify({ today, cases: manifest }, null, 1));
}

await main(process.argv.slice(2));
