import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import cardUnderCamera from "../assets/card-under-camera.svg";
import type { ScreenProps } from "./types";

/** The longest wait: says what the camera is doing and how many pictures it has checked. */
export function CaptureCardFace({ screen, t, send }: ScreenProps<"capture-card-face">) {
  return (
    <section class="screen" data-screen="capture-card-face" data-frames={screen.frames} aria-labelledby="capture-title">
      <div class="split">
        <Picture svg={cardUnderCamera} label={t("capture.picture")} class="pic-main pic-busy" />
        <div class="stack">
          <h1 id="capture-title">{t("capture.title")}</h1>
          <p class="lead">{t("capture.body")}</p>
          <p class="capture-progress" role="status" data-testid="capture-progress">
            <span class="dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {screen.frames > 0 ? t("capture.frames", { n: screen.frames }) : t("capture.looking")}
          </p>
          <div class="row-buttons">
            <BigButton kind="secondary" onPress={() => send({ type: "type-instead" })} testId="type-instead">
              {t("capture.typeInstead")}
            </BigButton>
            <BigButton kind="quiet" onPress={() => send({ type: "cancel" })} testId="cancel">
              {t("common.cancel")}
            </BigButton>
          </div>
        </div>
      </div>
    </section>
  );
}
