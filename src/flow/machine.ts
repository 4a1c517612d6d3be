/**
 * The session as data: states, events and a pure `transition(state, event, options) → {state, effects}`.
 * No I/O, no timers, no clock, no node: imports (enforced by .dependency-cruiser.cjs).
 *
 * Each state that is entered gets a new `epoch`. The runner (runner.ts) keys everything a state owns
 * to that epoch: its budget timer (`budgetOf`), its AbortController and the effects it started. When
 * the epoch changes, the old controller is aborted and answers that arrive later are dropped, so a
 * late card read or timer can never act on the next state, let alone the next customer.
 *
 * The machine holds no personal data except what the customer is typing on the manual-entry screen
 * (`prefill`), which is dropped with the session. Document data and the access key live in the
 * runner's vault; the machine only learns the answers (verdicts, tries left, progress). It knows no
 * document kind: which one is on the reader is learnt by the "read-card-front" effect (effects.ts)
 * and kept in the vault, and the screens take their entry fields from it (view.ts).
 *
 * States (budget → what happens at expiry):
 *   idle               —                  waits for "start" or a card; leaves for out-of-service
 *   out-of-service     outOfService       devices looked at again; idle once healthy
 *   place-card         placeCard          abandoned (timeout)
 *   capture-card-face  captureCardFace    manual entry, nothing pre-filled (recognise, then camera)
 *   manual-entry       manualEntry        abandoned (timeout)
 *   check-entry        checkEntry         refer (device-error)
 *   reading-chip       readChip           refer (read-error); card lifted → replace-card (once)
 *   replace-card       replaceCard        abandoned (card-removed)
 *   checking           checking           refer (could-not-check)
 *   face-check         faceCheck          refer (face-not-sure)
 *   result             result…            purge; idle, or card-left while the card is still on the reader
 *   card-left          —                  waits for the card to be lifted (no new session until then)
 * plus the session budget over all of them: abandoned (timeout).
 *
 * One card, one session (issue 14): a session reads only a card placed after it started. A card that
 * is still on the reader when a verdict ends is "left behind" (card-left) and blocks new sessions until
 * lifted; a Start with a card already lying there asks the customer to lift it and place it again.
 * A session abandoned before any card was placed (cancel on the place-card screen) goes straight back
 * to idle: there is nothing to take and nothing to tap.
 */
import type { EntryPrefill, KioskMode, ReasonCode } from "../protocol";
import type { AuditCheck } from "../audit/sink";
import type { BudgetName } from "./budgets";
import { PASS, verdictFor, type Verdict } from "./outcome";

export interface MachineOptions {
  readonly kioskMode: KioskMode;
  readonly requireFaceMatch: boolean;
}

export type FaceHintState = "look" | "closer" | "one-person" | "hold-still" | null;

/** Why the place-card screen is shown again: a card already lying there must be lifted first, or
 *  the card was lifted while the camera was reading its face. */
export type PlaceNotice = "lift-first" | "lifted" | null;

/** Why manual entry appeared: the camera could not read the card, or the customer chose to type. */
export type EntryWhy = "unread" | "chosen" | "typed";

/** What the machine knows about the running session (nothing personal). */
export interface SessionFacts {
  readonly checks: readonly AuditCheck[];
  readonly triesLeft: number | null;
  readonly cardOn: boolean;
}

export type State =
  | { readonly kind: "idle"; readonly epoch: number; readonly cardOn: boolean }
  | { readonly kind: "out-of-service"; readonly epoch: number; readonly cardOn: boolean }
  | { readonly kind: "place-card"; readonly epoch: number; readonly s: SessionFacts; readonly notice: PlaceNotice }
  | {
      readonly kind: "capture-card-face";
      readonly epoch: number;
      readonly s: SessionFacts;
      /** Camera frames looked at so far (progress for the customer). */
      readonly frames: number;
    }
  | {
      readonly kind: "manual-entry";
      readonly epoch: number;
      readonly s: SessionFacts;
      readonly prefill: EntryPrefill;
      readonly problem: string | null;
      readonly why: EntryWhy;
    }
  | { readonly kind: "check-entry"; readonly epoch: number; readonly s: SessionFacts; readonly prefill: EntryPrefill; readonly why: EntryWhy }
  | {
      readonly kind: "reading-chip";
      readonly epoch: number;
      readonly s: SessionFacts;
      readonly progress: number;
      /** The card was lifted once already and put back; a second lift abandons. */
      readonly resumed: boolean;
    }
  | { readonly kind: "replace-card"; readonly epoch: number; readonly s: SessionFacts }
  | { readonly kind: "checking"; readonly epoch: number; readonly s: SessionFacts }
  | { readonly kind: "face-check"; readonly epoch: number; readonly s: SessionFacts; readonly hint: FaceHintState }
  | { readonly kind: "result"; readonly epoch: number; readonly s: SessionFacts; readonly verdict: Verdict }
  /** A verdict ended with the card still on the reader: nothing starts until it is lifted. */
  | { readonly kind: "card-left"; readonly epoch: number };

