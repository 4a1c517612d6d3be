/**
 * Residence card (issue 17): birth date (or, with --field validity, the card's validity) read from
 * generated chip front images (G4 TIFF).
 *
 *   npm run bench:rcocr -- [--cards 25] [--family tuning|heldout|all|NAME,…] [--degraded] [--field birth|validity] [--json FILE]
 *
 * Printed per split — TUNING families and the HELD-OUT family, never pooled — and per damage
 * (none = genuine images; noise, blur, cut, stain):
 *   answered  images read "sure" / images;
 *   wrong     sure answers whose date differs from the truth (with the one-sided 95 % upper bound,
 *             Clopper–Pearson, on the wrong rate per image);
 *   reasons   why the rest were unsure;
 *   CPU       median process CPU (all threads, incl. tesseract's workers) per image, and p90.
 * Target: exact on every genuine image, 0 wrong on degraded ones, ≤ 150 ms CPU median.
 */
import { writeFileSync } from "node:fs";
import type { CalendarDate } from "../src/age/date";
import { readBirthFromChipImage } from "../src/cardfront/residence/birth-image";
import { readExpiryFromChipImage } from "../src/cardfront/residence/expiry-image";
import { createTesseractOcr } from "../src/cardfront/tesseract";
import { RC_TUNING } from "./rcface/cards";
import { makeCases, parseRcFamilies } from "./rcface/rcface-gen";

function arg(argv: readonly string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? def) : def;
}

/** One-sided 95 % Clopper–Pearson upper bound for k of n. */
function upper95(k: number, n: number): number {
  if (n === 0) return 1;
  if (k >= n) return 1;
  let lo = k / n;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const p = (lo + hi) / 2;
    // P(X ≤ k | p)
    let term = (1 - p) ** n;
    let cdf = term;
    for (let i = 1; i <= k; i++) {
      term *= ((n - i + 1) / i) * (p / (1 - p));
      cdf += term;
    }
    if (cdf > 0.05) lo = p;
    else hi = p;
  }
  return hi;
}

interface Row {
  split: "tuning" | "heldout";
  damage: string;
  n: number;
  sure: number;
  wrong: number;
  reasons: Record<string, number>;
  cpu: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * 0.9)] ?? 0;

async function main(argv: readonly string[]): Promise<void> {
  const cards = Number(arg(argv, "cards", "25"));
  const families = parseRcFamilies(arg(argv, "family", "tuning"));
  const field = arg(argv, "field", "birth");
  if (!families || !Number.isInteger(cards) || cards < 1 || (field !== "birth" && field !== "validity")) {
    console.error("usage: bench:rcocr -- [--cards N] [--family tuning|heldout|all|NAME,…] [--degraded] [--field birth|validity] [--json FILE]");
    process.exit(2);
  }
  const today: CalendarDate = { year: 2026, month: 12, day: 4 };
  const ocr = await createTesseractOcr();
  const rows = new Map<string, Row>();
  const wrongIds: string[] = [];
  try {
    for (const f of families) {
      const split = RC_TUNING.includes(f) ? "tuning" : "heldout";
      for (let i = 0; i < cards; i++) {
        for (const c of await makeCases(f, i, today, argv.includes("--degraded"))) {
          const c0 = process.cpuUsage();
          const deps = { ocr, today: () => today };
          const signal = new AbortController().signal;
          const r =
            field === "birth"
              ? await readBirthFromChipImage(deps, c.tiff, signal)
              : await readExpiryFromChipImage(deps, c.tiff, signal).then((x) => (x.kind === "sure" ? { kind: "sure" as const, date: x.validUntil } : x));
          const used = process.cpuUsage(c0);
          const key = `${split}/${c.degradation}`;
          const row = rows.get(key) ?? { split, damage: c.degradation, n: 0, sure: 0, wrong: 0, reasons: {}, cpu: [] };
          rows.set(key, row);
          row.n++;
          row.cpu.push((used.user + used.system) / 1000);
          if (r.kind === "sure") {
            row.sure++;
            const t = field === "birth" ? c.person.birth : c.person.expiry;
            if (r.date.year !== t.year || r.date.month !== t.month || r.date.day !== t.day) {
              row.wrong++;
              wrongIds.push(c.id);
            }
          } else row.reasons[r.reason] = (row.reasons[r.reason] ?? 0) + 1;
        }
      }
    }
  } finally {
    await ocr.close();
  }
  console.log(`field: ${field}; families: ${families.join(", ")}; ${String(cards)} cards each; today ${String(today.year)}-${String(today.month)}-${String(today.day)}`);
  console.log("split    damage  images  answered         wrong (95% upper)   CPU ms median / p90   unsure reasons");
  for (const r of [...rows.values()].sort((a, b) => a.split.localeCompare(b.split) || a.damage.localeCompare(b.damage))) {
    const reasons = Object.entries(r.reasons).map(([k, v]) => `${k} ${String(v)}`).join(", ");
    console.log(
      `${r.split.padEnd(8)} ${r.damage.padEnd(7)} ${String(r.n).padStart(6)}  ${String(r.sure).padStart(4)} (${((100 * r.sure) / r.n).toFixed(1).padStart(5)} %)  ${String(r.wrong).padStart(4)} (${(100 * upper95(r.wrong, r.n)).toFixed(1)} %)       ${median(r.cpu).toFixed(0).padStart(5)} / ${p90(r.cpu).toFixed(0)}        ${reasons}`,
    );
  }
  if (wrongIds.length) console.log(`WRONG: ${wrongIds.join(" ")}`);
  const json = arg(argv, "json", "");
  if (json) writeFileSync(json, JSON.stringify([...rows.values()], null, 1));
}

await main(process.argv.slice(2));
