/**
 * Message catalogues, Japanese first. Each is the base catalogue of its language (`./<lang>.ts`, typed
 * by the keys of `ja`, so a missing or extra key is a compile error) merged with every document
 * kind's strings (`./kinds/<kind>.ts`, one file per kind holding its six languages, listed in
 * `./kinds/index.ts`). test/ui/i18n.test.ts checks the same at run time, plus placeholders and that
 * no key is defined twice. Screens get a `T` function bound to the current language.
 */
import type { Lang } from "../../../src/protocol";
import { en } from "./en";
import { ja, type MessageKey as BaseMessageKey, type Messages as BaseMessages } from "./ja";
import { KIND_CATALOGUES, type KindMessageKey } from "./kinds";
import { ko } from "./ko";
import { pt } from "./pt";
import { vi } from "./vi";
import { zh } from "./zh";

export type MessageKey = BaseMessageKey | KindMessageKey;
export type Messages = Readonly<Record<MessageKey, string>>;

export const LANGS: readonly Lang[] = ["ja", "en", "zh", "ko", "vi", "pt"];

/** The base catalogues alone (without the kinds' strings), for the i18n test. */
export const baseCatalogues: Readonly<Record<Lang, BaseMessages>> = { ja, en, zh, ko, vi, pt };

function merged(lang: Lang): Messages {
  const all: Record<string, string> = { ...baseCatalogues[lang] };
  for (const k of KIND_CATALOGUES) Object.assign(all, k.messages[lang]);
  // Complete by construction: the base is typed by `ja`, each kind file by its own Japanese keys.
  return all as Messages;
}

export const catalogues: Readonly<Record<Lang, Messages>> = {
  ja: merged("ja"),
  en: merged("en"),
  zh: merged("zh"),
  ko: merged("ko"),
  vi: merged("vi"),
  pt: merged("pt"),
};

/** Each language's own name, shown on the language buttons whatever the current language is. */
export const LANG_NAMES: Readonly<Record<Lang, string>> = {
  ja: "日本語",
  en: "English",
  zh: "中文",
  ko: "한국어",
  vi: "Tiếng Việt",
  pt: "Português",
};

/** BCP 47 tags for the `lang` attribute (picks the right CJK glyphs and voices). */
export const LANG_TAGS: Readonly<Record<Lang, string>> = {
  ja: "ja",
  en: "en",
  zh: "zh-Hans",
  ko: "ko",
  vi: "vi",
  pt: "pt-BR",
};

export type Vars = Readonly<Record<string, string | number>>;
export type T = (key: MessageKey, vars?: Vars) => string;

const LIST_SEPARATORS: Readonly<Record<Lang, string>> = { ja: "、", en: ", ", zh: "、", ko: ", ", vi: ", ", pt: ", " };

/**
 * The documents the kiosk accepts, by name, as one list in `lang`: every kind the UI ships
 * (./kinds, the same kinds src/main.ts registers), in the order of KIND_CATALOGUES. Filled into any
 * message's `{documents}` (idle screen, "use one of these" advice) unless the caller gives it.
 */
export function documentList(lang: Lang): string {
  const messages: Readonly<Record<string, string>> = catalogues[lang];
  return KIND_CATALOGUES.map((k) => messages[`doc.${k.kind}.name`] ?? k.kind).join(LIST_SEPARATORS[lang]);
}

export function translator(lang: Lang): T {
  const messages = catalogues[lang];
  const documents = documentList(lang);
  return (key, vars) => {
    const text = messages[key];
    if (vars === undefined && !text.includes("{documents}")) return text;
    const all: Vars = { documents, ...vars };
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = all[name];
      return v === undefined ? whole : String(v);
    });
  };
}

/** True when `key` names a message (for codes the daemon sends as plain strings). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(catalogues.ja, key);
}
