import { createPublicKey, publicDecrypt, constants, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CodeB } from "../../../src/card/secret";
import { chooseReadMode, readCardFace, type ReadFaceDeps } from "../../../src/card/mynumber/read-face";
import { RetryGuard } from "../../../src/card/mynumber/retry-policy";
import { loadDeck } from "../../../src/card/sim/deck";
import { nonceDigestInfo } from "../../../src/card/mynumber/auth/digest";
import type { SimulatedCard } from "../../../src/card/sim/card";

const deck = loadDeck();
const nonce = () => new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
const code = (digits: string) => {
  const c = CodeB.fromDigits(digits);
  if (!c) throw new Error("bad test code");
  return c;
};
const deps = (card: SimulatedCard, digits: string, extra: Partial<ReadFaceDeps> = {}): ReadFaceDeps => ({
  transmit: card,
  code: code(digits),
  nonce: nonce(),
  guard: new RetryGuard({ minTriesLeft: 3 }),
  signal: new AbortController().signal,
  ...extra,
});
const wrongDigits = (digits: string) => digits.slice(0, 10) + (digits.slice(10) === "9999" ? "9998" : "9999");

describe("readCardFace over the simulated card", () => {
  it("reads a deck card with its 照合番号B and returns the parsed face, the CVC and a nonce signature", async () => {
    const entry = deck.card("showa-64");
    const card = entry.makeCard();
    const r = await readCardFace(deps(card, entry.codeB));
    if (!r.ok) throw new Error(JSON.stringify(r.failure));
    expect(r.record.birthDate).toEqual({ year: 1989, month: 1, day: 7 });
    expect(r.record.sex).toBe("2");
    expect(r.record.expiry).toEqual({ year: 2034, month: 1, day: 7 });
    expect(r.record.photo.format).toBe("jp2");
    expect(r.record.photo.bytes).toEqual(entry.images.photo);
    expect(r.record.namePng).toEqual(entry.images.name);
    expect(r.triesLeftBefore).toBe(10);
    expect(r.triesLeftAfter).toBe(10);
    expect(r.cvc?.[0]).toBe(0x7f);
    expect(r.verify).toBe("ok");
    if (!r.signature) throw new Error("no signature");
    // the signature verifies under DF24 (the card key from the record) over DigestInfo(SHA-256(nonce))
    const jwk = { kty: "RSA", n: Buffer.from(r.record.cardPublicKey.modulus).toString("base64url"), e: Buffer.from(r.record.cardPublicKey.exponent).toString("base64url") };
    const pub = createPublicKey({ key: jwk, format: "jwk" });
    const recovered = publicDecrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, r.signature);
    expect(new Uint8Array(recovered)).toEqual(nonceDigestInfo(nonce()));
    expect(createHash("sha256").update(nonce()).digest().length).toBe(32);
  });

  it("sends exactly the APDU sequence of reference §3.1 and never touches EF 0001, EF 0005, the text AP or GET CHALLENGE", async () => {
    const entry = deck.card("heisei-1");
    const card = entry.makeCard();
    const r = await readCardFace(deps(card, entry.codeB));
    expect(r.ok).toBe(true);
    const hex = card.received().map((c) => Buffer.from(c.bytes).toString("hex").toUpperCase());
    expect(hex[0]).toBe("00A4040C0AD3921000310001010402");
    expect(hex[1]).toBe("00A4020C020012");
    expect(hex[2]).toBe("00200080");
    expect(hex[3]?.startsWith("002000800E")).toBe(true);
    expect(hex[4]).toBe("00A4020C020002");
    for (const h of hex) {
      expect(h).not.toMatch(/^00A4020C02000[15]$/);
      expect(h).not.toContain("D3921000310001010408");
      expect(h.startsWith("0084")).toBe(false);
    }
    expect(hex.filter((h) => h.startsWith("0020") && h.length > 8)).toHaveLength(1);
    expect(hex.at(-1)?.startsWith("802A000033")).toBe(true);
  });

  it("reads the same bytes with one extended READ BINARY as with 256-byte steps", async () => {
    const entry = deck.card("foreign");
    const short = await readCardFace(deps(entry.makeCard(), entry.codeB));
    const extCard = entry.makeCard();
    const ext = await readCardFace(deps(extCard, entry.codeB, { readMode: "extended" }));
    if (!short.ok || !ext.ok) throw new Error("read failed");
    expect(ext.record.raw).toEqual(short.record.raw);
    expect(ext.stats.apdus).toBeLessThan(short.stats.apdus);
    expect(extCard.received().filter((c) => c.bytes[1] === 0xb0)).toHaveLength(2);
  });

  it("reports a wrong code with the tries left and spends exactly one try", async () => {
    const entry = deck.card("senior");
    const card = entry.makeCard();
    const r = await readCardFace(deps(card, wrongDigits(entry.codeB)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toEqual({ kind: "wrong-code", triesLeft: 9 });
    expect(r.triesLeftBefore).toBe(10);
    expect(r.triesLeftAfter).toBe(9);
    expect(card.triesLeft("surface", 0x12)).toBe(9);
  });

  it("refuses a card at 2 tries left without spending any", async () => {
    const entry = deck.card("two-tries");
    const card = entry.makeCard();
    const r = await readCardFace(deps(card, entry.codeB));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toEqual({ kind: "refused-low-tries", triesLeft: 2, minimum: 3 });
    expect(r.verifySent).toBe(false);
    expect(card.triesLeft("surface", 0x12)).toBe(2);
  });

  it("reports a blocked card as blocked without sending the code", async () => {
    const entry = deck.card("blocked");
    const card = entry.makeCard();
    const r = await readCardFace(deps(card, entry.codeB));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toEqual({ kind: "blocked" });
    expect(card.received().filter((c) => c.bytes[1] === 0x20 && c.bytes.length > 4)).toHaveLength(0);
  });

  it("recognises a card without the 券面AP as not a My Number card", async () => {
    const entry = deck.card("not-my-number");
    const r = await readCardFace(deps(entry.makeCard(), entry.codeB));
    expect(r.ok ? "ok" : r.failure.kind).toBe("not-my-number-card");
  });

  it("allows one wrong VERIFY per session and never a second, even with another code", async () => {
    const entry = deck.card("leap-day");
    const card = entry.makeCard();
    const guard = new RetryGuard({ minTriesLeft: 3 });
    const first = await readCardFace(deps(card, wrongDigits(entry.codeB), { guard }));
    const again = await readCardFace(deps(card, wrongDigits(entry.codeB), { guard }));
    const right = await readCardFace(deps(card, entry.codeB, { guard }));
    expect(first.ok ? "ok" : first.failure.kind).toBe("wrong-code");
    expect(again.ok ? null : again.failure).toEqual({ kind: "refused-policy", reason: "same-wrong-code" });
    expect(right.ok ? null : right.failure).toEqual({ kind: "refused-policy", reason: "wrong-code-already-spent" });
    expect(card.triesLeft("surface", 0x12)).toBe(9);
  });

  it("reports progress from 0 to 1 in order", async () => {
    const entry = deck.card("minor-18");
    const seen: number[] = [];
    const r = await readCardFace(deps(entry.makeCard(), entry.codeB, { onProgress: (f) => seen.push(f) }));
    expect(r.ok).toBe(true);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= (seen[i - 1] ?? 0))).toBe(true);
  });

  it("zeroes every personal byte of the record on purge", async () => {
    const entry = deck.card("reiwa-1");
    const r = await readCardFace(deps(entry.makeCard(), entry.codeB));
    if (!r.ok) throw new Error("read failed");
    const views = [r.record.raw, r.record.photo.bytes, r.record.namePng, r.record.addressPng, r.record.spans.birthSexKey, r.cvc, r.signature, r.nonce];
    r.purge();
    for (const v of views) expect(v?.every((b) => b === 0)).toBe(true);
  });

  it("uses extended reads only when asked and the reader passes them", () => {
    expect(chooseReadMode("short", true)).toBe("short");
    expect(chooseReadMode("extended", undefined)).toBe("extended");
    expect(chooseReadMode("extended", false)).toBe("short");
    expect(chooseReadMode("auto", true)).toBe("extended");
    expect(chooseReadMode("auto", undefined)).toBe("short");
  });

  it("falls back to 256-byte steps when the extended READ BINARY is refused with 6700", async () => {
    const entry = deck.card("senior");
    const card = entry.makeCard();
    const refusing = {
      transmit: (cmd: Uint8Array, signal: AbortSignal) =>
        cmd[1] === 0xb0 && cmd.length === 7 ? Promise.resolve(Uint8Array.of(0x67, 0x00)) : card.transmit(cmd, signal),
    };
    const r = await readCardFace(deps(card, entry.codeB, { transmit: refusing, readMode: "extended" }));
    expect(r.ok).toBe(true);
    expect(r.readMode).toBe("extended");
    expect(card.received().filter((c) => c.bytes[1] === 0xb0).every((c) => c.bytes.length === 5)).toBe(true);
  });
});
