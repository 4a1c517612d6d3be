/**
 * A TEST-ONLY document kind, shaped like a PIN-protected licence: it exists to show that a second
 * kind is one folder (this one) plus its simulated card (`card.ts`) and its catalogue strings
 * (`catalogue.ts`), with no change to the flow, protocol, audit or UI. It is not a real document:
 * the AID, file layout and "signature" (a SHA-256 over the record) are made up for the test.
 *
 * - recognised by SELECT of its AID (no secret);
 * - access key: a 4-digit PIN, always typed (no camera route), shown masked;
 * - the card counts tries (3) and the kiosk refuses to spend one unless all 3 remain;
 * - read: SELECT, empty VERIFY (tries left), VERIFY PIN, READ BINARY of the one record;
 * - authenticity: the record's digest must match (stands in for a real signature check).
 */
import { createHash } from "node:crypto";
import { Card } from "../../../../src/card/card";
import { isCardError } from "../../../../src/card/errors";
import type { CardChannel } from "../../../../src/card/reader";
import type {
  AccessKey,
  AccessKeySchema,
  Authenticity,
  ChipReadResult,
  DocumentData,
  DocumentEvidence,
  DocumentKind,
  EntryCheck,
  EntryPrefill,
  ReadContext,
} from "../../../../src/documents/types";

export const FAKE_KIND = "fake-licence";
/** A proprietary-RID AID ("F0" + "MYNAFAKE"), not any real application's. */
export const FAKE_AID = Uint8Array.of(0xf0, 0x4d, 0x59, 0x4e, 0x41, 0x46, 0x41, 0x4b, 0x45);
export const MAX_TRIES = 3;
/** Record: birth "YYYYMMDD", expiry "YYYYMMDD", portrait (16 bytes), SHA-256 of the 32 bytes before. */
export const RECORD = { birth: 0, expiry: 8, portrait: 16, digest: 32, length: 64 } as const;

export const FAKE_ACCESS_KEY: AccessKeySchema = {
  key: "pin",
  catalogue: "doc.fake-licence",
  picture: null,
  initial: {},
  choices: [],
  groups: [{ id: "pin", fields: [{ id: "pin", charset: "digits", length: 4, masked: true }] }],
};

/** The PIN in one zeroable buffer; prints as [redacted]. */
export class Pin implements AccessKey {
  readonly bytes: Uint8Array;
  constructor(digits: string) {
    this.bytes = Uint8Array.from(digits, (c) => c.charCodeAt(0));
  }
  wipe(): void {
    this.bytes.fill(0);
  }
  toString(): string {
    return "[redacted]";
  }
  toJSON(): string {
    return "[redacted]";
  }
}

class Evidence implements DocumentEvidence {
  constructor(readonly record: Uint8Array) {}
  wipe(): void {
    this.record.fill(0);
  }
}

function problem(entry: EntryPrefill): string | null {
  const pin = entry["pin"] ?? "";
  if (pin === "") return "pin:missing";
  if (!/^\d+$/.test(pin)) return "pin:not-a-number";
  return pin.length === 4 ? null : "pin:not-4-digits";
}

const SW_OK = 0x9000;
const sw = (r: { sw: number }) => r.sw;

async function read(channel: CardChannel, key: AccessKey, ctx: ReadContext): Promise<ChipReadResult> {
  if (!(key instanceof Pin)) return { kind: "read-error", detail: "not a PIN" };
  const card = new Card({ transmit: channel });
  const { signal } = ctx;
  try {
    await card.selectAid(FAKE_AID, signal, "SELECT fake licence");
    const asked = await card.call({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 }, signal, "VERIFY (tries left)");
    const triesLeft = (sw(asked) & 0xfff0) === 0x63c0 ? sw(asked) & 0x0f : sw(asked) === 0x6983 ? 0 : null;
    if (triesLeft === 0) return { kind: "blocked" };
    if (triesLeft === null || triesLeft < MAX_TRIES) return { kind: "refused-low-tries", triesLeft: triesLeft ?? 0 };
    ctx.onProgress({ progress: 0.3, triesLeft });
    const verified = await card.call({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80, data: key.bytes.slice() }, signal, "VERIFY PIN");
    if ((sw(verified) & 0xfff0) === 0x63c0) return { kind: "wrong-code", triesLeft: sw(verified) & 0x0f };
    if (sw(verified) === 0x6983) return { kind: "blocked" };
    if (sw(verified) !== SW_OK) return { kind: "read-error", detail: "verify" };
    const r = await card.call({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: RECORD.length }, signal, "READ BINARY");
    if (sw(r) !== SW_OK || r.data.length !== RECORD.length) return { kind: "read-error", detail: "read" };
    ctx.onProgress({ progress: 1, triesLeft: MAX_TRIES });
    const data: DocumentData = {
      kind: FAKE_KIND,
      birthDate: r.data.slice(RECORD.birth, RECORD.birth + 8),
      expiry: r.data.slice(RECORD.expiry, RECORD.expiry + 8),
      portrait: r.data.slice(RECORD.portrait, RECORD.digest),
      images: [],
      text: [],
    };
    return { kind: "ok", data, evidence: new Evidence(r.data), triesLeft: MAX_TRIES };
  } catch (e) {
    if (isCardError(e) && e.problem.kind === "not-found") return { kind: "unsupported-document" };
    if (isCardError(e) && (e.problem.kind === "no-card" || e.problem.kind === "aborted")) return { kind: "no-card" };
    return { kind: "read-error", detail: isCardError(e) ? e.problem.kind : "read" };
  }
}

export interface FakeLicenceOptions {
  /** false: like the real IC driver's licence, no public key exists to check the record, so a
   *  record that opened with the right PIN is "not-verifiable" (default true: the digest is checked). */
  readonly verifiable?: boolean;
}

export function fakeLicenceKind(options: FakeLicenceOptions = {}): DocumentKind {
  return {
    info: { kind: FAKE_KIND, accessKey: FAKE_ACCESS_KEY, tries: { counter: "card", minLeftToSpend: MAX_TRIES } },
    recognition: { probes: [{ select: "aid", aid: FAKE_AID }] },
    checkEntry(entry): EntryCheck {
      const p = problem(entry);
      return p === null ? { ok: true, key: new Pin(entry["pin"] ?? "") } : { ok: false, problem: p };
    },
    entryProblem: (entry) => problem(entry),
    read,
    assess(_data, evidence): Promise<Authenticity> {
      if (!(evidence instanceof Evidence)) return Promise.resolve("could-not-check");
      if (options.verifiable === false) return Promise.resolve("not-verifiable");
      const rec = evidence.record;
      const digest = createHash("sha256").update(rec.subarray(0, RECORD.digest)).digest();
      return Promise.resolve(Buffer.compare(digest, rec.subarray(RECORD.digest)) === 0 ? "genuine" : "data-altered");
    },
  };
}
