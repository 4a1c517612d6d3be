/**
 * bench:card: the kiosk's card read (readCardFace: select, tries left, VERIFY 照合番号B, EF 0002,
 * EF 0004, challenge signature) over the in-process sim reader, with the simulator's latency model on.
 * Prints, per READ BINARY mode: APDU count, bytes moved, wall time, the model's floor for the same
 * exchanges (sim/latency.ts floorMs) and the ratio wall / floor. Target: ratio ≤ 1.2.
 *
 *   npm run bench:card [-- --runs N] [--rate 106|212|424] [--card DECK_ID]
 *
 * Wall time is the median of N runs (default 5), each on a fresh card; the floor is computed from the
 * exchanges each run actually made, so the ratio is the overhead of our code plus timer granularity.
 */
import { performance } from "node:perf_hooks";
import { readCardFace, type ReadFaceResult } from "../src/card/mynumber/read-face";
import { RetryGuard } from "../src/card/mynumber/retry-policy";
import { CodeB } from "../src/card/secret";
import { loadDeck } from "../src/card/sim/deck";
import { floorMs, LATENCY_106K, LATENCY_212K, LATENCY_424K, type LatencyModel } from "../src/card/sim/latency";
import { openSimReader } from "../src/card/sim/reader";

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
process.exitCode = worst <= TARGET_RATIO ? 0 : 1;
