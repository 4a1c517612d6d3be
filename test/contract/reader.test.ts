/**
 * The reader contract against the in-process sim reader (always) and against a real PC/SC reader with a
 * My Number card on it (only when TEST_READER names it). The pcsc+vpcd half runs in the integration
 * project (test/integration/card/reader-pcsc.test.ts) because it needs pcscd.
 */
import { describe, it } from "vitest";
import { openPcscReader } from "../../src/card/pcsc";
import { openSimReader } from "../../src/card/sim/reader";
import { loadDeck } from "../../src/card/sim/deck";
import { describeReaderContract } from "./reader-suite";

const deck = loadDeck();

describeReaderContract("sim reader holding a deck card", { canMoveCard: true }, async () => {
  const card = deck.card("heisei-1").makeCard();
  const port = await openSimReader({ card });
  return {
    port,
    readerName: port.name,
    insert: () => {
      port.place(card);
      return Promise.resolve();
    },
    remove: () => port.remove(),
    noticeMs: 100,
    close: () => port.close(),
  };
});

const hardware = process.env["TEST_READER"];
if (hardware) {
  describeReaderContract(`real reader "${hardware}" (place a My Number card on it)`, { canMoveCard: false }, async () => {
    const port = await openPcscReader({ readerName: hardware });
    return { port, readerName: hardware, insert: null, remove: null, noticeMs: 5000, close: () => port.close() };
  });
} else {
  describe("CardReaderPort contract: real reader", () => {
    it.skip("is pending: run `TEST_READER='<reader name substring>' npx vitest run test/contract/reader.test.ts` with pcscd running and a My Number card on the reader", () => undefined);
  });
}
