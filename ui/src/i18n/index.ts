/**
 * Message catalogues, Japanese first. Each is the base catalogue of its language (`./<lang>.ts`, typed
 * by the keys of `ja`, so a missing or extra key is a compile error) merged with every document
 * kind's strings (`./kinds/<kind>.ts`, one file per kind holding its six languages, listed in
 * `./kinds/index.ts`). test/ui/i18n.test.ts checks the same at run time, plus placeholders and that
 * no key is defined twice. Screens get a `T` function bound to the current language.
 *
 * Loading (issue 16, first render): only Japanese is in the first bundle. The five other base
 * catalogues are separate chunks (dynamic `import()`, split by esbuild), fetched by
 * {@link loadLanguage} when a view or a customer asks for one and all at once shortly after the
 * first screen ({@link preloadLanguages}), so they are in memory before anyone taps a language.
 * {@link translator} needs its language loaded ({@link hasLanguage}); the app keeps showing the
 * previous language for the few milliseconds a chunk takes. `./all.ts` holds every catalogue
 * statically, for the tests.
 */
import type { Lang } from "../../../src/protocol";
import { ja, type MessageKey as BaseMessageKey, type Messages as BaseMessages } from "./ja";
import { KIND_CATALOGUES, type KindMessageKey } from "./kinds";

export type MessageKey = BaseMessageKey | KindMessageKey;
export type Messages = Readonly<Record<MessageKey, string>>;
export type { BaseMessages };

export const LANGS: readonly Lang[] = ["ja", "en", "zh", "ko", "vi", "pt"];

/** A language's base catalogue merged with every kind's strings in that language. */
export function mergeCatalogue(lang: Lang, base: BaseMessages): Messages {
  const all: Record<string, string> = { ...base };
  for (const k of KIND_CATALOGUES) Object.assign(all, k.messages[lang]);
  // Complete by construction: the base is typed by `ja`, each kind file by its own Japanese keys.
  return all as Messages;
}

/** The base catalogues outside the first bundle, one chunk each. */
const LOADERS: Readonly<Record<Exclude<Lang, "ja">, () => Promise<BaseMessages>>> = {
  en: () => import("./en").then((m) => m.en),
  zh: () => import("./zh").then((m) => m.zh),
  ko: () => import("./ko").then((m) => m.ko),
  vi: () => import("./vi").then((m) => m.vi),
  pt: () => import("./pt").then((m) => m.pt),
};

const jaMessages = mergeCatalogue("ja", ja);
const loaded = new Map<Lang, Messages>([["ja", jaMessages]]);
const loading = new Map<Lang, Promise<void>>();

export function hasLanguage(lang: Lang): boolean {
  return loaded.has(lang);
}

/** Loads one language's catalogue (once; a failed fetch is tried again on the next call). */
export function loadLanguage(lang: Lang): Promise<void> {
  if (lang === "ja" || loaded.has(lang)) return Promise.resolve();
  let p = loading.get(lang);
  if (!p) {
    p = LOADERS[lang]().then(
      (base) => {
        loaded.set(lang, mergeCatalogue(lang, base));
      },
      (e: unknown) => {
        loading.delete(lang);
        throw e;
      },
    );
    loading.set(lang, p);
  }
  return p;
}

/** Loads every language (after the first screen; the tests before theirs). */
export async function preloadLanguages(): Promise<void> {
  await Promise.all(LANGS.map(loadLanguage));
}

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
  const messages: Readonly<Record<string, string>> = messagesOf(lang);
  return KIND_CATALOGUES.map((k) => messages[`doc.${k.kind}.name`] ?? k.kind).join(LIST_SEPARATORS[lang]);
}

/** The loaded catalogue of `lang`; Japanese when it has not been loaded (callers check {@link hasLanguage}). */
function messagesOf(lang: Lang): Messages {
  return loaded.get(lang) ?? jaMessages;
}

/** `lang` must be loaded ({@link hasLanguage}); otherwise the Japanese text is given. */
export function translator(lang: Lang): T {
  const messages = messagesOf(lang);
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

/**
 * A document kind's own message, `doc.<kind>.<rest>` (its file in ./kinds), through `t`; null when
 * there is no kind or its catalogue has no such message (the caller then uses the shared one).
 */
export function kindMessage(t: T, kind: string | null, rest: string): string | null {
  if (kind === null) return null;
  const key = `doc.${kind}.${rest}`;
  return isMessageKey(key) ? t(key) : null;
}

/** True when `key` names a message (for codes the daemon sends as plain strings). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(jaMessages, key);
}
