/**
 * The kiosk's e-passport procedure (Doc 9303-11 §4, reference §3.2):
 *
 *   READ EF.CardAccess (SFI 1C) → PACE when it offers ECDH Generic Mapping on a supported curve
 *   (pace.ts), then SELECT eMRTD under SM; otherwise SELECT eMRTD application (A0 00 00 02 47 10 01)
 *   → BAC (GET CHALLENGE, EXTERNAL AUTHENTICATE)
 *   → under secure messaging: EF.COM → DG1 → DG2 → EF.SOD → DG14 and DG15 when EF.COM lists them
 *   → INTERNAL AUTHENTICATE with the kiosk's own 8-byte nonce when DG15 is there (Active Authentication)
 *   → Chip Authentication when DG14 offers ECDH CA (ca.ts), proved by a read under the new keys.
 *
 * Nothing else is read (no DG3/DG4: fingerprints and irises are not the kiosk's business).
 * PACE variants this reader does not run (DH, Integrated or Chip Authentication Mapping) fall back to
 * BAC, which Doc 9303 chips still accept.
 *
 * Returns a value, never throws: ok with the raw files (zeroable, owned by the caller) and the AA
 * answer; or a typed failure. Every APDU is bounded by Card (per-APDU timeout and `signal`).
 */
import { Card, type ApduTrace } from "../card";
import type { Command, Response } from "../apdu";
import { CardError, toCardError, type CardProblem } from "../errors";
import type { Transmit } from "../transmit";
import { performBac } from "./bac";
import { chooseChipAuthentication, performChipAuthentication } from "./ca";
import { choosePace, parseCardAccess, performPace } from "./pace";
import { DG_TAG, EF, MRTD_AID } from "./ids";
import { parseCom } from "./lds";
import type { MrzKey } from "./mrz-key";
import type { SecureMessaging } from "./sm";
import { tlvTotalSize } from "../tlv";

export const AA_NONCE_BYTES = 8;

export interface PassportFiles {
  com: Uint8Array;
  dg1: Uint8Array;
  dg2: Uint8Array;
  sod: Uint8Array;
  dg14: Uint8Array | null;
  dg15: Uint8Array | null;
}

export interface PassportRead {
  readonly files: PassportFiles;
  /** The kiosk's AA nonce and the chip's answer (null when there is no DG15 or the chip refused). */
  readonly aa: { nonce: Uint8Array; signature: Uint8Array } | null;
  /**
   * Chip Authentication (DG14): null when there is no DG14; "not-run" when DG14 offers nothing this
   * reader runs (DH, CA version 2, an unknown curve); "ok" when the chip answered under the new keys;
   * "failed" when it refused or could not (a clone whose key is not DG14's).
   */
  readonly ca: ChipAuthResult | null;
  readonly access: "bac" | "pace";
  readonly stats: Card["stats"];
  purge(): void;
}

export type ChipAuthResult = { kind: "ok" } | { kind: "failed"; why: "refused" | "proof" } | { kind: "not-run"; why: string };

export type PassportFailure =
  | { kind: "wrong-key"; sw: number }
  | { kind: "not-a-passport" }
  | { kind: "no-card" }
  | { kind: "aborted" }
  | { kind: "timeout"; step: string }
  | { kind: "malformed"; what: string }
  | { kind: "status"; sw: number; step: string }
  | { kind: "transport"; detail: string };

export type PassportReadResult = { ok: true; read: PassportRead } | { ok: false; failure: PassportFailure; stats: Card["stats"] };

export interface ReadPassportDeps {
  readonly transmit: Transmit;
  readonly key: MrzKey;
  readonly signal: AbortSignal;
  /** CSPRNG (BAC randoms and the AA nonce). */
  readonly random: (n: number) => Uint8Array;
  /** Whether the reader passes extended APDUs: larger READ BINARY steps. */
  readonly extendedApdu?: boolean;
  readonly onProgress?: (fraction: number) => void;
  readonly trace?: (t: ApduTrace) => void;
  readonly apduTimeoutMs?: number;
  readonly now?: () => number;
}

/** Plain Le per READ BINARY under SM: 0xDF keeps the protected answer within a short APDU (≤ 256). */
export const SHORT_READ = 0xdf;
/** With extended APDUs: 4 KiB steps (a chip may answer less; the loop follows what comes). */
export const EXTENDED_READ = 0x1000;
/** The largest LDS file the reader assembles (DG2 of a few tens of kB; 64 KiB bounds memory). */
const MAX_FILE = 65536;

/** Rough share of the read per file, for the progress bar (DG2 dominates). */
const WEIGHT = { com: 0.02, dg1: 0.03, dg2: 0.8, sod: 0.1, dg14: 0.02, dg15: 0.03 } as const;

