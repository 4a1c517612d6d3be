/**
 * `kioskctl readers`: the PC/SC readers pcscd lists now, whether a card is on each, and its ATR.
 * Reaches the reader only through the composition root's factory (src/main.ts `openCardReader`).
 *
 * Also exports the bounded waits `read-card` shares (reader present, card present).
 */
import { toHex } from "../card/apdu";
import type { CardReaderPort } from "../card/reader";
import { openCardReader } from "../devices";
import type { Command, CommandIo } from "./command";

export type OpenReader = (opts: { readerName: string }) => Promise<CardReaderPort>;

export interface ReaderLine {
  reader: string;
  card: boolean;
  /** ATR as upper-case hex with spaces, or null without a card. */
  atr: string | null;
}

/** Exit codes of `kioskctl readers`. */
export const READERS_EXIT = { ok: 0, noReader: 1, usage: 2, serviceDown: 3 } as const;

const USAGE = [
  "usage: kioskctl readers [--json] [--wait MS]",
  "",
  "Lists the PC/SC readers pcscd sees, whether a card is on each, and the card's ATR.",
  "--wait MS   how long to wait for pcscd to list a reader (default 2000)",
  "--json      one object: {\"service\": \"ok\"|\"error\", \"readers\": [{\"reader\", \"card\", \"atr\"}]}",
  "Exit codes: 0 at least one reader, 1 no reader attached, 3 PC/SC service (pcscd) not reachable, 2 usage.",
].join("\n");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` every 20 ms until true or `timeoutMs` passed; returns whether it became true. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() >= end) return false;
    await sleep(20);
  }
  return true;
}

/** pcscd reports a card within one presence poll (400 ms); this covers it with a margin. */
const CARD_SETTLE_MS = 600;

export async function listReaders(deps: { openReader: OpenReader; waitMs: number }): Promise<{
  service: "ok" | "error";
  readers: ReaderLine[];
}> {
  const all = await deps.openReader({ readerName: "" });
  try {
    await waitUntil(() => all.readers().length > 0, deps.waitMs);
    const service = all.status() === "error" ? "error" : "ok";
    const names = [...all.readers()];
    const readers = await Promise.all(
      names.map(async (reader): Promise<ReaderLine> => {
        const one = await deps.openReader({ readerName: reader });
        try {
          await waitUntil(() => one.cardPresent() !== null, CARD_SETTLE_MS);
          const present = one.cardPresent();
          return { reader, card: present !== null, atr: present ? toHex(present.atr).toUpperCase() : null };
        } finally {
          await one.close();
        }
      }),
    );
    return { service, readers };
  } finally {
    await all.close();
  }
}

export function makeReadersCommand(deps: { openReader: OpenReader }): Command {
  return {
    usage: USAGE,
    async run(args: readonly string[], io: CommandIo): Promise<number> {
      let json = false;
      let waitMs = 2000;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === "--json") json = true;
        else if (a === "--wait" && /^\d{1,6}$/.test(args[i + 1] ?? "")) waitMs = Number(args[++i]);
        else {
          io.err(`kioskctl readers: unknown or incomplete argument ${String(a)}\n\n${USAGE}\n`);
          return READERS_EXIT.usage;
        }
      }
      const result = await listReaders({ openReader: deps.openReader, waitMs });
      if (json) io.out(JSON.stringify(result) + "\n");
      else if (result.service === "error") io.out("PC/SC service (pcscd) not reachable\n");
      else if (result.readers.length === 0) io.out("no reader attached\n");
      else {
        const width = Math.max(...result.readers.map((r) => r.reader.length));
        for (const r of result.readers) {
          io.out(`${r.reader.padEnd(width)}  ${r.card ? `card  ${r.atr ?? ""}` : "empty"}\n`);
        }
      }
      if (result.service === "error") return READERS_EXIT.serviceDown;
      return result.readers.length > 0 ? READERS_EXIT.ok : READERS_EXIT.noReader;
    },
  };
}

export const readersCommand: Command = makeReadersCommand({
  openReader: (o) => openCardReader({ kind: "pcsc", readerName: o.readerName }),
});
