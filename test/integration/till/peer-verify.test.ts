/**
 * A till that is not us: PyJWT (Debian python3-jwt, another JOSE implementation than the `jose`
 * library the kiosk signs with) in its own process verifies our tokens by the rules of docs/till.md.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ephemeralKey, issueToken } from "../../../src/till/issuer";
import type { VerdictFacts } from "../../../src/till/claims";

const VERIFIER = path.resolve(__dirname, "../../fixtures/till/verify_token.py");
const facts: VerdictFacts = { kioskId: "bar-7", minimumAge: 20, outcome: "pass", document: "residence", chipGenuine: true, face: "match" };

function peer(kiosks: unknown, nowS: number, tokens: string[]): { ok: boolean; problem?: string; claims?: Record<string, unknown> }[] {
  const dir = mkdtempSync(path.join(tmpdir(), "mg-till-"));
  const file = path.join(dir, "kiosks.json");
  writeFileSync(file, JSON.stringify(kiosks));
  const r = spawnSync("/usr/bin/python3", [VERIFIER, file, String(nowS)], { input: tokens.join("\n") + "\n", encoding: "utf8", timeout: 20_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { ok: boolean; problem?: string });
}

describe("an independent verifier (PyJWT) in another process", () => {
  it("accepts fresh tokens and rejects expired, altered, replayed and foreign ones", async () => {
    const key = await ephemeralKey();
    const stranger = await ephemeralKey();
    const now = Date.now();
    const nowS = Math.floor(now / 1000);
    const fresh = await issueToken(key, facts, now, 60);
    const fresh2 = await issueToken(key, { ...facts, outcome: "fail", face: "not-checked" }, now, 60);
    const old = await issueToken(key, facts, now - 120_000, 60);
    const [h, p, s] = fresh2.jws.split(".") as [string, string, string];
    const body = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...body, ans: "yes" })).toString("base64url")}.${s}`;
    const foreign = await issueToken(stranger, facts, now, 60);
    const renamed = await issueToken(key, { ...facts, kioskId: "bar-8" }, now, 60);
    const kiosks = [{ issuer: "mynaguard:bar-7", jwk: key.jwk }];
    const out = peer(kiosks, nowS, [fresh.jws, altered, fresh2.jws, fresh.jws, old.jws, foreign.jws, renamed.jws]);
    expect(out.map((o) => (o.ok ? "ok" : o.problem))).toEqual(["ok", "bad-signature", "ok", "replayed", "expired", "foreign-kiosk", "foreign-kiosk"]);
    expect(out[0]?.claims).toMatchObject({ iss: "mynaguard:bar-7", rule: "age>=20", ans: "yes", doc: "residence", chip: "genuine", face: "match", jti: fresh.jti });
    expect(out[2]?.claims).toMatchObject({ ans: "no", face: "not-checked" });
  });
});