class SmLink {
  constructor(
    readonly card: Card,
    public sm: SecureMessaging,
  ) {}
  async call(cmd: Command, signal: AbortSignal, step: string): Promise<Response> {
    const w = this.sm.wrap(cmd);
    const r = await this.card.call(w.command, signal, step, { extended: w.extended });
    return this.sm.unwrap(r);
  }
}

/** SELECT + READ BINARY of one EF under SM; null when the file is not there (6A82). */
async function readEf(link: SmLink, fid: number, chunk: number, signal: AbortSignal, name: string, onBytes: (have: number, total: number) => void): Promise<Uint8Array | null> {
  const sel = await link.call({ cla: 0, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fid >> 8, fid & 0xff) }, signal, `select ${name}`);
  if (sel.sw === 0x6a82) return null;
  Card.expectOk(sel, `select ${name}`);
  // The first read takes the TLV header (at most 4 bytes of length) and as much of the file as fits.
  const first = await link.call({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: chunk }, signal, `read ${name}`);
  if (first.sw !== 0x9000 && first.sw !== 0x6282) Card.expectOk(first, `read ${name}`);
  if (first.data.length < 2) throw new CardError({ kind: "malformed", what: `${name}: empty` });
  const head = first.data.subarray(0, Math.min(first.data.length, 6));
  const total = tlvTotalSize(head);
  if (total > MAX_FILE) throw new CardError({ kind: "malformed", what: `${name}: ${total} bytes` });
  const out = new Uint8Array(total);
  let have = Math.min(first.data.length, total);
  out.set(first.data.subarray(0, have), 0);
  first.data.fill(0);
  onBytes(have, total);
  while (have < total) {
    if (have > 0x7fff) throw new CardError({ kind: "malformed", what: `${name}: beyond 15-bit offsets` });
    const le = Math.min(chunk, total - have);
    const r = await link.call({ cla: 0, ins: 0xb0, p1: have >> 8, p2: have & 0xff, le }, signal, `read ${name}`);
    if (r.sw !== 0x9000 && r.sw !== 0x6282) Card.expectOk(r, `read ${name}`);
    if (r.data.length === 0 || r.data.length > le) throw new CardError({ kind: "malformed", what: `${name}: read of ${r.data.length} bytes` });
    out.set(r.data, have);
    have += r.data.length;
    r.data.fill(0);
    onBytes(have, total);
  }
  return out;
}

/** Chip Authentication on the link's session; on success the link carries the new session. */
async function chipAuthentication(link: SmLink, dg14: Uint8Array, com: Uint8Array, random: (n: number) => Uint8Array, signal: AbortSignal): Promise<ChipAuthResult> {
  const choice = chooseChipAuthentication(dg14);
  if (choice.kind !== "ok") return { kind: "not-run", why: choice.why };
  const out = await performChipAuthentication(link.card, link.sm, choice.ca, com, random, signal);
  if (out.kind !== "ok") return { kind: "failed", why: out.why };
  link.sm = out.sm;
  return { kind: "ok" };
}

function failureOf(e: unknown): PassportFailure {
  const p: CardProblem = toCardError(e).problem;
  switch (p.kind) {
    case "no-card":
    case "no-reader":
      return { kind: "no-card" };
    case "aborted":
      return { kind: "aborted" };
    case "timeout":
      return { kind: "timeout", step: p.step };
    case "malformed":
      return { kind: "malformed", what: p.what };
    case "transport":
      return { kind: "transport", detail: p.detail };
    case "status":
      return { kind: "status", sw: p.sw, step: p.step };
    case "not-found":
    case "security-status":
      return { kind: "status", sw: p.sw, step: "passport" };
    case "wrong-code":
    case "blocked":
      return { kind: "status", sw: 0, step: "passport" };
  }
}

/**
 * EF.CardAccess (short EF id 1C, no authentication): PACE when it offers one this reader runs, then
 * SELECT eMRTD under SM; otherwise SELECT eMRTD and BAC. Transport failures throw CardError.
 */
