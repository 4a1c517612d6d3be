/**
 * `kioskctl read-card --code-b DIGITS [--reader NAME] [--json] [--reveal]`: the kiosk's card read
 * (readCardFace: tries left, one guarded VERIFY, EF 0002, EF 0004, challenge) on a PC/SC reader, for
 * a field technician. Personal values print as "[redacted]" unless --reveal; the code never prints.
 *
 * The JSON object is a scripting interface (documented in README, section card): keep it additive.
 * Authenticity is filled by `authenticityOf()` below: one function to change when issue 4 lands.
 */
import { createHash, randomBytes } from "node:crypto";
import { toHex } from "../card/apdu";
import { CardError, describeProblem, isCardError } from "../card/errors";
import { formatIsoDate } from "../age/date";
import { readCardFace, type ReadFaceFailure, type ReadFaceResult } from "../card/mynumber/read-face";
import { RetryGuard } from "../card/mynumber/retry-policy";
import {
  assessAuthenticity,
  printedExpiryFromCodeB,
  type AuthenticityChecks,
  type AuthenticityReason,
  type AuthenticityResultKind,
} from "../card/mynumber/auth/authenticity";
import type { TrustStore } from "../card/mynumber/auth/trust";
import { tokyoDate } from "../age/date";
import type { CardChannel, CardReaderPort } from "../card/reader";
import { CodeB, REDACTED } from "../card/secret";
import { openCardReader } from "../devices";
import type { Command, CommandIo } from "./command";
import { waitUntil, type OpenReader } from "./readers";
import { readStdinLine } from "./stdin";
import type { EntryPrefill } from "../protocol";

/** Exit codes: each outcome a script may branch on gets its own. */
export const READ_CARD_EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  wrongCode: 3,
  blocked: 4,
  refusedLowTries: 5,
  noCard: 6,
  noReader: 7,
  notMyNumberCard: 8,
} as const;

/** What the card answered to the VERIFY (or why none was sent); "unanswered": sent, answer lost. */
export type VerifyOutcome = "ok" | "wrong-code" | "blocked" | "unanswered" | "refused-low-tries" | "refused-policy" | "not-sent";

/** `result` is one of assessAuthenticity's six answers, or "not-checked" when no record was read. */
export interface AuthenticityJson {
  result: AuthenticityResultKind | "not-checked";
  checks: AuthenticityChecks;
  reason?: AuthenticityReason;
}

export interface ReadCardJson {
  outcome: "read" | ReadFaceFailure["kind"];
  reader: string | null;
  atr: string | null;
  readMode: "short" | "extended" | null;
  triesLeftBefore: number | null;
  verify: VerifyOutcome;
  triesLeftAfter: number | null;
  record?: {
    birthDate: string;
    sex: string;
    expiry: string;
    photo: { format: string; bytes: number; sha256: string };
  };
  authenticity: AuthenticityJson;
  timings: Record<string, number>;
  apdus: number;
  bytesOut: number;
  bytesIn: number;
  error?: string;
  /** The step (and file) the read ended in, when it failed: e.g. "read EF 0002 (card face)". */
  step?: string;
}

const USAGE = [
  "usage: kioskctl read-card [--document auto|mynumber|residence|passport|licence] KEY [--reader NAME] [--json] [--reveal]",
  "       KEY: --code-b DIGITS|- (mynumber), --card-number AA12345678BC (residence),",
  "            --doc-number X --birth YYMMDD --expiry YYMMDD (passport MRZ), --pin - (licence PIN 1, from stdin)",
  "       --document: default mynumber with --code-b, else auto (recognised by the daemon's probes, in its order)",
  "                          [--min-tries N] [--read-mode short|extended|auto] [--wait MS] [--timeout MS]",
  "                          [--trust-file PATH]...",
  "",
  "Reads the My Number card's card-face application with 照合番号B (14 digits: birth date YYMMDD as",
  "printed, card expiry year, security code). Checks the tries left first and refuses to VERIFY when",
  "fewer than --min-tries (default 3) are left: it never spends more than one try.",
  "--code-b -     read the digits from the first line of standard input (keeps them out of `ps`)",
  "--reader NAME  PC/SC reader name substring (default: the first reader)",
  "--reveal       print birth date, sex, expiry and the photo hash (default \"[redacted]\")",
  "--read-mode    READ BINARY in 256-byte steps, one extended read, or extended when the reader allows",
  "--wait MS      how long to wait for the reader and the card (default 3000)",
  "--timeout MS   budget for the whole read (default 20000)",
  "--trust-file P extra card-face CA keys (JSON, as `kioskctl trust`); refused in production mode",
  "--json         one JSON object (see README, section card)",
  "Exit codes: 0 read, 3 wrong code, 4 blocked, 5 refused (too few tries left), 6 no card, 7 no reader,",
  "            8 not a My Number card / not the --document kind / no kind recognised, 1 other error",
  "            (timeout, transport, malformed), 2 usage (or key options the kind's rules refuse).",
].join("\n");