export type StateKind = State["kind"];
/** States of a running session before its verdict. */
export type SessionState = Exclude<State, { kind: "idle" } | { kind: "out-of-service" } | { kind: "result" } | { kind: "card-left" }>;

export type Event =
  | { readonly type: "START" }
  | { readonly type: "CANCEL" }
  | { readonly type: "CONFIRM" }
  | { readonly type: "CARD_INSERTED" }
  | { readonly type: "CARD_REMOVED" }
  /** The current state's own budget ran out (the runner never delivers an older state's expiry). */
  | { readonly type: "BUDGET_EXPIRED" }
  | { readonly type: "SESSION_EXPIRED" }
  | { readonly type: "DEVICES"; readonly healthy: boolean }
  /** `photographed: false`: the document has no camera route (its key is always typed), so no OCR check. */
  | {
      readonly type: "CARD_FRONT_READ";
      readonly sure: boolean;
      readonly prefill: EntryPrefill;
      readonly problem?: string | null;
      readonly photographed?: boolean;
    }
  | { readonly type: "ENTRY_SUBMITTED"; readonly entry: EntryPrefill }
  /** Live validation of the entry being typed. */
  | { readonly type: "ENTRY_DRAFT"; readonly problem: string | null }
  /** null: accepted (the runner holds the derived code). */
  | { readonly type: "ENTRY_CHECKED"; readonly problem: string | null }
  | { readonly type: "CHIP_PROGRESS"; readonly progress: number; readonly triesLeft: number | null }
  /** failure null: the chip was read (the runner holds the data). */
  | { readonly type: "CHIP_READ"; readonly failure: ReasonCode | null; readonly triesLeft: number | null }
  /** The chip verdict before any face check; null: nothing objects. */
  | { readonly type: "CHECKED"; readonly verdict: Verdict | null }
  | { readonly type: "FACE_HINT"; readonly hint: FaceHintState }
  | { readonly type: "FACE_CHECKED"; readonly verdict: Verdict }
  /** The card-face camera looked at another frame. */
  | { readonly type: "CARD_FRONT_PROGRESS"; readonly frames: number }
  /** The customer chose to type the numbers instead of waiting for the camera. */
  | { readonly type: "TYPE_INSTEAD" }
  /** The customer asked for staff instead of typing the key (manual-entry notice). */
  | { readonly type: "CALL_STAFF" }
  /** A port threw: the device failed. */
  | { readonly type: "FAILED"; readonly reason: ReasonCode };

export type Effect =
  /** Start the session clock, its budget and its AbortController. */
  | { readonly type: "start-session" }
  /** Stop the session budget (the verdict is in). */
  | { readonly type: "end-session" }
  | { readonly type: "read-card-front" }
  | { readonly type: "check-entry"; readonly entry: EntryPrefill }
  | { readonly type: "read-chip" }
  | { readonly type: "assess-authenticity" }
  | { readonly type: "check-face" }
  /** Attended mode: decode the chip photo for the staff screen. */
  | { readonly type: "prepare-staff-view" }
  | { readonly type: "record-audit"; readonly verdict: Verdict; readonly facts: SessionFacts }
  /** Zero and drop every buffer holding personal data. Idempotent. */
  | { readonly type: "purge" }
  | { readonly type: "check-devices" };

export interface Step {
  readonly state: State;
  readonly effects: readonly Effect[];
}

export const INITIAL: State = { kind: "idle", epoch: 0, cardOn: false };

const NEW_SESSION: SessionFacts = { checks: [], triesLeft: null, cardOn: false };

