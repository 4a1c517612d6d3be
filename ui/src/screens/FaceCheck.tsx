import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import faceCamera from "../assets/face-camera.svg";
import type { ScreenProps } from "./types";

export function FaceCheck({ screen, t, send }: ScreenProps<"face-check">) {
  return (
    <section class="screen" data-screen="face-check" aria-labelledby="face-title">
      <div class="split">
        <Picture svg={faceCamera} label={t("face.picture")} class="pic-main" />
        <div class="stack">
          <h1 id="face-title">{t("face.title")}</h1>
          <p class="lead">{t("face.body")}</p>
          <p class="hint" role="status" data-hint={screen.hint ?? ""}>
            {screen.hint ? t(`face.hint.${screen.hint}`) : ""}
          </p>
          <BigButton kind="secondary" onPress={() => send({ type: "cancel" })} testId="cancel">
            {t("common.cancel")}
          </BigButton>
        </div>
      </div>
    </section>
  );
}
