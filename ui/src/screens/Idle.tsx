import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import cardOnReader from "../assets/card-on-reader.svg";
import type { ScreenProps } from "./types";

export function Idle({ screen, t, send }: ScreenProps<"idle">) {
  return (
    <section class="screen screen-idle" data-screen="idle" aria-labelledby="idle-title">
      <div class="split">
        <Picture svg={cardOnReader} label={t("place.picture")} class="pic-main" />
        <div class="stack">
          {/* elementtiming: bench:ui reads when this title was first painted (Element Timing API). */}
          <h1 id="idle-title" elementtiming="first-screen">
            {t("idle.title")}
          </h1>
          <p class="lead">{t("idle.body")}</p>
          <BigButton kind="primary" class="btn-huge btn-start" onPress={() => send({ type: "start" })} testId="start">
            {t("idle.start")}
          </BigButton>
          <p class="note">{t("idle.privacy")}</p>
        </div>
      </div>
      <div class="corner">
        <BigButton kind="quiet" onPress={() => send({ type: "staff-open" })} testId="staff-open">
          {t("idle.staff")}
        </BigButton>
        {screen.staffCall ? (
          <span class="staff-called" data-testid="staff-called" role="status">
            {t("idle.staffCalled")}
          </span>
        ) : null}
      </div>
    </section>
  );
}