/** The budget owned by a state, or null (idle waits for a customer, not for a device). */
export function budgetOf(state: State, mode: KioskMode): BudgetName | null {
  switch (state.kind) {
    case "idle":
      return null;
    case "out-of-service":
      return "outOfService";
    case "place-card":
      return "placeCard";
    case "capture-card-face":
      return "captureCardFace";
    case "manual-entry":
      return "manualEntry";
    case "check-entry":
      return "checkEntry";
    case "reading-chip":
      return "readChip";
    case "replace-card":
      return "replaceCard";
    case "checking":
      return "checking";
    case "face-check":
      return "faceCheck";
    case "result":
      return mode === "attended" ? "resultAttended" : "resultUnattended";
    case "card-left":
      return null;
  }
}

export function transition(state: State, event: Event, opts: MachineOptions): Step {
  switch (state.kind) {
    case "idle":
      return fromIdle(state, event);
    case "out-of-service":
      return fromOutOfService(state, event);
    case "result":
      return fromResult(state, event, opts);
    case "card-left":
      return fromCardLeft(state, event);
    case "place-card":
    case "capture-card-face":
    case "manual-entry":
    case "check-entry":
    case "reading-chip":
    case "replace-card":
    case "checking":
    case "face-check":
      return fromSession(state, event, opts);
  }
}

const stay = (state: State): Step => ({ state, effects: [] });

function fromIdle(state: Extract<State, { kind: "idle" }>, event: Event): Step {
  const epoch = state.epoch + 1;
  switch (event.type) {
    case "START":
      // A card already lying on the reader was not placed for this session: lift it first.
      return {
        state: { kind: "place-card", epoch, s: { ...NEW_SESSION, cardOn: state.cardOn }, notice: state.cardOn ? "lift-first" : null },
        effects: [{ type: "start-session" }],
      };
    case "CARD_INSERTED":
      return { state: { kind: "capture-card-face", epoch, s: { ...NEW_SESSION, cardOn: true }, frames: 0 }, effects: SESSION_START_FRONT };
    case "CARD_REMOVED":
      return stay({ ...state, cardOn: false });
    case "DEVICES":
      return event.healthy ? stay(state) : { state: { kind: "out-of-service", epoch, cardOn: state.cardOn }, effects: [] };
    case "CANCEL":
    case "CONFIRM":
    case "BUDGET_EXPIRED":
    case "SESSION_EXPIRED":
    case "CARD_FRONT_READ":
    case "ENTRY_SUBMITTED":
    case "ENTRY_DRAFT":
    case "ENTRY_CHECKED":
    case "CHIP_PROGRESS":
    case "CHIP_READ":
    case "CHECKED":
    case "FACE_HINT":
    case "FACE_CHECKED":
    case "CARD_FRONT_PROGRESS":
    case "TYPE_INSTEAD":
    case "CALL_STAFF":
    case "FAILED":
      return stay(state);
  }
}

const SESSION_START_FRONT: readonly Effect[] = [{ type: "start-session" }, { type: "read-card-front" }];

function fromOutOfService(state: Extract<State, { kind: "out-of-service" }>, event: Event): Step {
  switch (event.type) {
    case "BUDGET_EXPIRED":
      // Re-entered so that the recheck budget starts again.
      return { state: { ...state, epoch: state.epoch + 1 }, effects: [{ type: "check-devices" }] };
    case "DEVICES":
      return event.healthy
        ? { state: { kind: "idle", epoch: state.epoch + 1, cardOn: state.cardOn }, effects: [{ type: "purge" }] }
        : stay(state);
    case "CARD_INSERTED":
      return stay({ ...state, cardOn: true });
    case "CARD_REMOVED":
      return stay({ ...state, cardOn: false });
    case "START":
    case "CANCEL":
    case "CONFIRM":
    case "SESSION_EXPIRED":
    case "CARD_FRONT_READ":
    case "ENTRY_SUBMITTED":
    case "ENTRY_DRAFT":
    case "ENTRY_CHECKED":
    case "CHIP_PROGRESS":
    case "CHIP_READ":
    case "CHECKED":
    case "FACE_HINT":
    case "FACE_CHECKED":
    case "CARD_FRONT_PROGRESS":
    case "TYPE_INSTEAD":
    case "CALL_STAFF":
    case "FAILED":
      return stay(state);
  }
}

