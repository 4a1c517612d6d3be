/**
 * The runner: implements KioskCore by feeding events into the pure machine (machine.ts) and running
 * the effects it returns through the ports (ports.ts).
 *
 * Ownership, which is what makes "a late answer never acts on the next customer" true:
 * - Each entered state (each `epoch`) gets one AbortController and one budget timer. Leaving the
 *   state aborts the controller and cancels the timer; every callback checks that its epoch is
 *   still the current one before it sends an event, and a late answer that carries personal data
 *   (a code, a chip record) is wiped on arrival instead.
 * - The session has its own budget (`session`), started by the machine's `start-session` effect
 *   and stopped by `end-session` / purge; its timer checks the session id, so an old session's
 *   timer cannot end a new one.
 * - Personal data lives only in the vault (vault.ts), zeroed on the machine's `purge` effect.
 *
 * Events are queued: an effect that answers synchronously cannot re-enter `transition`.
 * `createRunner` does no I/O; `start()` subscribes to the card and looks at the devices.
 */
import type { KioskCore } from "./core";
import type { ClientMessage, Health, KioskMode, Lang, LedPattern, RecentSession, ResultToken, RunMode, StaffCall, ViewMessage } from "../protocol";
import type { TokenFace, VerdictFacts } from "../till/claims";
import type { Logger } from "../log";
import type { AuditStep } from "../audit/sink";
import { tokyoDate, tokyoMidnight } from "../age/date";
import type { Budgets } from "./budgets";
import { INITIAL, budgetOf, transition, type Effect, type Event, type MachineOptions, type State, type StateKind } from "./machine";
import { triesBand, type FlowPolicy } from "./outcome";
import type { Clock, DeviceStates, DocumentInfo, FlowPorts } from "./ports";
import { isPortEffect, runPortEffect, type EffectDeps } from "./effects";
import { createVault } from "./vault";
import { createStaffDesk, emptyCounts, plainStaffPin, type LockoutStore, type StaffDesk, type StaffPinPort } from "./staff";
import { ledOf, screenOf } from "./view";

export interface RunnerDeps {
  ports: FlowPorts;
  clock: Clock;
  budgets: Budgets;
  policy: FlowPolicy;
  kioskMode: KioskMode;
  runMode: RunMode;
  kioskId: string;
  version: string;
  defaultLanguage: Lang;
  /** Staff PIN: the port (hash in the state directory, demo PIN, or none); a string = that PIN (tests, demo). */
  staffPin: StaffPinPort | string;
  /** Where the staff PIN lock-out survives restarts; default memory. */
  staffLockout?: LockoutStore;
  log: Logger;
  /** Till POST deliveries that failed since the start (issue 19; shown on the staff screen). */
  tillPostFailures?: () => number;
  /** After every change of state (e.g. systemd STATUS=). Must not throw. */
  onStateChange?: (kind: StateKind) => void;
}

export interface FlowRunner extends KioskCore {
  start(): void;
  /** A device appeared, vanished or failed: idle ↔ out-of-service now, and a running session that
   *  lost a device ends as "refer / device-error". */
  devicesChanged(): void;
  /** Abort everything, purge, unsubscribe. Idempotent. */
  stop(): void;
  state(): State;
}

const STEP_OF: Partial<Record<StateKind, AuditStep>> = {
  "place-card": "place-card",
  "capture-card-face": "capture-card-face",
  "manual-entry": "manual-entry",
  "check-entry": "check-entry",
  "reading-chip": "reading-chip",
  "replace-card": "replace-card",
  checking: "checking",
  "face-check": "face-check",
};

/** How many finished sessions the staff screen lists. */
export const RECENT_MAX = 5;

export function devicesHealthy(d: DeviceStates): boolean {
  // The status lights are reported in health but do not take the kiosk out of service.
  return d.reader === "ok" && d.camera === "ok";
}

/** The tries-left below which the audit calls the band "low": the document's own rule when its card
 *  counts tries, else the policy's. */
function minTriesLeft(document: DocumentInfo | null, policy: FlowPolicy): number {
  return document?.tries.counter === "card" ? document.tries.minLeftToSpend : policy.minTriesLeft;
}

