import { useState } from "preact/hooks";
import type { EntryPrefill } from "../../../src/protocol";
import { BigButton } from "../components/BigButton";
import { DigitPad } from "../components/DigitPad";
import { Picture } from "../components/Picture";
import { isMessageKey, type MessageKey } from "../i18n";
import cardFields from "../assets/card-fields.svg";
import type { ScreenProps } from "./types";

type Field = "birthYear" | "birthMonth" | "birthDay" | "expiryYear" | "securityCode";
type Era = NonNullable<EntryPrefill["era"]>;

const FIELDS: readonly Field[] = ["birthYear", "birthMonth", "birthDay", "expiryYear", "securityCode"];
/** Meiji is left out: anyone born then would be over 110. */
const ERAS: readonly Era[] = ["taisho", "showa", "heisei", "reiwa"];

function maxLength(field: Field, draft: EntryPrefill): number {
  if (field === "birthYear") return draft.calendar === "era" ? 2 : 4;
  if (field === "birthMonth" || field === "birthDay") return 2;
  return 4;
}

/** The daemon's problem is a plausibility code, alone or as "field:code" (see EntryProblem). */
function problemMessage(problem: string): MessageKey {
  const key = `entry.problem.${problem.slice(problem.lastIndexOf(":") + 1)}`;
  return isMessageKey(key) ? key : "entry.problem.other";
}

type Zone = "birth" | "expiry" | "code";

/** The boxes a problem's field names ("birth:not-a-date" → the three birth boxes), and its zone. */
function problemFields(problem: string | null): { fields: readonly Field[]; zone: Zone | null } {
  // "missing" while typing is not a wrong value: nothing is outlined for it.
  if (problem === null || !problem.includes(":") || problem.endsWith(":missing")) return { fields: [], zone: null };
  switch (problem.slice(0, problem.indexOf(":"))) {
    case "birth":
    case "era":
      return { fields: ["birthYear", "birthMonth", "birthDay"], zone: "birth" };
    case "birthYear":
      return { fields: ["birthYear"], zone: "birth" };
    case "birthMonth":
      return { fields: ["birthMonth"], zone: "birth" };
    case "birthDay":
      return { fields: ["birthDay"], zone: "birth" };
    case "expiry":
    case "expiryYear":
      return { fields: ["expiryYear"], zone: "expiry" };
    case "securityCode":
      return { fields: ["securityCode"], zone: "code" };
    default:
      return { fields: [], zone: null };
  }
}

/** Shown when the birth date was printed in an era the camera did not see: most customers at the age
 *  limit were born in Heisei (everyone aged 20 to 37 in 2026). */
const LIKELY_ERA: Era = "heisei";

function where(field: Field): Zone {
  return field === "expiryYear" ? "expiry" : field === "securityCode" ? "code" : "birth";
}

/**
 * Typing the printed numbers when the camera could not read them. The customer's keystrokes are the
 * only state here; each change goes to the daemon as an `entry-draft`, and the daemon's plausibility
 * rules come back as `problem` (this screen validates nothing itself).
 */