async function openSession(
  card: Card,
  deps: ReadPassportDeps,
  signal: AbortSignal,
): Promise<{ kind: "ok"; sm: SecureMessaging; access: "bac" | "pace" } | { kind: "failed"; failure: PassportFailure }> {
  const ca = await card.call({ cla: 0, ins: 0xb0, p1: 0x9c, p2: 0, le: 256 }, signal, "read EF.CardAccess");
  const pace = ca.sw === 0x9000 || ca.sw === 0x6282 ? choosePace(parseCardAccess(ca.data)) : null;
  if (pace) {
    const p = await performPace(card, deps.key, pace, deps.random, signal);
    if (p.kind === "wrong-key") return { kind: "failed", failure: { kind: "wrong-key", sw: p.sw } };
    try {
      const sel = await new SmLink(card, p.sm).call({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x0c, data: MRTD_AID }, signal, "select eMRTD");
      if (sel.sw === 0x6a82) {
        p.sm.wipe();
        return { kind: "failed", failure: { kind: "not-a-passport" } };
      }
      Card.expectOk(sel, "select eMRTD");
    } catch (e) {
      p.sm.wipe();
      throw e;
    }
    return { kind: "ok", sm: p.sm, access: "pace" };
  }
  const sel = await card.call({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x0c, data: MRTD_AID }, signal, "select eMRTD");
  if (sel.sw === 0x6a82 || sel.sw === 0x6a86 || sel.sw === 0x6d00) return { kind: "failed", failure: { kind: "not-a-passport" } };
  Card.expectOk(sel, "select eMRTD");
  const bac = await performBac(card, deps.key, deps.random, signal);
  if (bac.kind === "wrong-key") return { kind: "failed", failure: { kind: "wrong-key", sw: bac.sw } };
  return { kind: "ok", sm: bac.sm, access: "bac" };
}

export async function readPassport(deps: ReadPassportDeps): Promise<PassportReadResult> {
  const card = new Card({
    transmit: deps.transmit,
    ...(deps.trace ? { trace: deps.trace } : {}),
    ...(deps.apduTimeoutMs !== undefined ? { apduTimeoutMs: deps.apduTimeoutMs } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const { signal } = deps;
  const chunk = deps.extendedApdu === true ? EXTENDED_READ : SHORT_READ;
  let sm: SecureMessaging | null = null;
  const files: Partial<PassportFiles> = {};
  const wipeFiles = () => {
    for (const f of Object.values(files)) f?.fill(0);
  };
  let done = 0;
  const progress = (w: number) => (have: number, total: number) => deps.onProgress?.(Math.min(1, done + (w * have) / Math.max(1, total)));
  try {
    const opened = await openSession(card, deps, signal);
    if (opened.kind !== "ok") return { ok: false, failure: opened.failure, stats: card.stats };
    sm = opened.sm;
    const access = opened.access;
    const link = new SmLink(card, sm);
    const need = async (fid: number, name: string, w: number): Promise<Uint8Array> => {
      const f = await readEf(link, fid, chunk, signal, name, progress(w));
      if (!f) throw new CardError({ kind: "malformed", what: `${name} missing` });
      done += w;
      return f;
    };
    files.com = await need(EF.com, "EF.COM", WEIGHT.com);
    const tags = parseCom(files.com);
    files.dg1 = await need(EF.dg1, "DG1", WEIGHT.dg1);
    files.dg2 = await need(EF.dg2, "DG2", WEIGHT.dg2);
    files.sod = await need(EF.sod, "EF.SOD", WEIGHT.sod);
    files.dg14 = tags.includes(DG_TAG.dg14) ? await readEf(link, EF.dg14, chunk, signal, "DG14", progress(WEIGHT.dg14)) : null;
    done += WEIGHT.dg14;
    files.dg15 = tags.includes(DG_TAG.dg15) ? await readEf(link, EF.dg15, chunk, signal, "DG15", progress(WEIGHT.dg15)) : null;
    done += WEIGHT.dg15;
    let aa: PassportRead["aa"] = null;
    if (files.dg15) {
      const nonce = deps.random(AA_NONCE_BYTES);
      const r = await link.call({ cla: 0, ins: 0x88, p1: 0, p2: 0, data: nonce, le: 256 }, signal, "INTERNAL AUTHENTICATE");
      if (r.sw === 0x9000 && r.data.length > 0) aa = { nonce, signature: r.data };
      else nonce.fill(0);
    }
    // Chip Authentication last: the files are all read, so a chip that fails it still yields its
    // (then suspect) data; the proof is one SELECT + READ under the new keys. Ours, not 9303's order.
    const ca = files.dg14 ? await chipAuthentication(link, files.dg14, files.com, deps.random, signal) : null;
    sm = link.sm;
    deps.onProgress?.(1);
    const complete: PassportFiles = { com: files.com, dg1: files.dg1, dg2: files.dg2, sod: files.sod, dg14: files.dg14, dg15: files.dg15 };
    return {
      ok: true,
      read: {
        files: complete,
        aa,
        ca,
        access,
        stats: card.stats,
        purge() {
          wipeFiles();
          aa?.nonce.fill(0);
          aa?.signature.fill(0);
        },
      },
    };
  } catch (e) {
    wipeFiles();
    return { ok: false, failure: failureOf(e), stats: card.stats };
  } finally {
    sm?.wipe();
  }
}
