/**
 * An independent peer: Debian's OpenSC (its `jpki` driver, card-jpki.c) recognises the simulated card
 * served through vpcd as a JPKI card via pcscd and reads its user-authentication certificate
 * (JPKI-AP EF 000A) byte for byte. OpenSC finds the private pcscd through PCSCLITE_CSOCK_NAME
 * (set by helpers/pcscd.ts and inherited by the child).
 *
 * The peers run as async child processes: the card is answered by this process's event loop, so a
 * blocking spawnSync would deadlock.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/card/sim/deck";
import { startPcscd, type PcscdHarness } from "../helpers/pcscd";

const deck = loadDeck();
const person = deck.card("heisei-1");
let pcscd: PcscdHarness;

beforeAll(async () => {
  pcscd = await startPcscd();
  await pcscd.serve(person.makeCard());
  await new Promise((r) => setTimeout(r, 700)); // one pcscd presence poll
});
afterAll(async () => {
  await pcscd.stop();
});

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  return Buffer.from((m?.[1] ?? "").replace(/\s+/g, ""), "base64");
}

describe("OpenSC as an independent peer through pcscd + vpcd", () => {
  it("names the simulated card jpki", async () => {
    const r = await run("opensc-tool", ["--name"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim()).toBe("jpki");
  });

  it("lists the JPKI certificates with the authentication certificate at EF 000A", async () => {
    const r = await run("pkcs15-tool", ["--list-certificates"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/User Authentication Certificate\]\s+Object Flags\s+: \[0x00\][\s\S]*?Path\s+: 000a\s+ID\s+: 01/);
  });

  it("reads the authentication certificate byte for byte", async () => {
    const r = await run("pkcs15-tool", ["--read-certificate", "01"]);
    expect(r.code, r.err).toBe(0);
    const expected = person.input?.keys.jpkiAuthCertDer;
    expect(expected).toBeDefined();
    expect(pemToDer(r.out).equals(Buffer.from(expected ?? []))).toBe(true);
  });
});