type DocumentOption = "auto" | "mynumber" | "residence" | "passport" | "licence";

interface Args {
  document: DocumentOption;
  /** --code-b (My Number); null for the other kinds. */
  code: CodeB | null;
  /** The other kinds' key, by their schema's field ids (never printed). */
  entry: EntryPrefill;
  readerName: string;
  json: boolean;
  reveal: boolean;
  minTries: number;
  readMode: "short" | "extended" | "auto";
  waitMs: number;
  timeoutMs: number;
  trustFiles: string[];
}

const KEY_OPTIONS = { "--card-number": "cardNumber", "--doc-number": "documentNumber", "--birth": "birthDate", "--expiry": "expiry", "--pin": "pin" } as const;

const INT_OPTIONS = {
  "--min-tries": ["minTries", 2, 10, "--min-tries is 2 to 10"],
  "--wait": ["waitMs", 0, 600_000, "--wait is 0 to 600000 ms"],
  "--timeout": ["timeoutMs", 100, 600_000, "--timeout is 100 to 600000 ms"],
} as const;

/** `stdinLine`: the first line of standard input, for `--code-b -` (keeps the digits out of argv). */
function parseArgs(args: readonly string[], stdinLine: string | null): Args | string {
  let digits: string | null = null;
  let document: DocumentOption | null = null;
  const entry: EntryPrefill = {};
  const a: Omit<Args, "code" | "document" | "entry"> = {
    readerName: "",
    json: false,
    reveal: false,
    minTries: 3,
    readMode: "short",
    waitMs: 3000,
    timeoutMs: 20_000,
    trustFiles: [],
  };
  for (let i = 0; i < args.length; i++) {
    const k = args[i];
    const v = args[i + 1];
    const int = (lo: number, hi: number): number | null =>
      v !== undefined && /^\d{1,7}$/.test(v) && Number(v) >= lo && Number(v) <= hi ? Number(v) : null;
    if (k !== undefined && Object.hasOwn(KEY_OPTIONS, k)) {
      const problem = keyOption(k as keyof typeof KEY_OPTIONS, v, stdinLine, entry);
      if (problem !== null) return problem;
      i++;
      continue;
    }
    switch (k) {
      case "--json":
        a.json = true;
        continue;
      case "--reveal":
        a.reveal = true;
        continue;
      case "--code-b":
        if (v === undefined) return "--code-b needs 14 digits";
        digits = v;
        i++;
        continue;
      case "--document":
        if (v !== "auto" && v !== "mynumber" && v !== "residence" && v !== "passport" && v !== "licence") return "--document is auto, mynumber, residence, passport or licence";
        document = v;
        i++;
        continue;

      case "--reader":
        if (v === undefined) return "--reader needs a name";
        a.readerName = v;
        i++;
        continue;
      case "--trust-file":
        if (v === undefined) return "--trust-file needs a path";
        a.trustFiles.push(v);
        i++;
        continue;
      case "--read-mode":
        if (v !== "short" && v !== "extended" && v !== "auto") return "--read-mode is short, extended or auto";
        a.readMode = v;
        i++;
        continue;
      case "--min-tries":
      case "--wait":
      case "--timeout": {
        // --min-tries never below 2: with one try left a wrong code would block the card.
        const [field, lo, hi, problem] = INT_OPTIONS[k];
        const n = int(lo, hi);
        if (n === null) return problem;
        a[field] = n;
        i++;
        continue;
      }
      case undefined:
      default:
        return `unknown argument ${String(k)}`;
    }
  }
  return finishArgs(a, document ?? (digits !== null ? "mynumber" : "auto"), digits, entry, stdinLine);
}

/** The other kinds' key options, by their schema's field ids; `--pin -` reads standard input. */
function keyOption(k: keyof typeof KEY_OPTIONS, v: string | undefined, stdinLine: string | null, entry: EntryPrefill): string | null {
  if (v === undefined) return `${k} needs a value`;
  if (v === "-" && k !== "--pin") return `${k} -: only --code-b and --pin read standard input`;
  if (v === "-" && stdinLine === null) return `${k} -: no line on standard input`;
  entry[KEY_OPTIONS[k]] = v === "-" ? (stdinLine ?? "").trim() : v;
  return null;
}

