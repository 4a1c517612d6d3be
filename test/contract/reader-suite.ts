/**
 * The CardReaderPort contract as one suite, run against every implementation:
 *   test/contract/reader.test.ts                 the in-process sim reader (always), real hardware (TEST_READER)
 *   test/integration/card/reader-pcsc.test.ts    pcsc.ts through real pcscd + vsmartcard-vpcd
 * A fixture that cannot move the card (real hardware) skips the tests that need a removal.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCardError, type CardProblemKind } from "../../src/card/errors";
import type { CardReaderPort, ReaderEvent } from "../../src/card/reader";

export interface ReaderFixture {
  readonly port: CardReaderPort;
  /** Substring of the reader's name. */
  readonly readerName: string;
  /** Put the card (back) on the reader and wait until the port reports it; null when a person must. */
  readonly insert: (() => Promise<void>) | null;
  /** Pull the card (returns at once; the port may notice later). */
  readonly remove: (() => void) | null;
  /** How long the port may take to notice a removal or insertion (ms). */
  readonly noticeMs: number;
  close(): Promise<void>;
}

const JPKI_AID = [0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
const SELECT_JPKI = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, JPKI_AID.length, ...JPKI_AID]);
const SELECT_UNKNOWN = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, 0x05, 0xa0, 0x00, 0x00, 0x00, 0x99]);

const sw = (r: Uint8Array): number => ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);
const signal = (): AbortSignal => new AbortController().signal;

async function rejectionKind(p: Promise<unknown>): Promise<CardProblemKind | "resolved" | "not-a-card-error"> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return isCardError(e) ? e.kind : "not-a-card-error";
  }
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `canMoveCard`: the fixture can pull and replace the card (false on real hardware: a person would). */
export function describeReaderContract(
  label: string,
  caps: { canMoveCard: boolean },
  open: () => Promise<ReaderFixture>,
): void {
  const moving = it.skipIf(!caps.canMoveCard);
  describe(`CardReaderPort contract: ${label}`, () => {
    let fx: ReaderFixture;
    beforeEach(async () => {
      fx = await open();
      await until("the card on the reader", () => fx.port.cardPresent() !== null, 5000);
    });
    afterEach(async () => {
      await fx.close();
    });

    it("lists the reader and reports ok while it is attached", () => {
      expect(fx.port.status()).toBe("ok");
      expect(fx.port.readers().some((n) => n.toLowerCase().includes(fx.readerName.toLowerCase()))).toBe(true);
    });

    it("reports the card on the reader with a plausible ATR", () => {
      const present = fx.port.cardPresent();
      expect(present?.reader.toLowerCase()).toContain(fx.readerName.toLowerCase());
      expect(present?.atr[0]).toBe(0x3b);
      expect(present?.atr.length).toBeGreaterThanOrEqual(2);
    });

    it("returns the card's answer with its status word through a connected channel", async () => {
      const ch = await fx.port.connect(signal());
      const r = await ch.transmit(SELECT_JPKI, signal());
      expect(sw(r)).toBe(0x9000);
      expect(typeof ch.extendedApdu).toBe("boolean");
      await ch.disconnect();
    });

    it("returns an error status word as bytes, not as a transport failure", async () => {
      const ch = await fx.port.connect(signal());
      const r = await ch.transmit(SELECT_UNKNOWN, signal());
      expect(sw(r)).toBe(0x6a82);
      await ch.disconnect();
    });

    it("rejects an aborted transmit with CardError aborted and leaves the channel unusable", async () => {
      const ch = await fx.port.connect(signal());
      const ac = new AbortController();
      ac.abort();
      expect(await rejectionKind(ch.transmit(SELECT_JPKI, ac.signal))).toBe("aborted");
      expect(await rejectionKind(ch.transmit(SELECT_JPKI, signal()))).not.toBe("resolved");
      await ch.disconnect();
    });

    it("disconnects idempotently and refuses transmits afterwards", async () => {
      const ch = await fx.port.connect(signal());
      await ch.disconnect();
      await ch.disconnect();
      expect(await rejectionKind(ch.transmit(SELECT_JPKI, signal()))).not.toBe("resolved");
      const again = await fx.port.connect(signal());
      expect(sw(await again.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
      await again.disconnect();
    });

    moving("keeps delivering events, in order, to other listeners when one listener throws", async () => {
      if (!fx.remove || !fx.insert) throw new Error("fixture cannot move the card");
      const seen: ReaderEvent["kind"][] = [];
      fx.port.subscribe(() => {
        throw new Error("listener bug");
      });
      fx.port.subscribe((e) => seen.push(e.kind));
      fx.remove();
      await until("card-removed", () => seen.includes("card-removed"), fx.noticeMs);
      await fx.insert();
      await until("card-inserted", () => seen.includes("card-inserted"), fx.noticeMs);
      expect(seen.filter((k) => k === "card-removed" || k === "card-inserted")).toEqual(["card-removed", "card-inserted"]);
      expect(fx.port.status()).toBe("ok");
    });

    moving("kills the channel when the card leaves: every later transmit rejects with no-card", async () => {
      if (!fx.remove || !fx.insert) throw new Error("fixture cannot move the card");
      const ch = await fx.port.connect(signal());
      expect(sw(await ch.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
      fx.remove();
      expect(await rejectionKind(ch.transmit(SELECT_JPKI, signal()))).toBe("no-card");
      expect(await rejectionKind(ch.transmit(SELECT_JPKI, signal()))).toBe("no-card");
      await until("the removal to be noticed", () => fx.port.cardPresent() === null, fx.noticeMs);
      expect(await rejectionKind(fx.port.connect(signal()))).toBe("no-card");
      await fx.insert();
      expect(await rejectionKind(ch.transmit(SELECT_JPKI, signal()))).toBe("no-card");
      const fresh = await fx.port.connect(signal());
      expect(sw(await fresh.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
      await fresh.disconnect();
    });

    it("rejects connect with no-reader once the port is closed", async () => {
      await fx.port.close();
      expect(await rejectionKind(fx.port.connect(signal()))).toBe("no-reader");
      await fx.port.close();
    });
  });
}
