/**
 * Step 2 of scripts/arm64-check.sh: run the face engine (Human, tfjs WASM) and the OCR (tesseract.js)
 * on the prepared fixtures and print the answers as JSON. The same file runs on x86 and on arm64
 * (under qemu-aarch64); the shell script compares the two. Imports only WASM/JS engines (no native
 * addon), so that an arm64 Node can run it with the x86 machine's node_modules.
 * Usage: node dist/scripts/arm64-check.mjs DIR
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createTesseractOcr } from "../src/cardfront/tesseract";
import { cosineSimilarity } from "../src/face/compare";
import { createHumanEngine } from "../src/face/human";
import { createJp2Decoder } from "../src/face/jp2";

const dir = process.argv[2];
if (!dir) throw new Error("usage: arm64-check.mjs DIR");
const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as {
  name: string;
  liveSize: [number, number];
  cardSize: [number, number];
}[];
const engine = await createHumanEngine({ warmUp: false });
const decoder = await createJp2Decoder();
// Emulated WASM is 10–50× slower: the per-line timeout is lifted (answers, not time, are checked).
const ocr = await createTesseractOcr({ lineTimeoutMs: 1_200_000 });
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const answers = [];
for (const f of index) {
  const chipDecoded = await decoder.decode(new Uint8Array(readFileSync(path.join(dir, `${f.name}-chip.jp2`))));
  if (!chipDecoded.ok) throw new Error("chip unreadable");
  const chip = await engine.analyse(chipDecoded.image, "chip");
  const [w, h] = f.liveSize;
  const live = await engine.analyse({ kind: "rgb", width: w, height: h, data: new Uint8Array(readFileSync(path.join(dir, `${f.name}-live.rgb`))) }, "live");
  const [cw, ch] = f.cardSize;
  const card = { kind: "grey" as const, width: cw, height: ch, data: new Uint8Array(readFileSync(path.join(dir, `${f.name}-card.grey`))) };
  const line = await ocr.recognizeLine(card, "date", AbortSignal.timeout(600_000));
  answers.push({
    fixture: f.name,
    chipFaces: chip.faces.length,
    liveFaces: live.faces.length,
    liveBox: live.faces[0] ? Object.values(live.faces[0].box).map(Math.round) : null,
    liveness: live.faces[0] ? r3(live.faces[0].liveness) : null,
    similarity: chip.faces[0] && live.faces[0] ? r3(cosineSimilarity(chip.faces[0].embedding, live.faces[0].embedding)) : null,
    ocrText: line.text,
    ocrConfidence: Math.round(line.confidence),
  });
}
await ocr.close();
await engine.close();
console.log(JSON.stringify({ arch: process.arch, node: process.version, answers }, null, 1));
