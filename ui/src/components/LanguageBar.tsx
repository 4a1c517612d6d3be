import type { Lang } from "../../../src/protocol";
import { LANGS, LANG_NAMES, LANG_TAGS, type T } from "../i18n";

/** The six languages by their own names, on every screen. */
export function LanguageBar({ lang, onChoose, t }: { lang: Lang; onChoose: (l: Lang) => void; t: T }) {
  return (
    <nav class="langs" aria-label={t("lang.group")}>
      {LANGS.map((l) => (
        <button
          type="button"
          key={l}
          class={l === lang ? "lang lang-current" : "lang"}
          lang={LANG_TAGS[l]}
          aria-pressed={l === lang}
          data-lang={l}
          onClick={() => onChoose(l)}
        >
          {LANG_NAMES[l]}
        </button>
      ))}
    </nav>
  );
}
