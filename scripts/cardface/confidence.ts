/**
 * Per-frame field reads on the TUNING families with the engine's lowest per-digit confidence, to
 * choose the date floor (src/cardfront/read.ts MIN_DIGIT_CONFIDENCE) from tuning data only. Refuses
 * the held-out family.
 *
 *   node scripts/run.mjs scripts/cardface/confidence.ts [--dir test-output/cardfaces] [--family tuning]
 *        [--difficulty all] [--sessions 25]
 *
 * Prints, per field: reads that parsed, how many were wrong, every wrong read's confidence, and how
 * many right reads a floor of 50 … 95 would drop.
 */
import path from "node:path";
import { newFrameMemory, readFrame } from "../../src/cardfront/frame-read";
import { createTesseractOcr } from "../../src/cardfront/tesseract";
import { birthKey } from "../../src/cardfront/fields";
import { HELDOUT_FAMILY } from "./families";
import { loadJpegFrame, parseDifficulties, parseFamilies, readManifest } from "./generate";
import { printedBirth } from "./truth";

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : d;
};
const families = parseFamilies(arg("family", "tuning")) ?? [];
if (families.includes(HELDOUT_FAMILY)) {
  console.error("confidence.ts chooses thresholds: it never runs on the held-out family");
  process.exit(2);
}
const difficulties = parseDifficulties(arg("difficulty", "all")) ?? [];
const dir = arg("dir", "test-output/cardfaces");
const sessions = Number(arg("sessions", "25"));
type Rec = { right: boolean; conf: number; where: string };
const recs: Record<"birth" | "expiry" | "securityCode", Rec[]> = { birth: [], expiry: [], securityCode: [] };
const ocr = await createTesseractOcr();
const signal = new AbortController().signal;
try {
  for (const f of families) {
    for (const d of difficulties) {
      const setDir = path.join(dir, `${f}-${d}`);
      const m = readManifest(setDir);
      if (!m) continue;
      let memory = newFrameMemory();
      let last = -1;
      for (const e of m.entries) {
        if (e.side !== "front" || e.session >= sessions) continue;
        if (e.session !== last) {
          memory = newFrameMemory();
          last = e.session;
        }
        const frame = loadJpegFrame(setDir, e.file);
        const r = await readFrame({ ocr }, frame, m.today, signal, memory, { minDateDigitConfidence: 0 });
        if (r.kind !== "front") continue;
        const where = `${f}-${d}/${e.file}`;
        if (r.birth.ok) recs.birth.push({ right: birthKey(r.birth.value) === birthKey(printedBirth(e.person)), conf: r.confidence.birth ?? -1, where });
        if (r.expiry.ok) recs.expiry.push({ right: JSON.stringify(r.expiry.value) === JSON.stringify(e.person.expiry), conf: r.confidence.expiry ?? -1, where });
        if (r.securityCode.ok) recs.securityCode.push({ right: r.securityCode.value === e.person.securityCode, conf: r.confidence.securityCode ?? -1, where });
      }
    }
  }
} finally {
  await ocr.close();
}
for (const [field, rs] of Object.entries(recs)) {
  const wrong = rs.filter((r) => !r.right);
  console.log(`${field}: ${rs.length} reads, ${wrong.length} wrong`);
  for (const w of wrong) console.log(`  wrong at confidence ${w.conf.toFixed(1)}  ${w.where}`);
  const right = rs.filter((r) => r.right).map((r) => r.conf).sort((a, b) => a - b);
  const q = (p: number) => right[Math.floor(p * (right.length - 1))]?.toFixed(1);
  console.log(`  right reads: confidence p1 ${q(0.01)}, p5 ${q(0.05)}, p10 ${q(0.1)}, median ${q(0.5)}`);
  for (const floor of [50, 60, 70, 75, 80, 85, 90, 95]) {
    const lostRight = right.filter((c) => c < floor).length;
    const keptWrong = wrong.filter((w) => w.conf >= floor).length;
    console.log(`  floor ${floor}: drops ${lostRight}/${right.length} right reads, keeps ${keptWrong}/${wrong.length} wrong`);
  }
}