function fromResult(state: Extract<State, { kind: "result" }>, event: Event, opts: MachineOptions): Step {
  const effects: readonly Effect[] = [{ type: "purge" }, { type: "check-devices" }];
  switch (event.type) {
    case "CONFIRM":
    case "CANCEL":
    case "BUDGET_EXPIRED":
      // A card still on the reader is never read for the next customer: it is "left behind".
      return state.s.cardOn
        ? { state: { kind: "card-left", epoch: state.epoch + 1 }, effects }
        : { state: { kind: "idle", epoch: state.epoch + 1, cardOn: false }, effects };
    case "CARD_REMOVED":
      // Attended: the chip data on screen goes with the card (purged at once). Unattended: nothing
      // personal is left, and the verdict stays up for its budget so staff can read it from a
      // distance; only the words change (no "take your card").
      return opts.kioskMode === "attended"
        ? { state: { kind: "idle", epoch: state.epoch + 1, cardOn: false }, effects }
        : stay({ ...state, s: { ...state.s, cardOn: false } });
    case "CARD_INSERTED":
      return stay({ ...state, s: { ...state.s, cardOn: true } });
    case "START":
    case "SESSION_EXPIRED":
    case "DEVICES":
    case "CARD_FRONT_READ":
    case "ENTRY_SUBMITTED":
    case "ENTRY_DRAFT":
    case "ENTRY_CHECKED":
    case "CHIP_PROGRESS":
    case "CHIP_READ":
    case "CHECKED":
    case "FACE_HINT":
    case "FACE_CHECKED":
    case "CARD_FRONT_PROGRESS":
    case "TYPE_INSTEAD":
    case "CALL_STAFF":
    case "FAILED":
      return stay(state);
  }
}

function fromCardLeft(state: Extract<State, { kind: "card-left" }>, event: Event): Step {
  switch (event.type) {
    case "CARD_REMOVED":
      return { state: { kind: "idle", epoch: state.epoch + 1, cardOn: false }, effects: [] };
    case "DEVICES":
      return event.healthy ? stay(state) : { state: { kind: "out-of-service", epoch: state.epoch + 1, cardOn: true }, effects: [] };
    case "START":
    case "CANCEL":
    case "CONFIRM":
    case "CARD_INSERTED":
    case "BUDGET_EXPIRED":
    case "SESSION_EXPIRED":
    case "CARD_FRONT_READ":
    case "ENTRY_SUBMITTED":
    case "ENTRY_DRAFT":
    case "ENTRY_CHECKED":
    case "CHIP_PROGRESS":
    case "CHIP_READ":
    case "CHECKED":
    case "FACE_HINT":
    case "FACE_CHECKED":
    case "CARD_FRONT_PROGRESS":
    case "TYPE_INSTEAD":
    case "CALL_STAFF":
    case "FAILED":
      return stay(state);
  }
}

/** Enter the result: audit now, end the session budget; purge at once unless staff must see the data. */
function toResult(state: SessionState, verdict: Verdict, opts: MachineOptions, s: SessionFacts = state.s): Step {
  const effects: Effect[] = [{ type: "end-session" }, { type: "record-audit", verdict, facts: s }];
  // Cancelled before any card was placed: back to the start at once, nothing to take, nothing to tap.
  if (verdict.reason === "customer-cancelled" && state.kind === "place-card" && !s.cardOn) {
    effects.push({ type: "purge" }, { type: "check-devices" });
    return { state: { kind: "idle", epoch: state.epoch + 1, cardOn: false }, effects };
  }
  effects.push(opts.kioskMode === "attended" ? { type: "prepare-staff-view" } : { type: "purge" });
  return { state: { kind: "result", epoch: state.epoch + 1, s, verdict }, effects };
}

const withCheck = (s: SessionFacts, check: AuditCheck): SessionFacts =>
  s.checks.includes(check) ? s : { ...s, checks: [...s.checks, check] };

/** What every session state's step needs: the next epoch, the facts before and after the card moved. */
interface SessionContext {
  readonly epoch: number;
  readonly s: SessionFacts;
  readonly s2: SessionFacts;
  readonly opts: MachineOptions;
}

