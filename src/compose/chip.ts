/**
 * Glue between the session flow's chip ports (flow/ports.ts) and the card layer: connect to the card
 * on the reader, run the kiosk's one read procedure with a fresh nonce, hand the flow zeroable
 * buffers, and assess authenticity from the evidence kept for it. Session-scoped state (the retry
 * guard) is forgotten when the flow purges the session.
 */
import { randomBytes } from "node:crypto";
import { formatIsoDate, tokyoDate, type CalendarDate } from "../age/date";
import { assessAuthenticity } from "../card/mynumber/authenticity";
import type { CardFaceRecord } from "../card/mynumber/card-face";
import { readCardFace, NONCE_BYTES, type ReadFaceResult } from "../card/mynumber/read-face";
import { RetryGuard } from "../card/mynumber/retry-policy";
import type { TrustStore } from "../card/mynumber/trust";
import type { ReadMode } from "../card/card";
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
  readMode: "short" | "extended" | "auto";
  now: () => number;
  log: Logger;
  random?: (n: number) => Uint8Array;
}

/** What the authenticity check needs, kept only until the session is purged. */
class ReadEvidence implements ChipEvidence {
  constructor(
    readonly result: Extract<ReadFaceResult, { ok: true }>,
    /** The expiry year as printed (digits 7–10 of 照合番号B), for the DF29 cross-check. */
    readonly printedExpiryYear: number | null,
  ) {}
  wipe(): void {
    this.result.purge();
  }
}

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "ascii"));
const compactDate = (d: CalendarDate): string => formatIsoDate(d).replaceAll("-", "");

function chipData(record: CardFaceRecord): ChipData {
  // Copies: the flow owns these buffers from now on and zeroes them on purge; the record (and its
  // raw EF 0002 buffer) stays in the evidence and is wiped with it.
  return {
    birthDate: ascii(compactDate(record.birthDate)),
    expiry: ascii(compactDate(record.expiry)),
    sex: ascii(record.sex),
    nameImage: record.namePng.slice(),
    addressImage: record.addressPng.slice(),
    photo: record.photo.bytes.slice(),
  };
}

function printedExpiryYear(code: CodeB): number | null {
  return code.useBytes((b) => {
    let y = 0;
    for (let i = 6; i < 10; i++) {
      const d = (b[i] ?? 0) - 0x30;
      if (d < 0 || d > 9) return null;
      y = y * 10 + d;
    }
    return y;
  });
}

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
      const readMode: ReadMode =
        deps.readMode === "auto" ? (channel.extendedApdu ? "extended" : "short") : deps.readMode;
      if (readMode === "extended" && !channel.extendedApdu) log.warn("extended-apdu-unsupported", { reader: channel.reader });
      let triesLeft: number | null = null;
      try {
        const r = await readCardFace({
          transmit: channel,
          code,
          nonce,
          guard,
          signal,
          readMode: readMode === "extended" && !channel.extendedApdu ? "short" : readMode,
          onProgress: (fraction) => onProgress({ progress: fraction, triesLeft }),
          now: deps.now,
        });
        nonce.fill(0);
        triesLeft = r.triesLeftAfter;
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
            evidence: new ReadEvidence(r, printedExpiryYear(code)),
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
            return { kind: "not-my-number-card" };
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
        await channel.disconnect();
      }
    },

    assessAuthenticity(evidence: ChipEvidence): Promise<Authenticity> {
      if (!(evidence instanceof ReadEvidence)) return Promise.resolve("could-not-check");
      const r = evidence.result;
      const year = evidence.printedExpiryYear;
      const a = assessAuthenticity({
        face: r.record,
        cvc: r.cvc,
        nonce: r.nonce,
        challengeSignature: r.signature,
        printedExpiry: year === null ? null : { year },
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
