import { readFileSync } from "node:fs";
import path from "node:path";
import { createTesseractOcr } from "../../src/cardfront/tesseract";
import { decodeFrame } from "../../src/image/decode";
import { findMrz, lineStrip } from "../../src/mrz/find";
import { isFiller } from "../../src/mrz/glyphs";
import { encodeGreyPng } from "../../src/image/png";
import { writeFileSync } from "node:fs";
import { readMrzManifest } from "./gen-mrzpages";
const ocr = await createTesseractOcr();
const dir = process.argv[2]!;
const m = readMrzManifest(dir)!;
for (const e of m.entries) {
  const f = await decodeFrame({ width: 0, height: 0, format: "jpeg", data: new Uint8Array(readFileSync(path.join(dir, e.file))), capturedAt: 0 });
  if (!f.ok) continue;
  const r = findMrz(f.image);
  if (!r.found) { console.log(e.file, r.reason); continue; }
  for (let i = 0; i < 2; i++) {
    const l = r.lines[i]!;
    const fill = l.glyphs.map((b) => isFiller(f.image, b));
    const strip = lineStrip(f.image, l, r.angleDeg, l.glyphs.filter((_, k) => fill[k]));
    writeFileSync(`/tmp/st-${e.file}-${i}.png`, await encodeGreyPng(strip));
    const o = await ocr.recognizeLine(strip, "mrz", new AbortController().signal);
    console.log(e.file, i, l.glyphs.length, "h", l.glyphHeight);
    console.log(" ", e.lines[i]!.replace(/</g, ""));
    console.log(" ", o.text.replace(/\s/g, ""), o.confidence.toFixed(0));
  }
}
await ocr.close();
