/**
 * The six catalogues: the same keys as Japanese, no empty text, the same {placeholders}, and a
 * message for every reason code, outcome, LED pattern, device, sex and screen hint in the protocol.
 */
import { readdirSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Authenticity } from "../../src/flow/outcome";
import type { CustomerAdvice, DeviceHealth, EntryProblem, LedPattern, Outcome, ReasonCode, Screen } from "../../src/protocol";
import { hasLanguage, isMessageKey, LANG_NAMES, LANGS, loadLanguage, preloadLanguages, translator } from "../../ui/src/i18n";
import { baseCatalogues, catalogues } from "../../ui/src/i18n/all";
import { KIND_CATALOGUES } from "../../ui/src/i18n/kinds";
import { catalogueKeys } from "../../src/documents/catalogue";
import type { AccessKeySchema } from "../../src/protocol";

const ja = catalogues.ja;
// The app loads the non-Japanese catalogues on demand (ui/src/i18n/index.ts); translator() needs them loaded.
const loadedAtStart = LANGS.filter(hasLanguage);
await preloadLanguages();

/** Every access-key schema a kind folder exports from its index.ts (src/documents/<kind>/index.ts). */
async function shippedSchemas(): Promise<{ folder: string; schema: AccessKeySchema }[]> {
  const root = new URL("../../src/documents/", import.meta.url);
  const found: { folder: string; schema: AccessKeySchema }[] = [];
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || !existsSync(new URL(`${d.name}/index.ts`, root))) continue;
    const mod = (await import(new URL(`${d.name}/index.ts`, root).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (typeof v === "object" && v !== null && "catalogue" in v && "groups" in v && Array.isArray(v.groups)) {
        found.push({ folder: d.name, schema: v as AccessKeySchema });
      }
    }
  }
  return found;
}

// Records typed by the protocol's unions: adding a code to protocol.ts without a message fails to compile here.
const REASONS: Record<ReasonCode, true> = {
  "under-age": true, "card-expired": true, "wrong-code": true, "card-blocked": true, "low-tries": true,
  "unsupported-document": true, "card-removed": true, "read-error": true, "data-altered": true,
  "clone-suspected": true, "unknown-ca": true, "could-not-check": true, "not-verifiable": true, "clone-not-ruled-out": true, "face-no-match": true,
  "face-not-sure": true, "liveness-failed": true, "no-face": true, "ocr-unsure": true, timeout: true,
  "customer-cancelled": true, "staff-requested": true, "device-error": true, interrupted: true,
};
const OUTCOMES: Record<Outcome, true> = { pass: true, fail: true, refer: true, abandoned: true };
const ADVICE: Record<CustomerAdvice, true> = { "municipal-office": true, "staff-can-help": true, "supported-documents": true };
const LEDS: Record<LedPattern, true> = { off: true, ready: true, busy: true, pass: true, fail: true, refer: true, "card-left": true, "out-of-service": true };
const HEALTH: Record<DeviceHealth, true> = { ok: true, missing: true, error: true };
type Hint = NonNullable<Extract<Screen, { name: "face-check" }>["hint"]>;
const HINTS: Record<Hint, true> = { look: true, closer: true, "one-person": true, "hold-still": true };

