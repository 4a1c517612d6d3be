import { useState } from "preact/hooks";
import type { AccessKeySchema, EntryChoice, EntryField, EntryPrefill } from "../../../src/protocol";
import { BigButton } from "../components/BigButton";
import { DigitPad } from "../components/DigitPad";
import { LetterPad } from "../components/LetterPad";
import { Picture } from "../components/Picture";
import { isMessageKey, type MessageKey, type T } from "../i18n";
import cardFields from "../assets/card-fields.svg";
import type { ScreenProps } from "./types";

const PICTURES: Readonly<Record<NonNullable<AccessKeySchema["picture"]>, string>> = { "card-fields": cardFields };

/** The daemon's problem is a plausibility code, alone or as "field:code" (see EntryProblem). */
function problemMessage(problem: string): MessageKey {
  const key = `entry.problem.${problem.slice(problem.lastIndexOf(":") + 1)}`;
  return isMessageKey(key) ? key : "entry.problem.other";
}

/** A catalogue key named by the document's schema (test/ui/i18n.test.ts checks they all exist). */
const text = (t: T, key: string): string => (isMessageKey(key) ? t(key) : key);

function lengthOf(field: EntryField, draft: EntryPrefill): number {
  if (typeof field.length === "number") return field.length;
  return field.length.values[draft[field.length.by] ?? ""] ?? Math.max(...Object.values(field.length.values));
}

const shown = (c: EntryChoice, draft: EntryPrefill): boolean => !c.when || draft[c.when.field] === c.when.is;

/** The entry as first shown: every visible choice without a value takes its default (e.g. the era
 *  most customers at the age limit were born in). */
function withDefaults(schema: AccessKeySchema, prefill: EntryPrefill): EntryPrefill {
  const out: EntryPrefill = { ...prefill };
  for (const c of schema.choices) if (c.default !== undefined && out[c.id] === undefined && shown(c, out)) out[c.id] = c.default;
  return out;
}

/**
 * The boxes a problem names, and its group: "field:code" names a field, a group ("birth:not-a-date" →
 * the three birth boxes) or a choice (the boxes it tags or sizes). "missing" while typing is not a
 * wrong value: nothing is outlined for it.
 */
function problemFields(schema: AccessKeySchema, problem: string | null): { fields: readonly EntryField[]; group: string | null } {
  if (problem === null || !problem.includes(":") || problem.endsWith(":missing")) return { fields: [], group: null };
  const name = problem.slice(0, problem.indexOf(":"));
  for (const g of schema.groups) {
    if (g.id === name) return { fields: g.fields, group: g.id };
    const f = g.fields.find((x) => x.id === name);
    if (f) return { fields: [f], group: g.id };
    if (g.fields.some((x) => x.tag === name || (typeof x.length !== "number" && x.length.by === name))) return { fields: g.fields, group: g.id };
  }
  return { fields: [], group: null };
}

/**
 * The entry after `choice` is set to `option`: choices that depend on it appear (with their default)
 * or go, and fields whose length it decides are emptied.
 */
function choose(schema: AccessKeySchema, draft: EntryPrefill, choice: EntryChoice, option: string): { next: EntryPrefill; reset: EntryField[] } {
  const next: EntryPrefill = { ...draft, [choice.id]: option };
  for (const c of schema.choices) {
    if (c.when?.field !== choice.id) continue;
    const value = draft[c.id] ?? c.default;
    if (shown(c, next) && value !== undefined) next[c.id] = value;
    else delete next[c.id];
  }
  const reset = schema.groups.flatMap((g) => g.fields).filter((f) => typeof f.length !== "number" && f.length.by === choice.id);
  for (const f of reset) delete next[f.id];
  return { next, reset };
}

/**
 * Typing the document's access key when the camera could not read it. The fields, choices, picture
 * and labels come from the document kind's schema (`screen.document.accessKey`); this screen knows
 * no document. The customer's keystrokes are the only state here; each change goes to the daemon as
 * an `entry-draft`, and the kind's rules come back as `problem` (this screen validates nothing).
 * A schema with an `alnum` field gets the letter keypad under the boxes (the boxes in one row, no
 * picture); one with a `notice` shows it first, with "use another document" / "call staff" / go on.
 */
