/**
 * Residence-card front images like the chip's (G4 TIFF), with their truth.
 *
 *   npm run gen:rcfaces -- [--out DIR] [--cards 20] [--family tuning|heldout|all|NAME,…] [--degraded] [--no-png]
 *
 * Writes DIR/<family>-<seed>[-<damage>].tif (+ .png to look at, unless --no-png) and DIR/cases.json. Seeds differ per
 * family, so the held-out family shares no person with the tuning families.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CalendarDate } from "../../src/age/date";
import { makePerson, placeCard, rng, RC_HELDOUT, RC_TUNING, type RcFamily, type RcPerson } from "./cards";
import { degrade, DEGRADATIONS, type Degradation } from "./degrade";
import { renderFront, toG4Tiff, toPng, type Bitmap } from "./render";

export interface RcCase {
  readonly id: string;
  readonly family: RcFamily;
  readonly degradation: Degradation;
  readonly person: RcPerson;
  readonly tiff: Buffer;
  readonly bitmap: Bitmap;
}

export const FAMILY_SEED: Record<RcFamily, number> = { std: 1000, labelled: 2000, compact: 3000, spr: 4000, heldout: 9000 };

/** The genuine card `index` of a family, and optionally its degraded copies. */
export async function makeCases(family: RcFamily, index: number, today: CalendarDate, degraded: boolean): Promise<RcCase[]> {
  const seed = FAMILY_SEED[family] + index;
  const person = makePerson(seed, today, family === "spr" || (family === "heldout" && index % 4 === 3) ? "spr" : "rc");
  const runs = placeCard(person, family, seed);
  const bitmap = await renderFront(runs, family);
  const out: RcCase[] = [{ id: `${family}-${String(seed)}`, family, degradation: "none", person, tiff: await toG4Tiff(bitmap), bitmap }];
  if (!degraded) return out;
  const birthRun = runs.find((t) => t.field === "birth");
  const r = rng(seed * 7 + 3);
  for (const kind of DEGRADATIONS) {
    const b = degrade(bitmap, kind, r, (birthRun?.y ?? 16) - (birthRun?.size ?? 2.5) * 0.4);
    out.push({ id: `${family}-${String(seed)}-${kind}`, family, degradation: kind, person, tiff: await toG4Tiff(b), bitmap: b });
  }
  return out;
}

export function parseRcFamilies(s: string): RcFamily[] | null {
  if (s === "all") return [...RC_TUNING, RC_HELDOUT];
  if (s === "tuning") return [...RC_TUNING];
  if (s === "heldout") return [RC_HELDOUT];
  const all: readonly string[] = [...RC_TUNING, RC_HELDOUT];
  const xs = s.split(",");
  return xs.every((x) => all.includes(x)) ? (xs as RcFamily[]) : null;
}

function arg(argv: readonly string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? def) : def;
}

async function main(argv: readonly string[]): Promise<void> {
  const out = arg(argv, "out", "test-output/rcfaces");
  const cards = Number(arg(argv, "cards", "20"));
  const families = parseRcFamilies(arg(argv, "family", "all"));
  if (!families || !Number.isInteger(cards) || cards < 1) {
    console.error("usage: gen:rcfaces -- [--out DIR] [--cards N] [--family tuning|heldout|all|NAME,…] [--degraded] [--no-png]");
    process.exit(2);
  }
  const today: CalendarDate = { year: 2026, month: 12, day: 4 };
  mkdirSync(out, { recursive: true });
  const manifest: { id: string; family: string; degradation: string; kind: string; birth: CalendarDate; expiry: CalendarDate; cardNumber: string }[] = [];
  for (const f of families) {
    for (let i = 0; i < cards; i++) {
      for (const c of await makeCases(f, i, today, argv.includes("--degraded"))) {
        writeFileSync(path.join(out, `${c.id}.tif`), c.tiff);
        if (!argv.includes("--no-png")) writeFileSync(path.join(out, `${c.id}.png`), await toPng(c.bitmap));
        manifest.push({ id: c.id, family: f, degradation: c.degradation, kind: c.person.kind, birth: c.person.birth, expiry: c.person.expiry, cardNumber: c.person.cardNumber });
      }
    }
  }
  writeFileSync(path.join(out, "cases.json"), JSON.stringify({ today, cases: manifest }, null, 1));
  console.log(`wrote ${String(manifest.length)} images to ${out}`);
}

if (process.argv[1]?.endsWith("rcface-gen.mjs")) await main(process.argv.slice(2));
