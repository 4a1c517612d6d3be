/**
 * The My Number card as a document kind (the first one; behaviour as before the seam):
 * - recognised by SELECT of the 券面AP (card-face application) by its full AID, no secret;
 * - access key 照合番号B, from the printed face (OCR, compose/front.ts) or typed (MY_NUMBER_ACCESS_KEY),
 *   checked by the card-face plausibility rules (cardfront/plausibility.ts) before it is derived;
 * - the card counts tries (10); the kiosk refuses to spend one below `minTriesLeft` and never sends a
 *   refused code twice (card/mynumber/retry-policy.ts, one guard per session);
 * - read by card/mynumber/read-face.ts with a fresh nonce; authenticity by card/mynumber/auth/.
 */
import { randomBytes } from "node:crypto";
import type { CalendarDate } from "../../age/date";
import type { ReadMode } from "../../card/card";
import { assessAuthenticity, printedExpiryFromCodeB, type PrintedExpiry } from "../../card/mynumber/auth/authenticity";
import type { TrustStore } from "../../card/mynumber/auth/trust";
import type { CardFaceRecord } from "../../card/mynumber/card-face";
import { deriveCodeB } from "../../card/mynumber/code-b";
import { SURFACE_AID } from "../../card/mynumber/ids";
import { readCardFace, NONCE_BYTES, type ReadFaceFailure, type ReadFaceResult } from "../../card/mynumber/read-face";
import { RetryGuard } from "../../card/mynumber/retry-policy";
import type { CardChannel } from "../../card/reader";
import { CodeB } from "../../card/secret";
import { entryToCodeBInput, validateEntry } from "../../cardfront/plausibility";
import type { Logger } from "../../log";
import {
  problemString,
  type AccessKey,
  type Authenticity,
  type ChipReadResult,
  type DocumentData,
  type DocumentEvidence,
  type DocumentKind,
  type EntryCheck,
  type EntryPrefill,
  type FrontResult,
  type ReadContext,
} from "../types";
import { MY_NUMBER_ACCESS_KEY } from "./access-key";
import { asciiDate } from "../ascii-date";

export { MY_NUMBER_ACCESS_KEY };
export const MY_NUMBER_KIND = "mynumber";

export interface MyNumberKindDeps {
  trust: TrustStore;
  /** config card.minTriesLeft: no VERIFY below this many tries left. */
  minTriesLeft: number;
  readMode: ReadMode | "auto";
  now: () => number;
  log: Logger;
  /** The card-face camera route (compose/front.ts); null: no document camera, always typed. */
  readFront: ((signal: AbortSignal, onFrame: (frames: number) => void) => Promise<FrontResult>) | null;
  /** The nonce source (default: node's CSPRNG). */
  random?: (n: number) => Uint8Array;
}

/** What the authenticity check needs, kept only until the session is purged. */
class ReadEvidence implements DocumentEvidence {
  constructor(
    readonly result: Extract<ReadFaceResult, { ok: true }>,
    /** The expiry year as printed (digits 7–10 of 照合番号B), for the DF29 cross-check. */
    readonly printedExpiry: PrintedExpiry | null,
  ) {}
  wipe(): void {
    this.result.purge();
  }
}

function documentData(record: CardFaceRecord): DocumentData {
  // Copies: the flow owns these buffers from now on and zeroes them on purge; the record (and its
  // raw EF 0002 buffer) stays in the evidence and is wiped with it.
  return {
    kind: MY_NUMBER_KIND,
    birthDate: asciiDate(record.birthDate),
    expiry: asciiDate(record.expiry),
    portrait: record.photo.bytes.slice(),
    images: [
      { label: "name", png: record.namePng.slice() },
      { label: "address", png: record.addressPng.slice() },
    ],
    // ISO 5218 digit as ASCII ("1" male, "2" female, "0" not known, "9" not applicable).
    text: [{ label: "sex", ascii: Uint8Array.of(record.sex.charCodeAt(0)) }],
  };
}

