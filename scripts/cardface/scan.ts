/**
 * Per-frame readings of the TUNING families, saved once so agreement rules can be compared offline
 * (scripts/cardface/rules.ts) without running the engine again. Refuses the held-out family: this
 * tool is for designing rules, and held-out frames are never looked at one by one.
 *
 *   node scripts/run.mjs scripts/cardface/scan.ts [--dir test-output/cardfaces] [--family tuning]
 *        [--difficulty all] [--sessions 25] [--shard I/N] --out FILE.json
 *
 * Each frame is read with one FrameMemory per session, in order, as readCardFront would (it stops
 * early when sure; here all frames are read, so a rule can be replayed on any prefix). Values are
 * fictional (generated people); the file stays under test-output/.
 */
import path from "node:path";
import { writeFileSync } from "node:fs";
import { newFrameMemory, readFrame, type FrameReading } from "../../src/cardfront/frame-read";
import { createTesseractOcr } from "../../src/cardfront/tesseract";
import { birthKey } from "../../src/cardfront/fields";
import type { Box } from "../../src/cardfront/lines";
import { HELDOUT_FAMILY } from "./families";
import { loadJpegFrame, parseDifficulties, parseFamilies, readManifest } from "./generate";
import { printedBirth } from "./truth";

export interface ScannedField {
  ok: boolean;
  /** value key (birthKey / y/m/d / digits) when ok, else the failure reason */
  v: string;
  at?: Box;
  right?: boolean;
  /** dates: the value had passed the digit check in this session by this frame (frame-read.ts DIGIT_CHECK) */
  c?: boolean;
}
export interface ScannedFrame {
  kind: FrameReading["kind"];
  birth?: ScannedField;
  expiry?: ScannedField;
  securityCode?: ScannedField;
  cpuMs: number;
}
export interface ScannedSession {
  set: string;
  session: number;
  today: { year: number; month: number; day: number };
  truth: { birth: string; expiry: string; securityCode: string; western: boolean };
  frames: ScannedFrame[];
}

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : d;
};
const families = parseFamilies(arg("family", "tuning")) ?? [];
if (families.includes(HELDOUT_FAMILY)) {
  console.error("scan.ts is for designing rules: it never runs on the held-out family");
  process.exit(2);
}
const difficulties = parseDifficulties(arg("difficulty", "all")) ?? [];
const dir = arg("dir", "test-output/cardfaces");
const sessions = Number(arg("sessions", "25"));
const out = arg("out", "");
const [shardI, shardN] = arg("shard", "0/1").split("/").map(Number) as [number, number];
if (!out) {
  console.error("--out FILE.json is required");
  process.exit(2);
}
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const ymd = (d: { year: number; month: number; day: number }) => `${d.year}/${d.month}/${d.day}`;
const ocr = await createTesseractOcr();
const signal = new AbortController().signal;
const result: ScannedSession[] = [];
try {
  for (const f of families) {
    for (const d of difficulties) {
      const setDir = path.join(dir, `${f}-${d}`);
      const m = readManifest(setDir);
      if (!m) continue;
      const bySession = new Map<number, typeof m.entries>();
      for (const e of m.entries) if (e.side === "front" && e.session < sessions && e.session % shardN === shardI) bySession.set(e.session, [...(bySession.get(e.session) ?? []), e]);
      for (const [session, entries] of bySession) {
        const p = entries[0]?.person;
        if (!p) continue;
        const truth = { birth: birthKey(printedBirth(p)), expiry: ymd(p.expiry), securityCode: p.securityCode, western: p.birthPrinting === "western" };
        const memory = newFrameMemory();
        const frames: ScannedFrame[] = [];
        for (const e of entries) {
          const frame = loadJpegFrame(setDir, e.file);
          const c0 = cpu();
          const r = await readFrame({ ocr }, frame, m.today, signal, memory);
          const cpuMs = cpu() - c0;
          if (r.kind !== "front") {
            frames.push({ kind: r.kind, cpuMs });
            continue;
          }
          const field = <T>(x: { ok: true; value: T; at?: Box } | { ok: false; reason: string }, key: (v: T) => string, want: string): ScannedField =>
            x.ok ? { ok: true, v: key(x.value), ...(x.at ? { at: x.at } : {}), right: key(x.value) === want } : { ok: false, v: x.reason };
          frames.push({
            kind: "front",
            birth: { ...field(r.birth, birthKey, truth.birth), c: r.confirmed.birth },
            expiry: { ...field(r.expiry, ymd, truth.expiry), c: r.confirmed.expiry },
            securityCode: field(r.securityCode, (s: string) => s, truth.securityCode),
            cpuMs,
          });
        }
        result.push({ set: `${f}-${d}`, session, today: m.today, truth, frames });
      }
      console.log(`${f}-${d}: ${result.length} sessions so far`);
    }
  }
} finally {
  await ocr.close();
}
writeFileSync(out, JSON.stringify(result));
