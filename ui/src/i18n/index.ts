/**
 * Message catalogues, Japanese first. Every catalogue is typed `Messages` (the keys of `ja`), so a
 * missing or extra key is a compile error; test/ui/i18n.test.ts checks the same at run time, plus
 * placeholders. Screens get a `T` function bound to the current language.
 */
import type { Lang } from "../../../src/protocol";
import { en } from "./en";
import { ja, type MessageKey, type Messages } from "./ja";
import { ko } from "./ko";
import { pt } from "./pt";
import { vi } from "./vi";
import { zh } from "./zh";

export type { MessageKey, Messages };

export const LANGS: readonly Lang[] = ["ja", "en", "zh", "ko", "vi", "pt"];

export const catalogues: Readonly<Record<Lang, Messages>> = { ja, en, zh, ko, vi, pt };

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

export function translator(lang: Lang): T {
  const messages = catalogues[lang];
  return (key, vars) => {
    const text = messages[key];
    if (vars === undefined) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = vars[name];
      return v === undefined ? whole : String(v);
    });
  };
}

/** True when `key` names a message (for codes the daemon sends as plain strings). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}
