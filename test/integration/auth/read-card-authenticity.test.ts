/**
 * Acceptance for issue 4 through the real stack: each authenticity deck variant is served by vpcd,
 * read by the real pcscd + pcsclite, and judged by the built `kioskctl read-card --json`.
 * Each run has its own pcscd on a private socket (helpers/pcscd.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/card/sim/deck";
import { buildDeckVariants, type DeckVariant } from "../../../src/card/sim/deck-variants";
import { buildKioskctl, removeKioskctlBuild, runCli, type CliRun } from "../card/kioskctl-build";
import { startPcscd, VPCD_READER, type PcscdHarness } from "../helpers/pcscd";

const deck = loadDeck();
const variants = buildDeckVariants(deck);
const dir = mkdtempSync(path.join(tmpdir(), "auth-it-"));
const trustFile = path.join(dir, "deck-trust.json");
writeFileSync(trustFile, JSON.stringify({ keys: deck.trustKeys() }));

let pcscd: PcscdHarness;
let cli: string;

beforeAll(async () => {
  [cli, pcscd] = await Promise.all([buildKioskctl(), startPcscd()]);
});
afterAll(async () => {
  await pcscd.stop();
  if (cli) removeKioskctlBuild(cli);
  rmSync(dir, { recursive: true, force: true });
});

interface AuthJson {
  result: string;
  reason?: string;
  checks: Record<"certificate" | "recordSignature" | "challenge" | "expiry", string>;
}

async function read(v: DeckVariant, extra: string[]): Promise<{ run: CliRun; auth: AuthJson }> {
  await pcscd.serve(v.makeCard());
  const run = await runCli(cli, ["read-card", "--code-b", v.codeB, "--reader", VPCD_READER, "--json", ...extra]);
  const json = JSON.parse(run.stdout) as { outcome: string; authenticity: AuthJson };
  expect(json.outcome, run.stderr).toBe("read");
  return { run, auth: json.authenticity };
}

const expectedChecks: Record<string, AuthJson["checks"]> = {
  genuine: { certificate: "pass", recordSignature: "pass", challenge: "pass", expiry: "pass" },
  "altered-photo": { certificate: "pass", recordSignature: "fail", challenge: "not-run", expiry: "pass" },
  "altered-birth": { certificate: "pass", recordSignature: "fail", challenge: "not-run", expiry: "pass" },
  clone: { certificate: "pass", recordSignature: "pass", challenge: "fail", expiry: "pass" },
  "unknown-ca": { certificate: "fail", recordSignature: "not-run", challenge: "not-run", expiry: "pass" },
  expired: { certificate: "pass", recordSignature: "pass", challenge: "pass", expiry: "fail" },
};

describe("kioskctl read-card --json authenticity through real pcscd + vpcd", () => {
  for (const v of variants) {
    it(`answers ${v.expected} for the ${v.id} deck card with the deck's test CA trusted`, async () => {
      const { run, auth } = await read(v, ["--trust-file", trustFile]);
      expect(run.code).toBe(0);
      expect(auth.result).toBe(v.expected);
      expect(auth.checks).toEqual(expectedChecks[v.id]);
      expect(typeof auth.reason).toBe("string");
    });
  }

  it("answers unknown-ca, not genuine, for a genuine deck card when only the pinned key is trusted", async () => {
    const genuine = variants.find((v) => v.id === "genuine");
    if (!genuine) throw new Error("variant");
    const { auth } = await read(genuine, []);
    expect([auth.result, auth.reason]).toEqual(["unknown-ca", "certificate-unknown-issuer"]);
  });

  it("refuses --trust-file in production mode before touching the card", async () => {
    const saved = process.env["MYNAGUARD_MODE"];
    process.env["MYNAGUARD_MODE"] = "production";
    let run: CliRun;
    try {
      run = await runCli(cli, ["read-card", "--code-b", "01010820332718", "--reader", VPCD_READER, "--json", "--trust-file", trustFile]);
    } finally {
      if (saved === undefined) delete process.env["MYNAGUARD_MODE"];
      else process.env["MYNAGUARD_MODE"] = saved;
    }
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/production mode refuses extra trust keys/);
  });
});