function fromSession(state: SessionState, event: Event, opts: MachineOptions): Step {
  const epoch = state.epoch + 1;
  const s = state.s;
  // Events every session state handles the same way.
  switch (event.type) {
    case "CANCEL":
      return toResult(state, verdictFor("customer-cancelled"), opts);
    case "CALL_STAFF":
      return toResult(state, verdictFor("staff-requested"), opts);
    case "SESSION_EXPIRED":
      return toResult(state, verdictFor("timeout"), opts);
    case "FAILED":
      return toResult(state, verdictFor(event.reason), opts);
    case "DEVICES":
      return event.healthy ? stay(state) : toResult(state, verdictFor("device-error"), opts);
    case "START":
    case "CONFIRM":
    case "CARD_INSERTED":
    case "CARD_REMOVED":
    case "BUDGET_EXPIRED":
    case "CARD_FRONT_READ":
    case "ENTRY_SUBMITTED":
    case "ENTRY_DRAFT":
    case "ENTRY_CHECKED":
    case "CHIP_PROGRESS":
    case "CHIP_READ":
    case "CHECKED":
    case "FACE_HINT":
    case "FACE_CHECKED":
    case "CARD_FRONT_PROGRESS":
    case "TYPE_INSTEAD":
      break;
  }
  const cardOn = event.type === "CARD_INSERTED" ? true : event.type === "CARD_REMOVED" ? false : s.cardOn;
  const s2: SessionFacts = cardOn === s.cardOn ? s : { ...s, cardOn };

  const c: SessionContext = { epoch, s, s2, opts };
  switch (state.kind) {
    case "place-card":
      return inPlaceCard(state, event, c);
    case "capture-card-face":
      return inCaptureCardFace(state, event, c);
    case "manual-entry":
      return inManualEntry(state, event, c);
    case "check-entry":
      return inCheckEntry(state, event, c);
    case "reading-chip":
      return inReadingChip(state, event, c);
    case "replace-card":
      return inReplaceCard(state, event, c);
    case "checking":
      return inChecking(state, event, c);
    case "face-check":
      return inFaceCheck(state, event, c);
  }
}

function inPlaceCard(state: Extract<SessionState, { kind: "place-card" }>, event: Event, c: SessionContext): Step {
  const { epoch, s2, opts } = c;
  if (event.type === "CARD_INSERTED") {
    return { state: { kind: "capture-card-face", epoch, s: s2, frames: 0 }, effects: [{ type: "read-card-front" }] };
  }
  // The card that was lying there is lifted: now ask for it to be placed (the same state, same budget).
  if (event.type === "CARD_REMOVED") return stay({ ...state, s: s2, notice: state.notice === "lift-first" ? null : state.notice });
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("timeout"), opts);
  return stay(state);
}

function inCaptureCardFace(state: Extract<SessionState, { kind: "capture-card-face" }>, event: Event, c: SessionContext): Step {
  const { epoch, s, s2 } = c;
  if (event.type === "CARD_FRONT_READ") {
    const s3 = event.photographed === false ? s2 : withCheck(s2, "ocr");
    return event.sure
      ? { state: { kind: "reading-chip", epoch, s: s3, progress: 0, resumed: false }, effects: [{ type: "read-chip" }] }
      : { state: { kind: "manual-entry", epoch, s: s3, prefill: event.prefill, problem: event.problem ?? null, why: event.photographed === false ? "typed" : "unread" }, effects: [] };
  }
  if (event.type === "CARD_FRONT_PROGRESS") return stay({ ...state, s: s2, frames: event.frames });
  if (event.type === "BUDGET_EXPIRED") {
    // Nothing pre-filled: the screen starts from the document's own initial entry (view.ts).
    return { state: { kind: "manual-entry", epoch, s: s2, prefill: {}, problem: null, why: "unread" }, effects: [] };
  }
  if (event.type === "TYPE_INSTEAD") {
    return { state: { kind: "manual-entry", epoch, s: s2, prefill: {}, problem: null, why: "chosen" }, effects: [] };
  }
  // The customer took the card back (maybe to turn it over): say so and ask for it again.
  if (event.type === "CARD_REMOVED") return { state: { kind: "place-card", epoch, s: s2, notice: "lifted" }, effects: [] };
  return stay(s2 === s ? state : { ...state, s: s2 });
}

