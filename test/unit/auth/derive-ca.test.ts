import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveCaModulus } from "../../../src/card/mynumber/auth/ca-keys";
import { parseCvc, type CardVerifiableCertificate } from "../../../src/card/mynumber/auth/cvc";
import { bytesToBigInt, gcd } from "../../../src/card/mynumber/auth/rsa";
import { trustCommand } from "../../../src/cli/trust";
import { jwkParts, keys, makeCvc, TEST_CA_ID } from "../../fixtures/auth/build";

// Certificates signed by a CA key with e = 3 keep s^e − EM at ~6 000 bits, so these tests are fast;
// the arithmetic is the same for e = 65537 (measured in scripts/bench-auth.ts --derive).
const cvcBytes = (subject: keyof typeof keys, caId = TEST_CA_ID, ca = keys.weakE3) =>
  makeCvc({ ca, caId, subject: keys[subject], subjectId: `13${String(subject.length).padStart(5, "0")}/000` });
const cert = (b: Uint8Array): CardVerifiableCertificate => {
  const r = parseCvc(b);
  if (!r.ok) throw new Error(r.what);
  return r.cvc;
};
const weakModulus = bytesToBigInt(jwkParts(keys.weakE3).n);

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  return trustCommand
    .run(args, { out: (t) => (out += t), err: (t) => (err += t), env: {} })
    .then((code) => ({ code, out, err }));
}

describe("gcd", () => {
  it("equals Euclid's answer on numbers with a planted 2048-bit common factor (property)", () => {
    const rnd = (bits: number) => bytesToBigInt(new Uint8Array(randomBytes(Math.ceil(bits / 8))));
    const euclid = (a: bigint, b: bigint) => {
      while (b) [a, b] = [b, a % b];
      return a;
    };
    fc.assert(
      fc.property(fc.integer({ min: 2100, max: 24_000 }), fc.integer({ min: 0, max: 3000 }), (bits, skew) => {
        const g = rnd(2048) | 1n;
        const a = g * rnd(bits);
        const b = g * rnd(Math.max(8, bits - skew));
        expect(gcd(a, b)).toBe(euclid(a, b));
      }),
      { numRuns: 25 },
    );
    expect(gcd(0n, 12n)).toBe(12n);
    expect(gcd(-12n, 18n)).toBe(6n);
  });
});

describe("deriveCaModulus", () => {
  it("recovers the CA modulus from two certificates it signed", () => {
    const r = deriveCaModulus([cert(cvcBytes("issuer")), cert(cvcBytes("card"))], 3n);
    expect(r).toEqual({ ok: true, modulus: weakModulus });
  });

  it("needs two different certificates", () => {
    const one = cert(cvcBytes("issuer"));
    expect(deriveCaModulus([one], 3n)).toEqual({ ok: false, reason: "not-enough-certificates" });
    expect(deriveCaModulus([one, cert(cvcBytes("issuer"))], 3n)).toEqual({ ok: false, reason: "not-enough-certificates" });
  });

  it("refuses certificates of different issuers or different CA keys", () => {
    const a = cert(cvcBytes("issuer"));
    expect(deriveCaModulus([a, cert(cvcBytes("card", "9000099/001"))], 3n)).toEqual({ ok: false, reason: "mixed-issuers" });
    const other = cert(makeCvc({ ca: keys.testCa, caId: TEST_CA_ID, subject: keys.card }));
    expect(deriveCaModulus([a, other], 3n)).toEqual({ ok: false, reason: "no-common-modulus" });
  });
});

describe("kioskctl trust", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "derive-ca-"));
  const write = (name: string, data: Uint8Array | string) => {
    const p = path.join(dir, name);
    writeFileSync(p, data);
    return p;
  };

  it("derive-ca prints the recovered modulus from a binary and a hex certificate file", async () => {
    const a = write("a.bin", cvcBytes("issuer"));
    const b = write("b.hex", Buffer.from(cvcBytes("cloneCard")).toString("hex").replace(/(.{64})/g, "$1\n"));
    const r = await run(["derive-ca", "--exponent", "3", a, b]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("issuer 9000023/001 (2 certificates, e=3)");
    expect(r.out.replace(/\s+/g, "")).toContain(weakModulus.toString(16).toUpperCase());
    expect(r.out).toContain("no known key for this issuer id");
  });

  it("derive-ca says DIFFERS and exits 1 when certificates claiming 5000023 were not signed by the pinned key", async () => {
    const a = write("p1.bin", cvcBytes("issuer", "5000023/001"));
    const b = write("p2.bin", cvcBytes("card", "5000023/001"));
    const r = await run(["derive-ca", "--exponent", "3", a, b]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("DIFFERS from the known key for this issuer id");
  });

  it("derive-ca --json prints the derived key in the trust-file format", async () => {
    const a = write("j1.bin", cvcBytes("issuer"));
    const b = write("j2.bin", cvcBytes("card"));
    const r = await run(["derive-ca", "--json", "--exponent", "3", a, b]);
    const j = JSON.parse(r.out) as { keys: { issuerKeyIdHex: string; exponent: number; modulusHex: string }[] };
    expect(j.keys).toHaveLength(1);
    expect(j.keys[0]?.issuerKeyIdHex).toBe("39303030303233080530303100000000");
    expect(BigInt("0x" + (j.keys[0]?.modulusHex ?? ""))).toBe(weakModulus);
  });

  it("derive-ca refuses a single file and a file that is not a certificate with exit 2", async () => {
    const a = write("s.bin", cvcBytes("issuer"));
    expect((await run(["derive-ca", a])).code).toBe(2);
    const junk = write("junk.bin", "hello");
    const r = await run(["derive-ca", a, junk]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/junk\.bin: not an EF 0004 certificate/);
    expect((await run(["derive-ca", a, path.join(dir, "missing.bin")])).code).toBe(2);
  });

  it("list shows the shipped keys and marks the pinned anchor", async () => {
    const r = await run(["list"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/5000023\/001 +production +shipped +<- pinned trust anchor/);
    expect(r.out.match(/<- pinned/g)).toHaveLength(1);
    expect(r.out).toContain("6000023/001");
  });
});