/** A read failure of the card-face procedure in document terms. */
function failureResult(f: ReadFaceFailure, triesLeftBefore: number | null): Exclude<ChipReadResult, { kind: "ok" }> {
  switch (f.kind) {
    case "wrong-code":
      return { kind: "wrong-code", triesLeft: f.triesLeft };
    case "blocked":
      return { kind: "blocked" };
    case "refused-low-tries":
      return { kind: "refused-low-tries", triesLeft: f.triesLeft };
    case "refused-policy":
      return { kind: "refused-low-tries", triesLeft: triesLeftBefore ?? 0 };
    case "not-my-number-card":
      return { kind: "unsupported-document" };
    case "no-card":
    case "aborted":
      return { kind: "no-card" };
    case "no-reader":
    case "timeout":
    case "malformed":
    case "status":
    case "transport":
      return { kind: "read-error", detail: f.kind };
  }
}

export function myNumberKind(deps: MyNumberKindDeps): DocumentKind {
  const log = deps.log.child("chip");
  let guard = new RetryGuard({ minTriesLeft: deps.minTriesLeft });
  const readFront = deps.readFront;
  const random = deps.random ?? ((n: number) => new Uint8Array(randomBytes(n)));

  async function read(channel: CardChannel, key: AccessKey, ctx: ReadContext): Promise<ChipReadResult> {
    if (!(key instanceof CodeB)) return { kind: "read-error", detail: "not a 照合番号B" };
    const nonce = random(NONCE_BYTES);
    if (deps.readMode === "extended" && !channel.extendedApdu) log.warn("extended-apdu-unsupported", { reader: channel.reader });
    try {
      const r = await readCardFace({
        transmit: channel,
        code: key,
        nonce,
        guard,
        signal: ctx.signal,
        readMode: deps.readMode,
        extendedApdu: channel.extendedApdu,
        onProgress: (fraction) => ctx.onProgress({ progress: fraction, triesLeft: null }),
        now: deps.now,
      });
      log.info("chip-read", {
        ok: r.ok,
        failure: r.ok ? null : r.failure.kind,
        triesLeftBefore: r.triesLeftBefore,
        triesLeftAfter: r.triesLeftAfter,
        ms: Math.round(r.timings.total),
        apdus: r.stats.apdus,
      });
      if (!r.ok) return failureResult(r.failure, r.triesLeftBefore);
      return {
        kind: "ok",
        data: documentData(r.record),
        evidence: new ReadEvidence(r, printedExpiryFromCodeB(key)),
        triesLeft: r.triesLeftAfter ?? 0,
      };
    } finally {
      nonce.fill(0);
    }
  }

  return {
    info: { kind: MY_NUMBER_KIND, accessKey: MY_NUMBER_ACCESS_KEY, tries: { counter: "card", minLeftToSpend: deps.minTriesLeft } },
    recognition: { probes: [{ select: "aid", aid: SURFACE_AID }] },
    ...(readFront ? { readFront: (signal: AbortSignal, onFrame: (frames: number) => void) => readFront(signal, onFrame) } : {}),

    checkEntry(entry: EntryPrefill, today: CalendarDate): EntryCheck {
      const parsed = entryToCodeBInput(entry, today);
      if (!parsed.ok) return { ok: false, problem: problemString(parsed.problems[0]) };
      const code = deriveCodeB(parsed.input);
      if (!code.ok) {
        const first = code.problems[0];
        return { ok: false, problem: problemString(first ? { field: first.field, code: first.kind } : undefined) };
      }
      return { ok: true, key: code.code };
    },

    entryProblem(entry: EntryPrefill, today: CalendarDate): string | null {
      const first = validateEntry(entry, today)[0];
      return first ? problemString(first) : null;
    },

    read,

    assess(_data: DocumentData, evidence: DocumentEvidence, today: CalendarDate): Promise<Authenticity> {
      if (!(evidence instanceof ReadEvidence)) return Promise.resolve("could-not-check");
      const r = evidence.result;
      const a = assessAuthenticity({
        face: r.record,
        cvc: r.cvc,
        nonce: r.nonce,
        challengeSignature: r.signature,
        printedExpiry: evidence.printedExpiry,
        today,
        trust: deps.trust,
      });
      log.info("authenticity", { result: a.result, reason: a.reason });
      return Promise.resolve(a.result);
    },

    /** The flow purged the session: forget remembered wrong codes. */
    endSession(): void {
      guard.wipe();
      guard = new RetryGuard({ minTriesLeft: deps.minTriesLeft });
    },
  };
}
