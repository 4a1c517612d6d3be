/**
 * The ICAO e-passport as a document kind (issue 18, chip side):
 * - recognised by SELECT of the eMRTD application A0 00 00 02 47 10 01 (no secret);
 * - access key: document number, birth date and expiry from the MRZ (check digits computed here; the
 *   MRZ camera route comes from src/mrz when it lands) → MrzKey, the BAC password;
 * - tries: none (BAC does not count wrong keys);
 * - read by card/icao/read.ts (BAC, secure messaging, EF.COM, DG1, DG2, EF.SOD, DG14/DG15, AA);
 * - authenticity: passive authentication to a CSCA of the store (card/icao/pa.ts), then Active
 *   Authentication with the kiosk's nonce (card/icao/aa.ts) and Chip Authentication (card/icao/ca.ts).
 *   Neither AA nor CA → "clone-not-ruled-out" (the policy refers it).
 */
import { randomBytes } from "node:crypto";
import { tokyoDate, type CalendarDate } from "../../age/date";
import { aaHashFromDg14, verifyActiveAuthentication } from "../../card/icao/aa";
import { MRTD_AID } from "../../card/icao/ids";
import { parseDg1, parseDg2 } from "../../card/icao/lds";
import { MrzKey } from "../../card/icao/mrz-key";
import { passiveAuthentication, type CscaStore } from "../../card/icao/pa";
import { readPassport, type PassportFailure, type PassportRead } from "../../card/icao/read";
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
  FrontResult,
  ReadContext,
} from "../types";
import { PASSPORT_ACCESS_KEY } from "./access-key";
import { birthDateFromYymmdd, expiryFromYymmdd } from "./dates";

export { PASSPORT_ACCESS_KEY };
export const PASSPORT_KIND = "passport";

/** "YYYYMMDD" that no parser accepts: the flow reads it as an unusable date and refers. */
const UNKNOWN_DATE = (): Uint8Array => new Uint8Array(8).fill(0x30);

export interface PassportKindDeps {
  /** The CSCA certificates passive authentication accepts (Japan's; the test CSCA in demo mode). */
  cscas: CscaStore;
  log: Logger;
  /** The MRZ camera route (src/mrz, issue 18 OCR side); null: always typed. */
  readFront: ((signal: AbortSignal, onFrame: (frames: number) => void) => Promise<FrontResult>) | null;
  random?: (n: number) => Uint8Array;
}

class PassportEvidence implements DocumentEvidence {
  constructor(readonly read: PassportRead) {}
  wipe(): void {
    this.read.purge();
  }
}

function entryKey(entry: EntryPrefill): ReturnType<typeof MrzKey.fromFields> {
  return MrzKey.fromFields({ documentNumber: entry.documentNumber ?? "", birthDate: entry.birthDate ?? "", expiry: entry.expiry ?? "" });
}

const FIELD_GROUP = { documentNumber: "number", birthDate: "birth", expiry: "expiry" } as const;

/** The first problem in the catalogue's existing codes (entry.problem.<code>). */
function problemOf(entry: EntryPrefill, p: { field: keyof typeof FIELD_GROUP; code: string }): string {
  const code = (entry[p.field] ?? "") === "" ? "missing" : p.field === "documentNumber" ? "other" : "not-a-date";
  return `${FIELD_GROUP[p.field]}:${code}`;
}

function failure(f: PassportFailure): Exclude<ChipReadResult, { kind: "ok" }> {
  switch (f.kind) {
    case "wrong-key":
      return { kind: "wrong-code", triesLeft: null };
    case "not-a-passport":
      return { kind: "unsupported-document" };
    case "no-card":
    case "aborted":
      return { kind: "no-card" };
    case "timeout":
    case "malformed":
    case "status":
    case "transport":
      return { kind: "read-error", detail: f.kind };
  }
}

function documentData(read: PassportRead, key: MrzKey, today: CalendarDate): DocumentData {
  const dg1 = parseDg1(read.files.dg1);
  const face = parseDg2(read.files.dg2);
  // The birth date BAC proved (it is in the key) must be DG1's; otherwise nothing is sure.
  const keyed = key.birthYymmdd();
  const same = keyed.every((b, i) => b === dg1.birthYymmdd[i]);
  keyed.fill(0);
  const birth = same && dg1.checkDigitsOk ? birthDateFromYymmdd(dg1.birthYymmdd, today) : null;
  const expiry = expiryFromYymmdd(dg1.expiryYymmdd);
  return {
    kind: PASSPORT_KIND,
    birthDate: birth ? asciiDate(birth) : UNKNOWN_DATE(),
    expiry: expiry ? asciiDate(expiry) : UNKNOWN_DATE(),
    portrait: face.bytes.slice(),
    images: [],
    // Attended staff view only (never logged): the MRZ name field as printed (SURNAME<<GIVEN<NAMES, filler
    // '<' kept: the staff screen shows the raw field) and the nationality code. ASCII, copies of DG1.
    text: [
      { label: "name", ascii: dg1.name.slice() },
      { label: "nationality", ascii: dg1.nationality.slice() },
    ],
  };
}

