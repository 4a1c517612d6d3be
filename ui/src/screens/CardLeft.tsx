import { Picture } from "../components/Picture";
import cardOnReader from "../assets/card-on-reader.svg";
import type { ScreenProps } from "./types";

/** The verdict is over and the card is still on the reader: nothing starts until it is taken. */
export function CardLeft({ t }: ScreenProps<"card-left">) {
  return (
    <section class="screen screen-card-left" data-screen="card-left" aria-labelledby="card-left-title">
      <div class="split">
        <Picture svg={cardOnReader} label={t("place.picture")} class="pic-main pic-busy" />
        <div class="stack">
          <h1 id="card-left-title" class="big-title warn-title">
            {t("cardLeft.title")}
          </h1>
          <p class="lead strong" role="alert">
            {t("cardLeft.body")}
          </p>
        </div>
      </div>
    </section>
  );
}