/** The runner's mutable state: one per `createRunner`, shared by the named steps below. */
interface Run {
  readonly deps: RunnerDeps;
  readonly opts: MachineOptions;
  readonly vault: ReturnType<typeof createVault>;
  readonly listeners: Set<(v: ViewMessage) => void>;
  readonly staffPin: StaffPinPort;
  staff: StaffDesk;
  effectDeps: EffectDeps;
  state: State;
  started: boolean;
  seq: number;
  view: ViewMessage | null;
  led: LedPattern | null;
  // Owned by the current state (epoch).
  stateCtl: AbortController;
  cancelStateTimer: () => void;
  enteredAt: number;
  countdown: ViewMessage["countdown"];
  /** The verdict token of the result state (issue 19), once signed. */
  token: ResultToken | null;
  // Owned by the current session.
  sessionId: number;
  cancelSessionTimer: () => void;
  sessionStartedAt: number;
  durations: Partial<Record<AuditStep, number>>;
  // What the staff screen lists (no personal data): the last sessions and a referral waiting for staff.
  recent: RecentSession[];
  staffCall: StaffCall | null;
  cancelStaffCall: () => void;
  language: Lang;
  ledTest: LedPattern | null;
  // The event queue.
  queue: Event[];
  draining: boolean;
  unsubscribeCard: () => void;
}

const errorName = (e: unknown): string => (e instanceof Error ? e.name : typeof e);

export function createRunner(deps: RunnerDeps): FlowRunner {
  const r = newRun(deps);
  return {
    start: () => start(r),
    stop: () => stop(r),
    state: () => r.state,
    devicesChanged() {
      if (!r.started) return;
      send(r, { type: "DEVICES", healthy: devicesHealthy(deps.ports.devices()) });
      if (r.state.kind === "out-of-service") publish(r); // which device, on the screen
    },
    view: () => r.view ?? buildView(r),
    subscribe(listener) {
      r.listeners.add(listener);
      return () => r.listeners.delete(listener);
    },
    dispatch: (message: ClientMessage) => dispatch(r, message),
    health: () => health(r),
  };
}

/** Builds the runner's state; the staff desk and the effect deps call back into it. No I/O. */
function newRun(deps: RunnerDeps): Run {
  const { ports, clock, budgets, log } = deps;
  const staffPin = typeof deps.staffPin === "string" ? plainStaffPin(deps.staffPin, "demo") : deps.staffPin;
  const vault = createVault();
  const r: Run = {
    deps,
    opts: { kioskMode: deps.kioskMode, requireFaceMatch: deps.policy.requireFaceMatch },
    vault,
    listeners: new Set(),
    staffPin,
    staff: createStaffDesk({
      pin: staffPin,
      ...(deps.staffLockout ? { lockout: deps.staffLockout } : {}),
      clock,
      budgetMs: budgets.staff,
      onChange: () => publish(r),
      onLedTest(pattern) {
        r.ledTest = pattern;
        r.led = null; // show the flow's own pattern again after a test
      },
      view: () => ({
        kioskId: deps.kioskId,
        version: deps.version,
        health: health(r),
        today: todayCounts(r),
        recent: r.recent,
        staffCall: r.staffCall,
        ...(deps.tillPostFailures ? { tillPostFailures: deps.tillPostFailures() } : {}),
      }),
    }),
    effectDeps: { ports, vault, clock, policy: deps.policy, log, staffViewChanged: () => publish(r) },
    state: INITIAL,
    started: false,
    seq: 0,
    view: null,
    led: null,
    stateCtl: new AbortController(),
    cancelStateTimer: () => {},
    enteredAt: 0,
    countdown: null,
    token: null,
    sessionId: 0,
    cancelSessionTimer: () => {},
    sessionStartedAt: 0,
    durations: {},
    recent: [],
    staffCall: null,
    cancelStaffCall: () => {},
    language: deps.defaultLanguage,
    ledTest: null,
    queue: [],
    draining: false,
    unsubscribeCard: () => {},
  };
  return r;
}

function start(r: Run): void {
  if (r.started) return;
  const { ports } = r.deps;
  r.started = true;
  r.state = { kind: "idle", epoch: 0, cardOn: ports.card.present() };
  enter(r, r.state);
  r.unsubscribeCard = ports.card.subscribe((e) => send(r, { type: e === "inserted" ? "CARD_INSERTED" : "CARD_REMOVED" }));
  publish(r);
  send(r, { type: "DEVICES", healthy: devicesHealthy(ports.devices()) });
}

function stop(r: Run): void {
  if (!r.started) return;
  r.started = false;
  r.unsubscribeCard();
  r.stateCtl.abort();
  r.cancelStateTimer();
  r.cancelSessionTimer();
  r.cancelStaffCall();
  r.staff.close();
  purgeSession(r);
  r.listeners.clear();
}