export function passportKind(deps: PassportKindDeps): DocumentKind {
  const log = deps.log.child("passport");
  const random = deps.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const readFront = deps.readFront;

  async function read(channel: CardChannel, key: AccessKey, ctx: ReadContext): Promise<ChipReadResult> {
    if (!(key instanceof MrzKey)) return { kind: "read-error", detail: "not an MRZ key" };
    const r = await readPassport({
      transmit: channel,
      key,
      signal: ctx.signal,
      random,
      extendedApdu: channel.extendedApdu,
      onProgress: (progress) => ctx.onProgress({ progress, triesLeft: null }),
    });
    log.info("chip-read", { ok: r.ok, failure: r.ok ? null : r.failure.kind, apdus: r.ok ? r.read.stats.apdus : r.stats.apdus });
    if (!r.ok) return failure(r.failure);
    try {
      // A bug-free parse of what passive authentication will judge; a malformed file is a read error.
      const data = documentData(r.read, key, tokyoDate(Date.now()));
      return { kind: "ok", data, evidence: new PassportEvidence(r.read), triesLeft: null };
    } catch {
      r.read.purge();
      return { kind: "read-error", detail: "malformed" };
    }
  }

  function assess(_data: DocumentData, evidence: DocumentEvidence, today: CalendarDate): Promise<Authenticity> {
    if (!(evidence instanceof PassportEvidence)) return Promise.resolve("could-not-check");
    const f = evidence.read.files;
    const groups = new Map<number, Uint8Array>([
      [1, f.dg1],
      [2, f.dg2],
    ]);
    if (f.dg14) groups.set(14, f.dg14);
    if (f.dg15) groups.set(15, f.dg15);
    const pa = passiveAuthentication(f.sod, groups, deps.cscas, new Date(Date.UTC(today.year, today.month - 1, today.day)));
    let result: Authenticity;
    if (pa.kind === "malformed") result = "could-not-check";
    else if (pa.kind === "data-altered") result = "data-altered";
    else if (pa.kind === "unknown-csca") result = "unknown-ca";
    else {
      // Against clones: Active Authentication (DG15) and Chip Authentication (DG14), each with the key the
      // issuer signed (both groups are in the hashes PA just checked). An offered proof that fails means
      // the chip is not the one signed; at least one proof and no failure clears a clone.
      const aa = evidence.read.aa;
      // ECDSA AA: the hash DG14's ActiveAuthenticationInfo names (signed, like DG15), else the [guess] of aa.ts.
      const ecdsaHash = f.dg14 ? aaHashFromDg14(f.dg14) : null;
      const aaOk = aa !== null && f.dg15 !== null && verifyActiveAuthentication(f.dg15, aa.nonce, aa.signature, ecdsaHash ?? undefined);
      const aaResult = f.dg15 ? (aaOk ? "ok" : "failed") : "absent";
      const ca = evidence.read.ca;
      const caResult = ca === null ? "absent" : ca.kind === "not-run" ? "absent" : ca.kind;
      if (aaResult === "failed" || caResult === "failed") result = "clone-suspected";
      else if (aaResult === "ok" || caResult === "ok") result = pa.dsExpired ? "expired" : "genuine";
      // Neither proof: the signed data may sit on a copied chip (refer, whatever requireGenuineChip says).
      else result = "clone-not-ruled-out";
    }
    const ca = evidence.read.ca;
    log.info("authenticity", { result, pa: pa.kind, aa: f.dg15 ? "offered" : "absent", ca: ca === null ? "absent" : ca.kind === "failed" ? `failed-${ca.why}` : ca.kind === "not-run" ? `not-run-${ca.why}` : "ok" });
    return Promise.resolve(result);
  }

  return {
    info: { kind: PASSPORT_KIND, accessKey: PASSPORT_ACCESS_KEY, tries: { counter: "none" } },
    recognition: { probes: [{ select: "aid", aid: MRTD_AID }] },
    ...(readFront ? { readFront: (signal: AbortSignal, onFrame: (frames: number) => void) => readFront(signal, onFrame) } : {}),
    checkEntry(entry: EntryPrefill): EntryCheck {
      const k = entryKey(entry);
      if (!k.ok) return { ok: false, problem: problemOf(entry, k.problem) };
      return { ok: true, key: k.key };
    },
    entryProblem(entry: EntryPrefill): string | null {
      const k = entryKey(entry);
      if (!k.ok) return problemOf(entry, k.problem);
      k.key.wipe();
      return null;
    },
    read,
    assess,
  };
}
