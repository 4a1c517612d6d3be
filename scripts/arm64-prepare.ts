/**
 * Step 1 of scripts/arm64-check.sh (runs on the build machine): decode the three fixtures with the
 * kiosk's own decoders (sharp is native, so decoding is done here, not under qemu) and write raw
 * pixels for arm64-check.ts. Usage: node scripts/run.mjs scripts/arm64-prepare.ts OUTDIR
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decodeImageFile } from "../src/image/decode";
import { toGrey } from "../src/image/image";

const out = process.argv[2];
if (!out) throw new Error("usage: arm64-prepare.ts OUTDIR");
mkdirSync(out, { recursive: true });
const root = path.resolve(import.meta.dirname, "../..");
const FIXTURES = [
  { name: "a", chip: "test/fixtures/faces/chip-a.jp2", live: "test/fixtures/faces/live-a.jpg", card: "src/camera/sim-assets/heisei-1.jpg", mrz: "test/fixtures/mrz/classic-moderate/0000-0.jpg" },
  { name: "m", chip: "test/fixtures/faces/chip-m.jp2", live: "test/fixtures/faces/live-m.jpg", card: "src/camera/sim-assets/reiwa-1.jpg", mrz: "test/fixtures/mrz/classic-moderate/0001-0.jpg" },
  { name: "b", chip: "test/fixtures/faces/chip-a.jp2", live: "test/fixtures/faces/live-b.jpg", card: "src/camera/sim-assets/senior.jpg", mrz: "test/fixtures/mrz/banded-moderate/0000-0.jpg" },
];
const index = [];
for (const f of FIXTURES) {
  const live = await decodeImageFile(new Uint8Array(readFileSync(path.join(root, f.live))));
  const card = await decodeImageFile(new Uint8Array(readFileSync(path.join(root, f.card))));
  const mrz = await decodeImageFile(new Uint8Array(readFileSync(path.join(root, f.mrz))));
  if (!live.ok || !card.ok || !mrz.ok) throw new Error(`fixture ${f.name} unreadable`);
  const grey = toGrey(card.image);
  const mrzGrey = toGrey(mrz.image);
  writeFileSync(path.join(out, `${f.name}-mrz.grey`), mrzGrey.data);
  writeFileSync(path.join(out, `${f.name}-live.rgb`), live.image.data);
  writeFileSync(path.join(out, `${f.name}-card.grey`), grey.data);
  writeFileSync(path.join(out, `${f.name}-chip.jp2`), readFileSync(path.join(root, f.chip)));
  index.push({ ...f, liveSize: [live.image.width, live.image.height], cardSize: [grey.width, grey.height], mrzSize: [mrzGrey.width, mrzGrey.height] });
}
writeFileSync(path.join(out, "index.json"), JSON.stringify(index, null, 2));
console.log(`prepared ${index.length} fixtures in ${out}`);
