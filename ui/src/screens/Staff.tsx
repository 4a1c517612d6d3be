import type { Lang, LedPattern, Outcome, ReasonCode, RecentSession } from "../../../src/protocol";
import { BigButton } from "../components/BigButton";
import { Lamps } from "../components/Lamps";
import { kindMessage, LANGS, LANG_NAMES, LANG_TAGS, type T } from "../i18n";
import type { ScreenProps } from "./types";

const OUTCOMES: readonly Outcome[] = ["pass", "fail", "refer", "abandoned"];
const PATTERNS: readonly LedPattern[] = ["ready", "busy", "pass", "fail", "refer", "card-left", "out-of-service", "off"];
/** At most this many reasons are listed (largest first), so the screen never scrolls. */
const MAX_REASONS = 3;
/** Recent sessions listed (newest first), so the screen never scrolls at 800×480. */
const RECENT_SHOWN = 3;

/** Shop time (Japan), hours and minutes: no date, nothing personal. */
function clock(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(LANG_TAGS[lang], { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Tokyo" }).format(ms);
}

/** The document kind's name from its catalogue file (`doc.<kind>.name`); none recognised: "unknown card". */
function documentName(kind: string | null, t: T): string {
  return kind === null ? t("staff.unknownDocument") : kindMessage(t, kind, "name") ?? kind;
}

function RecentRow({ r, t, lang }: { r: RecentSession; t: T; lang: Lang }) {
  return (
    <li class={`recent recent-${r.outcome}`} data-outcome={r.outcome} data-reason={r.reason ?? ""} data-document={r.document ?? ""}>
      <span class="recent-time">{clock(r.at, lang)}</span>
      <span class="recent-what">
        <span class="recent-document">{documentName(r.document, t)}</span> <strong>{t(`count.${r.outcome}`)}</strong> {r.reason ? t(`staffReason.${r.reason}`) : null}
      </span>
      {r.reason ? <span class="recent-action">{t(`staffAction.${r.reason}`)}</span> : null}
    </li>
  );
}

/** Status and counts for the shop owner: never any personal data. */
export function Staff({ screen, view, t, send, lang }: ScreenProps<"staff"> & { lang: Lang }) {
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
        {s.staffCall ? (
          <div class="staff-call" role="alert" data-testid="staff-call" data-reason={s.staffCall.reason ?? ""}>
            <strong>
              {t("staff.call")} · {t("staff.callSince", { time: clock(s.staffCall.since, lang) })}
            </strong>
            {s.staffCall.reason ? (
              <span>
                {t(`staffReason.${s.staffCall.reason}`)} — {t(`staffAction.${s.staffCall.reason}`)}
              </span>
            ) : null}
            <BigButton kind="primary" onPress={() => send({ type: "staff-acknowledge" })} testId="staff-acknowledge">
              {t("staff.acknowledge")}
            </BigButton>
          </div>
        ) : null}
        <h2>{t("staff.recent")}</h2>
        {s.recent.length === 0 ? (
          <p class="note">{t("staff.noRecent")}</p>
        ) : (
          <ul class="recents" data-testid="staff-recent">
            {s.recent.slice(0, RECENT_SHOWN).map((r) => (
              <RecentRow key={`${r.at}-${r.outcome}`} r={r} t={t} lang={lang} />
            ))}
          </ul>
        )}
        <h2>{t("staff.today")}</h2>
        <div class="counts">
          {OUTCOMES.map((o) => (
            <div key={o} class={`count count-${o}`} data-outcome={o}>
              <span class="count-n">{s.today.byOutcome[o]}</span>
              <span class="count-label">{t(`count.${o}`)}</span>
            </div>
          ))}
        </div>
      </div>
      <div class="staff-col">
        <div class="reasons-head">
          <h2>{t("staff.reasons")}</h2>
          {s.tillPostFailures ? (
            <span class="till-failures" role="status" data-testid="till-failures">
              {t("staff.tillFailures")} <strong>{s.tillPostFailures}</strong>
            </span>
          ) : null}
        </div>
        {reasons.length === 0 ? (
          <p class="note">{t("staff.noReasons")}</p>
        ) : (
          <ul class="reasons">
            {reasons.map(([r, n]) => (
              <li key={r} data-reason={r}>
                <span>{t(`staffReason.${r}`)}</span> <strong>{n}</strong>
              </li>
            ))}
          </ul>
        )}
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