function callStaff(r: Run, call: StaffCall | null): void {
  r.cancelStaffCall();
  r.cancelStaffCall = () => {};
  r.staffCall = call;
  if (call !== null) {
    r.cancelStaffCall = r.deps.clock.after(r.deps.budgets.staffCall, () => {
      if (r.staffCall === call) {
        r.staffCall = null;
        publish(r);
      }
    });
  }
}

function todayCounts(r: Run): ReturnType<FlowPorts["audit"]["counts"]> {
  try {
    return r.deps.ports.audit.counts(tokyoMidnight(tokyoDate(r.deps.clock.now())));
  } catch (e) {
    r.deps.log.warn("flow.counts-failed", { error: errorName(e) });
    return emptyCounts();
  }
}

function health(r: Run): Health {
  const { deps, staffPin } = r;
  const devices = deps.ports.devices();
  return {
    mode: deps.runMode,
    version: deps.version,
    devices,
    ready: r.started && r.state.kind !== "out-of-service" && devicesHealthy(devices),
    staffPin: staffPin.state,
    notes:
      staffPin.state === "not-set"
        ? ["staff PIN not set: customer checks run, staff login is impossible; set it with `sudo kioskctl staff-pin set`"]
        : [],
  };
}

/** Queues `event`; the outermost call drains the queue, so an effect that answers synchronously
 *  cannot re-enter `transition`. */
function send(r: Run, event: Event): void {
  r.queue.push(event);
  if (r.draining) return;
  r.draining = true;
  try {
    for (let e = r.queue.shift(); e !== undefined; e = r.queue.shift()) step(r, e);
  } finally {
    r.draining = false;
  }
}

function step(r: Run, event: Event): void {
  const prev = r.state;
  const next = transition(prev, event, r.opts);
  if (next.state === prev && next.effects.length === 0) return;
  r.state = next.state;
  if (r.state.epoch !== prev.epoch) {
    leave(r, prev);
    enter(r, r.state);
  }
  for (const effect of next.effects) runEffect(r, effect, r.state.epoch);
  if (r.staff.overlay() !== null && !staffMayStay(r.state.kind)) r.staff.close();
  publish(r);
  if (r.state.kind !== prev.kind) {
    try {
      r.deps.onStateChange?.(r.state.kind);
    } catch {
      /* a status hook must not break the flow */
    }
  }
}

/** The staff overlay opens, and stays open, only while no customer is being served. */
const staffMayStay = (kind: StateKind): boolean => kind === "idle" || kind === "out-of-service" || kind === "card-left";

/** Leaving a state: abort its work, cancel its timer, add its time to the session's step durations. */
function leave(r: Run, prev: State): void {
  r.stateCtl.abort();
  r.cancelStateTimer();
  const stepName = STEP_OF[prev.kind];
  if (stepName) r.durations[stepName] = (r.durations[stepName] ?? 0) + (r.deps.clock.now() - r.enteredAt);
}

/** Entering a state (a new epoch): a fresh AbortController and the state's budget timer. */
function enter(r: Run, s: State): void {
  r.stateCtl = new AbortController();
  r.enteredAt = r.deps.clock.now();
  r.token = null;
  const budget = budgetOf(s, r.deps.kioskMode);
  if (budget === null) {
    r.cancelStateTimer = () => {};
    r.countdown = null;
    return;
  }
  const ms = r.deps.budgets[budget];
  const epoch = s.epoch;
  r.countdown = { endsAt: r.enteredAt + ms, totalMs: ms };
  r.cancelStateTimer = r.deps.clock.after(ms, () => {
    if (r.state.epoch === epoch) send(r, { type: "BUDGET_EXPIRED" });
  });
}

/** Sends `event` only while the state that started the work is still current. */
const forEpoch = (r: Run, epoch: number) => (event: Event) => {
  if (r.state.epoch === epoch) send(r, event);
};

function failed(r: Run, epoch: number, effect: Effect["type"], e: unknown): void {
  if (r.state.epoch !== epoch) return;
  r.deps.log.warn("flow.port-failed", { effect, error: errorName(e) });
  send(r, { type: "FAILED", reason: "device-error" });
}

