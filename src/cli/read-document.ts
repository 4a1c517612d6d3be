/**
 * `kioskctl read-card --document auto|residence|passport|licence`: the daemon's read of any registered
 * document kind (src/compose/documents.ts, the daemon's own list and order) on a PC/SC reader, for a
 * field technician: recognition (SELECT probes only), the kind's entry rules turning the options into
 * its access key, its read and its authenticity check. `--document mynumber` (and `auto` when the card
 * is a My Number card) is the detailed My Number read in ./read-card.ts.
 *
 * Personal values print as "[redacted]" unless --reveal; keys (card number, MRZ, PIN) never print.
 * No camera here: a first-generation residence card's birth date (OCR of the signed image in the
 * daemon) is not read, so its `birthDate` is null.
 */
import { createHash } from "node:crypto";
import { toHex } from "../card/apdu";
import { isCardError } from "../card/errors";
import { REDACTED } from "../card/secret";
import type { CardChannel, CardReaderPort } from "../card/reader";
import { tokyoDate } from "../age/date";
import type { Config } from "../config";
import { stateDirOf } from "../config";
import { createLogger } from "../log";
import type { EntryPrefill } from "../protocol";
import type { TrustStore } from "../card/mynumber/auth/trust";
import { createRegistry, recognise } from "../documents/registry";
import type { ChipReadResult, DocumentKind } from "../documents/types";
import { documentKinds } from "../compose/documents";
import { buildResidenceTrust } from "../card/residence/trust";
import { residenceTrustDir } from "./trust-import";
import { cscaStore, importedCscas, japanCscas } from "../card/icao/csca/store";
import { waitUntil } from "./readers";

export interface DocumentReadJson {
  document: string | null;
  outcome: "read" | "wrong-code" | "blocked" | "refused-low-tries" | "unsupported-document" | "no-card" | "no-reader" | "read-error" | "timeout" | "bad-key";
  reader: string | null;
  atr: string | null;
  triesLeft: number | null;
  record?: {
    birthDate: string | null;
    expiry: string | null;
    photo: { bytes: number; sha256: string };
    images: { label: string; bytes: number }[];
    text: { label: string; value: string }[];
  };
  authenticity: string;
  timings: { total: number };
  error?: string;
}

export interface DocumentReadArgs {
  document: "auto" | "residence" | "passport" | "licence";
  entry: EntryPrefill;
  readerName: string;
  reveal: boolean;
  minTries: number;
  waitMs: number;
  timeoutMs: number;
}

/** The kinds as the daemon builds them, minus the camera routes (the CLI has no camera). */
export function cliDocumentKinds(config: Config, env: Readonly<Record<string, string | undefined>>, trust: TrustStore, minTries: number): DocumentKind[] | string {
  const log = createLogger({ write: (line) => process.stderr.write(line), level: "warn", component: "read-card" });
  const dir = stateDirOf(config, env);
  const residenceTrust = buildResidenceTrust({ mode: config.mode, importDir: dir ? residenceTrustDir(dir) : null, extraCas: [] });
  if (!residenceTrust.ok) return residenceTrust.errors.join("; ");
  return documentKinds({
    mynumber: { trust, minTriesLeft: minTries, readMode: "auto", now: () => Date.now(), log, readFront: null },
    passport: { cscas: cscaStore(japanCscas(), importedCscas(config.trust.cscaDirs), []), log, readFront: null },
    licence: { log },
    residence: { trust: residenceTrust.trust, birthFromImage: null, expiryFromImage: null, readFront: null, log },
  });
}

export const DOCUMENT_EXIT: Readonly<Record<DocumentReadJson["outcome"], number>> = {
  read: 0,
  "wrong-code": 3,
  blocked: 4,
  "refused-low-tries": 5,
  "no-card": 6,
  "no-reader": 7,
  "unsupported-document": 8,
  "read-error": 1,
  timeout: 1,
  "bad-key": 2,
};

const isoOf = (b: Uint8Array): string | null => {
  if (b.length !== 8) return null;
  const d = String.fromCharCode(...b);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
};

