/**
 * The verdict-token issuer: Ed25519 (node:crypto keys) in a JWS compact serialisation signed by `jose`
 * (a maintained JOSE library), so any JOSE implementation can verify it (docs/till.md has the recipe).
 *
 * The signing key is generated at the first start in the state directory (`verdict-key.pem`, PKCS#8,
 * mode 0600, created with O_EXCL so two starts never race to two keys) and never leaves it; its public
 * half is exported by `kioskctl token pubkey`. Demo mode without a state directory signs with a key
 * that lives in memory for the run.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, openSync, readFileSync, writeSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { SignJWT, calculateJwkThumbprint, exportJWK, type JWK } from "jose";
import { TOKEN_TYP, tokenClaims, type VerdictFacts } from "./claims";

export const KEY_FILE = "verdict-key.pem";

export interface TokenKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** RFC 7638 JWK thumbprint of the public key: the `kid` header of every token. */
  readonly kid: string;
  /** The public key as a JWK (with `kid`), for `kioskctl token pubkey` and the till. */
  readonly jwk: JWK;
  toString(): string;
  toJSON(): string;
}

export class TokenKeyError extends Error {
  override readonly name = "TokenKeyError";
}

async function describe(privateKey: KeyObject): Promise<TokenKey> {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new TokenKeyError("the verdict key is not an Ed25519 key");
  const publicKey = createPublicKey(privateKey);
  const raw = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(raw);
  const jwk: JWK = { ...raw, kid, alg: "EdDSA", use: "sig" };
  return {
    privateKey,
    publicKey,
    kid,
    jwk,
    toString: () => "[redacted]",
    toJSON: () => "[redacted]",
  };
}

/** A key for this run only (demo mode without a state directory, tests). */
export async function ephemeralKey(): Promise<TokenKey> {
  return describe(generateKeyPairSync("ed25519").privateKey);
}

/**
 * The state directory's key, created at the first start. A key file that is not 0600, not Ed25519 or
 * unreadable is a typed error (the daemon stops with a clear message rather than issue with a key
 * someone else may have read).
 */
export async function loadOrCreateKey(stateDir: string): Promise<TokenKey> {
  const file = path.join(stateDir, KEY_FILE);
  if (!existsSync(file)) {
    const pem = String(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }));
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, pem);
      } finally {
        closeSync(fd);
      }
      chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new TokenKeyError(`cannot create ${file}: ${(e as Error).message}`);
    }
  }
  return readKey(file);
}

/** Read an existing key (kioskctl token pubkey): never creates one. */
export async function readKey(file: string): Promise<TokenKey> {
  let pem: string;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new TokenKeyError(`${file} is readable by others (mode ${mode.toString(8)}); it must be 0600`);
    pem = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof TokenKeyError) throw e;
    throw new TokenKeyError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new TokenKeyError(`${file} is not a PEM private key`);
  }
  return describe(key);
}

export interface IssuedToken {
  /** JWS compact serialisation. */
  readonly jws: string;
  /** The single-use id, which the audit may record. */
  readonly jti: string;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
}

/** 128 random bits, base64url: the single-use id. */
export function newTokenId(): string {
  return randomBytes(16).toString("base64url");
}

/** `jti`: the single-use id, when the caller needed it before signing (the audit row); else a new one. */
export async function issueToken(key: TokenKey, facts: VerdictFacts, nowMs: number, lifetimeS: number, jti: string = newTokenId()): Promise<IssuedToken> {
  const claims = tokenClaims(facts, nowMs, lifetimeS, jti);
  const jws = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "EdDSA", typ: TOKEN_TYP, kid: key.kid })
    .sign(key.privateKey);
  return { jws, jti, expiresAt: claims.exp * 1000 };
}