function finishArgs(a: Omit<Args, "code" | "document" | "entry">, doc: DocumentOption, digits: string | null, entry: EntryPrefill, stdinLine: string | null): Args | string {
  if (doc !== "mynumber" && digits === null) {
    if (doc !== "auto" && Object.keys(entry).length === 0) return `--document ${doc} needs its key options (see usage)`;
    return { ...a, document: doc, code: null, entry };
  }
  if (digits === null) return "--code-b is required";
  if (digits === "-") {
    if (stdinLine === null) return "--code-b -: no line on standard input";
    digits = stdinLine.trim();
  }
  const code = CodeB.fromDigits(digits);
  if (!code) return "--code-b must be exactly 14 digits";
  return { ...a, document: doc, code, entry };
}

/** Context of the authenticity check: the trust store, today in Tokyo, what the face shows. */
export interface AuthenticityContext {
  trust: TrustStore;
  now: number;
  code: CodeB;
}

/** The authenticity block: assessAuthenticity() over a successful read; "not-checked" otherwise. */
export function authenticityOf(read: ReadFaceResult, ctx: AuthenticityContext | null): AuthenticityJson {
  if (!read.ok || ctx === null) {
    return {
      result: "not-checked",
      checks: { certificate: "not-run", recordSignature: "not-run", challenge: "not-run", expiry: "not-run" },
    };
  }
  const a = assessAuthenticity({
    face: read.record,
    cvc: read.cvc,
    nonce: read.nonce,
    challengeSignature: read.signature,
    printedExpiry: printedExpiryFromCodeB(ctx.code),
    today: tokyoDate(ctx.now),
    trust: ctx.trust,
  });
  return { result: a.result, checks: a.checks, reason: a.reason };
}

function verifyOutcome(r: ReadFaceResult): VerifyOutcome {
  // What the card answered, whatever happened after it (a VERIFY that succeeded stays "ok").
  if (r.verify !== "not-sent") return r.verify;
  if (r.ok) return "ok";
  switch (r.failure.kind) {
    case "wrong-code":
      return "wrong-code";
    case "blocked":
      return "blocked";
    case "refused-low-tries":
      return "refused-low-tries";
    case "refused-policy":
      return "refused-policy";
    case "not-my-number-card":
    case "no-card":
    case "no-reader":
    case "timeout":
    case "aborted":
    case "malformed":
    case "status":
    case "transport":
      return "not-sent";
  }
}

export function exitCodeFor(outcome: ReadCardJson["outcome"]): number {
  switch (outcome) {
    case "read":
      return READ_CARD_EXIT.ok;
    case "wrong-code":
      return READ_CARD_EXIT.wrongCode;
    case "blocked":
      return READ_CARD_EXIT.blocked;
    case "refused-low-tries":
    case "refused-policy":
      return READ_CARD_EXIT.refusedLowTries;
    case "no-card":
      return READ_CARD_EXIT.noCard;
    case "no-reader":
      return READ_CARD_EXIT.noReader;
    case "not-my-number-card":
      return READ_CARD_EXIT.notMyNumberCard;
    case "timeout":
    case "aborted":
    case "malformed":
    case "status":
    case "transport":
      return READ_CARD_EXIT.error;
  }
}

function failureText(f: ReadFaceFailure): string {
  switch (f.kind) {
    case "wrong-code":
      return `wrong 照合番号B: ${f.triesLeft} tries left`;
    case "blocked":
      return "照合番号B is blocked (0 tries left): the holder must have it reset at the municipal office";
    case "refused-low-tries":
      return `refused: only ${f.triesLeft} tries left (minimum ${f.minimum}); no try was spent`;
    case "refused-policy":
      return `refused by the retry policy (${f.reason}); no try was spent`;
    case "not-my-number-card":
      return "not a My Number card (no card-face application)";
    case "no-card":
      return "no card on the reader (or it was removed during the read)";
    case "no-reader":
    case "timeout":
    case "aborted":
    case "malformed":
    case "status":
    case "transport":
      return describeProblem(f);
  }
}

const roundTimings = (t: object): Record<string, number> =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(Number(v) * 10) / 10]));