function base(document: string | null, outcome: DocumentReadJson["outcome"], channel: { reader: string; atr: Uint8Array } | null, started: number, error?: string): DocumentReadJson {
  return {
    document,
    outcome,
    reader: channel?.reader ?? null,
    atr: channel ? toHex(channel.atr).toUpperCase() : null,
    triesLeft: null,
    authenticity: "not-checked",
    timings: { total: Math.round((performance.now() - started) * 10) / 10 },
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * One read. `mynumber`: the card is a My Number card (auto) — the caller runs its own read.
 * Every wait is bounded: --wait for the reader and card, --timeout for the whole read.
 */
export async function readDocument(port: CardReaderPort, kinds: DocumentKind[], a: DocumentReadArgs): Promise<DocumentReadJson | "mynumber"> {
  const started = performance.now();
  if (!(await waitUntil(() => port.status() === "ok", a.waitMs))) return base(null, "no-reader", null, started, port.status() === "error" ? "PC/SC service (pcscd) not reachable" : "no reader");
  if (!(await waitUntil(() => port.cardPresent() !== null, a.waitMs))) return base(null, "no-card", null, started, "no card on the reader");
  const registry = createRegistry(kinds);
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), a.timeoutMs);
  let channel: CardChannel | null = null;
  try {
    try {
      channel = await port.connect(budget.signal);
    } catch (e) {
      return base(null, "no-card", null, started, isCardError(e) ? e.message : "connect failed");
    }
    const r = await recognise(registry, channel, budget.signal);
    if (r.kind === "no-card") return base(null, "no-card", channel, started, "the card left the reader");
    if (r.kind === "read-error") return base(null, budget.signal.aborted ? "timeout" : "read-error", channel, started, r.detail);
    if (r.kind === "unsupported") return base(null, "unsupported-document", channel, started, "no registered document kind recognises this card");
    const kind = r.document;
    const id = kind.info.kind;
    if (a.document !== "auto" && id !== a.document) return base(id, "unsupported-document", channel, started, `the card is a ${id}, not a ${a.document}`);
    if (id === "mynumber") return "mynumber";
    const check = kind.checkEntry(a.entry, tokyoDate(Date.now()));
    if (!check.ok) return base(id, "bad-key", channel, started, `the ${id} key options are not valid (${check.problem})`);
    let read: ChipReadResult;
    try {
      read = await kind.read(channel, check.key, { signal: budget.signal, onProgress: () => {} });
    } finally {
      check.key.wipe();
    }
    return await toJson(kind, read, channel, started, a.reveal, budget.signal.aborted);
  } finally {
    clearTimeout(timer);
    await channel?.disconnect();
  }
}

async function toJson(kind: DocumentKind, read: ChipReadResult, channel: CardChannel, started: number, reveal: boolean, timedOut: boolean): Promise<DocumentReadJson> {
  const id = kind.info.kind;
  const show = (v: () => string): string => (reveal ? v() : REDACTED);
  switch (read.kind) {
    case "ok": {
      const { data, evidence } = read;
      try {
        const auth = await kind.assess(data, evidence, tokyoDate(Date.now()));
        const birth = isoOf(data.birthDate);
        const expiry = isoOf(data.expiry);
        const out = base(id, "read", channel, started);
        out.triesLeft = read.triesLeft;
        out.authenticity = auth;
        out.record = {
          birthDate: birth === null ? null : show(() => birth),
          expiry: expiry === null ? null : show(() => expiry),
          photo: { bytes: data.portrait.length, sha256: show(() => createHash("sha256").update(data.portrait).digest("hex")) },
          images: data.images.map((i) => ({ label: i.label, bytes: i.png.length })),
          text: data.text.map((t) => ({ label: t.label, value: show(() => new TextDecoder().decode(t.ascii)) })),
        };
        return out;
      } finally {
        data.birthDate.fill(0);
        data.expiry.fill(0);
        data.portrait.fill(0);
        for (const i of data.images) i.png.fill(0);
        for (const t of data.text) t.ascii.fill(0);
        evidence.wipe();
        kind.endSession?.();
      }
    }
    case "wrong-code":
      return { ...base(id, "wrong-code", channel, started, "the key did not open the chip"), triesLeft: read.triesLeft };
    case "blocked":
      return base(id, "blocked", channel, started, "the chip's key is blocked");
    case "refused-low-tries":
      return { ...base(id, "refused-low-tries", channel, started, `refused: only ${read.triesLeft} tries left; no try was spent`), triesLeft: read.triesLeft };
    case "unsupported-document":
      return base(id, "unsupported-document", channel, started, "the application is missing");
    case "no-card":
      return base(id, "no-card", channel, started, "the card left the reader");
    case "read-error":
      return base(id, timedOut ? "timeout" : "read-error", channel, started, read.detail);
  }
}

export function documentHumanText(j: DocumentReadJson): string {
  const lines = [`document        ${j.document ?? "-"}`, `outcome         ${j.outcome}`, `reader          ${j.reader ?? "-"}`, `atr             ${j.atr ?? "-"}`];
  if (j.triesLeft !== null) lines.push(`tries left      ${j.triesLeft}`);
  if (j.record) {
    lines.push(`birth date      ${j.record.birthDate ?? "(none)"}`, `expiry          ${j.record.expiry ?? "(none)"}`, `photo           ${j.record.photo.bytes} bytes, sha256 ${j.record.photo.sha256}`);
    for (const i of j.record.images) lines.push(`image           ${i.label}, ${i.bytes} bytes`);
    for (const t of j.record.text) lines.push(`${t.label.padEnd(16)}${t.value}`);
  }
  lines.push(`authenticity    ${j.authenticity}`, `time (ms)       ${j.timings.total}`);
  if (j.error) lines.push(`error           ${j.error}`);
  return lines.join("\n") + "\n";
}
