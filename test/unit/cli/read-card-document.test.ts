/**
 * `kioskctl read-card --document …` for the other kinds, through the in-process simulated reader:
 * the daemon's registry recognises the card (auto), the key options become the kind's key, the read
 * and the authenticity check run, and the JSON names the `document`; personal values are redacted and
 * keys never print; a card of another kind than asked, a wrong key and bad key options each get their
 * exit code.
 */
import { describe, expect, it } from "vitest";
import { makeReadCardCommand, READ_CARD_EXIT } from "../../../src/cli/read-card";
import { openSimReader, type SimReaderCard } from "../../../src/card/sim/reader";
import { loadResidenceDeck } from "../../../src/card/sim/residence/deck";
import { passportDeck } from "../../../src/card/sim/passport/deck";
import { licenceCard } from "../../../src/card/sim/licence/deck";
import { loadDeck } from "../../../src/card/sim/deck";

async function run(card: SimReaderCard, args: string[], stdin: string | null = null): Promise<{ code: number; out: string; err: string; json: Record<string, unknown> | null }> {
  const cmd = makeReadCardCommand({ openReader: () => openSimReader({ card }), readStdinLine: () => Promise.resolve(stdin) });
  let out = "";
  let err = "";
  const code = await cmd.run([...args, "--json", "--wait", "500"], { out: (t) => void (out += t), err: (t) => void (err += t), env: {} });
  return { code, out, err, json: out.trim() ? (JSON.parse(out) as Record<string, unknown>) : null };
}

describe("kioskctl read-card --document", () => {
  it("licence: PIN 1 from stdin, read, not-verifiable, values redacted, the PIN never printed", async () => {
    const r = await run(licenceCard("licence-showa").makeCard(), ["--document", "licence", "--pin", "-"], "4821");
    expect(r.code).toBe(READ_CARD_EXIT.ok);
    expect(r.json).toMatchObject({ document: "licence", outcome: "read", authenticity: "not-verifiable", record: { birthDate: "[redacted]", expiry: "[redacted]" } });
    expect(r.out + r.err).not.toContain("4821");
  });

  it("auto: recognises a residence card and reads it with --card-number; a wrong number is exit 3", async () => {
    const rc = loadResidenceDeck().get("rc-genuine");
    const ok = await run(rc.makeCard(), ["--card-number", rc.typed]);
    expect(ok.code).toBe(READ_CARD_EXIT.ok);
    expect(ok.json).toMatchObject({ document: "residence", outcome: "read" });
    expect(ok.out).not.toContain(rc.typed);
    const wrong = await run(rc.makeCard(), ["--document", "residence", "--card-number", "AB00000000CD"]);
    expect(wrong.code).toBe(READ_CARD_EXIT.wrongCode);
    expect(wrong.json).toMatchObject({ document: "residence", outcome: "wrong-code" });
  });

  it("passport: the three MRZ fields; another kind than asked is exit 8; options the kind refuses are exit 2", async () => {
    const p = (await passportDeck()).passport("genuine-bac");
    const ok = await run(p.makeCard(), ["--document", "passport", "--doc-number", p.mrz.documentNumber, "--birth", p.mrz.birthDate, "--expiry", p.mrz.expiry]);
    expect(ok.code).toBe(READ_CARD_EXIT.ok);
    expect(ok.json).toMatchObject({ document: "passport", outcome: "read" });
    const other = await run(licenceCard("licence-showa").makeCard(), ["--document", "passport", "--doc-number", p.mrz.documentNumber, "--birth", p.mrz.birthDate, "--expiry", p.mrz.expiry]);
    expect(other.code).toBe(READ_CARD_EXIT.notMyNumberCard);
    expect(other.json).toMatchObject({ document: "licence", outcome: "unsupported-document" });
    const bad = await run(p.makeCard(), ["--document", "passport", "--doc-number", "X", "--birth", "991399", "--expiry", p.mrz.expiry]);
    expect(bad.code).toBe(READ_CARD_EXIT.usage);
    expect(bad.json).toMatchObject({ document: "passport", outcome: "bad-key" });
  });

  it("mynumber: the JSON names the document; auto on a My Number card without --code-b asks for it", async () => {
    const entry = loadDeck().card("heisei-1");
    const r = await run(entry.makeCard(), ["--code-b", entry.codeB]);
    expect(r.json).toMatchObject({ document: "mynumber" });
    const auto = await run(entry.makeCard(), ["--document", "auto", "--pin", "1234"]);
    expect(auto.code).toBe(READ_CARD_EXIT.usage);
    expect(auto.err).toContain("--code-b");
  });
});
