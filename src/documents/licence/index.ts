/**
 * The IC driver's licence (ICカード運転免許証) as a document kind (protocol: src/card/licence/,
 * facts second-hand, reference other-ids-protocol.md §1):
 * - recognised by SELECT of DF1 and DF2 by AID (A0 00 00 02 31 01…, …02…), no secret. A My Number
 *   card never answers them: its licence application (マイナ免許証) has the AID …31 06…, and the My
 *   Number kind is registered first anyway;
 * - access key PIN 1 (4 digits, masked), always typed;
 * - the card counts tries (3; a locked licence needs the police): the kiosk reads the count first and
 *   refuses unless all 3 remain, sends at most one VERIFY per session, never PIN 2;
 * - read: birth date (era code + YYMMDD), expiry, and for the staff view the name and licence number;
 *   the photo only if the card gives it with PIN 1 (it needs PIN 2 on real cards, [code]/[2nd]);
 * - authenticity: the chip's signature (DF1/EF07) cannot be checked with public keys (and needs PIN 2),
 *   so a read that succeeded is `not-verifiable` (attended: staff see the data with that label;
 *   unattended: refer). There is no chip photo with PIN 1 alone, so "chip + face match" cannot pass.
 */
import type { CalendarDate } from "../../age/date";
import { LicencePin } from "../../card/licence/pin";
import { LicenceSession, readLicence, type LicenceReadFailure, type LicenceReadResult } from "../../card/licence/read";
import { DF1_AID, DF2_AID, PIN1_MAX_TRIES } from "../../card/licence/ids";
import type { CardChannel } from "../../card/reader";
import type { Logger } from "../../log";
import { asciiDate } from "../ascii-date";
import type {
  AccessKey,
  Authenticity,
  ChipReadResult,
  DocumentData,
  DocumentEvidence,
  DocumentKind,
  EntryCheck,
  EntryPrefill,
  ReadContext,
} from "../types";
import { LICENCE_ACCESS_KEY } from "./access-key";

export { LICENCE_ACCESS_KEY };

export const LICENCE_KIND = "licence";

export interface LicenceKindDeps {
  log: Logger;
  /** Bound on one APDU (ms); default the card layer's. */
  apduTimeoutMs?: number;
}

/** The PIN as the flow's vault holds it. */
class PinKey implements AccessKey {
  constructor(readonly pin: LicencePin) {}
  wipe(): void {
    this.pin.wipe();
  }
  toString(): string {
    return "[redacted]";
  }
  toJSON(): string {
    return "[redacted]";
  }
}

/** Nothing to verify with: the read's own buffers, wiped with the session. */
class LicenceEvidence implements DocumentEvidence {
  constructor(readonly result: Extract<LicenceReadResult, { ok: true }>) {}
  wipe(): void {
    this.result.purge();
  }
}

function entryProblem(entry: EntryPrefill): string | null {
  const pin = entry["pin"] ?? "";
  if (pin === "") return "pin:missing";
  if (!/^[0-9]+$/.test(pin)) return "pin:not-a-number";
  return pin.length === 4 ? null : "pin:not-4-digits";
}

function failureResult(f: LicenceReadFailure): Exclude<ChipReadResult, { kind: "ok" }> {
  switch (f.kind) {
    case "not-a-licence":
      return { kind: "unsupported-document" };
    case "wrong-pin":
      return { kind: "wrong-code", triesLeft: f.triesLeft };
    case "blocked":
      return { kind: "blocked" };
    case "refused":
      return { kind: "refused-low-tries", triesLeft: f.triesLeft };
    case "no-card":
    case "aborted":
      return { kind: "no-card" };
    case "tries-unknown":
    case "timeout":
    case "no-reader":
    case "transport":
    case "malformed":
    case "status":
      return { kind: "read-error", detail: f.kind };
  }
}

/** The read's fields as the flow keeps them (copies it owns), or null when the birth date or expiry is not sure. */
function documentData(r: Extract<LicenceReadResult, { ok: true }>): DocumentData | null {
  const { birthDate, expiry, nameUtf8, licenceNumber } = r.entries;
  if (!birthDate || !expiry) return null;
  const text: DocumentData["text"] = [];
  // The name is UTF-8 (JIS X 0208 on the chip): DocumentData's text was ASCII-only for My Number.
  if (nameUtf8.length > 0) text.push({ label: "name", ascii: nameUtf8.slice() });
  if (licenceNumber.length > 0) text.push({ label: "licence-number", ascii: licenceNumber.slice() });
  return {
    kind: LICENCE_KIND,
    birthDate: asciiDate(birthDate),
    expiry: asciiDate(expiry),
    portrait: r.photo ? r.photo.slice() : new Uint8Array(0),
    images: [],
    text,
  };
}

export function licenceKind(deps: LicenceKindDeps): DocumentKind {
  const log = deps.log.child("licence");
  let session = new LicenceSession();

  async function read(channel: CardChannel, key: AccessKey, ctx: ReadContext): Promise<ChipReadResult> {
    if (!(key instanceof PinKey)) return { kind: "read-error", detail: "not a licence PIN" };
    const r = await readLicence({
      transmit: channel,
      pin: key.pin,
      session,
      signal: ctx.signal,
      onProgress: (progress, triesLeft) => ctx.onProgress({ progress, triesLeft }),
      ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
    });
    log.info("chip-read", {
      ok: r.ok,
      failure: r.ok ? null : r.failure.kind,
      triesLeftBefore: r.triesLeftBefore,
      verifySent: r.verifySent,
      photo: r.ok ? r.photo !== null : null,
      apdus: r.apdus,
    });
    if (!r.ok) return failureResult(r.failure);
    const data = documentData(r);
    if (!data) {
      r.purge();
      log.warn("chip-read-unsure", { reason: "birth date or expiry is not a date" });
      return { kind: "read-error", detail: "malformed" };
    }
    return { kind: "ok", data, evidence: new LicenceEvidence(r), triesLeft: PIN1_MAX_TRIES };
  }

  return {
    info: { kind: LICENCE_KIND, accessKey: LICENCE_ACCESS_KEY, tries: { counter: "card", minLeftToSpend: PIN1_MAX_TRIES } },
    recognition: {
      probes: [
        { select: "aid", aid: DF1_AID },
        { select: "aid", aid: DF2_AID },
      ],
    },
    checkEntry(entry: EntryPrefill): EntryCheck {
      const p = entryProblem(entry);
      if (p !== null) return { ok: false, problem: p };
      const pin = LicencePin.fromDigits(entry["pin"] ?? "");
      return pin ? { ok: true, key: new PinKey(pin) } : { ok: false, problem: "pin:not-4-digits" };
    },
    entryProblem: (entry: EntryPrefill) => entryProblem(entry),
    read,
    assess(_data: DocumentData, evidence: DocumentEvidence, _today: CalendarDate): Promise<Authenticity> {
      // The chip answered PIN 1 and gave its data, but its signature (DF1/EF07) needs PIN 2 and the
      // NPA's keys, which are not published (reference §1.7): nothing can be verified.
      return Promise.resolve(evidence instanceof LicenceEvidence ? "not-verifiable" : "could-not-check");
    },
    endSession(): void {
      session = new LicenceSession();
    },
  };
}
