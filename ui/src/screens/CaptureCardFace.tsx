import { BigButton } from "../components/BigButton";
import { Picture } from "../components/Picture";
import cardUnderCamera from "../assets/card-under-camera.svg";
import { isMessageKey, type MessageKey } from "../i18n";
import type { ScreenProps } from "./types";

/** The document's own words for this screen (`doc.<kind>.capture.<part>`, e.g. a passport's MRZ), else the card's. */
function ownKey(document: string | null, part: "title" | "body" | "typeInstead"): MessageKey {
  const own = `doc.${document ?? ""}.capture.${part}`;
  return document !== null && isMessageKey(own) ? own : `capture.${part}`;
}

/** The longest wait: says what the camera is doing (for the document on the reader, once
 *  recognised) and how many pictures it has checked. */
export function CaptureCardFace({ screen, t, send }: ScreenProps<"capture-card-face">) {
  return (
    <section class="screen" data-screen="capture-card-face" data-frames={screen.frames} data-document={screen.document ?? undefined} aria-labelledby="capture-title">
      <div class="split">
        <Picture svg={cardUnderCamera} label={t("capture.picture")} class="pic-main pic-busy" />
        <div class="stack">
          <h1 id="capture-title">{t(ownKey(screen.document, "title"))}</h1>
          <p class="lead">{t(ownKey(screen.document, "body"))}</p>
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
              {t(ownKey(screen.document, "typeInstead"))}
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
