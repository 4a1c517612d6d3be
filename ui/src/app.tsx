/**
 * Renders the screen for the daemon's current view. The only state kept here is the customer's
 * language choice (reset to the default whenever a session ends) and whether the demo drawer is open.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ClientMessage, Lang, Screen, ViewMessage } from "../../src/protocol";
import { DemoPanel } from "./components/DemoPanel";
import { Frame } from "./components/Frame";
import { hasLanguage, LANG_TAGS, loadLanguage, translator, type T } from "./i18n";
import { CaptureCardFace } from "./screens/CaptureCardFace";
import { CardLeft } from "./screens/CardLeft";
import { Checking } from "./screens/Checking";
import { FaceCheck } from "./screens/FaceCheck";
import { Idle } from "./screens/Idle";
import { ManualEntry } from "./screens/ManualEntry";
import { OutOfService } from "./screens/OutOfService";
import { PlaceCard } from "./screens/PlaceCard";
import { ReadingChip } from "./screens/ReadingChip";
import { Result } from "./screens/Result";
import { Staff } from "./screens/Staff";
import { StaffLogin } from "./screens/StaffLogin";

export interface AppProps {
  view: ViewMessage | null;
  send: (m: ClientMessage) => void;
  /** The page was opened without `#token=…`: the daemon refuses its socket (src/server/token.ts). */
  noToken?: boolean;
}

export function App({ view, send, noToken = false }: AppProps) {
  const [chosen, setChosen] = useState<Lang | null>(null);
  const [demoOpen, setDemoOpen] = useState(false);
  const screenName = view?.screen.name;
  // A new customer starts in the shop's default language (before paint: no flash of the old one).
  useLayoutEffect(() => {
    if (screenName === "idle") setChosen(null);
  }, [screenName]);
  const wanted: Lang = chosen ?? view?.defaultLanguage ?? "ja";
  // Catalogues other than Japanese load on demand (i18n/index.ts): until the wanted one has arrived
  // (a few ms; they are usually preloaded by then) the previous language stays on screen.
  const shown = useRef<Lang>("ja");
  if (hasLanguage(wanted)) shown.current = wanted;
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (hasLanguage(wanted)) return;
    void loadLanguage(wanted).then(
      () => setLoaded((n) => n + 1),
      () => undefined,
    );
  }, [wanted]);
  const lang: Lang = shown.current;
  // Before paint, so CJK text never shows for a frame in another language's glyphs.
  useLayoutEffect(() => {
    document.documentElement.lang = LANG_TAGS[lang];
  }, [lang]);
  const t = translator(lang);

  if (!view) {
    return (
      <Frame t={t} lang={lang} onLang={setChosen} countdown={null} demoToggle={null} drawer={null}>
        <section class="screen screen-center" data-screen="connecting" aria-labelledby="connecting-title">
          {noToken ? null : <div class="spinner" aria-hidden="true" />}
          <h1 id="connecting-title">{t(noToken ? "connecting.no-token.title" : "connecting.title")}</h1>
          <p class="lead">{t(noToken ? "connecting.no-token.body" : "connecting.body")}</p>
        </section>
      </Frame>
    );
  }
  const demo = view.demo;
  return (
    <Frame
      t={t}
      lang={lang}
      onLang={setChosen}
      countdown={view.countdown}
      demoToggle={demo ? { open: demoOpen, onToggle: () => setDemoOpen((o) => !o), leds: demo.leds } : null}
      drawer={demo && demoOpen ? <DemoPanel demo={demo} t={t} send={send} onClose={() => setDemoOpen(false)} /> : null}
    >
      {renderScreen(view.screen, view, t, send, lang)}
    </Frame>
  );
}

function renderScreen(screen: Screen, view: ViewMessage, t: T, send: (m: ClientMessage) => void, lang: Lang) {
  switch (screen.name) {
    case "idle":
      return <Idle screen={screen} view={view} t={t} send={send} />;
    case "place-card":
      return <PlaceCard screen={screen} view={view} t={t} send={send} />;
    case "capture-card-face":
      return <CaptureCardFace screen={screen} view={view} t={t} send={send} />;
    case "manual-entry":
      return <ManualEntry key="manual-entry" screen={screen} view={view} t={t} send={send} />;
    case "reading-chip":
      return <ReadingChip screen={screen} view={view} t={t} send={send} />;
    case "checking":
      return <Checking screen={screen} view={view} t={t} send={send} />;
    case "face-check":
      return <FaceCheck screen={screen} view={view} t={t} send={send} />;
    case "result":
      return <Result screen={screen} view={view} t={t} send={send} lang={lang} />;
    case "card-left":
      return <CardLeft screen={screen} view={view} t={t} send={send} />;
    case "out-of-service":
      return <OutOfService screen={screen} view={view} t={t} send={send} />;
    case "staff-login":
      return <StaffLogin key="staff-login" screen={screen} view={view} t={t} send={send} />;
    case "staff":
      return <Staff screen={screen} view={view} t={t} send={send} lang={lang} />;
  }
}
