import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import cardUnderCamera from "../assets/card-under-camera.svg";
import type { ScreenProps } from "./types";

export function CaptureCardFace({ t, send }: ScreenProps<"capture-card-face">) {
  return (
    <section class="screen" data-screen="capture-card-face" aria-labelledby="capture-title">
      <div class="split">
        <Picture svg={cardUnderCamera} label={t("capture.picture")} class="pic-main" />
        <div class="stack">
          <h1 id="capture-title">{t("capture.title")}</h1>
          <p class="lead">{t("capture.body")}</p>
          <BigButton kind="secondary" onPress={() => send({ type: "cancel" })} testId="cancel">
            {t("common.cancel")}
          </BigButton>
        </div>
      </div>
    </section>
  );
}
