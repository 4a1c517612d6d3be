/**
 * `kioskctl trust import` and the residence trust store: only certificates whose SHA-256 is pinned are
 * imported and trusted; production refuses anything else. The real ISA certificates are not in the
 * repository, so the tests pin the simulator deck's TEST CA in their own list.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildResidenceTrust, checkImport, PINNED_ISA_CAS } from "../../../src/card/residence/trust";
import { loadResidenceDeck } from "../../../src/card/sim/residence/deck";
import { residenceTrustDir, runTrustImport } from "../../../src/cli/trust-import";

const deck = loadResidenceDeck();
const testCa = deck.testCas[0] ?? new Uint8Array(0);
const fp = createHash("sha256").update(testCa).digest("hex");
const pinnedTest = [{ sha256: fp, label: "TEST CA", generation: 1 as const }];
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function io(stateDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { MYNAGUARD_STATE_DIR: stateDir }, lines: { out, err } };
}

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "rc-trust-"));
  dirs.push(d);
  return d;
}

describe("kioskctl trust import", () => {
  it("pins the five ISA CA fingerprints recorded second-hand, not the ISA's test CA2", () => {
    expect(PINNED_ISA_CAS.map((p) => p.sha256.slice(0, 8))).toEqual(["97f37c59", "ff02323c", "6f50161a", "bf854466", "11e6ad8b"]);
    expect(PINNED_ISA_CAS.some((p) => p.sha256.startsWith("1846b815"))).toBe(false);
  });

  it("refuses a certificate whose fingerprint is not pinned, and writes nothing", () => {
    const state = tmp();
    const file = path.join(state, "ca.der");
    writeFileSync(file, testCa);
    const o = io(state);
    expect(runTrustImport([file], o)).toBe(1);
    expect(o.lines.err.join("")).toContain(`REFUSED ${file}: SHA-256 ${fp}`);
    expect(() => readdirSync(residenceTrustDir(state))).toThrow();
  });

  it("imports a pinned certificate (DER or PEM) once", () => {
    const state = tmp();
    const pem = path.join(state, "ca.pem");
    writeFileSync(pem, new X509Certificate(testCa).toString());
    const o = io(state);
    expect(runTrustImport([pem], o, pinnedTest)).toBe(0);
    expect(readdirSync(residenceTrustDir(state))).toEqual([`${fp}.der`]);
    expect(runTrustImport([pem], o, pinnedTest)).toBe(0);
    expect(o.lines.out.join("")).toContain("already imported");
  });

  it("refuses what is not a certificate; usage errors exit 2", () => {
    const state = tmp();
    const junk = path.join(state, "junk");
    writeFileSync(junk, "hello");
    expect(checkImport(new TextEncoder().encode("hello"))).toEqual({ ok: false, reason: "not-a-certificate" });
    expect(runTrustImport([junk], io(state))).toBe(1);
    expect(runTrustImport([], io(state))).toBe(2);
    expect(runTrustImport([path.join(state, "missing")], io(state))).toBe(2);
  });
});

describe("the residence trust store", () => {
  it("production trusts imported pinned certificates and refuses demo extras and foreign files", () => {
    const state = tmp();
    const dir = residenceTrustDir(state);
    expect(runTrustImport([writeTemp(state, testCa)], io(state), pinnedTest)).toBe(0);
    const ok = buildResidenceTrust({ mode: "production", importDir: dir, pinned: pinnedTest });
    expect(ok.ok && ok.trust.anchors.length).toBe(1);
    // The same file is not trusted under the real pin list.
    expect(buildResidenceTrust({ mode: "production", importDir: dir }).ok).toBe(false);
    expect(buildResidenceTrust({ mode: "production", importDir: null, extraCas: [{ der: testCa, source: "deck" }] }).ok).toBe(false);
    const demo = buildResidenceTrust({ mode: "demo", importDir: dir, extraCas: [{ der: testCa, source: "deck" }] });
    expect(demo.ok && demo.trust.anchors.length).toBe(1);
    expect(demo.ok && demo.warnings.length).toBe(1);
  });
});

function writeTemp(dir: string, der: Uint8Array): string {
  const f = path.join(dir, "in.der");
  writeFileSync(f, der);
  return f;
}