/** Turn a read into the JSON object (the record's bytes are not kept: the caller purges the read). */
export function toJson(
  read: ReadFaceResult,
  ctx: { reader: string; atr: Uint8Array; readMode: "short" | "extended"; reveal: boolean; auth?: AuthenticityContext },
): ReadCardJson {
  // A thunk: without --reveal no string of the holder's data is even made.
  const show = (v: () => string): string => (ctx.reveal ? v() : REDACTED);
  const out: ReadCardJson = {
    outcome: read.ok ? "read" : read.failure.kind,
    reader: ctx.reader,
    atr: toHex(ctx.atr).toUpperCase(),
    readMode: ctx.readMode,
    triesLeftBefore: read.triesLeftBefore,
    verify: verifyOutcome(read),
    triesLeftAfter: read.triesLeftAfter,
    authenticity: authenticityOf(read, ctx.auth ?? null),
    timings: roundTimings(read.timings),
    apdus: read.stats.apdus,
    bytesOut: read.stats.bytesOut,
    bytesIn: read.stats.bytesIn,
  };
  if (read.ok) {
    const r = read.record;
    out.record = {
      birthDate: show(() => formatIsoDate(r.birthDate)),
      sex: show(() => r.sex),
      expiry: show(() => formatIsoDate(r.expiry)),
      photo: {
        format: r.photo.format,
        bytes: r.photo.bytes.length,
        sha256: show(() => createHash("sha256").update(r.photo.bytes).digest("hex")),
      },
    };
  } else {
    const text = failureText(read.failure);
    out.error = read.failedStep && !text.includes(read.failedStep) ? `${text} (at ${read.failedStep})` : text;
    if (read.failedStep) out.step = read.failedStep;
  }
  return out;
}

function earlyJson(outcome: "no-card" | "no-reader" | "transport" | "timeout", error: string, reader: string | null): ReadCardJson {
  return {
    outcome,
    reader,
    atr: null,
    readMode: null,
    triesLeftBefore: null,
    verify: "not-sent",
    triesLeftAfter: null,
    authenticity: {
      result: "not-checked",
      checks: { certificate: "not-run", recordSignature: "not-run", challenge: "not-run", expiry: "not-run" },
    },
    timings: {},
    apdus: 0,
    bytesOut: 0,
    bytesIn: 0,
    error,
  };
}

