import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeFrame } from "../../src/image/decode";
import { findMrz } from "../../src/mrz/find";
import { fillerFeatures } from "../../src/mrz/glyphs";
import { readMrzManifest } from "./gen-mrzpages";
const rows: string[] = [];
for (const dir of process.argv.slice(2)) {
  const m = readMrzManifest(dir)!;
  for (const e of m.entries) {
    const f = await decodeFrame({ width: 0, height: 0, format: "jpeg", data: new Uint8Array(readFileSync(path.join(dir, e.file))), capturedAt: 0 });
    if (!f.ok) continue;
    const r = findMrz(f.image);
    if (!r.found) continue;
    for (let i = 0; i < 2; i++) {
      const l = r.lines[i]!;
      if (l.glyphs.length !== 44) continue;
      l.glyphs.forEach((g, k) => { const ft = fillerFeatures(f.image, g); if (ft) rows.push([e.lines[i]![k], ft.top.toFixed(2), ft.bottom.toFixed(2), ft.middle.toFixed(2), ft.widest.toFixed(2), g.y1 - g.y0 + 1].join(" ")); });
    }
  }
}
console.log(rows.join("\n"));
