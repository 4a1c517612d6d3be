/**
 * Glue between the session flow's chip ports (flow/ports.ts) and the card layer: connect to the card
 * on the reader, run the kiosk's one read procedure with a fresh nonce, hand the flow zeroable
 * buffers, and assess authenticity from the evidence kept for it. Session-scoped state (the retry
 * guard) is forgotten when the flow purges the session.
 */
import { randomBytes } from "node:crypto";
import { tokyoDate, type CalendarDate } from "../age/date";
import { assessAuthenticity, printedExpiryFromCodeB, type PrintedExpiry } from "../card/mynumber/auth/authenticity";
import type { CardFaceRecord } from "../card/mynumber/card-face";
import { readCardFace, NONCE_BYTES, type ReadFaceResult } from "../card/mynumber/read-face";
import type { ReadMode } from "../card/card";
import { RetryGuard } from "../card/mynumber/retry-policy";
import type { TrustStore } from "../card/mynumber/auth/trust";
import type { CardReaderPort } from "../card/reader";
import type { CodeB } from "../card/secret";
import { isCardError } from "../card/errors";
import type { Logger } from "../log";
import type { Authenticity } from "../flow/outcome";
import type { CardPresence, ChipData, ChipEvidence, ChipProgress, ChipReadResult } from "../flow/ports";

export interface ChipGlueDeps {
  /** null: no reader could be opened (production with hardware missing). */
  reader: CardReaderPort | null;
  trust: TrustStore;
  minTriesLeft: number;
  readMode: ReadMode | "auto";
  now: () => number;
  log: Logger;
  random?: (n: number) => Uint8Array;
}

/** What the authenticity check needs, kept only until the session is purged. */
class ReadEvidence implements ChipEvidence {
  constructor(
    readonly result: Extract<ReadFaceResult, { ok: true }>,
    /** The expiry year as printed (digits 7–10 of 照合番号B), for the DF29 cross-check. */
    readonly printedExpiry: PrintedExpiry | null,
  ) {}
  wipe(): void {
    this.result.purge();
  }
}

/** "YYYYMMDD" as ASCII bytes, written digit by digit: no string holding the date is made. */
function asciiDate(d: CalendarDate): Uint8Array {
  const out = new Uint8Array(8);
  let n = d.year * 10_000 + d.month * 100 + d.day;
  for (let i = 7; i >= 0; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return out;
}

function chipData(record: CardFaceRecord): ChipData {
  // Copies: the flow owns these buffers from now on and zeroes them on purge; the record (and its
  // raw EF 0002 buffer) stays in the evidence and is wiped with it.
  return {
    birthDate: asciiDate(record.birthDate),
    expiry: asciiDate(record.expiry),
    sex: Uint8Array.of(record.sex.charCodeAt(0)),
    nameImage: record.namePng.slice(),
    addressImage: record.addressPng.slice(),
    photo: record.photo.bytes.slice(),
  };
}

// eslint-disable-next-line max-lines-per-function -- compose/chip.ts becomes the documents seam (issue 13, seam); split there
export function createChipGlue(deps: ChipGlueDeps) {
  const random = deps.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const log = deps.log.child("chip");
  let guard = new RetryGuard({ minTriesLeft: deps.minTriesLeft });

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

    async readChip(code: CodeB, signal: AbortSignal, onProgress: (p: ChipProgress) => void): Promise<ChipReadResult> {
      if (!deps.reader) return { kind: "read-error", detail: "no reader" };
      let channel;
      try {
        channel = await deps.reader.connect(signal);
      } catch (e) {
        if (isCardError(e) && e.problem.kind === "no-card") return { kind: "no-card" };
        return { kind: "read-error", detail: isCardError(e) ? e.problem.kind : "connect failed" };
      }
      const nonce = random(NONCE_BYTES);
      if (deps.readMode === "extended" && !channel.extendedApdu) log.warn("extended-apdu-unsupported", { reader: channel.reader });
      try {
        const r = await readCardFace({
          transmit: channel,
          code,
          nonce,
          guard,
          signal,
          readMode: deps.readMode,
          extendedApdu: channel.extendedApdu,
          onProgress: (fraction) => onProgress({ progress: fraction, triesLeft: null }),
          now: deps.now,
        });
        nonce.fill(0);
        log.info("chip-read", {
          ok: r.ok,
          failure: r.ok ? null : r.failure.kind,
          triesLeftBefore: r.triesLeftBefore,
          triesLeftAfter: r.triesLeftAfter,
          ms: Math.round(r.timings.total),
          apdus: r.stats.apdus,
        });
        if (r.ok) {
          return {
            kind: "ok",
            chip: chipData(r.record),
            evidence: new ReadEvidence(r, printedExpiryFromCodeB(code)),
            triesLeft: r.triesLeftAfter ?? 0,
          };
        }
        const f = r.failure;
        switch (f.kind) {
          case "wrong-code":
            return { kind: "wrong-code", triesLeft: f.triesLeft };
          case "blocked":
            return { kind: "blocked" };
          case "refused-low-tries":
            return { kind: "refused-low-tries", triesLeft: f.triesLeft };
          case "refused-policy":
            return { kind: "refused-low-tries", triesLeft: r.triesLeftBefore ?? 0 };
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
      } finally {
        nonce.fill(0);
        // A failed disconnect must not replace the answer: an ok answer carries the chip data, which
        // only the flow can wipe.
        await channel.disconnect().catch((e: unknown) => {
          log.warn("disconnect-failed", { error: e instanceof Error ? e.name : typeof e });
        });
      }
    },

    assessAuthenticity(evidence: ChipEvidence): Promise<Authenticity> {
      if (!(evidence instanceof ReadEvidence)) return Promise.resolve("could-not-check");
      const r = evidence.result;
      const a = assessAuthenticity({
        face: r.record,
        cvc: r.cvc,
        nonce: r.nonce,
        challengeSignature: r.signature,
        printedExpiry: evidence.printedExpiry,
        today: tokyoDate(deps.now()),
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
