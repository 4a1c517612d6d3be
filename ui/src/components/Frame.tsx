import type { ComponentChildren } from "preact";
import type { Countdown as CountdownState, Lang, LedPattern } from "../../../src/protocol";
import type { T } from "../i18n";
import { Countdown } from "./Countdown";
import { LanguageBar } from "./LanguageBar";
import { MiniLamps } from "./Lamps";

interface Props {
  t: T;
  lang: Lang;
  onLang: (l: Lang) => void;
  countdown: CountdownState | null;
  /** Demo mode: the drawer's toggle button in the header. */
  demoToggle: { open: boolean; onToggle: () => void; leds: LedPattern } | null;
  children: ComponentChildren;
  drawer: ComponentChildren;
}

/** Header (countdown, languages, demo toggle) above the current screen. */
export function Frame({ t, lang, onLang, countdown, demoToggle, children, drawer }: Props) {
  return (
    <div class="frame">
      <header class="bar">
        <div class="bar-start">{countdown ? <Countdown countdown={countdown} t={t} /> : null}</div>
        <LanguageBar lang={lang} onChoose={onLang} t={t} />
        {demoToggle ? (
          <button
            type="button"
            class="btn btn-quiet demo-toggle"
            aria-expanded={demoToggle.open}
            onClick={demoToggle.onToggle}
            data-testid="demo-toggle"
          >
            <MiniLamps pattern={demoToggle.leds} />
            {t("demo.toggle")}
          </button>
        ) : null}
      </header>
      <main class="content">
        {children}
        {drawer}
      </main>
    </div>
  );
}
