/**
 * The reader contract against the in-process sim reader (always) and against a real PC/SC reader with a
 * My Number card on it (only when TEST_READER names it). The pcsc+vpcd half runs in the integration
 * project (test/integration/card/reader-pcsc.test.ts) because it needs pcscd.
 */
import { describe, expect, it } from "vitest";
import { isCardError } from "../../src/card/errors";
import type { ReaderEvent } from "../../src/card/reader";
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

describe("sim reader: what only a simulator can do", () => {
  const kindOf = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => "resolved",
      (e: unknown) => (isCardError(e) ? e.kind : "untyped"),
    );
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

  it("simulates a missing reader: status missing, connect rejects with no-reader, the channel dies, plug brings it back", async () => {
    const card = deck.card("heisei-1").makeCard();
    const port = await openSimReader({ card });
    const events: ReaderEvent["kind"][] = [];
    port.subscribe((e) => events.push(e.kind));
    const ch = await port.connect(new AbortController().signal);
    port.unplug();
    expect(port.status()).toBe("missing");
    expect(port.readers()).toEqual([]);
    expect(port.cardPresent()).toBeNull();
    expect(await kindOf(ch.transmit(Uint8Array.of(0, 0xa4, 4, 0x0c), new AbortController().signal))).toBe("no-reader");
    expect(await kindOf(port.connect(new AbortController().signal))).toBe("no-reader");
    port.plug();
    await settle();
    expect(events).toEqual(["card-removed", "reader-detached", "reader-attached", "card-inserted"]);
    expect(port.cardPresent()?.atr).toEqual(card.atr);
    await port.close();
  });

  it("simulates a dead PC/SC service: status error and one service-lost, then service-restored", async () => {
    const port = await openSimReader({ card: deck.card("heisei-1").makeCard() });
    const events: ReaderEvent["kind"][] = [];
    port.subscribe((e) => events.push(e.kind));
    port.failService();
    port.failService();
    expect(port.status()).toBe("error");
    expect(await kindOf(port.connect(new AbortController().signal))).toBe("no-reader");
    port.restoreService();
    await settle();
    expect(events).toEqual(["card-removed", "reader-detached", "service-lost", "service-restored", "reader-attached", "card-inserted"]);
    expect(port.status()).toBe("ok");
    await port.close();
  });

  it("placing another card removes the first one: its channel dies with no-card", async () => {
    const first = deck.card("heisei-1").makeCard();
    const port = await openSimReader({ card: first });
    const ch = await port.connect(new AbortController().signal);
    port.place(deck.card("reiwa-1").makeCard());
    expect(first.present).toBe(false);
    expect(await kindOf(ch.transmit(Uint8Array.of(0, 0xa4, 4, 0x0c), new AbortController().signal))).toBe("no-card");
    await port.close();
  });
});