function inManualEntry(state: Extract<SessionState, { kind: "manual-entry" }>, event: Event, c: SessionContext): Step {
  const { epoch, s, s2, opts } = c;
  if (event.type === "ENTRY_SUBMITTED") {
    return {
      state: { kind: "check-entry", epoch, s: s2, prefill: event.entry, why: state.why },
      effects: [{ type: "check-entry", entry: event.entry }],
    };
  }
  if (event.type === "ENTRY_DRAFT") {
    return event.problem === state.problem && s2 === s ? stay(state) : stay({ ...state, s: s2, problem: event.problem });
  }
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("timeout"), opts);
  // Lifting the card to read its digits is expected here: only remember where it is.
  return stay(s2 === s ? state : { ...state, s: s2 });
}

function inCheckEntry(state: Extract<SessionState, { kind: "check-entry" }>, event: Event, c: SessionContext): Step {
  const { epoch, s, s2, opts } = c;
  if (event.type === "ENTRY_CHECKED") {
    if (event.problem !== null) {
      return { state: { kind: "manual-entry", epoch, s: s2, prefill: state.prefill, problem: event.problem, why: state.why }, effects: [] };
    }
    const s3 = withCheck(s2, "manual-entry");
    return s3.cardOn
      ? { state: { kind: "reading-chip", epoch, s: s3, progress: 0, resumed: false }, effects: [{ type: "read-chip" }] }
      : { state: { kind: "replace-card", epoch, s: s3 }, effects: [] };
  }
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("device-error"), opts);
  return stay(s2 === s ? state : { ...state, s: s2 });
}

function inReadingChip(state: Extract<SessionState, { kind: "reading-chip" }>, event: Event, c: SessionContext): Step {
  const { epoch, s, s2, opts } = c;
  if (event.type === "CHIP_PROGRESS") {
    return stay({ ...state, progress: event.progress, s: { ...s2, triesLeft: event.triesLeft ?? s2.triesLeft } });
  }
  if (event.type === "CHIP_READ") {
    const s3 = { ...withCheck(s2, "chip"), triesLeft: event.triesLeft ?? s2.triesLeft };
    if (event.failure === "card-removed" && !state.resumed) return { state: { kind: "replace-card", epoch, s: s3 }, effects: [] };
    if (event.failure !== null) return toResult(state, verdictFor(event.failure), opts, s3);
    return { state: { kind: "checking", epoch, s: s3 }, effects: [{ type: "assess-authenticity" }] };
  }
  if (event.type === "CARD_REMOVED") {
    return state.resumed
      ? toResult(state, verdictFor("card-removed"), opts, s2)
      : { state: { kind: "replace-card", epoch, s: s2 }, effects: [] };
  }
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("read-error"), opts, withCheck(s2, "chip"));
  return stay(s2 === s ? state : { ...state, s: s2 });
}

function inReplaceCard(state: Extract<SessionState, { kind: "replace-card" }>, event: Event, c: SessionContext): Step {
  const { epoch, s, s2, opts } = c;
  if (event.type === "CARD_INSERTED") {
    return { state: { kind: "reading-chip", epoch, s: s2, progress: 0, resumed: true }, effects: [{ type: "read-chip" }] };
  }
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("card-removed"), opts, s2);
  return stay(s2 === s ? state : { ...state, s: s2 });
}

function inChecking(state: Extract<SessionState, { kind: "checking" }>, event: Event, c: SessionContext): Step {
  const { epoch, s, s2, opts } = c;
  if (event.type === "CHECKED") {
    const s3 = withCheck(s2, "authenticity");
    if (event.verdict) return toResult(state, event.verdict, opts, s3);
    if (opts.requireFaceMatch) {
      return { state: { kind: "face-check", epoch, s: s3, hint: null }, effects: [{ type: "check-face" }] };
    }
    return toResult(state, PASS, opts, s3);
  }
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("could-not-check"), opts, withCheck(s2, "authenticity"));
  // The chip has been read: lifting the card now changes nothing.
  return stay(s2 === s ? state : { ...state, s: s2 });
}

function inFaceCheck(state: Extract<SessionState, { kind: "face-check" }>, event: Event, c: SessionContext): Step {
  const { s, s2, opts } = c;
  if (event.type === "FACE_HINT") return stay({ ...state, hint: event.hint, s: s2 });
  if (event.type === "FACE_CHECKED") return toResult(state, event.verdict, opts, withCheck(s2, "face"));
  if (event.type === "BUDGET_EXPIRED") return toResult(state, verdictFor("face-not-sure"), opts, withCheck(s2, "face"));
  return stay(s2 === s ? state : { ...state, s: s2 });
}