function runEffect(r: Run, effect: Effect, epoch: number): void {
  if (isPortEffect(effect)) {
    const signal = r.stateCtl.signal;
    runPortEffect(
      effect,
      {
        signal,
        current: () => r.state.epoch === epoch && !signal.aborted,
        emit: forEpoch(r, epoch),
        failed: (e) => failed(r, epoch, effect.type, e),
      },
      r.effectDeps,
    );
    return;
  }
  switch (effect.type) {
    case "start-session":
      startSession(r);
      return;
    case "end-session":
      r.cancelSessionTimer();
      r.cancelSessionTimer = () => {};
      return;
    case "record-audit":
      recordAudit(r, effect, epoch);
      return;
    case "purge":
      purgeSession(r);
      r.cancelSessionTimer();
      r.cancelSessionTimer = () => {};
      return;
    case "check-devices":
      checkDevices(r, epoch);
      return;
  }
}

/** The session's own budget; its timer checks the session id, so an old session's timer cannot end a new one. */
function startSession(r: Run): void {
  const { clock, budgets, ports, kioskId, kioskMode, version } = r.deps;
  const id = ++r.sessionId;
  r.sessionStartedAt = clock.now();
  ports.audit.begin?.({ startedAt: r.sessionStartedAt, kioskId, mode: kioskMode, version });
  r.durations = {};
  r.cancelSessionTimer();
  r.cancelSessionTimer = clock.after(budgets.session, () => {
    if (r.sessionId === id) send(r, { type: "SESSION_EXPIRED" });
  });
}

function recordAudit(r: Run, effect: Extract<Effect, { type: "record-audit" }>, epoch: number): void {
  const { deps, vault } = r;
  const { clock, log } = deps;
  // The recognised kind; when recognition did not answer in time but the chip was read, the assumed one.
  const document = vault.document()?.kind ?? (effect.facts.checks.includes("chip") ? deps.ports.fallbackDocument.kind : null);
  const tokenId = issueToken(r, effect, document, epoch);
  try {
    deps.ports.audit.record({
      startedAt: r.sessionStartedAt,
      endedAt: clock.now(),
      kioskId: deps.kioskId,
      mode: deps.kioskMode,
      document,
      outcome: effect.verdict.outcome,
      reason: effect.verdict.reason,
      durations: { ...r.durations },
      triesBand: triesBand(effect.facts.triesLeft, minTriesLeft(vault.document(), deps.policy)),
      checks: effect.facts.checks,
      version: deps.version,
      ...(tokenId !== null ? { tokenId } : {}),
    });
  } catch (e) {
    log.error("flow.audit-failed", { error: errorName(e) });
  }
  r.recent = [{ at: clock.now(), document, outcome: effect.verdict.outcome, reason: effect.verdict.reason }, ...r.recent].slice(0, RECENT_MAX);
  if (effect.verdict.outcome === "refer") callStaff(r, { since: clock.now(), reason: effect.verdict.reason });
  log.info("flow.session", {
    outcome: effect.verdict.outcome,
    reason: effect.verdict.reason,
    ms: clock.now() - r.sessionStartedAt,
  });
}

/**
 * Issue 19: a verdict (pass, fail, refer; not an abandoned session) gets a signed token for the till.
 * Its id is returned at once for the audit row; the token reaches the result screen when signed, only
 * while that result is still on screen. What it says is what the audit says (src/till/claims.ts).
 */
function issueToken(r: Run, effect: Extract<Effect, { type: "record-audit" }>, document: string | null, epoch: number): string | null {
  const { deps, vault } = r;
  const port = deps.ports.verdictToken;
  const outcome = effect.verdict.outcome;
  if (!port || outcome === "abandoned") return null;
  const facts: VerdictFacts = {
    kioskId: deps.kioskId,
    minimumAge: deps.policy.minimumAge,
    outcome,
    document: document ?? "none",
    chipGenuine: vault.authenticity() === "genuine",
    face: faceOf(effect.facts.checks.includes("face"), outcome),
  };
  try {
    const { id, token } = port.issue(facts);
    token.then(
      (t) => {
        if (r.state.epoch !== epoch || r.state.kind !== "result") return;
        r.token = t;
        publish(r);
      },
      (e: unknown) => deps.log.warn("flow.token-failed", { error: errorName(e) }),
    );
    return id;
  } catch (e) {
    deps.log.warn("flow.token-failed", { error: errorName(e) });
    return null;
  }
}

/** The face check is the last step before a verdict: a face checked and a pass means it matched;
 *  any other verdict after a face check (no match, not sure, a device fault) means it did not. */
function faceOf(checked: boolean, outcome: "pass" | "fail" | "refer"): TokenFace {
  if (!checked) return "not-checked";
  return outcome === "pass" ? "match" : "not-matched";
}

