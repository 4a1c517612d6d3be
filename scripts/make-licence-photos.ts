/**
 * The simulated licences' photos (src/card/sim/licence/photos.json): each is a deck person's photo
 * (src/card/sim/deck/deck.json, drawn by scripts/make-deck.ts) re-encoded as a bare JPEG 2000
 * codestream (FF 4F FF 51 …, what DF2/EF01 tag 5F40 holds, reference §1.6) small enough for the
 * licence's 2000-byte field, greyscale like the real photo ([2nd]: monochrome).
 *
 *   node scripts/run.mjs scripts/make-licence-photos.ts
 *
 * Needs: libopenjp2-tools (opj_decompress, opj_compress), as make-deck.ts. Deterministic for a given
 * OpenJPEG version. Fictional faces only.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import deckJson from "../src/card/sim/deck/deck.json";

/** Deck persons whose faces the licences reuse. */
const FACES = ["showa-64", "heisei-1", "minor-18", "senior", "not-holder", "two-tries", "blocked"];
const MAX_BYTES = 2000;

const dir = mkdtempSync(path.join(tmpdir(), "licence-photos-"));
const out: Record<string, string> = {};
try {
  for (const id of FACES) {
    const card = deckJson.cards.find((c) => c.id === id);
    if (!card) throw new Error(`no deck card ${id}`);
    const jp2 = path.join(dir, `${id}.jp2`);
    const pgm = path.join(dir, `${id}.pgm`);
    writeFileSync(jp2, Buffer.from(card.images.photo, "base64"));
    execFileSync("opj_decompress", ["-i", jp2, "-o", pgm], { stdio: "ignore" });
    let bytes: Buffer | null = null;
    for (let rate = 20; rate <= 200 && !bytes; rate += 4) {
      const j2k = path.join(dir, `${id}-${rate}.j2k`);
      execFileSync("opj_compress", ["-i", pgm, "-o", j2k, "-r", String(rate)], { stdio: "ignore" });
      const b = readFileSync(j2k);
      if (b.length <= MAX_BYTES) bytes = b;
    }
    if (!bytes) throw new Error(`${id}: no rate fits ${MAX_BYTES} bytes`);
    out[id] = bytes.toString("base64");
    console.log(`${id}: ${bytes.length} bytes`);
  }
  writeFileSync(
    path.join("src", "card", "sim", "licence", "photos.json"),
    JSON.stringify({ description: "Licence sim photos: deck faces as JPEG 2000 codestreams ≤ 2000 bytes (scripts/make-licence-photos.ts). Fictional.", photos: out }, null, 1) + "\n",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
