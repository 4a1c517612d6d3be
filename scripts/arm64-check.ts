/**
 * Step 2 of scripts/arm64-check.sh: run the face engine (Human, tfjs WASM), the whole card-face
 * reader (src/cardfront/frame-read.ts: find the card, its side, the text lines, OCR with tesseract.js,
 * the fields) and the passport MRZ reader (src/mrz/frame.ts, our own OCR-B classifier) on the
 * prepared fixtures and print the answers as JSON. The same file runs on x86 and on arm64 (under qemu-aarch64); the shell script compares the two. Runs only WASM/JS engines (the
 * card arrives as a raw grey frame, so libvips, a native addon loaded only for encoded images, is
 * never loaded), so that an arm64 Node can run it with the x86 machine's node_modules.
 * Usage: node dist/scripts/arm64-check.mjs DIR
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { newFrameMemory, readFrame } from "../src/cardfront/frame-read";
import { createTesseractOcr } from "../src/cardfront/tesseract";
import { cosineSimilarity } from "../src/face/compare";
import { createHumanEngine } from "../src/face/human";
import { judgeLines, readMrzLines } from "../src/mrz/frame";
import { createJp2Decoder } from "../src/face/jp2";

const dir = process.argv[2];
if (!dir) throw new Error("usage: arm64-check.mjs DIR");
const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as {
  name: string;
  liveSize: [number, number];
  cardSize: [number, number];
  mrzSize: [number, number];
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
  // The sim assets are dated for the demo's clock; any fixed day gives the same fields.
  const card = await readFrame(
    { ocr },
    { width: cw, height: ch, format: "gray", data: new Uint8Array(readFileSync(path.join(dir, `${f.name}-card.grey`))), capturedAt: 0 },
    { year: 2026, month: 12, day: 4 },
    AbortSignal.timeout(1_800_000),
    newFrameMemory(),
  );
  // The fields as read (fictional sim-asset people), or why not: compared as a whole.
  const fields = card.kind === "front" ? [card.birth, card.expiry, card.securityCode] : [];
  const ocrAnswer = { kind: card.kind, read: fields.filter((x) => x.ok).length, fields: fields.map((x) => (x.ok ? x.value : x.reason)) };
  const [mw, mh] = f.mrzSize;
  const lines = readMrzLines({ kind: "grey", width: mw, height: mh, data: new Uint8Array(readFileSync(path.join(dir, `${f.name}-mrz.grey`))) });
  const judged = judgeLines(lines);
  const mrz = {
    kind: judged.kind,
    line2: judged.kind === "valid" ? judged.line2 : null,
    minMargin: lines.kind === "lines" ? r3(Math.min(...lines.margins[1])) : null,
  };
  answers.push({
    fixture: f.name,
    chipFaces: chip.faces.length,
    liveFaces: live.faces.length,
    liveBox: live.faces[0] ? Object.values(live.faces[0].box).map(Math.round) : null,
    liveness: live.faces[0] ? r3(live.faces[0].liveness) : null,
    similarity: chip.faces[0] && live.faces[0] ? r3(cosineSimilarity(chip.faces[0].embedding, live.faces[0].embedding)) : null,
    cardFace: ocrAnswer,
    mrz,
  });
}
await ocr.close();
await engine.close();
console.log(JSON.stringify({ arch: process.arch, node: process.version, answers }, null, 1));
