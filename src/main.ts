/**
 * The composition root: the one place that picks real or simulated adapters (see README "How the
 * pieces talk"). Owned by the lead; the exported factories below are what other entry points
 * (kioskctl) use to reach adapters without importing them.
 */
import { openPcscReader } from "./card/pcsc";
import type { CardReaderPort } from "./card/reader";
import { openSimReader, type SimReaderCard } from "./card/sim/reader";

/**
 * Open the card reader port. `pcsc` is the real reader (pcscd); `sim` the in-process virtual reader
 * (demo mode, tests). There is no fallback: a pcsc reader that is missing stays "missing"/"error",
 * it never turns into a simulator.
 */
export type CardReaderChoice =
  | { kind: "pcsc"; readerName?: string; transmitTimeoutMs?: number; log?: (line: string) => void }
  | { kind: "sim"; name?: string; card?: SimReaderCard };

export function openCardReader(choice: CardReaderChoice): Promise<CardReaderPort> {
  switch (choice.kind) {
    case "pcsc":
      return openPcscReader({
        readerName: choice.readerName ?? "",
        ...(choice.transmitTimeoutMs !== undefined ? { transmitTimeoutMs: choice.transmitTimeoutMs } : {}),
        ...(choice.log ? { log: choice.log } : {}),
      });
    case "sim":
      return openSimReader({
        ...(choice.name !== undefined ? { name: choice.name } : {}),
        ...(choice.card ? { card: choice.card } : {}),
      });
  }
}
