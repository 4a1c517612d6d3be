/**
 * bench:card: the kiosk's card read (readCardFace: select, tries left, VERIFY 照合番号B, EF 0002,
 * EF 0004, challenge signature) over the in-process sim reader, with the simulator's latency model on.
 * Prints, per READ BINARY mode: APDU count, bytes moved, wall time, the model's floor for the same
 * exchanges (sim/latency.ts floorMs) and the ratio wall / floor. Target: ratio ≤ 1.2.
 *
 *   npm run bench:card [-- --runs N] [--rate 106|212|424] [--card DECK_ID]
 *
 * Then the e-passport read (issue 18: SELECT, BAC, EF.COM, DG1, DG2 ~15 kB, EF.SOD, DG15 and Active
 * Authentication, all under 3DES secure messaging) of the simulated "genuine-bac" passport, same
 * model, same ratio target; CPU ms of the whole process during the runs is printed beside it
 * (the simulated chip's own crypto runs in this process too).
 *
 * Then the residence card (issue 17: SELECT, card-number mutual authentication, SM VERIFY, SM READ
 * BINARY of the front image, photo and signature; src/card/residence/read.ts) of the simulated
 * "rc-genuine" (first generation) and "rc2-genuine" (second generation) cards, extended APDUs (the
 * reader needs them, spec §4.3 [spec via the notes]), same model and target. The OCR of the front image
 * that follows the read is not part of this row (bench:rcocr measures it).
 *
 * Wall time is the median of N runs (default 5), each on a fresh card; the floor is computed from the
 * exchanges each run actually made, so the ratio is the overhead of our code plus timer granularity.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { MrzKey } from "../src/card/icao/mrz-key";
import { readPassport } from "../src/card/icao/read";
import { passportDeck, type DeckPassport } from "../src/card/sim/passport/deck";
import { readCardFace, type ReadFaceResult } from "../src/card/mynumber/read-face";
import { RetryGuard } from "../src/card/mynumber/retry-policy";
import { CodeB } from "../src/card/secret";
import { loadDeck } from "../src/card/sim/deck";
import { floorMs, LATENCY_106K, LATENCY_212K, LATENCY_424K, type LatencyModel } from "../src/card/sim/latency";
import { openSimReader } from "../src/card/sim/reader";
import { CardNumber } from "../src/card/residence/card-number";
import { readResidenceCard } from "../src/card/residence/read";
import { loadResidenceDeck } from "../src/card/sim/residence/deck";

const TARGET_RATIO = 1.2;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const runs = Math.max(1, Number.parseInt(arg("runs", "5"), 10) || 5);
const rate = arg("rate", "106");
const models: Record<string, LatencyModel> = { "106": LATENCY_106K, "212": LATENCY_212K, "424": LATENCY_424K };
const picked = models[rate];
if (!picked) {
  console.error(`--rate must be 106, 212 or 424 (kbit/s), not ${rate}`);
  process.exit(2);
}
const model: LatencyModel = picked;
const deck = loadDeck();
const person = deck.card(arg("card", "heisei-1"));

interface Sample {
  wallMs: number;
  floorMs: number;
  apdus: number;
  bytesOut: number;
  bytesIn: number;
}

async function once(readMode: "short" | "extended"): Promise<Sample> {
  const card = person.makeCard({ deps: { latency: model } });
  const reader = await openSimReader({ card, extendedApdu: readMode === "extended" });
  const code = CodeB.fromDigits(person.codeB);
  if (!code) throw new Error(`deck card ${person.id} has no valid 照合番号B`);
  const signal = AbortSignal.timeout(60_000);
  const channel = await reader.connect(signal);
  const t0 = performance.now();
  const result: ReadFaceResult = await readCardFace({
    transmit: channel,
    code,
    nonce: new Uint8Array(32).fill(0x5a),
    guard: new RetryGuard(),
    signal,
    readMode,
  });
  const wallMs = performance.now() - t0;
  code.wipe();
  await reader.close();
  if (!result.ok) throw new Error(`read failed: ${result.failure.kind}`);
  result.purge();
  return {
    wallMs,
    floorMs: floorMs(result.stats.exchanges, model),
    apdus: result.stats.apdus,
    bytesOut: result.stats.bytesOut,
    bytesIn: result.stats.bytesIn,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

console.log(
  `bench:card  deck card ${person.id}, latency model ${rate} kbit/s ` +
    `(per APDU ${model.perApduMs} ms, ${model.bitsPerByte} bits/byte, ${model.perFrameMs} ms per ${model.frameBytes}-byte frame, ` +
    `signature ${model.signMs} ms), median of ${runs} runs`,
);
console.log("mode      APDUs  bytes out  bytes in  bytes total  wall ms  floor ms  ratio  target");
let worst = 0;
for (const mode of ["short", "extended"] as const) {
  await once(mode); // warm-up: JIT, key import
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once(mode));
  const s = samples[0];
  if (!s) continue;
  const wall = median(samples.map((x) => x.wallMs));
  const floor = median(samples.map((x) => x.floorMs));
  const ratio = wall / floor;
  worst = Math.max(worst, ratio);
  console.log(
    [
      mode.padEnd(8),
      String(s.apdus).padStart(5),
      String(s.bytesOut).padStart(10),
      String(s.bytesIn).padStart(9),
      String(s.bytesOut + s.bytesIn).padStart(12),
      wall.toFixed(1).padStart(8),
      floor.toFixed(1).padStart(9),
      ratio.toFixed(3).padStart(6),
      `${ratio <= TARGET_RATIO ? "ok" : "OVER"} (≤ ${TARGET_RATIO})`.padStart(14),
    ].join(" "),
  );
}
// --- e-passport (issue 18) ---
const passports = await passportDeck();
// genuine-bac: the acceptance case (BAC + DG1 + DG2 ~15 kB + SOD, + DG15/AA); genuine-ca: Chip Authentication
// (3DES, brainpoolP256r1) after BAC; genuine-ca-pace: PACE (P-256, AES-128) + Chip Authentication (AES-128).
const passportIds = ["genuine-bac", "genuine-ca", "genuine-ca-pace"] as const;

async function oncePassport(passport: DeckPassport, extended: boolean): Promise<Sample & { cpuMs: number }> {
  const card = passport.makeCard({ latency: model });
  const reader = await openSimReader({ card, extendedApdu: extended });
  const key = MrzKey.fromFields(passport.mrz);
  if (!key.ok) throw new Error("deck passport has no valid MRZ key");
  const signal = AbortSignal.timeout(60_000);
  const channel = await reader.connect(signal);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await readPassport({ transmit: channel, key: key.key, signal, random: (n) => new Uint8Array(randomBytes(n)), extendedApdu: extended });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  key.key.wipe();
  await reader.close();
  if (!r.ok) throw new Error(`passport read failed: ${r.failure.kind}`);
  const dg2 = r.read.files.dg2.length;
  const ca = r.read.ca;
  r.read.purge();
  if (dg2 < 14_000) throw new Error(`DG2 of ${dg2} bytes, not ~15 kB`);
  if (passport.profile.ca && ca?.kind !== "ok") throw new Error(`${passport.id}: Chip Authentication ${JSON.stringify(ca)}`);
  return { wallMs, floorMs: floorMs(r.read.stats.exchanges, model), apdus: r.read.stats.apdus, bytesOut: r.read.stats.bytesOut, bytesIn: r.read.stats.bytesIn, cpuMs: (cpu.user + cpu.system) / 1000 };
}

console.log(`\nbench:card  e-passports (files: EF.COM, DG1, DG2 ~15 kB, SOD, then DG15 + AA or DG14 + CA), latency model ${rate} kbit/s, median of ${runs} runs`);
console.log("  the cpu ms column is the reader's and the simulated chip's CPU in this process (the chip's EC arithmetic included)");
console.log("passport        mode      APDUs  bytes out  bytes in  bytes total  wall ms  floor ms  ratio  cpu ms  target");
for (const id of passportIds) {
  const passport = passports.passport(id);
  for (const extended of [false, true]) {
    await oncePassport(passport, extended);
    const samples: (Sample & { cpuMs: number })[] = [];
    for (let i = 0; i < runs; i++) samples.push(await oncePassport(passport, extended));
    const s = samples[0];
    if (!s) continue;
    const wall = median(samples.map((x) => x.wallMs));
    const floor = median(samples.map((x) => x.floorMs));
    const ratio = wall / floor;
    worst = Math.max(worst, ratio);
    console.log(
      [
        id.padEnd(15),
        (extended ? "extended" : "short").padEnd(8),
        String(s.apdus).padStart(5),
        String(s.bytesOut).padStart(10),
        String(s.bytesIn).padStart(9),
        String(s.bytesOut + s.bytesIn).padStart(12),
        wall.toFixed(1).padStart(8),
        floor.toFixed(1).padStart(9),
        ratio.toFixed(3).padStart(6),
        median(samples.map((x) => x.cpuMs)).toFixed(1).padStart(7),
        `${ratio <= TARGET_RATIO ? "ok" : "OVER"} (≤ ${TARGET_RATIO})`.padStart(14),
      ].join(" "),
    );
  }
}
// --- residence card (issue 17) ---
const residence = loadResidenceDeck();

async function onceResidence(id: string): Promise<Sample & { cpuMs: number }> {
  const entry = residence.get(id);
  const card = entry.makeCard({ latency: model });
  const reader = await openSimReader({ card, extendedApdu: true });
  const number = CardNumber.parse(entry.cardNumber);
  if (!number) throw new Error(`deck card ${id} has no valid card number`);
  const signal = AbortSignal.timeout(60_000);
  const channel = await reader.connect(signal);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await readResidenceCard({ transmit: channel, number, signal, extendedApdu: true });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await reader.close();
  if (!r.ok) throw new Error(`residence read failed: ${r.failure}`);
  r.purge();
  return { wallMs, floorMs: floorMs(r.stats.exchanges, model), apdus: r.stats.apdus, bytesOut: r.stats.bytesOut, bytesIn: r.stats.bytesIn, cpuMs: (cpu.user + cpu.system) / 1000 };
}

console.log(`\nbench:card  residence card (card-number mutual auth + SM VERIFY + SM READ BINARY, extended APDUs), latency model ${rate} kbit/s, median of ${runs} runs`);
console.log("card          APDUs  bytes out  bytes in  bytes total  wall ms  floor ms  ratio  cpu ms  target");
for (const id of ["rc-genuine", "rc2-genuine"]) {
  await onceResidence(id);
  const samples: (Sample & { cpuMs: number })[] = [];
  for (let i = 0; i < runs; i++) samples.push(await onceResidence(id));
  const s = samples[0];
  if (!s) continue;
  const wall = median(samples.map((x) => x.wallMs));
  const floor = median(samples.map((x) => x.floorMs));
  const ratio = wall / floor;
  worst = Math.max(worst, ratio);
  console.log(
    [
      id.padEnd(12),
      String(s.apdus).padStart(5),
      String(s.bytesOut).padStart(10),
      String(s.bytesIn).padStart(9),
      String(s.bytesOut + s.bytesIn).padStart(12),
      wall.toFixed(1).padStart(8),
      floor.toFixed(1).padStart(9),
      ratio.toFixed(3).padStart(6),
      median(samples.map((x) => x.cpuMs)).toFixed(1).padStart(7),
      `${ratio <= TARGET_RATIO ? "ok" : "OVER"} (≤ ${TARGET_RATIO})`.padStart(14),
    ].join(" "),
  );
}
process.exitCode = worst <= TARGET_RATIO ? 0 : 1;