function checkDevices(r: Run, epoch: number): void {
  let healthy = false;
  try {
    healthy = devicesHealthy(r.deps.ports.devices());
  } catch (e) {
    r.deps.log.error("flow.devices-failed", { error: errorName(e) });
  }
  forEpoch(r, epoch)({ type: "DEVICES", healthy });
}

/** Zero the vault and let the ports forget the session (the card layer's retry guard). */
function purgeSession(r: Run): void {
  r.vault.purge();
  try {
    r.deps.ports.endSession?.();
  } catch (e) {
    r.deps.log.warn("flow.session-ended-failed", { error: errorName(e) });
  }
}

function buildView(r: Run): ViewMessage {
  const { deps, vault, staff, state, staffCall } = r;
  const { ports } = deps;
  const attended = deps.kioskMode === "attended" && state.kind === "result" ? vault.attended() : null;
  return {
    type: "view",
    seq: ++r.seq,
    screen:
      staff.screen() ??
      screenOf(state, {
        mode: deps.kioskMode,
        attended,
        devices: ports.devices(),
        minimumAge: deps.policy.minimumAge,
        staffCall: staffCall !== null,
        document: vault.document() ?? ports.fallbackDocument,
        recognised: vault.document()?.kind ?? null,
        token: r.token,
      }),
    countdown: staff.countdown() ?? r.countdown,
    kioskMode: deps.kioskMode,
    defaultLanguage: r.language,
    demo: ports.demo
      ? { cards: ports.demo.cards().map((c) => ({ id: c.id, label: c.label, document: c.document, ...(c.key === null ? {} : { key: c.key }) })), placed: ports.demo.placed(), leds: r.ledTest ?? ledOf(state, staffCall !== null) }
      : null,
  };
}

/** Shows the LED pattern if it changed, builds the view and hands it to every listener. */
function publish(r: Run): void {
  const pattern = r.ledTest ?? ledOf(r.state, r.staffCall !== null);
  if (pattern !== r.led) {
    r.led = pattern;
    r.deps.ports.leds.show(pattern);
  }
  r.view = buildView(r);
  for (const l of [...r.listeners]) {
    try {
      l(r.view);
    } catch (e) {
      r.deps.log.warn("flow.listener-failed", { error: errorName(e) });
    }
  }
}

/** A message from the UI: flow messages become machine events; demo and staff messages act here. */
function dispatch(r: Run, message: ClientMessage): void {
  const { ports, clock } = r.deps;
  switch (message.type) {
    case "start":
      send(r, { type: "START" });
      return;
    case "cancel":
      send(r, { type: "CANCEL" });
      return;
    case "confirm":
      send(r, { type: "CONFIRM" });
      return;
    case "manual-entry":
      send(r, { type: "ENTRY_SUBMITTED", entry: message.entry });
      return;
    case "demo-place-card":
      if (!ports.demo) return;
      ports.demo.place(message.cardId);
      publish(r);
      return;
    case "type-instead":
      send(r, { type: "TYPE_INSTEAD" });
      return;
    case "call-staff":
      send(r, { type: "CALL_STAFF" });
      return;
    case "demo-remove-card":
      if (!ports.demo) return;
      ports.demo.remove();
      publish(r);
      return;
    case "entry-draft":
      if (r.state.kind === "manual-entry" && ports.entryProblem) {
        const document = r.vault.document() ?? ports.fallbackDocument;
        send(r, { type: "ENTRY_DRAFT", problem: ports.entryProblem(document.kind, message.entry, tokyoDate(clock.now())) });
      }
      return;
    case "staff-open":
    case "staff-login":
    case "staff-led-test":
    case "staff-set-language":
    case "staff-close":
    case "staff-acknowledge":
      staffMessage(r, message);
      return;
  }
}

function staffMessage(r: Run, message: Extract<ClientMessage, { type: `staff-${string}` }>): void {
  const { staff } = r;
  switch (message.type) {
    case "staff-open":
      if (staffMayStay(r.state.kind)) staff.open();
      return;
    case "staff-login":
      staff.login(message.pin);
      return;
    case "staff-led-test":
      staff.ledTest(message.pattern);
      return;
    case "staff-set-language":
      if (staff.overlay()?.kind === "staff") {
        r.language = message.lang;
        publish(r);
      }
      return;
    case "staff-close":
      staff.close();
      return;
    case "staff-acknowledge":
      if (staff.overlay()?.kind === "staff" && r.staffCall !== null) {
        callStaff(r, null);
        publish(r);
      }
      return;
  }
}
