import type { ScreenProps } from "./types";

export function Checking({ t }: ScreenProps<"checking">) {
  return (
    <section class="screen screen-center" data-screen="checking" aria-labelledby="checking-title">
      <div class="spinner" aria-hidden="true" />
      <h1 id="checking-title">{t("checking.title")}</h1>
      <p class="lead" role="status">
        {t("checking.body")}
      </p>
    </section>
  );
}
