/**
 * `kioskctl token pubkey` and `kioskctl token verify` through the built dist/kioskctl.js (issue 19):
 * the exported key verifies the kiosk's tokens, and each documented exit code is reached by the case
 * it names. `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ephemeralKey, issueToken, loadOrCreateKey } from "../../../src/till/issuer";
import type { VerdictFacts } from "../../../src/till/claims";
import { KIOSKCTL, ROOT } from "../helpers/daemon";

const dir = mkdtempSync(path.join(tmpdir(), "kioskctl-token-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FACTS: VerdictFacts = { kioskId: "bar-7", minimumAge: 20, outcome: "pass", document: "mynumber", chipGenuine: true, face: "match" };

function kioskctl(args: readonly string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, [KIOSKCTL, "token", ...args], {
    cwd: ROOT,
    env: { ...process.env, MYNAGUARD_CONFIG: "", MYNAGUARD_STATE_DIR: dir, ...env },
    encoding: "utf8",
    timeout: 30_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("kioskctl token", () => {
  it("prints the public key as a JWK (with the tokens' kid) and as PEM, never the private key", async () => {
    const key = await loadOrCreateKey(dir);
    const jwk = kioskctl(["pubkey"]);
    expect(jwk.code).toBe(0);
    const parsed = JSON.parse(jwk.out) as Record<string, string>;
    expect(parsed).toEqual({ kty: "OKP", crv: "Ed25519", x: key.jwk.x, kid: key.kid, alg: "EdDSA", use: "sig" });
    expect(parsed).not.toHaveProperty("d");
    const pem = kioskctl(["pubkey", "--pem"]);
    expect(pem.code).toBe(0);
    expect(pem.out).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    expect(pem.out).not.toContain("PRIVATE");
  });

  it("verifies a fresh token with the kiosk's own key (exit 0), from argv or standard input", async () => {
    const key = await loadOrCreateKey(dir);
    const t = await issueToken(key, FACTS, Date.now(), 60);
    const r = kioskctl(["verify", t.jws, "--issuer", "mynaguard:bar-7", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, claims: { ans: "yes", jti: t.jti } });
    const piped = kioskctl(["verify", "-", "--issuer", "mynaguard:bar-7"], {}, `${t.jws}\n`);
    expect(piped.code).toBe(0);
    expect(piped.out).toMatch(/^valid: iss=mynaguard:bar-7 /);
    // Default issuer: mynaguard:<kiosk.id> from the config.
    const config = path.join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ kiosk: { id: "bar-7" } }));
    expect(kioskctl(["verify", t.jws], { MYNAGUARD_CONFIG: config }).code).toBe(0);
  });

  it("verifies with an exported JWK or PEM file, as a till would (--key, --issuer)", async () => {
    const key = await loadOrCreateKey(dir);
    const t = await issueToken(key, FACTS, Date.now(), 60);
    const jwkFile = path.join(dir, "kiosk.jwk");
    const pemFile = path.join(dir, "kiosk.pem");
    writeFileSync(jwkFile, kioskctl(["pubkey"]).out);
    writeFileSync(pemFile, kioskctl(["pubkey", "--pem"]).out);
    expect(kioskctl(["verify", t.jws, "--key", jwkFile, "--issuer", "mynaguard:bar-7"], { MYNAGUARD_STATE_DIR: "/nonexistent" }).code).toBe(0);
    expect(kioskctl(["verify", t.jws, "--key", pemFile, "--issuer", "mynaguard:bar-7"], { MYNAGUARD_STATE_DIR: "/nonexistent" }).code).toBe(0);
  });

  it("refuses altered, expired, foreign-kiosk and wrong-issuer tokens with exit 1 and the problem", async () => {
    const key = await loadOrCreateKey(dir);
    const t = await issueToken(key, FACTS, Date.now(), 60);
    const [h, p, s] = t.jws.split(".");
    const altered = `${h}.${Buffer.from(Buffer.from(p ?? "", "base64url").toString().replace('"ans":"yes"', '"ans":"yeS"')).toString("base64url")}.${s}`;
    const expired = (await issueToken(key, FACTS, Date.now() - 200_000, 60)).jws;
    const foreign = (await issueToken(await ephemeralKey(), FACTS, Date.now(), 60)).jws;
    const cases: [string, string, string][] = [
      [altered, "mynaguard:bar-7", "bad-signature"],
      [expired, "mynaguard:bar-7", "expired"],
      [foreign, "mynaguard:bar-7", "foreign-kiosk"],
      [t.jws, "mynaguard:bar-8", "foreign-kiosk"],
      ["not a token", "mynaguard:bar-7", "malformed"],
    ];
    for (const [jws, issuer, problem] of cases) {
      expect(kioskctl(["verify", jws, "--issuer", issuer]), problem).toMatchObject({ code: 1, out: `refused: ${problem}\n` });
    }
  });

  it("exits 2 on usage errors and 3 when the key is missing or unsafe", async () => {
    expect(kioskctl([]).code).toBe(2);
    expect(kioskctl(["verify"]).code).toBe(2);
    expect(kioskctl(["verify", "a.b.c", "--key", "x.jwk"]).code).toBe(2);
    expect(kioskctl(["pubkey", "--nope"]).code).toBe(2);
    const empty = mkdtempSync(path.join(tmpdir(), "kioskctl-token-empty-"));
    try {
      expect(kioskctl(["pubkey"], { MYNAGUARD_STATE_DIR: empty }).code).toBe(3);
      await loadOrCreateKey(empty);
      chmodSync(path.join(empty, "verdict-key.pem"), 0o644);
      const r = kioskctl(["pubkey"], { MYNAGUARD_STATE_DIR: empty });
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/0600/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
