/**
 * The trust store: which CA keys may certify a 券面AP key. Built once by the composition root
 * (`buildTrustStore`) and passed in; there is no global.
 *
 * Rules:
 * - The pinned production key (ca-keys.ts, 5000023/001) is always present.
 * - Extra keys (trust files, the demo deck's test CA) are allowed only in demo mode. Production mode
 *   refuses them with an error, so start-up fails loudly instead of trusting a test key.
 * - An extra key may never replace the pinned key or another extra key for the same issuer id.
 * - A key read from a card is never added here.
 */
import { readFileSync } from "node:fs";
import { parseKeyTable, pinnedCardFaceAnchors, type TrustAnchor } from "./ca-keys";

export interface TrustStore {
  /** The anchor for a 16-byte issuer key id given as 32 upper-case hex digits, if trusted. */
  lookup(issuerKeyIdHex: string): TrustAnchor | undefined;
  readonly anchors: readonly TrustAnchor[];
}

export type TrustStoreResult = { ok: true; store: TrustStore } | { ok: false; errors: string[] };

export interface TrustStoreOptions {
  readonly mode: "demo" | "production";
  /** Paths of JSON key tables (config `trust.extraKeyFiles`, kioskctl `--trust-file`). Demo only. */
  readonly extraKeyFiles?: readonly string[];
  /** Keys already in memory, e.g. the demo deck's test CA. Demo only. */
  readonly extraAnchors?: readonly TrustAnchor[];
  /** Defaults to the shipped pinned key; tests pass [] to prove nothing else makes a card genuine. */
  readonly pinned?: readonly TrustAnchor[];
}

export interface TrustStoreDeps {
  readFile(path: string): string;
}

const defaultDeps: TrustStoreDeps = { readFile: (p) => readFileSync(p, "utf8") };

/** A store over exactly these anchors (ids must be distinct). */
export function createTrustStore(anchors: readonly TrustAnchor[]): TrustStore {
  const byId = new Map<string, TrustAnchor>();
  for (const a of anchors) {
    if (byId.has(a.id.hex)) throw new Error(`two trust anchors for issuer ${a.id.label}`);
    byId.set(a.id.hex, a);
  }
  const list = Object.freeze([...anchors]);
  return { lookup: (hex) => byId.get(hex.toUpperCase()), anchors: list };
}

/** Pinned keys plus, in demo mode only, the extra files and anchors. Reports every error. */
export function buildTrustStore(options: TrustStoreOptions, deps: TrustStoreDeps = defaultDeps): TrustStoreResult {
  const files = options.extraKeyFiles ?? [];
  const extra = [...(options.extraAnchors ?? [])];
  if (options.mode === "production" && (files.length > 0 || extra.length > 0)) {
    return {
      ok: false,
      errors: [
        "production mode refuses extra trust keys (trust.extraKeyFiles / --trust-file / demo deck CA): only the pinned J-LIS key is trusted",
      ],
    };
  }
  const errors: string[] = [];
  for (const path of files) {
    const r = loadKeyFile(path, deps);
    if (r.ok) extra.push(...r.anchors);
    else errors.push(...r.errors);
  }
  const all: TrustAnchor[] = [...(options.pinned ?? pinnedCardFaceAnchors())];
  for (const a of extra) {
    const clash = all.find((b) => b.id.hex === a.id.hex);
    if (clash) {
      errors.push(`${a.source}: issuer ${a.id.label} is already trusted (${clash.source}); a key cannot be replaced`);
      continue;
    }
    all.push(a);
  }
  return errors.length ? { ok: false, errors } : { ok: true, store: createTrustStore(all) };
}

/** Read and parse one JSON key table; errors name the file. Never throws. */
export function loadKeyFile(
  path: string,
  deps: TrustStoreDeps = defaultDeps,
): { ok: true; anchors: TrustAnchor[] } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(deps.readFile(path));
  } catch (e) {
    const what = e instanceof SyntaxError ? "not valid JSON" : e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [`trust file ${path}: ${what}`] };
  }
  return parseKeyTable(raw, `file:${path}`);
}
