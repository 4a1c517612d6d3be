import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import cardUnderCamera from "../assets/card-under-camera.svg";
import { kindMessage } from "../i18n";
import type { ScreenProps } from "./types";

/** The longest wait: says what the camera is doing (for the document on the reader, once
 *  recognised) and how many pictures it has checked. */
export function CaptureCardFace({ screen, t, send }: ScreenProps<"capture-card-face">) {
  // The document's own words (`doc.<kind>.capture.*`, e.g. a passport's MRZ), else the card's.
  const say = (part: "title" | "body" | "typeInstead") => kindMessage(t, screen.document, `capture.${part}`) ?? t(`capture.${part}`);
  return (
    <section class="screen" data-screen="capture-card-face" data-frames={screen.frames} data-document={screen.document ?? undefined} aria-labelledby="capture-title">
      <div class="split">
        <Picture svg={cardUnderCamera} label={t("capture.picture")} class="pic-main pic-busy" />
        <div class="stack">
          <h1 id="capture-title">{say("title")}</h1>
          <p class="lead">{say("body")}</p>
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
              {say("typeInstead")}
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
