/**
 * `kioskctl trust derive-ca` on the two certificates the deck's test CA (e = 65537) signed: the built
 * CLI must recover the test CA's modulus and say it EQUALS the key in the deck trust file.
 * With e = 65537 each s^e has ~134 million bits, so this takes minutes of CPU: it runs only with
 * TEST_DERIVE_65537=1 (the fast e = 3 variant runs always, in test/unit/auth/derive-ca.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/card/sim/deck";
import { buildCvc } from "../../../src/card/sim/mynumber-profile";
import { buildKioskctl, removeKioskctlBuild, runCli } from "../card/kioskctl-build";

const enabled = process.env["TEST_DERIVE_65537"] === "1";
const dir = mkdtempSync(path.join(tmpdir(), "derive-deck-"));
let cli = "";

afterAll(() => {
  if (cli) removeKioskctlBuild(cli);
  rmSync(dir, { recursive: true, force: true });
});

describe("kioskctl trust derive-ca on the deck's test CA (e = 65537)", () => {
  it.skipIf(!enabled)("recovers the test CA modulus from two certificates and says it equals the trusted key (set TEST_DERIVE_65537=1)", async () => {
    const deck = loadDeck();
    const files = deck.issuers.map((issuer, i) => {
      const p = path.join(dir, `ef0004-${i}.bin`);
      writeFileSync(p, buildCvc(deck.ca, issuer));
      return p;
    });
    const trustFile = path.join(dir, "deck-trust.json");
    writeFileSync(trustFile, JSON.stringify({ keys: deck.trustKeys() }));
    cli = await buildKioskctl();
    const run = await runCli(cli, ["trust", "derive-ca", "--trust-file", trustFile, ...files], { timeoutMs: 1_800_000 });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("issuer 9000023/001 (2 certificates, e=65537)");
    expect(run.stdout).toContain("EQUALS the known key for this issuer id: 9000023/001 (mynaguard-test-deck, file:");
    expect(run.stdout.replace(/\s+/g, "")).toContain(deck.trustKeys()[0]?.modulusHex);
  }, 1_900_000);
});