export function ManualEntry({ screen, t, send }: ScreenProps<"manual-entry">) {
  const [draft, setDraft] = useState<EntryPrefill>(() =>
    screen.prefill.calendar === "era" && screen.prefill.era === undefined ? { ...screen.prefill, era: LIKELY_ERA } : { ...screen.prefill },
  );
  const [active, setActive] = useState<Field>(() => FIELDS.find((f) => (screen.prefill[f] ?? "") === "") ?? "birthYear");

  // After "check", the daemon keeps this screen (problem null) while it checks; one tap is enough.
  const [submitted, setSubmitted] = useState(false);
  const update = (next: EntryPrefill) => {
    setDraft(next);
    setSubmitted(false);
    send({ type: "entry-draft", entry: next });
  };
  const nextField = () => {
    const i = FIELDS.indexOf(active);
    setActive(FIELDS[(i + 1) % FIELDS.length] ?? "birthYear");
  };
  const onDigit = (d: string) => {
    const value = draft[active] ?? "";
    const max = maxLength(active, draft);
    if (value.length >= max) return;
    const nextValue = value + d;
    update({ ...draft, [active]: nextValue });
    if (nextValue.length === max && active !== "securityCode") nextField();
  };
  // Backspace in an empty box continues into the previous one, as on any keyboard.
  const onDelete = () => {
    const value = draft[active] ?? "";
    if (value !== "") {
      update({ ...draft, [active]: value.slice(0, -1) });
      return;
    }
    const prev = FIELDS[FIELDS.indexOf(active) - 1];
    if (prev === undefined) return;
    setActive(prev);
    const prevValue = draft[prev] ?? "";
    if (prevValue !== "") update({ ...draft, [prev]: prevValue.slice(0, -1) });
  };
  const setCalendar = (calendar: EntryPrefill["calendar"]) => {
    const { era: _era, birthYear: _y, ...rest } = draft;
    update(calendar === "era" ? { ...rest, calendar, era: draft.era ?? LIKELY_ERA } : { ...rest, calendar });
    setActive("birthYear");
  };
  const complete = FIELDS.every((f) => (draft[f] ?? "").length === maxLength(f, draft));
  const problemKey: MessageKey | null = screen.problem === null ? (complete ? "entry.ok" : null) : problemMessage(screen.problem);
  const bad = problemFields(screen.problem);
  const problemText =
    problemKey === null
      ? ""
      : screen.problem !== null && bad.zone !== null
        ? t("entry.problemIn", { field: t(`entry.field.${bad.zone}`), message: t(problemKey) })
        : t(problemKey);

  const box = (field: Field, label: string) => {
    const value = draft[field] ?? "";
    const max = maxLength(field, draft);
    return (
      <button
        type="button"
        class={["digits", field === active ? "digits-active" : "", bad.fields.includes(field) ? "digits-bad" : ""].join(" ").trim()}
        style={{ "--len": max }}
        aria-label={label}
        aria-pressed={field === active}
        aria-invalid={bad.fields.includes(field) ? true : undefined}
        data-field={field}
        onClick={() => setActive(field)}
      >
        {value.padEnd(max, "·")}
      </button>
    );
  };

  return (
    <section class="screen screen-entry" data-screen="manual-entry" aria-labelledby="entry-title">
      <div class="entry-head">
        <h1 id="entry-title" class="entry-title">
          {t("entry.title")}
        </h1>
        <p class="entry-why" data-why={screen.why}>
          {t(`entry.why.${screen.why}`)}
        </p>
      </div>
      <div class="entry">
        <div class="entry-side">
          <Picture svg={cardFields} label={t("entry.picture")} class="pic-card" active={where(active)} />
          <p class="note entry-where">{t(`entry.where.${where(active)}`)}</p>
          <div class="seg" role="group" aria-label={t("entry.calendar")}>
            <BigButton pressed={draft.calendar === "era"} onPress={() => setCalendar("era")} testId="cal-era">
              {t("entry.era")}
            </BigButton>
            <BigButton pressed={draft.calendar === "western"} onPress={() => setCalendar("western")} testId="cal-western">
              {t("entry.western")}
            </BigButton>
          </div>
          {draft.calendar === "era" ? (
            <div class="eras" role="group" aria-label={t("entry.eraGroup")}>
              {ERAS.map((e) => (
                <BigButton key={e} pressed={draft.era === e} onPress={() => update({ ...draft, era: e })} testId={`era-${e}`}>
                  {t(`era.${e}`)}
                </BigButton>
              ))}
            </div>
          ) : null}
        </div>
        <div class="entry-fields">
          <div class="field">
            <span class="field-label">{t("entry.birth")}</span>
            <div class="field-row">
              {draft.calendar === "era" && draft.era ? <span class="era-tag">{t(`era.${draft.era}`)}</span> : null}
              {box("birthYear", `${t("entry.birth")} ${t("entry.year")}`)}
              <span class="unit">{t("entry.year")}</span>
              {box("birthMonth", `${t("entry.birth")} ${t("entry.month")}`)}
              <span class="unit">{t("entry.month")}</span>
              {box("birthDay", `${t("entry.birth")} ${t("entry.day")}`)}
              <span class="unit">{t("entry.day")}</span>
            </div>
          </div>
          <div class="field">
            <span class="field-label">{t("entry.expiry")}</span>
            <div class="field-row">{box("expiryYear", t("entry.expiry"))}</div>
          </div>
          <div class="field">
            <span class="field-label">{t("entry.code")}</span>
            <div class="field-row">{box("securityCode", t("entry.code"))}</div>
          </div>
          <p class={screen.problem ? "problem problem-bad" : "problem"} role="status" data-problem={screen.problem ?? ""}>
            {problemText}
          </p>
        </div>
        <div class="entry-pad">
          <DigitPad t={t} onDigit={onDigit} onDelete={onDelete} onNext={nextField} />
          <div class="entry-actions">
            <BigButton onPress={() => send({ type: "cancel" })} testId="cancel">
              {t("common.cancel")}
            </BigButton>
            <BigButton kind="primary" disabled={!complete || screen.problem !== null || submitted}
              onPress={() => {
                setSubmitted(true);
                send({ type: "manual-entry", entry: draft });
              }} testId="entry-confirm">
              {t("entry.confirm")}
            </BigButton>
          </div>
        </div>
      </div>
    </section>
  );
}
