import type { AttendedChipData, Lang, ResultToken, Screen } from "../../../src/protocol";
import { BigButton } from "../components/BigButton";
import { PngCanvas } from "../components/PngCanvas";
import { ResultIcon } from "../components/ResultIcon";
import { isMessageKey, type T } from "../i18n";
import type { ScreenProps } from "./types";

type ResultScreen = Extract<Screen, { name: "result" }>;

/**
 * The headline states the rule (「20歳以上です」/「20歳未満です」), so a bartender can read the answer from
 * across the room; a referral and each way a session can end have their own headline.
 */
export function headlineOf(screen: ResultScreen, t: T): string {
  const age = { age: screen.minimumAge };
  switch (screen.outcome) {
    case "pass":
      return t("verdict.pass", age);
    case "fail":
      return screen.reason === "under-age"
        ? t("verdict.under-age", age)
        : screen.reason === "card-expired"
          ? t("verdict.card-expired")
          : t("verdict.fail");
    case "refer":
      return t("verdict.refer");
    case "abandoned":
      return screen.reason === "timeout"
        ? t("verdict.timeout")
        : screen.reason === "customer-cancelled"
          ? t("verdict.cancelled")
          : screen.reason === "card-removed"
            ? t("verdict.card-removed")
            : t("verdict.abandoned");
  }
}

/** A line under the headline only where it adds something the headline does not say. */
function reasonLine(screen: ResultScreen, t: T): string | null {
  const r = screen.reason;
  if (r === null || r === "under-age" || r === "card-expired" || r === "customer-cancelled") return null;
  if (screen.attended) return t(`staffReason.${r}`);
  return t(`reason.${r}`);
}

/** Colour, icon and words together: the verdict reads at a glance and without colour vision. */
export function Result({ screen, t, send, lang }: ScreenProps<"result"> & { lang: Lang }) {
  const { outcome, attended } = screen;
  const headline = headlineOf(screen, t);
  const reason = reasonLine(screen, t);
  const done = (
    <BigButton kind="primary" onPress={() => send({ type: "confirm" })} testId="done">
      {t("result.done")}
    </BigButton>
  );
  if (attended) {
    return (
      <section class={`screen screen-attended outcome-${outcome}`} data-screen="result" data-outcome={outcome} aria-labelledby="result-title">
        <div class="verdict-row">
          <div class={`verdict verdict-${outcome}`}>
            <ResultIcon outcome={outcome} />
            <h1 id="result-title">{headline}</h1>
          </div>
          {reason ? <p class="reason">{reason}</p> : null}
          {done}
        </div>
        <ChipData data={attended} t={t} lang={lang} />
      </section>
    );
  }
  return (
    <section
      class={`screen screen-center screen-result outcome-${outcome}${screen.token ? " has-token" : ""}`}
      data-screen="result"
      data-outcome={outcome}
      aria-labelledby="result-title"
    >
      <div class={`verdict verdict-big verdict-${outcome}`} data-testid="verdict">
        <ResultIcon outcome={outcome} />
        <h1 id="result-title">{headline}</h1>
      </div>
      {reason ? <p class="reason">{reason}</p> : null}
      {screen.advice ? (
        <p class="advice" data-advice={screen.advice}>
          {t(`advice.${screen.advice}`)}
        </p>
      ) : null}
      <p class="lead">
        {t(`result.${outcome}.body`)}
        {screen.cardOn ? <strong class="take-card"> {t("result.takeCard")}</strong> : null}
      </p>
      {done}
      {screen.token ? <TillCode token={screen.token} t={t} /> : null}
    </section>
  );
}

/**
 * The verdict token as a QR code for the till's scanner (issue 19): the daemon made the symbol
 * (src/till/qr.ts); here it is drawn as inline SVG, dark modules on white with the 4-module quiet
 * zone the QR standard asks for, edges kept crisp so a scanner (and the browser test) reads it.
 */
function TillCode({ token, t }: { token: ResultToken; t: T }) {
  const side = token.size + 8;
  // A whole number of screen pixels per module (uneven modules trouble scanners): at most half the
  // height and 30 % of the width, so the verdict keeps its one-line headline beside it.
  const px = Math.max(2, Math.floor(Math.min(window.innerHeight * 0.5, window.innerWidth * 0.3) / side)) * side;
  return (
    <figure class="till-qr" data-testid="till-qr">
      <svg width={px} height={px} viewBox={`-4 -4 ${side} ${side}`} shape-rendering="crispEdges" role="img" aria-label={t("result.tillCode")}>
        <rect x={-4} y={-4} width={side} height={side} fill="#fff" />
        <path d={token.path} fill="#000" />
      </svg>
      <figcaption>{t("result.tillCode")}</figcaption>
    </figure>
  );
}

function ChipData({ data, t, lang }: { data: AttendedChipData; t: T; lang: Lang }) {
  const authKey = `auth.${data.authenticity}`;
  const authText = isMessageKey(authKey) ? t(authKey) : data.authenticity;
  return (
    <div class="chip" aria-label={t("attended.title")} role="region">
      <figure class="chip-photo">
        {data.photoPngBase64 ? (
          <PngCanvas base64={data.photoPngBase64} label={t("attended.photo")} class="chip-photo-img" />
        ) : (
          <div class="chip-nophoto">{t("attended.noPhoto")}</div>
        )}
        <figcaption>{t("attended.photo")}</figcaption>
      </figure>
      <div class="chip-images">
        <div class="chip-field">
          <span class="chip-label">{t("attended.name")}</span>
          <PngCanvas base64={data.namePngBase64} label={t("attended.name")} class="chip-img chip-name" />
        </div>
        <div class="chip-field">
          <span class="chip-label">{t("attended.address")}</span>
          <PngCanvas base64={data.addressPngBase64} label={t("attended.address")} class="chip-img chip-address" />
        </div>
      </div>
      <dl class="chip-list">
        <dt>{t("attended.birthDate")}</dt>
        <dd>
          {formatDate(data.birthDate, lang)} <span class="chip-age">({t("attended.age", { n: data.age })})</span>
        </dd>
        <dt>{t("attended.sex")}</dt>
        <dd>{t(`sex.${data.sex}`)}</dd>
        <dt>{t("attended.expiry")}</dt>
        <dd>{formatDate(data.expiry, lang)}</dd>
        <dt>{t("attended.authenticity")}</dt>
        <dd class={data.authenticity === "genuine" ? "auth-ok" : "auth-bad"}>{authText}</dd>
      </dl>
    </div>
  );
}

/**
 * ISO date, plus the era form in Japanese (staff compare it with the card). No RegExp here on purpose:
 * V8 keeps the last RegExp subject alive (RegExp.input), which would keep a birth date in the heap.
 */
function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split("-").map(Number);
  if (lang !== "ja" || y === undefined || m === undefined || d === undefined || !(y > 0 && m > 0 && d > 0)) return iso;
  const date = new Date(Date.UTC(y, m - 1, d));
  const era = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", { era: "long", year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  return `${iso} (${era.format(date)})`;
}
