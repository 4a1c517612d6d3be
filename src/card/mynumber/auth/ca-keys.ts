/**
 * The J-LIS card-face CA keys this kiosk pins, and the one JSON format for CA key tables (the shipped
 * file, `--trust-file`, config `trust.extraKeyFiles`).
 *
 * Source: `keys/kenmen-cvc-ca-keys.json`, a byte-identical copy of the team's
 * shared/data/trust/kenmen-cvc-ca-keys.json (sha256 339ac44e…27e0); see `keys/PROVENANCE.md`.
 * J-LIS does not publish these keys; they can be re-derived from genuine cards with
 * `kioskctl trust derive-ca` (reference §7), which compares its result with this table.
 *
 * Only `5000023/001` (the CA of the 券面事項確認AP certificates in EF 0004) is a trust anchor for
 * authenticity. The other entries (MF chain 5000020, text AP 5000033, JPKI test-card hierarchy 6000xxx)
 * ship for derive-ca comparisons only: a test-card key must never make a card "genuine" in production.
 *
 * JSON format:
 * ```json
 * { "keys": [ { "issuerKeyIdHex": "<32 hex digits>", "exponent": 65537, "modulusHex": "<512 hex digits>",
 *               "issuerKeyId": "5000023/001", "hierarchy": "production", "usage": "…" } ] }
 * ```
 * `issuerKeyIdHex`, `exponent` and `modulusHex` are required; the rest is informative.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import shippedTable from "./keys/kenmen-cvc-ca-keys.json";
import { keyId, type CardVerifiableCertificate, type KeyId } from "./cvc";
import { bitLength, bytesToBigInt, encodePkcs1v15Sha256, gcd, modPow, rsaPublicKey, type RsaPublicKey } from "./rsa";

/** The issuer key id that certifies 券面AP keys on production cards (reference §3.6). */
export const CARD_FACE_CA_ID_HEX = "35303030303233080530303100000000";

/** A CA key trusted to sign EF 0004 certificates. */
export interface TrustAnchor {
  readonly id: KeyId;
  readonly key: RsaPublicKey;
  /** "production", "jpki-test-cards", "test", … as written in the table; informative. */
  readonly hierarchy: string;
  /** Where the key came from: "pinned", "file:PATH", "demo-deck". Shown by kioskctl, never a secret. */
  readonly source: string;
}

const entrySchema = z.object({
  issuerKeyIdHex: z.string().regex(/^[0-9A-Fa-f]{32}$/, "must be 32 hex digits (16 bytes)"),
  exponent: z.number().int().positive(),
  modulusHex: z.string().regex(/^([0-9A-Fa-f]{2})+$/, "must be hex digits, an even number of them"),
  issuerKeyId: z.string().optional(),
  hierarchy: z.string().optional(),
  usage: z.string().optional(),
});
const tableSchema = z.object({ keys: z.array(entrySchema).min(1) });

export type KeyTableResult = { ok: true; anchors: TrustAnchor[] } | { ok: false; errors: string[] };

/**
 * Parse a key table (already JSON-decoded). Every entry must pass the RSA key sanity checks
 * (2048-bit modulus, exponent ≥ 65537, odd); all problems are reported with their path.
 */
export function parseKeyTable(raw: unknown, source: string): KeyTableResult {
  const parsed = tableSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${source}: ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`),
    };
  }
  const errors: string[] = [];
  const anchors: TrustAnchor[] = [];
  const seen = new Set<string>();
  parsed.data.keys.forEach((entry, i) => {
    const id = keyId(hexToBytes(entry.issuerKeyIdHex));
    const key = rsaPublicKey(hexToBytes(entry.modulusHex), entry.exponent);
    if (!key.ok) {
      errors.push(`${source}: keys.${i}: key refused (${key.problem})`);
      return;
    }
    if (seen.has(id.hex)) {
      errors.push(`${source}: keys.${i}: issuer ${id.label} listed twice`);
      return;
    }
    seen.add(id.hex);
    anchors.push({ id, key: key.key, hierarchy: entry.hierarchy ?? "unspecified", source });
  });
  return errors.length ? { ok: false, errors } : { ok: true, anchors };
}

/** Every key in the shipped table (for derive-ca comparisons). Throws only if the shipped file is broken. */
export function shippedKeys(): TrustAnchor[] {
  const r = parseKeyTable(shippedTable, "pinned");
  if (!r.ok) throw new Error(`shipped CA key table is invalid: ${r.errors.join("; ")}`);
  return r.anchors;
}

/** The production trust anchors for 券面AP certificates: exactly the pinned 5000023/001 key. */
export function pinnedCardFaceAnchors(): TrustAnchor[] {
  const anchors = shippedKeys().filter((a) => a.id.hex === CARD_FACE_CA_ID_HEX && a.hierarchy === "production");
  if (anchors.length !== 1) throw new Error("shipped CA key table lacks the production 5000023/001 key");
  return anchors;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) throw new RangeError("not a hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export type DeriveResult =
  | { ok: true; modulus: bigint }
  | { ok: false; reason: "not-enough-certificates" | "mixed-issuers" | "no-common-modulus" };

/**
 * Recover a CA's RSA modulus from certificates it signed (reference §7): for each certificate,
 * s^e ≡ EM (mod n) with EM the PKCS#1 v1.5 encoding of SHA-256(body), so n divides s^e − EM and
 * hence their gcd. Small cofactors (< 2^16) are divided out; the result must be a 2048-bit number
 * under which every certificate verifies, else "no-common-modulus" (different CA keys, or a forgery).
 *
 * Needs at least two certificates with different bodies from the same issuer id. Cost grows with e:
 * for e = 65537 each s^e has ~134 million bits (see `gcd` in rsa.ts and the README for timings).
 */
export function deriveCaModulus(certs: readonly CardVerifiableCertificate[], exponent: bigint): DeriveResult {
  const distinct = new Map<string, CardVerifiableCertificate>();
  for (const c of certs) distinct.set(Buffer.from(c.body).toString("hex"), c);
  const list = [...distinct.values()];
  if (list.length < 2) return { ok: false, reason: "not-enough-certificates" };
  if (new Set(list.map((c) => c.issuer.hex)).size !== 1) return { ok: false, reason: "mixed-issuers" };
  const pairs = list.map((c) => {
    const k = c.signature.length;
    const digest = new Uint8Array(createHash("sha256").update(c.body).digest());
    return { s: bytesToBigInt(c.signature), em: bytesToBigInt(encodePkcs1v15Sha256(digest, k)), k };
  });
  let g = 0n;
  for (const p of pairs) {
    g = gcd(g, p.s ** exponent - p.em);
    if (g === 1n) return { ok: false, reason: "no-common-modulus" };
  }
  for (let f = 2n; f < 65536n; f += f === 2n ? 1n : 2n) {
    while (g % f === 0n && g > f) g /= f;
  }
  const k = pairs[0]?.k ?? 0;
  if (bitLength(g) !== k * 8 || !pairs.every((p) => p.s < g && modPow(p.s, exponent, g) === p.em)) {
    return { ok: false, reason: "no-common-modulus" };
  }
  return { ok: true, modulus: g };
}
