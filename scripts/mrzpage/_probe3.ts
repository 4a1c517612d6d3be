import { readFileSync } from "node:fs";
import path from "node:path";
import { createTesseractOcr } from "../../src/cardfront/tesseract";
import { decodeFrame } from "../../src/image/decode";
import { findMrz, lineStrip } from "../../src/mrz/find";
import { readMrzManifest } from "./gen-mrzpages";
const ocr = await createTesseractOcr();
const dir = process.argv[2]!;
const m = readMrzManifest(dir)!;
for (const e of m.entries.slice(0, Number(process.argv[3] ?? 4))) {
  const f = await decodeFrame({ width: 0, height: 0, format: "jpeg", data: new Uint8Array(readFileSync(path.join(dir, e.file))), capturedAt: 0 });
  if (!f.ok) continue;
  const r = findMrz(f.image);
  if (!r.found) continue;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const o = await ocr.recognizeLine(lineStrip(f.image, r.lines[i]!, r.angleDeg), "mrz", new AbortController().signal);
    console.log(e.lines[i]);
    console.log(o.text, o.confidence.toFixed(0), (performance.now() - t0).toFixed(0), "ms");
  }
}
await ocr.close();
