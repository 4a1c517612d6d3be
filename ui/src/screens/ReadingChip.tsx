import { Picture } from "../components/Picture";
import { ProgressBar } from "../components/ProgressBar";
import cardOnReader from "../assets/card-on-reader.svg";
import type { ScreenProps } from "./types";

export function ReadingChip({ screen, t }: ScreenProps<"reading-chip">) {
  return (
    <section class="screen" data-screen="reading-chip" aria-labelledby="reading-title">
      <div class="split">
        <Picture svg={cardOnReader} label={t("place.picture")} class="pic-main pic-busy" />
        <div class="stack">
          <h1 id="reading-title">{t("reading.title")}</h1>
          <p class={screen.cardRemoved ? "lead strong warn" : "lead strong"} role="status" data-card-removed={screen.cardRemoved ? "1" : "0"}>
            {screen.cardRemoved ? t("reading.putBack") : t("reading.keep")}
          </p>
          <ProgressBar value={screen.progress} label={t("reading.progress")} />
          {screen.triesLeft !== null ? <p class="note">{t("reading.tries", { n: screen.triesLeft })}</p> : null}
        </div>
      </div>
    </section>
  );
}