export function ManualEntry({ screen, t, send }: ScreenProps<"manual-entry">) {
  const schema = screen.document.accessKey;
  const cat = schema.catalogue;
  const fields = schema.groups.flatMap((g) => g.fields);
  const first = fields[0];
  const last = fields.at(-1);
  const [draft, setDraft] = useState<EntryPrefill>(() => withDefaults(schema, screen.prefill));
  const letters = fields.some((f) => f.charset === "alnum");
  // The notice (e.g. "a wrong PIN costs a try") comes first, until the customer chooses to go on.
  const [noticeOpen, setNoticeOpen] = useState(() => schema.notice !== undefined);
  const [activeId, setActiveId] = useState<string>(() => (fields.find((f) => (screen.prefill[f.id] ?? "") === "") ?? first)?.id ?? "");
  const active = fields.find((f) => f.id === activeId) ?? first;
  const groupOf = (f: EntryField | undefined) => schema.groups.find((g) => f !== undefined && g.fields.includes(f))?.id ?? "";

  // After "check", the daemon keeps this screen (problem null) while it checks; one tap is enough.
  const [submitted, setSubmitted] = useState(false);
  const update = (next: EntryPrefill) => {
    setDraft(next);
    setSubmitted(false);
    send({ type: "entry-draft", entry: next });
  };
  const nextField = () => {
    const i = fields.findIndex((f) => f.id === active?.id);
    setActiveId(fields[(i + 1) % fields.length]?.id ?? "");
  };
  const onDigit = (d: string) => {
    if (!active || (active.charset === "digits" && !/^[0-9]$/.test(d))) return;
    const value = draft[active.id] ?? "";
    const max = lengthOf(active, draft);
    if (value.length >= max) return;
    const nextValue = value + d;
    update({ ...draft, [active.id]: nextValue });
    if (nextValue.length === max && active !== last) nextField();
  };
  // Backspace in an empty box continues into the previous one, as on any keyboard.
  const onDelete = () => {
    if (!active) return;
    const value = draft[active.id] ?? "";
    if (value !== "") {
      update({ ...draft, [active.id]: value.slice(0, -1) });
      return;
    }
    const prev = fields[fields.indexOf(active) - 1];
    if (prev === undefined) return;
    setActiveId(prev.id);
    const prevValue = draft[prev.id] ?? "";
    if (prevValue !== "") update({ ...draft, [prev.id]: prevValue.slice(0, -1) });
  };
  const onChoose = (choice: EntryChoice, option: string) => {
    const { next, reset } = choose(schema, draft, choice, option);
    update(next);
    if (reset[0]) setActiveId(reset[0].id);
  };
  const complete = fields.every((f) => (draft[f.id] ?? "").length === lengthOf(f, draft));
  const problemKey: MessageKey | null = screen.problem === null ? (complete ? "entry.ok" : null) : problemMessage(screen.problem);
  const bad = problemFields(schema, screen.problem);
  const problemText =
    problemKey === null
      ? ""
      : screen.problem !== null && bad.group !== null
        ? t("entry.problemIn", { field: text(t, `${cat}.field.${bad.group}`), message: t(problemKey) })
        : t(problemKey);
  const optionLabel = (c: EntryChoice, option: string) => text(t, `${c.labels ?? `${cat}.choice.${c.id}`}.${option}`);

  const box = (field: EntryField, label: string) => {
    const value = draft[field.id] ?? "";
    const max = lengthOf(field, draft);
    return (
      <button
        type="button"
        class={["digits", field === active ? "digits-active" : "", bad.fields.includes(field) ? "digits-bad" : ""].join(" ").trim()}
        style={{ "--len": max }}
        aria-label={field.masked || value === "" ? label : `${label} ${value}`}
        aria-pressed={field === active}
        aria-invalid={bad.fields.includes(field) ? true : undefined}
        data-field={field.id}
        onClick={() => setActiveId(field.id)}
      >
        {(field.masked ? "•".repeat(value.length) : value).padEnd(max, "·")}
      </button>
    );
  };

  const tag = (field: EntryField) => {
    const choice = schema.choices.find((c) => c.id === field.tag);
    const value = choice ? draft[choice.id] : undefined;
    return choice && value !== undefined && shown(choice, draft) ? <span class="era-tag">{optionLabel(choice, value)}</span> : null;
  };

  if (noticeOpen && schema.notice) {
    return (
      <section class="screen screen-notice" data-screen="manual-entry" data-document={screen.document.kind} data-notice="open" aria-labelledby="notice-title">
        <h1 id="notice-title" class="notice-title">
          {text(t, `${cat}.notice.title`)}
        </h1>
        <ul class="notice-lines">
          {schema.notice.lines.map((line) => (
            <li key={line} data-line={line}>
              {text(t, `${cat}.notice.${line}`)}
            </li>
          ))}
        </ul>
        <div class="notice-actions">
          <BigButton onPress={() => send({ type: "cancel" })} testId="notice-other-document">
            {text(t, `${cat}.notice.other-document`)}
          </BigButton>
          <BigButton onPress={() => send({ type: "call-staff" })} testId="notice-call-staff">
            {text(t, `${cat}.notice.call-staff`)}
          </BigButton>
          <BigButton kind="primary" onPress={() => setNoticeOpen(false)} testId="notice-continue">
            {text(t, `${cat}.notice.continue`)}
          </BigButton>
        </div>
      </section>
    );
  }

  // The letter layout has no room for a picture; none of the alnum kinds has one.
  const picture = schema.picture && !letters ? PICTURES[schema.picture] : null;
  const side = [
    picture ? <Picture key="picture" svg={picture} label={text(t, `${cat}.picture`)} class="pic-card" active={groupOf(active)} /> : null,
    <p key="where" class="note entry-where">{text(t, `${cat}.where.${groupOf(active)}`)}</p>,
    ...schema.choices.filter((c) => shown(c, draft)).map((c) => (
      <div key={c.id} class="choice" data-choice={c.id} role="group" aria-label={text(t, `${cat}.choice.${c.id}`)}>
        {c.options.map((o) => (
          <BigButton key={o} pressed={draft[c.id] === o} onPress={() => onChoose(c, o)} testId={`${c.id}-${o}`}>
            {optionLabel(c, o)}
          </BigButton>
        ))}
      </div>
    )),
  ];
  const actions = (
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
  );
  return (
    <section class="screen screen-entry" data-screen="manual-entry" data-document={screen.document.kind} aria-labelledby="entry-title">
      <div class="entry-head">
        <h1 id="entry-title" class="entry-title">
          {text(t, `${cat}.title`)}
        </h1>
        {screen.why === "typed" ? null : (
          <p class="entry-why" data-why={screen.why}>
            {t(`entry.why.${screen.why}`)}
          </p>
        )}
      </div>
      <div class={letters ? "entry entry-letters" : "entry"}>
        {letters ? null : <div class="entry-side">{side}</div>}
        <div class="entry-fields">
          {schema.groups.map((g) => {
            const groupLabel = text(t, `${cat}.group.${g.id}`);
            return (
              <div key={g.id} class="field">
                <span class="field-label">{groupLabel}</span>
                <div class="field-row">
                  {g.fields.map((f) => {
                    const unit = f.unit ? text(t, `entry.${f.unit}`) : null;
                    return [
                      f.tag ? tag(f) : null,
                      box(f, g.fields.length > 1 && unit ? `${groupLabel} ${unit}` : groupLabel),
                      unit ? <span class="unit">{unit}</span> : null,
                    ];
                  })}
                </div>
              </div>
            );
          })}
          <p class={screen.problem ? "problem problem-bad" : "problem"} role="status" data-problem={screen.problem ?? ""}>
            {problemText}
          </p>
          {letters ? side : null}
        </div>
        {letters ? (
          <>
            {actions}
            <LetterPad t={t} onKey={onDigit} onDelete={onDelete} {...(fields.length > 1 ? { onNext: nextField } : {})} digitsOnly={active?.charset !== "alnum"} />
          </>
        ) : (
          <div class="entry-pad">
            <DigitPad t={t} onDigit={onDigit} onDelete={onDelete} onNext={nextField} />
            {actions}
          </div>
        )}
      </div>
    </section>
  );
}
