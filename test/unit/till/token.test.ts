import { mkdtempSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CompactSign } from "jose";
import { ephemeralKey, issueToken, loadOrCreateKey, readKey, TokenKeyError, KEY_FILE } from "../../../src/till/issuer";
import { memorySeenIds, trustedKiosk, verifyToken } from "../../../src/till/verify";
import { tokenClaims, type VerdictFacts } from "../../../src/till/claims";

const facts: VerdictFacts = { kioskId: "bar-7", minimumAge: 20, outcome: "pass", document: "mynumber", chipGenuine: true, face: "match" };
const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);

async function setup() {
  const key = await ephemeralKey();
  const kiosk = await trustedKiosk("mynaguard:bar-7", key.jwk);
  return { key, kiosk };
}

describe("verdict token", () => {
  it("a fresh token verifies once and says only the rule, answer, document class, chip, face, kiosk, times and id", async () => {
    const { key, kiosk } = await setup();
    const t = await issueToken(key, facts, T0, 60);
    const seen = memorySeenIds();
    const r = await verifyToken(t.jws, [kiosk], seen, T0 + 1000);
    expect(r).toEqual({
      ok: true,
      claims: { iss: "mynaguard:bar-7", iat: T0 / 1000, exp: T0 / 1000 + 60, jti: t.jti, rule: "age>=20", ans: "yes", doc: "mynumber", chip: "genuine", face: "match" },
    });
    expect(await verifyToken(t.jws, [kiosk], seen, T0 + 2000)).toEqual({ ok: false, problem: "replayed" });
  });

  it("answers no / refer, and chip not proven, from the facts", () => {
    expect(tokenClaims({ ...facts, outcome: "fail", chipGenuine: false, face: "not-checked" }, T0, 30, "x")).toMatchObject({ ans: "no", chip: "not-proven", face: "not-checked" });
    expect(tokenClaims({ ...facts, outcome: "refer" }, T0, 30, "x").ans).toBe("refer");
  });

  it("refuses a lifetime over 120 s at issue", () => {
    expect(() => tokenClaims(facts, T0, 121, "x")).toThrow(RangeError);
    expect(() => tokenClaims(facts, T0, 0, "x")).toThrow(RangeError);
  });

  it("rejects expired, altered, foreign, retyped and over-long tokens", async () => {
    const { key, kiosk } = await setup();
    const other = await ephemeralKey();
    const t = await issueToken(key, facts, T0, 60);
    const fresh = () => memorySeenIds();
    expect(await verifyToken(t.jws, [kiosk], fresh(), T0 + 60_000)).toEqual({ ok: false, problem: "expired" });
    // Altered payload: "ans":"no" → "yes" cannot be made without the key; flip one payload character.
    const [h, p, s] = t.jws.split(".") as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...payload, rule: "age>=18" })).toString("base64url")}.${s}`;
    expect(await verifyToken(altered, [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "bad-signature" });
    // Another kiosk's key (unknown to this till).
    const foreign = await issueToken(other, facts, T0, 60);
    expect(await verifyToken(foreign.jws, [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "foreign-kiosk" });
    // A known kiosk's key claiming another kiosk's name.
    const liar = await issueToken(key, { ...facts, kioskId: "bar-8" }, T0, 60);
    expect(await verifyToken(liar.jws, [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "foreign-kiosk" });
    // Signed by the right key but with another type, extra claims or a long life.
    const sign = (header: Record<string, unknown>, body: Record<string, unknown>) =>
      new CompactSign(Buffer.from(JSON.stringify(body))).setProtectedHeader({ alg: "EdDSA", kid: key.kid, ...header }).sign(key.privateKey);
    expect(await verifyToken(await sign({ typ: "JWT" }, payload), [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "wrong-type" });
    const typ = { typ: "mynaguard-verdict+jwt" };
    expect(await verifyToken(await sign(typ, { ...payload, name: "x" }), [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "unexpected-claims" });
    expect(await verifyToken(await sign(typ, { ...payload, exp: (payload.iat as number) + 600 }), [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "lifetime-too-long" });
    expect(await verifyToken("not.a.token!", [kiosk], fresh(), T0)).toEqual({ ok: false, problem: "malformed" });
  });

  it("the key is created once, 0600, and a key readable by others is refused", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mg-key-"));
    const a = await loadOrCreateKey(dir);
    const b = await loadOrCreateKey(dir);
    expect(a.kid).toBe(b.kid);
    expect(statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(String(a)).toBe("[redacted]");
    expect(JSON.stringify({ a })).toBe('{"a":"[redacted]"}');
    chmodSync(path.join(dir, KEY_FILE), 0o644);
    await expect(readKey(path.join(dir, KEY_FILE))).rejects.toBeInstanceOf(TokenKeyError);
    const junk = path.join(dir, "junk.pem");
    writeFileSync(junk, "not a key", { mode: 0o600 });
    await expect(readKey(junk)).rejects.toBeInstanceOf(TokenKeyError);
  });
});
