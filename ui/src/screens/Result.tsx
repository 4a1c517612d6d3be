import type { AttendedChipData, Lang, ResultToken, Screen } from "../../../src/protocol";
import { BigButton } from "../components/BigButton";
import { PngCanvas } from "../components/PngCanvas";
import { ResultIcon } from "../components/ResultIcon";
import { isMessageKey, kindMessage, type T } from "../i18n";
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

/** A label from the document's own catalogue (`doc.<kind>.attended.<label>`), else the shared one. */
function labelOf(t: T, document: string, label: string): string {
  const shared = `attended.${label}`;
  return kindMessage(t, document, `attended.${label}`) ?? (isMessageKey(shared) ? t(shared) : label);
}

/**
 * What the chip gave, for any document kind: photo; its labelled images and text values; birth date
 * with age, sex when the document says, expiry; the authenticity answer (incl. `not-verifiable`,
 * `clone-not-ruled-out`) and which document it was.
 */
function ChipData({ data, t, lang }: { data: AttendedChipData; t: T; lang: Lang }) {
  const authKey = `auth.${data.authenticity}`;
  const authText = isMessageKey(authKey) ? t(authKey) : data.authenticity;
  const documentName = kindMessage(t, data.document, "name") ?? data.document;
  const date = (iso: string | null) => (iso === null ? t("attended.notKnown") : formatDate(iso, lang));
  return (
    <div class="chip" aria-label={t("attended.title")} role="region" data-document={data.document}>
      <figure class="chip-photo">
        {data.photoPngBase64 ? (
          <PngCanvas base64={data.photoPngBase64} label={t("attended.photo")} class="chip-photo-img" />
        ) : (
          <div class="chip-nophoto">{t("attended.noPhoto")}</div>
        )}
        <figcaption>{t("attended.photo")}</figcaption>
      </figure>
      <div class="chip-images">
        {data.images.map((i) => (
          <div class="chip-field" key={`image-${i.label}`} data-image={i.label}>
            <span class="chip-label">{labelOf(t, data.document, i.label)}</span>
            <PngCanvas base64={i.pngBase64} label={labelOf(t, data.document, i.label)} class={`chip-img chip-${i.label}`} />
          </div>
        ))}
        {data.text.length > 0 ? (
          <dl class="chip-list chip-text">
            {data.text.map((x) => [
              <dt key={`dt-${x.label}`}>{labelOf(t, data.document, x.label)}</dt>,
              <dd key={`dd-${x.label}`} data-text={x.label}>
                {x.value}
              </dd>,
            ])}
          </dl>
        ) : null}
      </div>
      <dl class="chip-list">
        <dt>{t("attended.document")}</dt>
        <dd data-testid="attended-document">{documentName}</dd>
        <dt>{t("attended.birthDate")}</dt>
        <dd>
          {date(data.birthDate)}
          {data.age === null ? null : <span class="chip-age"> ({t("attended.age", { n: data.age })})</span>}
        </dd>
        {data.sex === null ? null : [<dt key="sex-dt">{t("attended.sex")}</dt>, <dd key="sex-dd">{t(`sex.${data.sex}`)}</dd>]}
        <dt>{t("attended.expiry")}</dt>
        <dd>{date(data.expiry)}</dd>
        <dt>{t("attended.authenticity")}</dt>
        <dd class={data.authenticity === "genuine" ? "auth-ok" : "auth-bad"} data-authenticity={data.authenticity}>
          {authText}
        </dd>
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
