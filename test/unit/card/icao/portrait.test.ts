/** A passport's JPEG portrait (DG2) decodes for the face check; other bytes still go to the JPEG 2000 decoder. */
import { describe, expect, it } from "vitest";
import { parseDg2 } from "../../../../src/card/icao/lds";
import type { Jp2Decoder } from "../../../../src/face/jp2";
import { withJpegPortraits } from "../../../../src/face/portrait";
import { passportDeck } from "../../../../src/card/sim/passport/deck";

describe("JPEG portraits", () => {
  it("decodes the simulated passport's DG2 JPEG to a grey image of its size; JPEG 2000 goes to the JP2 decoder", async () => {
    const deck = await passportDeck();
    const dg2 = deck.passport("genuine-bac").profile.files.get(0x0102);
    if (!dg2) throw new Error("no DG2");
    const face = parseDg2(dg2);
    const seen: Uint8Array[] = [];
    const jp2: Jp2Decoder = { heapBytes: () => 0, decode: (b) => (seen.push(b), Promise.resolve({ ok: false, problem: { kind: "not-jp2", looksLike: "unknown" } })) };
    const d = withJpegPortraits(jp2);
    const r = await d.decode(face.bytes);
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.image.width, r.image.height]).toEqual([face.width, face.height]);
    expect(seen).toHaveLength(0);
    const broken = face.bytes.slice(0, 200);
    const bad = await d.decode(broken);
    expect(bad.ok).toBe(false);
    await d.decode(Uint8Array.of(0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20));
    expect(seen).toHaveLength(1);
  });
});
