import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import cardOnReader from "../assets/card-on-reader.svg";
import type { ScreenProps } from "./types";

export function PlaceCard({ screen, t, send }: ScreenProps<"place-card">) {
  return (
    <section class="screen" data-screen="place-card" data-notice={screen.notice ?? ""} aria-labelledby="place-title">
      <div class="split">
        <Picture svg={cardOnReader} label={t("place.picture")} class="pic-main" />
        <div class="stack">
          <h1 id="place-title">{t("place.title")}</h1>
          {screen.notice === "lift-first" ? (
            <p class="lead strong warn" role="alert" data-testid="place-notice">
              {t("place.liftFirst")}
            </p>
          ) : screen.notice === "lifted" ? (
            <p class="lead strong warn" role="alert" data-testid="place-notice">
              {t("place.lifted")}
            </p>
          ) : null}
          <p class="lead">{t("place.body")}</p>
          <p class="note">{t("common.help")}</p>
          <BigButton kind="secondary" onPress={() => send({ type: "cancel" })} testId="cancel">
            {t("common.cancel")}
          </BigButton>
        </div>
      </div>
    </section>
  );
}