function humanText(j: ReadCardJson): string {
  const lines = [
    `reader          ${j.reader ?? "-"}`,
    `atr             ${j.atr ?? "-"}`,
    `tries left      ${j.triesLeftBefore ?? "?"} before, ${j.triesLeftAfter ?? "?"} after`,
    `verify          ${j.verify}`,
  ];
  if (j.record) {
    lines.push(
      `birth date      ${j.record.birthDate}`,
      `sex             ${j.record.sex}`,
      `expiry          ${j.record.expiry}`,
      `photo           ${j.record.photo.format}, ${j.record.photo.bytes} bytes, sha256 ${j.record.photo.sha256}`,
    );
  }
  lines.push(`authenticity    ${j.authenticity.result}${j.authenticity.reason ? ` (${j.authenticity.reason})` : ""}`);
  if (j.readMode) lines.push(`read mode       ${j.readMode}, ${j.apdus} APDUs, ${j.bytesOut} bytes out, ${j.bytesIn} bytes in`);
  if (j.timings["total"] !== undefined) {
    lines.push(`timings (ms)    ${Object.entries(j.timings).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  }
  if (j.error) lines.push(`error           ${j.error}`);
  return lines.join("\n") + "\n";
}

async function readOnce(port: CardReaderPort, a: Args & { code: CodeB }, trust: TrustStore): Promise<{ json: ReadCardJson; code: number }> {
  const early = (o: "no-card" | "no-reader" | "transport" | "timeout", msg: string, reader: string | null) => {
    const json = earlyJson(o, msg, reader);
    return { json, code: exitCodeFor(json.outcome) };
  };
  if (!(await waitUntil(() => port.status() === "ok", a.waitMs))) {
    const down = port.status() === "error";
    return early("no-reader", down ? "PC/SC service (pcscd) not reachable" : a.readerName ? `no reader matching "${a.readerName}"` : "no reader attached", null);
  }
  if (!(await waitUntil(() => port.cardPresent() !== null, a.waitMs))) {
    return early("no-card", "no card on the reader", port.readers().find((n) => n.toLowerCase().includes(a.readerName.toLowerCase())) ?? null);
  }
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), a.timeoutMs);
  let channel: CardChannel | null = null;
  const guard = new RetryGuard({ minTriesLeft: a.minTries });
  const nonce = new Uint8Array(randomBytes(32));
  try {
    try {
      channel = await port.connect(budget.signal);
    } catch (e) {
      const p = isCardError(e) ? e.problem : new CardError({ kind: "transport", detail: "connect failed" }).problem;
      const kind = p.kind === "no-card" || p.kind === "no-reader" || p.kind === "timeout" ? p.kind : "transport";
      return early(kind, isCardError(e) ? e.message : "connect failed", null);
    }
    const readMode = a.readMode === "auto" ? (channel.extendedApdu ? "extended" : "short") : a.readMode;
    const read = await readCardFace({ transmit: channel, code: a.code, nonce, guard, signal: budget.signal, readMode });
    const timedOut = !read.ok && read.failure.kind === "aborted" && budget.signal.aborted;
    const auth = { trust, now: Date.now(), code: a.code };
    const json = toJson(read, { reader: channel.reader, atr: channel.atr, readMode, reveal: a.reveal, auth });
    if (timedOut) {
      json.outcome = "timeout";
      json.error = `the read did not finish within ${a.timeoutMs} ms`;
    }
    if (read.ok) read.purge();
    return { json, code: exitCodeFor(json.outcome) };
  } finally {
    clearTimeout(timer);
    guard.wipe();
    nonce.fill(0);
    await channel?.disconnect();
  }
}


export function makeReadCardCommand(deps: { openReader: OpenReader; readStdinLine?: (timeoutMs: number) => Promise<string | null> }): Command {
  return {
    usage: USAGE,
    async run(args, io: CommandIo) {
      const stdinLine = args.includes("-") ? await (deps.readStdinLine ?? readStdinLine)(10_000) : null;
      if (args.filter((x) => x === "-").length > 1) {
        io.err(`kioskctl read-card: only one option may read standard input\n\n${USAGE}\n`);
        return READ_CARD_EXIT.usage;
      }
      const a = parseArgs(args, stdinLine);
      if (typeof a === "string") {
        io.err(`kioskctl read-card: ${a}\n\n${USAGE}\n`);
        return READ_CARD_EXIT.usage;
      }
      // Extra trust keys (--trust-file) only outside production: buildTrustStore enforces it.
      // Loaded here, not at the top: `read-card --help` must not pay for zod (config and key schemas).
      const [{ loadConfig }, { buildTrustStore }] = await Promise.all([import("../config"), import("../card/mynumber/auth/trust")]);
      const cfg = loadConfig({ env: io.env });
      const trust = buildTrustStore({ mode: cfg.ok ? cfg.config.mode : "production", extraKeyFiles: a.trustFiles });
      if (!trust.ok) {
        a.code?.wipe();
        io.err(`kioskctl read-card: ${trust.errors.join("\n  ")}\n`);
        return READ_CARD_EXIT.usage;
      }
      const port = await deps.openReader({ readerName: a.readerName });
      try {
        if (a.document !== "mynumber") {
          // Any other kind (or auto): through the daemon's registry, in its recognition order.
          const { cliDocumentKinds, readDocument, documentHumanText, DOCUMENT_EXIT } = await import("./read-document");
          if (!cfg.ok) {
            io.err("kioskctl read-card: the configuration does not load (see `kioskctl health`)\n");
            return READ_CARD_EXIT.usage;
          }
          const kinds = cliDocumentKinds(cfg.config, io.env, trust.store, a.minTries);
          if (typeof kinds === "string") {
            io.err(`kioskctl read-card: ${kinds}\n`);
            return READ_CARD_EXIT.usage;
          }
          const r = await readDocument(port, kinds, { document: a.document, entry: a.entry, readerName: a.readerName, reveal: a.reveal, minTries: a.minTries, waitMs: a.waitMs, timeoutMs: a.timeoutMs });
          if (r !== "mynumber") {
            io.out(a.json ? JSON.stringify(r) + "\n" : documentHumanText(r));
            return DOCUMENT_EXIT[r.outcome];
          }
          // auto found a My Number card: its own detailed read, which needs 照合番号B.
          if (a.code === null) {
            io.err("kioskctl read-card: the card is a My Number card: give --code-b\n");
            return READ_CARD_EXIT.usage;
          }
        }
        if (a.code === null) return READ_CARD_EXIT.usage;
        const { json, code } = await readOnce(port, { ...a, code: a.code }, trust.store);
        const out = { document: "mynumber", ...json };
        io.out(a.json ? JSON.stringify(out) + "\n" : `document        mynumber\n${humanText(json)}`);
        return code;
      } finally {
        a.code?.wipe();
        await port.close();
      }
    },
  };
}

export const readCardCommand: Command = makeReadCardCommand({
  openReader: (o) => openCardReader({ kind: "pcsc", readerName: o.readerName }),
});
