/**
 * Glue between the session flow's document ports (flow/ports.ts) and the registered document kinds
 * (src/documents/): which kind is on the reader, its camera route and entry rules, one read over a
 * fresh channel, and authenticity from the evidence the read kept. Nothing here knows a particular
 * document; session-scoped state (e.g. a retry guard) is forgotten when the flow purges the session.
 */
import { tokyoDate, type CalendarDate } from "../age/date";
import { isCardError } from "../card/errors";
import type { CardChannel, CardReaderPort } from "../card/reader";
import { recognise, type DocumentRegistry } from "../documents/registry";
import type {
  AccessKey,
  Authenticity,
  ChipProgress,
  ChipReadResult,
  DocumentData,
  DocumentEvidence,
  DocumentKind,
  DocumentKindId,
  EntryCheck,
  EntryPrefill,
  FrontResult,
} from "../documents/types";
import type { Logger } from "../log";
import type { CardPresence, Recognition } from "../flow/ports";

export interface ChipGlueDeps {
  /** null: no reader could be opened (production with hardware missing). */
  reader: CardReaderPort | null;
  documents: DocumentRegistry;
  now: () => number;
  log: Logger;
}

function kindOf(deps: ChipGlueDeps, id: DocumentKindId): DocumentKind {
  const k = deps.documents.get(id);
  if (!k) throw new Error("unknown document kind");
  return k;
}

type ConnectFailure = { kind: "no-card" } | { kind: "read-error"; detail: string };

/**
 * Connects, lets `use` talk to the card, and disconnects whatever happens. A failed disconnect never
 * replaces the answer: an ok read carries the document data, which only the flow can wipe.
 */
async function withChannel<T>(
  deps: ChipGlueDeps,
  log: Logger,
  signal: AbortSignal,
  use: (channel: CardChannel) => Promise<T>,
): Promise<T | ConnectFailure> {
  if (!deps.reader) return { kind: "read-error", detail: "no reader" };
  let channel: CardChannel;
  try {
    channel = await deps.reader.connect(signal);
  } catch (e) {
    if (isCardError(e) && e.problem.kind === "no-card") return { kind: "no-card" };
    return { kind: "read-error", detail: isCardError(e) ? e.problem.kind : "connect failed" };
  }
  try {
    return await use(channel);
  } finally {
    await channel.disconnect().catch((e: unknown) => {
      log.warn("disconnect-failed", { error: e instanceof Error ? e.name : typeof e });
    });
  }
}

/** Asks every kind whether the card on the reader is theirs (no secret). */
function recogniseCard(deps: ChipGlueDeps, log: Logger, signal: AbortSignal): Promise<Recognition> {
  return withChannel(deps, log, signal, async (channel): Promise<Recognition> => {
    const r = await recognise(deps.documents, channel, signal);
    log.info("recognised", { document: r.kind === "known" ? r.document.info.kind : r.kind });
    return r.kind === "known" ? { kind: "known", document: r.document.info } : r;
  });
}

/** Lets the kind read its chip with the access key over a fresh channel. */
function readChip(
  deps: ChipGlueDeps,
  log: Logger,
  id: DocumentKindId,
  key: AccessKey,
  signal: AbortSignal,
  onProgress: (p: ChipProgress) => void,
): Promise<ChipReadResult> {
  const kind = kindOf(deps, id);
  return withChannel(deps, log, signal, (channel) => kind.read(channel, key, { signal, onProgress }));
}

export function createChipGlue(deps: ChipGlueDeps) {
  const log = deps.log.child("chip");
  return {
    card: {
      present: () => deps.reader?.cardPresent() != null,
      subscribe(listener: (e: CardPresence) => void): () => void {
        if (!deps.reader) return () => {};
        return deps.reader.subscribe((e) => {
          if (e.kind === "card-inserted") listener("inserted");
          else if (e.kind === "card-removed" || e.kind === "reader-detached") listener("removed");
        });
      },
    },

    recognise: (signal: AbortSignal): Promise<Recognition> => recogniseCard(deps, log, signal),

    /** The kind's camera route, or "typed" at once when it has none (the key is always typed). */
    readCardFront(id: DocumentKindId, signal: AbortSignal, onFrame: (frames: number) => void): Promise<FrontResult> {
      const kind = kindOf(deps, id);
      return kind.readFront ? kind.readFront(signal, onFrame) : Promise.resolve({ kind: "typed", prefill: kind.info.accessKey.initial });
    },

    checkEntry: (id: DocumentKindId, entry: EntryPrefill, today: CalendarDate): Promise<EntryCheck> =>
      Promise.resolve(kindOf(deps, id).checkEntry(entry, today)),

    entryProblem: (id: DocumentKindId, entry: EntryPrefill, today: CalendarDate): string | null =>
      deps.documents.get(id)?.entryProblem(entry, today) ?? null,

    readChip: (id: DocumentKindId, key: AccessKey, signal: AbortSignal, onProgress: (p: ChipProgress) => void): Promise<ChipReadResult> =>
      readChip(deps, log, id, key, signal, onProgress),

    assessAuthenticity(data: DocumentData, evidence: DocumentEvidence): Promise<Authenticity> {
      const kind = deps.documents.get(data.kind);
      return kind ? kind.assess(data, evidence, tokyoDate(deps.now())) : Promise.resolve("could-not-check");
    },

    /** The flow purged the session: every kind forgets its session state. */
    endSession(): void {
      for (const k of deps.documents.kinds) {
        try {
          k.endSession?.();
        } catch (e) {
          log.warn("end-session-failed", { document: k.info.kind, error: e instanceof Error ? e.name : typeof e });
        }
      }
    },
  };
}
