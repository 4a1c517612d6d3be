/**
 * Demo acceptance: placing a deck card on the simulated document camera shows its rendered front,
 * and the card-face read answers "sure" with exactly the card's 照合番号B, without typing.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSimDocumentCamera, SIM_ASSETS_DIR, type SimDocumentCamera } from "../../../src/camera/sim";
import { CodeB } from "../../../src/card/secret";
import type { OcrPort } from "../../../src/cardfront/ocr";
import { readCardFront } from "../../../src/cardfront/read";
import { createTesseractOcr } from "../../../src/cardfront/tesseract";

const deck = JSON.parse(readFileSync(path.resolve("src/card/sim/deck/deck.json"), "utf8")) as { cards: { id: string; kind: string; codeB: string }[] };
const clock = { now: () => Date.UTC(2026, 10, 21, 3) };

let camera: SimDocumentCamera;
let ocr: OcrPort;
beforeAll(async () => {
  camera = await openSimDocumentCamera({ assetsDir: path.resolve(SIM_ASSETS_DIR), intervalMs: 0 });
  ocr = await createTesseractOcr();
});
afterAll(async () => {
  await ocr.close();
});

describe("simulated document camera with the deck", () => {
  it("has a rendered front for every My Number card of the deck", () => {
    const ids = deck.cards.filter((c) => c.kind === "mynumber").map((c) => c.id);
    expect(camera.cardIds.sort()).toEqual([...ids].sort());
  });

  it.each(deck.cards.filter((c) => c.kind === "mynumber").map((c) => [c.id, c] as const))("reads card %s as sure with its own 照合番号B", async (_id, card) => {
    expect(camera.place(card.id)).toBe(true);
    const r = await readCardFront({ camera, ocr, clock }, AbortSignal.timeout(30_000), 30_000);
    expect(r.kind).toBe("sure");
    if (r.kind !== "sure") return;
    const want = CodeB.fromDigits(card.codeB);
    expect(want !== null && want.equals(r.code)).toBe(true);
    r.code.wipe();
  });

  it("answers unsure with an empty tray (no card placed)", async () => {
    camera.place(null);
    const r = await readCardFront({ camera, ocr, clock }, AbortSignal.timeout(30_000), 500);
    expect(r.kind).toBe("unsure");
  });
});
