import { readFileSync } from "node:fs";
import path from "node:path";
import { createTesseractOcr } from "../../src/cardfront/tesseract";
import { readMrzFrame } from "../../src/mrz/frame";
import { readMrzManifest } from "./gen-mrzpages";
const ocr = await createTesseractOcr();
for (const dir of process.argv.slice(2)) {
  const m = readMrzManifest(dir)!;
  let valid = 0, wrong = 0;
  for (const e of m.entries) {
    const frame = { width: 0, height: 0, format: "jpeg" as const, data: new Uint8Array(readFileSync(path.join(dir, e.file))), capturedAt: 0 };
    const c0 = process.cpuUsage();
    const r = await readMrzFrame(ocr, frame, new AbortController().signal);
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    if (r.kind === "valid") { valid++; if (r.line2 !== e.lines[1]) { wrong++; console.log("WRONG", e.file); } }
    console.log(e.file, r.kind, r.kind === "invalid" ? r.failed.join(",") : r.kind === "no-mrz" ? r.reason : "", cpu.toFixed(0), "ms cpu");
  }
  console.log(dir, "valid", valid, "/", m.entries.length, "wrong", wrong);
}
await ocr.close();
