/**
 * Bad input at the PC/SC level, through real pcscd + vpcd + pcsclite: pcscd restarted during idle,
 * pcscd gone during a session, a card that stops answering. Each ends in a typed error within its
 * budget, and the adapter recovers without restarting the process. Each run has its own pcscd (helpers/pcscd.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isCardError, type CardProblemKind } from "../../../src/card/errors";
import { openPcscReader, type PcscReader } from "../../../src/card/pcsc";
import type { ReaderEvent } from "../../../src/card/reader";
import { loadDeck } from "../../../src/card/sim/deck";
import type { VpcdLink } from "../../../src/card/sim/vpcd";
import { startPcscd, VPCD_READER, waitFor, type PcscdHarness } from "../helpers/pcscd";

const deck = loadDeck();
const JPKI_AID = [0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
const SELECT_JPKI = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, JPKI_AID.length, ...JPKI_AID]);
const signal = (): AbortSignal => new AbortController().signal;
const sw = (r: Uint8Array): number => ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);

async function failure(p: Promise<unknown>): Promise<{ kind: CardProblemKind | "resolved" | "untyped"; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
    return { kind: "resolved", ms: Date.now() - t0 };
  } catch (e) {
    return { kind: isCardError(e) ? e.kind : "untyped", ms: Date.now() - t0 };
  }
}

let pcscd: PcscdHarness;
let link: VpcdLink;
let port: PcscReader | null = null;

beforeAll(async () => {
  pcscd = await startPcscd();
  link = await pcscd.serve(deck.card("heisei-1").makeCard());
});
afterEach(async () => {
  await port?.close();
  port = null;
});
afterAll(async () => {
  await pcscd.stop();
});

async function readyPort(opts: { transmitTimeoutMs?: number } = {}): Promise<PcscReader> {
  if (!link.inserted) await link.insert();
  const p = await openPcscReader({ readerName: VPCD_READER, ...opts });
  port = p;
  await waitFor("the card", () => p.cardPresent() !== null, 5000);
  return p;
}

describe("PC/SC recovery through real pcscd", () => {
  it("sees the reader again within 5 s after pcscd restarts during idle, in the same process", async () => {
    const p = await readyPort();
    const events: ReaderEvent["kind"][] = [];
    p.subscribe((e) => events.push(e.kind));
    await pcscd.restart();
    const back = Date.now();
    await waitFor("the reader to be ok again", () => p.status() === "ok", 5000);
    const seenAfterMs = Date.now() - back;
    console.log(`reader seen again ${seenAfterMs} ms after pcscd was back`);
    expect(seenAfterMs).toBeLessThan(5000);
    await waitFor("service-restored", () => events.includes("service-restored"), 1000);
    expect(events.indexOf("service-lost")).toBeLessThan(events.indexOf("service-restored"));
    await link.insert();
    await waitFor("the card after the restart", () => p.cardPresent() !== null, 5000);
    const ch = await p.connect(signal());
    expect(sw(await ch.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
    await ch.disconnect();
  });

  it("reports error while pcscd is down, refuses connect with no-reader, and recovers when it returns", async () => {
    const p = await readyPort();
    const ch = await p.connect(signal());
    await pcscd.kill();
    await waitFor("status error", () => p.status() === "error", 3000);
    const during = await failure(ch.transmit(SELECT_JPKI, signal()));
    expect(during.kind).toBe("no-reader");
    expect((await failure(p.connect(signal()))).kind).toBe("no-reader");
    await pcscd.start();
    await waitFor("the reader after pcscd returns", () => p.status() === "ok", 5000);
    await link.insert();
    await waitFor("the card", () => p.cardPresent() !== null, 5000);
    const again = await p.connect(signal());
    expect(sw(await again.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
    await again.disconnect();
  });

  it("ends a transmit to a card that stops answering with a timeout within its bound", async () => {
    const hanging = deck.card("heisei-1").makeCard();
    hanging.setFaults([{ at: 1, kind: "hang" }]);
    link = await pcscd.serve(hanging);
    const p = await readyPort({ transmitTimeoutMs: 800 });
    const ch = await p.connect(signal());
    expect(sw(await ch.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
    const r = await failure(ch.transmit(SELECT_JPKI, signal()));
    expect(r.kind).toBe("timeout");
    expect(r.ms).toBeLessThan(1500);
    expect((await failure(ch.transmit(SELECT_JPKI, signal()))).kind).toBe("timeout");
    link.remove(); // releases vpcd, which is still waiting for the card's answer
    await waitFor("the removal", () => p.cardPresent() === null, 3000);
    link = await pcscd.serve(deck.card("heisei-1").makeCard());
    await waitFor("a fresh card", () => p.cardPresent() !== null, 5000);
    const fresh = await p.connect(signal());
    expect(sw(await fresh.transmit(SELECT_JPKI, signal()))).toBe(0x9000);
    await fresh.disconnect();
  });
});
