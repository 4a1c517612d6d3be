/**
 * bench:memory:breakdown — where the daemon's RSS goes: opens the engines one at a time, as the
 * daemon does, and prints RSS (after GC) and the biggest anonymous mappings after each step.
 * A measurement aid for issue 16; the 1,000-session run is `npm run bench:memory` (bench-pi.ts).
 */
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { applyWasmFlags } from "../src/bin/wasm-flags";
import { createTesseractOcr } from "../src/cardfront/tesseract";
import { createHumanEngine } from "../src/face/human";
import { createJp2Decoder } from "../src/face/jp2";
import { warmFaceStep } from "../src/face/warm";
import { warmCardFace } from "../src/compose/front";
import { parseConfig } from "../src/config";
import { smapsTop } from "./smaps";

applyWasmFlags();
const args = process.argv.slice(2);
// Extra V8 flags to try (set before any engine loads, as bin/wasm-flags.ts does): --v8 "--flag".
for (let i = args.indexOf("--v8"); i >= 0 && i + 1 < args.length; i = args.indexOf("--v8", i + 2)) setFlagsFromString(args[i + 1] ?? "");
const only = (name: string) => !args.includes(`--no-${name}`);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mib = (b: number) => Math.round(b / 1048576);
let last = 0;

function report(step: string): void {
  gc();
  const m = process.memoryUsage();
  console.log(`${step.padEnd(40)} RSS ${String(mib(m.rss)).padStart(4)} MiB (+${mib(m.rss - last)}), heap ${mib(m.heapUsed)}, external ${mib(m.external)}, arrayBuffers ${mib(m.arrayBuffers)}`);
  last = m.rss;
}

report("node + the engines' code");
const ocr = only("ocr") ? await createTesseractOcr() : null;
report("+ OCR workers opened");
const engine = only("face") ? await createHumanEngine({ warmUp: true }) : null;
report("+ face engine (with its warm-up)");
const decoder = await createJp2Decoder();
report("+ JPEG 2000 decoder");
const cfg = parseConfig({});
if (!cfg.ok) throw new Error("default config invalid");
if (engine) await warmFaceStep(engine, decoder, cfg.config.face);
report("+ face-step warm-up");
if (ocr) await warmCardFace(ocr, path.resolve(import.meta.dirname, "../../src/compose"));
report("+ card-face OCR warm-up");
console.log("biggest mappings by RSS:\n" + smapsTop(12));
await ocr?.close();
await engine?.close();
