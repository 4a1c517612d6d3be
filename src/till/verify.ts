/**
 * Verifying a verdict token as a till must (issue 19): signature by a known kiosk key (EdDSA only),
 * explicit type, issuer among the known kiosks, not expired, lifetime ≤ 120 s, exactly our claims, and
 * an id never seen before (replay). `kioskctl token verify` uses it; docs/till.md gives the same recipe
 * for any JOSE library.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, decodeProtectedHeader, errors, jwtVerify, type JWK } from "jose";
import { CLAIM_KEYS, MAX_TOKEN_LIFETIME_S, TOKEN_TYP, type VerdictClaims } from "./claims";

export type VerifyProblem =
  | "malformed"
  | "bad-signature"
  | "wrong-type"
  | "foreign-kiosk"
  | "expired"
  | "not-yet-valid"
  | "lifetime-too-long"
  | "unexpected-claims"
  | "replayed";

export type VerifyResult = { ok: true; claims: VerdictClaims } | { ok: false; problem: VerifyProblem };

/** Ids already accepted, kept until their token would have expired anyway. */
export interface SeenIds {
  /** True if `jti` was already seen; otherwise remembers it until `expEpochS`. */
  checkAndAdd(jti: string, expEpochS: number, nowEpochS: number): boolean;
}

export function memorySeenIds(): SeenIds {
  const seen = new Map<string, number>();
  return {
    checkAndAdd(jti, exp, now) {
      for (const [id, e] of seen) if (e < now) seen.delete(id);
      if (seen.has(jti)) return true;
      seen.set(jti, exp);
      return false;
    },
  };
}

export interface TrustedKiosk {
  /** "mynaguard:<kiosk id>" */
  readonly issuer: string;
  /** RFC 7638 thumbprint of the kiosk's public key (the tokens' `kid`). */
  readonly kid: string;
  readonly publicKey: KeyObject;
}

/** A kiosk the till trusts, from its exported public JWK (`kioskctl token pubkey`). */
export async function trustedKiosk(issuer: string, jwk: JWK): Promise<TrustedKiosk> {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") throw new TypeError("not an Ed25519 public JWK");
  const publicOnly: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const kid = await calculateJwkThumbprint(publicOnly);
  return { issuer, kid, publicKey: createPublicKey({ key: publicOnly as JsonWebKey, format: "jwk" }) };
}

const isString = (v: unknown): v is string => typeof v === "string";

function shapeOk(p: Record<string, unknown>): boolean {
  const keys = Object.keys(p).sort();
  const want = [...CLAIM_KEYS].sort();
  if (keys.length !== want.length || keys.some((k, i) => k !== want[i])) return false;
  return (
    isString(p.iss) &&
    isString(p.jti) &&
    isString(p.rule) &&
    isString(p.doc) &&
    Number.isInteger(p.iat) &&
    Number.isInteger(p.exp) &&
    (p.ans === "yes" || p.ans === "no" || p.ans === "refer") &&
    (p.chip === "genuine" || p.chip === "not-proven") &&
    (p.face === "match" || p.face === "not-matched" || p.face === "not-checked")
  );
}

/** Verify against the kiosks a till trusts. `nowMs` is the till's clock. */
export async function verifyToken(jws: string, kiosks: readonly TrustedKiosk[], seen: SeenIds, nowMs: number): Promise<VerifyResult> {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws) || jws.length > 4096) return { ok: false, problem: "malformed" };
  const nowS = Math.floor(nowMs / 1000);
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    return { ok: false, problem: "malformed" };
  }
  const kiosk = kiosks.find((k) => k.kid === kid);
  // A key the till does not know: another shop's kiosk, or a forger's own key.
  if (!kiosk) return { ok: false, problem: "foreign-kiosk" };
  {
    try {
      const { payload } = await jwtVerify(jws, kiosk.publicKey, {
        algorithms: ["EdDSA"],
        typ: TOKEN_TYP,
        currentDate: new Date(nowMs),
        requiredClaims: ["iss", "iat", "exp", "jti"],
      });
      const p = payload as Record<string, unknown>;
      if (!shapeOk(p)) return { ok: false, problem: "unexpected-claims" };
      const claims = p as unknown as VerdictClaims;
      if (claims.iss !== kiosk.issuer) return { ok: false, problem: "foreign-kiosk" };
      if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_S) return { ok: false, problem: "lifetime-too-long" };
      if (claims.iat > nowS + 5) return { ok: false, problem: "not-yet-valid" };
      if (seen.checkAndAdd(claims.jti, claims.exp, nowS)) return { ok: false, problem: "replayed" };
      return { ok: true, claims };
    } catch (e) {
      if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, problem: "bad-signature" };
      if (e instanceof errors.JWTExpired) return { ok: false, problem: "expired" };
      if (e instanceof errors.JWTClaimValidationFailed) {
        return { ok: false, problem: e.claim === "typ" ? "wrong-type" : e.claim === "iat" || e.claim === "nbf" ? "not-yet-valid" : "unexpected-claims" };
      }
      if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return { ok: false, problem: "bad-signature" };
      return { ok: false, problem: "malformed" };
    }
  }
}
