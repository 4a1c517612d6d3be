import { BigButton } from "../components/BigButton";
import type { ScreenProps } from "./types";

export function OutOfService({ screen, t, send }: ScreenProps<"out-of-service">) {
  const devices = (["reader", "camera", "leds"] as const).filter((d) => screen.devices[d] !== "ok");
  return (
    <section class="screen screen-center" data-screen="out-of-service" aria-labelledby="oos-title">
      <svg class="oos-icon" viewBox="0 0 48 48" aria-hidden="true">
        <path d="M24 4L45 42H3z" fill="none" stroke="currentColor" stroke-width="3" stroke-linejoin="round" />
        <path d="M24 17v12" stroke="currentColor" stroke-width="4" stroke-linecap="round" />
        <circle cx="24" cy="35" r="2.5" fill="currentColor" />
      </svg>
      <h1 id="oos-title">{t("oos.title")}</h1>
      <p class="lead">{t("oos.body")}</p>
      <ul class="devices">
        {devices.map((d) => (
          <li key={d}>
            {t(`device.${d}`)}: {t(`health.${screen.devices[d]}`)}
          </li>
        ))}
      </ul>
      <div class="corner">
        <BigButton kind="quiet" onPress={() => send({ type: "staff-open" })} testId="staff-open">
          {t("idle.staff")}
        </BigButton>
      </div>
    </section>
  );
}
