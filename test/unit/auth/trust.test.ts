import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import shipped from "../../../src/card/mynumber/auth/keys/kenmen-cvc-ca-keys.json";
import { CARD_FACE_CA_ID_HEX, parseKeyTable, pinnedCardFaceAnchors, shippedKeys } from "../../../src/card/mynumber/auth/ca-keys";
import { buildTrustStore } from "../../../src/card/mynumber/auth/trust";
import { anchorFor, keys, TEST_CA_ID, trustFileText } from "../../fixtures/auth/build";

const files = (map: Record<string, string>) => ({
  readFile(p: string): string {
    const v = map[p];
    if (v === undefined) throw new Error(`ENOENT: no such file ${p}`);
    return v;
  },
});

const sharedCopy = path.resolve(import.meta.dirname, "../../../../shared/data/trust/kenmen-cvc-ca-keys.json");

describe("shipped CA keys", () => {
  it("pins exactly the production 5000023/001 key as the card-face trust anchor", () => {
    const pinned = pinnedCardFaceAnchors();
    expect(pinned.map((a) => [a.id.label, a.hierarchy, a.source])).toEqual([["5000023/001", "production", "pinned"]]);
    expect(pinned[0]?.id.hex).toBe(CARD_FACE_CA_ID_HEX);
    expect(pinned[0]?.key.modulus.toString(16).toUpperCase()).toBe(
      shipped.keys.find((k) => k.issuerKeyId === "5000023/001")?.modulusHex,
    );
  });

  it("parses all six shipped keys for derive-ca comparisons", () => {
    expect(shippedKeys().map((a) => a.id.label)).toEqual([
      "5000020/001",
      "5000023/001",
      "5000033/001",
      "6000020/001",
      "6000023/001",
      "6000033/001",
    ]);
  });

  it.skipIf(!existsSync(sharedCopy))("ships a byte-identical copy of the team's shared key table", () => {
    const ours = readFileSync(path.resolve(import.meta.dirname, "../../../src/card/mynumber/auth/keys/kenmen-cvc-ca-keys.json"));
    expect(ours.equals(readFileSync(sharedCopy))).toBe(true);
  });
});

describe("key table format", () => {
  it("reports every bad entry with its path", () => {
    const r = parseKeyTable({ keys: [{ issuerKeyIdHex: "12", exponent: 65537, modulusHex: "ABC" }] }, "file:x.json");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.some((e) => e.includes("keys.0.issuerKeyIdHex"))).toBe(true);
      expect(r.errors.some((e) => e.includes("keys.0.modulusHex"))).toBe(true);
    }
  });

  it("refuses a key with exponent 3 or a short modulus", () => {
    const ok = JSON.parse(trustFileText(keys.testCa, TEST_CA_ID)) as { keys: Record<string, unknown>[] };
    const e3 = { keys: [{ ...ok.keys[0], exponent: 3 }] };
    const short = { keys: [{ ...ok.keys[0], modulusHex: String(ok.keys[0]?.["modulusHex"]).slice(2) }] };
    expect(parseKeyTable(e3, "f")).toEqual({ ok: false, errors: ["f: keys.0: key refused (exponent-too-small)"] });
    expect(parseKeyTable(short, "f")).toEqual({ ok: false, errors: ["f: keys.0: key refused (modulus-length)"] });
  });
});

describe("buildTrustStore", () => {
  const testFile = trustFileText(keys.testCa, TEST_CA_ID);

  it("in production holds only the pinned key", () => {
    const r = buildTrustStore({ mode: "production", extraKeyFiles: [] }, files({}));
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.store.anchors.map((a) => a.id.label)).toEqual(["5000023/001"]);
    expect(r.store.lookup(CARD_FACE_CA_ID_HEX.toLowerCase())?.source).toBe("pinned");
  });

  it("in production refuses extra trust files and extra anchors", () => {
    const a = buildTrustStore({ mode: "production", extraKeyFiles: ["test-ca.json"] }, files({ "test-ca.json": testFile }));
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.errors[0]).toMatch(/production mode refuses extra trust keys/);
    const b = buildTrustStore({ mode: "production", extraAnchors: [anchorFor(keys.testCa, TEST_CA_ID)] });
    expect(b.ok).toBe(false);
  });

  it("in demo mode adds the keys of a trust file next to the pinned key", () => {
    const r = buildTrustStore({ mode: "demo", extraKeyFiles: ["test-ca.json"] }, files({ "test-ca.json": testFile }));
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.store.anchors.map((a) => [a.id.label, a.source])).toEqual([
      ["5000023/001", "pinned"],
      ["9000023/001", "file:test-ca.json"],
    ]);
  });

  it("never lets an extra key replace the pinned production key", () => {
    const hijack = trustFileText(keys.testCa, "5000023/001");
    const r = buildTrustStore({ mode: "demo", extraKeyFiles: ["evil.json"] }, files({ "evil.json": hijack }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/5000023\/001 is already trusted \(pinned\)/);
  });

  it("names the file when it is missing or not JSON", () => {
    const r = buildTrustStore({ mode: "demo", extraKeyFiles: ["missing.json", "bad.json"] }, files({ "bad.json": "{" }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]).toMatch(/^trust file missing\.json: ENOENT/);
      expect(r.errors[1]).toBe("trust file bad.json: not valid JSON");
    }
  });
});
