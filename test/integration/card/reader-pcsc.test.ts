/**
 * The reader contract against pcsc.ts through the real stack: pcscd + vsmartcard-vpcd + the pcsclite
 * binding, with a deck card served over vpcd. Each run has its own pcscd (helpers/pcscd.ts).
 */
import { afterAll, beforeAll } from "vitest";
import { openPcscReader } from "../../../src/card/pcsc";
import { loadDeck } from "../../../src/card/sim/deck";
import type { VpcdLink } from "../../../src/card/sim/vpcd";
import { describeReaderContract } from "../../contract/reader-suite";
import { startPcscd, VPCD_READER, waitFor, type PcscdHarness } from "../helpers/pcscd";

const deck = loadDeck();
let pcscd: PcscdHarness;
let link: VpcdLink;

beforeAll(async () => {
  pcscd = await startPcscd();
  // One card for the whole file: each test gets a fresh port, and only removal tests move the card.
  link = await pcscd.serve(deck.card("heisei-1").makeCard());
});
afterAll(async () => {
  await pcscd.stop();
});

describeReaderContract("pcsc.ts through pcscd + vpcd", { canMoveCard: true }, async () => {
  if (!link.inserted) await link.insert();
  const port = await openPcscReader({ readerName: VPCD_READER });
  return {
    port,
    readerName: VPCD_READER,
    insert: async () => {
      await link.insert();
      await waitFor("pcscd to see the card", () => port.cardPresent() !== null, 5000);
    },
    remove: () => link.remove(),
    noticeMs: 3000,
    close: () => port.close(),
  };
});
