import { describe, expect, it } from "vitest";
import { createChipGlue } from "../../../src/compose/chip";
import { parseKeyTable } from "../../../src/card/mynumber/auth/ca-keys";
import { buildTrustStore } from "../../../src/card/mynumber/auth/trust";
import type { CardReaderPort } from "../../../src/card/reader";
import { CodeB } from "../../../src/card/secret";
import { loadDeck } from "../../../src/card/sim/deck";
import { openSimReader } from "../../../src/card/sim/reader";
import { memoryLogger, type Logger } from "../../../src/log";
import { createRegistry } from "../../../src/documents/registry";
import { myNumberKind } from "../../../src/documents/mynumber";
import type { ReadMode } from "../../../src/card/card";

/** The glue over the one registered kind, the My Number card (as src/main.ts registers it). */
function glueFor(reader: CardReaderPort, readMode: ReadMode | "auto", now: () => number, log: Logger) {
  const documents = createRegistry([myNumberKind({ trust: trust(), minTriesLeft: 3, readMode, now, log, readFront: null })]);
  return createChipGlue({ reader, documents, now, log });
}

const deck = loadDeck();

function trust() {
  const keys = parseKeyTable({ keys: deck.trustKeys() }, "demo-deck");
  if (!keys.ok) throw new Error(keys.errors.join("; "));
  const r = buildTrustStore({ mode: "demo", extraKeyFiles: [], extraAnchors: keys.anchors });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.store;
}

function code(digits: string): CodeB {
  const c = CodeB.fromDigits(digits);
  if (!c) throw new Error("bad test code");
  return c;
}

/** The simulated reader, but every channel's disconnect rejects (a port breaking its contract). */
function withFailingDisconnect(reader: CardReaderPort): CardReaderPort {
  return {
    ...reader,
    status: () => reader.status(),
    readers: () => reader.readers(),
    cardPresent: () => reader.cardPresent(),
    subscribe: (l) => reader.subscribe(l),
    close: () => reader.close(),
    async connect(signal) {
      const channel = await reader.connect(signal);
      return {
        reader: channel.reader,
        atr: channel.atr,
        extendedApdu: channel.extendedApdu,
        transmit: (bytes, s) => channel.transmit(bytes, s),
        async disconnect() {
          await channel.disconnect();
          throw new Error("disconnect failed");
        },
      };
    },
  };
}

describe("chip glue", () => {
  it("hands the flow a successful read, and the chip is genuine with the printed expiry year from 照合番号B", async () => {
    const entry = deck.card("showa-64");
    const reader = await openSimReader({ card: entry.makeCard() });
    const glue = glueFor(reader, "auto", () => Date.UTC(2026, 0, 1), memoryLogger());
    const recognised = await glue.recognise(new AbortController().signal);
    if (recognised.kind !== "known") throw new Error(recognised.kind);
    const r = await glue.readChip(recognised.document.kind, code(entry.codeB), new AbortController().signal, () => {});
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(Array.from(r.data.birthDate)).toEqual(Array.from(Buffer.from("19890107", "ascii")));
    expect(Array.from(r.data.expiry)).toEqual(Array.from(Buffer.from("20340107", "ascii")));
    expect(Array.from(r.data.text.find((t) => t.label === "sex")?.ascii ?? [])).toEqual([0x32]);
    expect(await glue.assessAuthenticity(r.data, r.evidence)).toBe("genuine");
    r.evidence.wipe();
    await reader.close();
  });

  it("still hands the flow a successful read when the channel's disconnect rejects, so the chip data can be wiped", async () => {
    const entry = deck.card("heisei-1");
    const sim = await openSimReader({ card: entry.makeCard() });
    const log = memoryLogger();
    const glue = glueFor(withFailingDisconnect(sim), "short", () => Date.now(), log);
    const r = await glue.readChip("mynumber", code(entry.codeB), new AbortController().signal, () => {});
    expect(r.kind).toBe("ok");
    if (r.kind === "ok") r.evidence.wipe();
    expect(log.lines.some((l) => l.includes("disconnect-failed"))).toBe(true);
    await sim.close();
  });
});