const AUTH: Record<Authenticity | "not-checked", true> = {
  genuine: true, "data-altered": true, "clone-suspected": true, "unknown-ca": true, expired: true, "could-not-check": true, "not-verifiable": true, "clone-not-ruled-out": true, "not-checked": true,
};
const ENTRY_PROBLEMS: Record<EntryProblem, true> = {
  missing: true, "not-a-number": true, "out-of-range": true, "not-in-era": true, "not-a-date": true, "in-future": true,
  "too-old": true, "not-birthday": true, "too-far-ahead": true, "long-past": true, "before-fifth-birthday": true, "not-4-digits": true,
  "back-side-up": true,
};

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("load on demand: only Japanese before, every language after preloadLanguages, the same text as the static catalogues", async () => {
    expect(loadedAtStart).toEqual(["ja"]);
    expect(LANGS.every(hasLanguage)).toBe(true);
    await loadLanguage("en"); // a second load is a no-op
    for (const lang of LANGS) {
      const t = translator(lang);
      for (const key of Object.keys(catalogues.ja) as (keyof typeof catalogues.ja)[]) {
        if (!catalogues[lang][key].includes("{")) expect(t(key), `${lang} ${key}`).toBe(catalogues[lang][key]);
      }
    }
  });

  it("cover the six languages, Japanese first", () => {
    expect(LANGS).toEqual(["ja", "en", "zh", "ko", "vi", "pt"]);
    expect(Object.keys(LANG_NAMES)).toEqual([...LANGS]);
  });

  for (const lang of LANGS) {
    it(`${lang} has exactly the Japanese keys, no empty text and the same placeholders`, () => {
      const cat = catalogues[lang];
      expect(Object.keys(cat).sort()).toEqual(Object.keys(ja).sort());
      for (const [key, text] of Object.entries(cat)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe("");
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(ja[key as keyof typeof ja]));
      }
    });
  }

  it("have a message for every reason, outcome, light pattern, device state, face hint, authenticity answer and entry problem", () => {
    const keys = [
      ...Object.keys(REASONS).flatMap((r) => [`reason.${r}`, `staffReason.${r}`, `staffAction.${r}`]),
      ...Object.keys(OUTCOMES).flatMap((o) => [`verdict.${o}`, `result.${o}.body`, `count.${o}`]),
      ...Object.keys(ADVICE).map((a) => `advice.${a}`),
      ...Object.keys(LEDS).map((p) => `led.${p}`),
      ...Object.keys(HEALTH).map((h) => `health.${h}`),
      ...Object.keys(HINTS).map((h) => `face.hint.${h}`),
      ...Object.keys(AUTH).map((a) => `auth.${a}`),
      ...Object.keys(ENTRY_PROBLEMS).map((p) => `entry.problem.${p}`),
    ];
    expect(keys.filter((k) => !isMessageKey(k))).toEqual([]);
  });

  it("have every string each kind folder's access-key schema names, in the six languages (the manual-entry screen)", async () => {
    const schemas = await shippedSchemas();
    expect(schemas.map((s) => s.folder)).toContain("mynumber");
    for (const { folder, schema } of schemas) {
      const keys = catalogueKeys(schema);
      expect(keys.length, folder).toBeGreaterThan(0);
      if (schema.catalogue === "doc.mynumber") expect(keys).toContain("doc.mynumber.group.code");
      for (const lang of LANGS) {
        expect(keys.filter((k) => !Object.hasOwn(catalogues[lang], k)), `${folder} ${lang}`).toEqual([]);
      }
      // The kind's own strings sit in its own file (ui/src/i18n/kinds/<kind>.ts).
      const own = KIND_CATALOGUES.find((k) => `doc.${k.kind}` === schema.catalogue);
      expect(own, `${folder}: no ui/src/i18n/kinds file for ${schema.catalogue}`).toBeDefined();
      const ownKeys = Object.keys(own?.messages.ja ?? {});
      expect(keys.filter((k) => k.startsWith(`${schema.catalogue}.`) && !ownKeys.includes(k)), folder).toEqual([]);
    }
  });

  it("define every key once: no kind file repeats a base key or another kind's key", () => {
    const owner = new Map<string, string>(Object.keys(baseCatalogues.ja).map((k) => [k, "base"]));
    const clashes: string[] = [];
    expect(new Set(KIND_CATALOGUES.map((k) => k.kind)).size).toBe(KIND_CATALOGUES.length);
    // Every kind names itself (the staff screen's recent sessions, the demo drawer's groups).
    for (const k of KIND_CATALOGUES) expect(Object.keys(k.messages.ja), k.kind).toContain(`doc.${k.kind}.name`);
    for (const k of KIND_CATALOGUES) {
      for (const lang of LANGS) expect(Object.keys(k.messages[lang]).sort(), `${k.kind} ${lang}`).toEqual(Object.keys(k.messages.ja).sort());
      for (const key of Object.keys(k.messages.ja)) {
        const prev = owner.get(key);
        if (prev !== undefined) clashes.push(`${key}: ${prev} and ${k.kind}`);
        owner.set(key, k.kind);
        // A kind's keys are its own: doc.<kind>.* (schema, attended labels) or its demo cards.
        expect(key.startsWith(`doc.${k.kind}.`) || key.startsWith("demoCard."), `${k.kind}: ${key}`).toBe(true);
      }
    }
    expect(clashes).toEqual([]);
    expect(Object.keys(ja).length).toBe(owner.size);
  });

  it("fill placeholders and leave unknown ones visible", () => {
    expect(translator("ja")("countdown.seconds", { n: 7 })).toBe("残り 7 秒");
    expect(translator("en")("countdown.seconds", { n: 7 })).toBe("7 s left");
    expect(translator("ko")("staff.kiosk", { id: "k1" })).toBe("단말 k1 · 버전 {v}");
  });

  it("name every document the kiosk accepts where any document is meant, and never one kind in the base strings", () => {
    for (const lang of LANGS) {
      const t = translator(lang);
      const names = KIND_CATALOGUES.map((k) => (catalogues[lang] as Record<string, string>)[`doc.${k.kind}.name`] ?? "");
      expect(names.every((n) => n !== ""), lang).toBe(true);
      for (const key of ["idle.body", "advice.supported-documents"] as const) {
        const text = t(key);
        for (const name of names) expect(text, `${lang} ${key}`).toContain(name);
        expect(text, `${lang} ${key}`).not.toContain("{documents}");
      }
      // The My Number card's name lives in its kind file only: no shared screen text is about it alone.
      const myNumber = (catalogues[lang] as Record<string, string>)["doc.mynumber.name"] ?? "";
      const mentions = Object.entries(baseCatalogues[lang]).filter(([, text]) => text.includes(myNumber));
      expect(mentions, lang).toEqual([]);
    }
  });

  it("translate the customer-facing verdicts into something other than Japanese", () => {
    for (const lang of LANGS.filter((l) => l !== "ja")) {
      const t = translator(lang);
      expect(t("verdict.pass"), lang).not.toBe(ja["verdict.pass"]);
      expect(t("verdict.under-age"), lang).not.toBe(ja["verdict.under-age"]);
      expect(t("place.body"), lang).not.toBe(ja["place.body"]);
    }
  });
});
