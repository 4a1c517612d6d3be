/**
 * The registered document kinds, in the order the composition root gave them, and recognition: which
 * kind is on the reader, found with no secret (the kind's ATR test, then its SELECT probes).
 */
import { Card } from "../card/card";
import { isCardError } from "../card/errors";
import type { Transmit } from "../card/transmit";
import type { DocumentKind, DocumentKindId, Probe } from "./types";

export interface DocumentRegistry {
  readonly kinds: readonly DocumentKind[];
  /** The first registered kind: assumed when recognition has not answered in time. */
  readonly first: DocumentKind;
  get(kind: DocumentKindId): DocumentKind | null;
}

export function createRegistry(kinds: readonly DocumentKind[]): DocumentRegistry {
  const byId = new Map<DocumentKindId, DocumentKind>();
  for (const k of kinds) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(k.info.kind)) throw new Error(`document kind id "${k.info.kind}" is not a short lower-case name`);
    if (byId.has(k.info.kind)) throw new Error(`document kind "${k.info.kind}" registered twice`);
    byId.set(k.info.kind, k);
  }
  const first = kinds[0];
  if (!first) throw new Error("no document kind registered");
  return { kinds: [...kinds], first, get: (id) => byId.get(id) ?? null };
}

export type Recognised =
  | { kind: "known"; document: DocumentKind }
  | { kind: "unsupported" }
  | { kind: "no-card" }
  | { kind: "read-error"; detail: string };

/** Every probe answers 9000. A status word that is not 9000 means "not this kind"; anything else is thrown. */
async function probesPass(card: Card, probes: readonly Probe[], signal: AbortSignal): Promise<boolean> {
  for (const p of probes) {
    try {
      if (p.select === "aid") await card.selectAid(p.aid, signal, "recognise: SELECT DF");
      else {
        await card.selectEf(p.fileId, signal, "recognise: SELECT EF");
        if (p.read) {
          if (!Number.isInteger(p.read.length) || p.read.length < 1 || p.read.length > 256) throw new Error("probe read length must be 1–256");
          const r = await card.call({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: p.read.length }, signal, "recognise: READ BINARY");
          const ok = r.sw === 0x9000 && p.read.expect(r.data);
          r.data.fill(0);
          if (!ok) return false;
        }
      }
    } catch (e) {
      if (isCardError(e) && (e.problem.kind === "not-found" || e.problem.kind === "status" || e.problem.kind === "security-status")) return false;
      throw e;
    }
  }
  return true;
}

/**
 * Which registered kind the card on `transmit` is: the first (in registration order) whose ATR test
 * and probes all pass. Never sends a secret; SELECT only.
 */
export async function recognise(
  registry: DocumentRegistry,
  channel: Transmit & { readonly atr: Uint8Array },
  signal: AbortSignal,
): Promise<Recognised> {
  const card = new Card({ transmit: channel });
  try {
    for (const kind of registry.kinds) {
      if (kind.recognition.atr && !kind.recognition.atr(channel.atr)) continue;
      if (await probesPass(card, kind.recognition.probes, signal)) return { kind: "known", document: kind };
    }
    return { kind: "unsupported" };
  } catch (e) {
    if (isCardError(e) && (e.problem.kind === "no-card" || e.problem.kind === "aborted")) return { kind: "no-card" };
    return { kind: "read-error", detail: isCardError(e) ? e.problem.kind : "recognition failed" };
  }
}
