import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeFrame } from "../../src/image/decode";
import { findMrz } from "../../src/mrz/find";
import { isFiller } from "../../src/mrz/glyphs";
import { readMrzManifest } from "./gen-mrzpages";
for (const dir of process.argv.slice(2)) {
  const m = readMrzManifest(dir)!;
  const fpc: string[] = []; let lines = 0, n44 = 0, fp = 0, fn = 0, tot = 0;
  const counts: number[] = [];
  for (const e of m.entries) {
    const f = await decodeFrame({ width: 0, height: 0, format: "jpeg", data: new Uint8Array(readFileSync(path.join(dir, e.file))), capturedAt: 0 });
    if (!f.ok) continue;
    const r = findMrz(f.image);
    if (!r.found) continue;
    for (let i = 0; i < 2; i++) {
      lines++;
      const l = r.lines[i]!;
      counts.push(l.glyphs.length);
      if (l.glyphs.length !== 44) continue;
      n44++;
      l.glyphs.forEach((g, k) => { const want = e.lines[i]![k] === "<"; const got = isFiller(f.image, g); tot++; if (got && !want) { fp++; fpc.push(e.lines[i]![k]!); } if (!got && want) fn++; });
    }
  }
  console.log(dir, "lines", lines, "with44", n44, "glyphs", tot, "filler-false+", fp, "filler-false-", fn, "fp chars", fpc.join(""), "counts", counts.filter(c => c !== 44).join(","));
}
