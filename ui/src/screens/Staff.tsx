import type { LedPattern, Outcome, ReasonCode } from "../../../src/protocol";
import { BigButton } from "../components/BigButton";
import { Lamps } from "../components/Lamps";
import { LANGS, LANG_NAMES, LANG_TAGS } from "../i18n";
import type { ScreenProps } from "./types";

const OUTCOMES: readonly Outcome[] = ["pass", "fail", "refer", "abandoned"];
const PATTERNS: readonly LedPattern[] = ["ready", "busy", "pass", "fail", "refer", "out-of-service", "off"];
/** At most this many reasons are listed (largest first), so the screen never scrolls. */
const MAX_REASONS = 5;

/** Status and counts for the shop owner: never any personal data. */
export function Staff({ screen, view, t, send }: ScreenProps<"staff">) {
  const s = screen.staff;
  const reasons = (Object.entries(s.today.byReason) as [ReasonCode, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_REASONS);
  return (
    <section class="screen screen-staff" data-screen="staff" aria-labelledby="staff-title">
      <div class="staff-col">
        <h1 id="staff-title" class="staff-h1">
          {t("staff.title")}
        </h1>
        <p class="note">{t("staff.kiosk", { id: s.kioskId, v: s.version })}</p>
        <h2>{t("staff.health")}</h2>
        <ul class="health">
          {(["reader", "camera", "leds"] as const).map((d) => (
            <li key={d} class={`health-${s.health.devices[d]}`} data-device={d}>
              <span>{t(`device.${d}`)}</span> <strong>{t(`health.${s.health.devices[d]}`)}</strong>
            </li>
          ))}
          <li class={s.health.ready ? "health-ok" : "health-error"}>
            <strong>{s.health.ready ? t("staff.ready") : t("staff.notReady")}</strong>
          </li>
        </ul>
        <h2>{t("staff.defaultLanguage")}</h2>
        <div class="grid-buttons grid-3">
          {LANGS.map((l) => (
            <BigButton key={l} lang={LANG_TAGS[l]} pressed={view.defaultLanguage === l} onPress={() => send({ type: "staff-set-language", lang: l })} testId={`default-${l}`}>
              {LANG_NAMES[l]}
            </BigButton>
          ))}
        </div>
        <BigButton kind="primary" onPress={() => send({ type: "staff-close" })} testId="staff-close">
          {t("staff.close")}
        </BigButton>
      </div>
      <div class="staff-col">
        <h2>{t("staff.today")}</h2>
        <div class="counts">
          {OUTCOMES.map((o) => (
            <div key={o} class={`count count-${o}`} data-outcome={o}>
              <span class="count-n">{s.today.byOutcome[o]}</span>
              <span class="count-label">{t(`count.${o}`)}</span>
            </div>
          ))}
        </div>
        <h2>{t("staff.reasons")}</h2>
        {reasons.length === 0 ? (
          <p class="note">{t("staff.noReasons")}</p>
        ) : (
          <ul class="reasons">
            {reasons.map(([r, n]) => (
              <li key={r} data-reason={r}>
                <span class="reason-code">{r}</span> <strong>{n}</strong>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="staff-col">
        <h2>{t("staff.ledTest")}</h2>
        <div class="grid-buttons">
          {PATTERNS.map((p) => (
            <BigButton key={p} pressed={s.ledTest === p} onPress={() => send({ type: "staff-led-test", pattern: p })} testId={`led-${p}`}>
              {t(`led.${p}`)}
            </BigButton>
          ))}
        </div>
        {s.ledTest ? <Lamps pattern={s.ledTest} t={t} /> : null}
      </div>
    </section>
  );
}
