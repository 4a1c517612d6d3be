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
import type { ClientMessage, Health, KioskMode, Lang, LedPattern, RecentSession, RunMode, StaffCall, ViewMessage } from "../protocol";
import type { Logger } from "../log";
import type { AuditStep } from "../audit/sink";
import { tokyoDate, tokyoMidnight } from "../age/date";
import type { Budgets } from "./budgets";
import { INITIAL, budgetOf, transition, type Effect, type Event, type MachineOptions, type State, type StateKind } from "./machine";
import { triesBand, type FlowPolicy } from "./outcome";
import type { Clock, DeviceStates, DocumentInfo, FlowPorts } from "./ports";
import { isPortEffect, runPortEffect, type EffectDeps } from "./effects";
import { createVault } from "./vault";
import { createStaffDesk, emptyCounts, plainStaffPin, type LockoutStore, type StaffPinPort } from "./staff";
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

// eslint-disable-next-line max-lines-per-function -- the seam colleague (issue 13) splits createRunner into named steps and removes this line
export function createRunner(deps: RunnerDeps): FlowRunner {
  const { ports, clock, budgets, log } = deps;
  const opts: MachineOptions = { kioskMode: deps.kioskMode, requireFaceMatch: deps.policy.requireFaceMatch };
  const vault = createVault();
  const listeners = new Set<(v: ViewMessage) => void>();

  let state: State = INITIAL;
  let started = false;
  let seq = 0;
  let view: ViewMessage | null = null;
  let led: LedPattern | null = null;

  // Owned by the current state (epoch).
  let stateCtl = new AbortController();
  let cancelStateTimer: () => void = () => {};
  let enteredAt = 0;
  let countdown: ViewMessage["countdown"] = null;

  // Owned by the current session.
  let sessionId = 0;
  let cancelSessionTimer: () => void = () => {};
  let sessionStartedAt = 0;
  let durations: Partial<Record<AuditStep, number>> = {};

  // What the staff screen lists (no personal data): the last sessions and a referral waiting for staff.
  let recent: RecentSession[] = [];
  let staffCall: StaffCall | null = null;
  let cancelStaffCall: () => void = () => {};

  function callStaff(call: StaffCall | null): void {
    cancelStaffCall();
    cancelStaffCall = () => {};
    staffCall = call;
    if (call !== null) {
      cancelStaffCall = clock.after(budgets.staffCall, () => {
        if (staffCall === call) {
          staffCall = null;
          publish();
        }
      });
    }
  }

  let language: Lang = deps.defaultLanguage;
  let ledTest: LedPattern | null = null;
  const staffPin = typeof deps.staffPin === "string" ? plainStaffPin(deps.staffPin, "demo") : deps.staffPin;
  const staff = createStaffDesk({
    pin: staffPin,
    ...(deps.staffLockout ? { lockout: deps.staffLockout } : {}),
    clock,
    budgetMs: budgets.staff,
    onChange: () => publish(),
    onLedTest(pattern) {
      ledTest = pattern;
      led = null; // show the flow's own pattern again after a test
    },
    view: () => ({ kioskId: deps.kioskId, version: deps.version, health: health(), today: todayCounts(), recent, staffCall }),
  });

  function todayCounts() {
    try {
      return ports.audit.counts(tokyoMidnight(tokyoDate(clock.now())));
    } catch (e) {
      log.warn("flow.counts-failed", { error: e instanceof Error ? e.name : typeof e });
      return emptyCounts();
    }
  }

  function health(): Health {
    const devices = ports.devices();
    return {
      mode: deps.runMode,
      version: deps.version,
      devices,
      ready: started && state.kind !== "out-of-service" && devicesHealthy(devices),
      staffPin: staffPin.state,
      notes:
        staffPin.state === "not-set"
          ? ["staff PIN not set: customer checks run, staff login is impossible; set it with `sudo kioskctl staff-pin set`"]
          : [],
    };
  }

  const effectDeps: EffectDeps = {
    ports,
    vault,
    clock,
    policy: deps.policy,
    log,
    staffViewChanged: () => publish(),
  };

  const queue: Event[] = [];
  let draining = false;
  let unsubscribeCard: () => void = () => {};

  function send(event: Event): void {
    queue.push(event);
    if (draining) return;
    draining = true;
    try {
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) step(e);
    } finally {
      draining = false;
    }
  }

  function step(event: Event): void {
    const prev = state;
    const next = transition(prev, event, opts);
    if (next.state === prev && next.effects.length === 0) return;
    state = next.state;
    if (state.epoch !== prev.epoch) {
      leave(prev);
      enter(state);
    }
    for (const effect of next.effects) runEffect(effect, state.epoch);
    if (staff.overlay() !== null && state.kind !== "idle" && state.kind !== "out-of-service" && state.kind !== "card-left") staff.close();
    publish();
    if (state.kind !== prev.kind) {
      try {
        deps.onStateChange?.(state.kind);
      } catch {
        /* a status hook must not break the flow */
      }
    }
  }

  function leave(prev: State): void {
    stateCtl.abort();
    cancelStateTimer();
    const stepName = STEP_OF[prev.kind];
    if (stepName) durations[stepName] = (durations[stepName] ?? 0) + (clock.now() - enteredAt);
  }

  function enter(s: State): void {
    stateCtl = new AbortController();
    enteredAt = clock.now();
    const budget = budgetOf(s, deps.kioskMode);
    if (budget === null) {
      cancelStateTimer = () => {};
      countdown = null;
      return;
    }
    const ms = budgets[budget];
    const epoch = s.epoch;
    countdown = { endsAt: enteredAt + ms, totalMs: ms };
    cancelStateTimer = clock.after(ms, () => {
      if (state.epoch === epoch) send({ type: "BUDGET_EXPIRED" });
    });
  }

  /** Sends `event` only while the state that started the work is still current. */
  const forEpoch = (epoch: number) => (event: Event) => {
    if (state.epoch === epoch) send(event);
  };

  function failed(epoch: number, effect: Effect["type"], e: unknown): void {
    if (state.epoch !== epoch) return;
    log.warn("flow.port-failed", { effect, error: e instanceof Error ? e.name : typeof e });
    send({ type: "FAILED", reason: "device-error" });
  }

  function runEffect(effect: Effect, epoch: number): void {
    if (isPortEffect(effect)) {
      const signal = stateCtl.signal;
      runPortEffect(
        effect,
        {
          signal,
          current: () => state.epoch === epoch && !signal.aborted,
          emit: forEpoch(epoch),
          failed: (e) => failed(epoch, effect.type, e),
        },
        effectDeps,
      );
      return;
    }
    switch (effect.type) {
      case "start-session": {
        const id = ++sessionId;
        sessionStartedAt = clock.now();
        ports.audit.begin?.({ startedAt: sessionStartedAt, kioskId: deps.kioskId, mode: deps.kioskMode, version: deps.version });
        durations = {};
        cancelSessionTimer();
        cancelSessionTimer = clock.after(budgets.session, () => {
          if (sessionId === id) send({ type: "SESSION_EXPIRED" });
        });
        return;
      }
      case "end-session":
        cancelSessionTimer();
        cancelSessionTimer = () => {};
        return;
      case "record-audit":
        try {
          ports.audit.record({
            startedAt: sessionStartedAt,
            endedAt: clock.now(),
            kioskId: deps.kioskId,
            mode: deps.kioskMode,
            outcome: effect.verdict.outcome,
            reason: effect.verdict.reason,
            durations: { ...durations },
            triesBand: triesBand(effect.facts.triesLeft, minTriesLeft(vault.document(), deps.policy)),
            checks: effect.facts.checks,
            version: deps.version,
          });
        } catch (e) {
          log.error("flow.audit-failed", { error: e instanceof Error ? e.name : typeof e });
        }
        recent = [{ at: clock.now(), outcome: effect.verdict.outcome, reason: effect.verdict.reason }, ...recent].slice(0, RECENT_MAX);
        if (effect.verdict.outcome === "refer") callStaff({ since: clock.now(), reason: effect.verdict.reason });
        log.info("flow.session", {
          outcome: effect.verdict.outcome,
          reason: effect.verdict.reason,
          ms: clock.now() - sessionStartedAt,
        });
        return;
      case "purge":
        purgeSession();
        cancelSessionTimer();
        cancelSessionTimer = () => {};
        return;
      case "check-devices": {
        let healthy = false;
        try {
          healthy = devicesHealthy(ports.devices());
        } catch (e) {
          log.error("flow.devices-failed", { error: e instanceof Error ? e.name : typeof e });
        }
        forEpoch(epoch)({ type: "DEVICES", healthy });
        return;
      }
    }
  }

  /** Zero the vault and let the ports forget the session (the card layer's retry guard). */
  function purgeSession(): void {
    vault.purge();
    try {
      ports.endSession?.();
    } catch (e) {
      log.warn("flow.session-ended-failed", { error: e instanceof Error ? e.name : typeof e });
    }
  }

  function buildView(): ViewMessage {
    const attended = deps.kioskMode === "attended" && state.kind === "result" ? vault.attended() : null;
    return {
      type: "view",
      seq: ++seq,
      screen:
        staff.screen() ??
        screenOf(state, {
          mode: deps.kioskMode,
          attended,
          devices: ports.devices(),
          minimumAge: deps.policy.minimumAge,
          staffCall: staffCall !== null,
          document: vault.document() ?? ports.fallbackDocument,
        }),
      countdown: staff.countdown() ?? countdown,
      kioskMode: deps.kioskMode,
      defaultLanguage: language,
      demo: ports.demo
        ? { cards: ports.demo.cards().map((c) => ({ id: c.id, label: c.label })), placed: ports.demo.placed(), leds: ledTest ?? ledOf(state, staffCall !== null) }
        : null,
    };
  }

  function publish(): void {
    const pattern = ledTest ?? ledOf(state, staffCall !== null);
    if (pattern !== led) {
      led = pattern;
      ports.leds.show(pattern);
    }
    view = buildView();
    for (const l of [...listeners]) {
      try {
        l(view);
      } catch (e) {
        log.warn("flow.listener-failed", { error: e instanceof Error ? e.name : typeof e });
      }
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      state = { kind: "idle", epoch: 0, cardOn: ports.card.present() };
      enter(state);
      unsubscribeCard = ports.card.subscribe((e) => send({ type: e === "inserted" ? "CARD_INSERTED" : "CARD_REMOVED" }));
      publish();
      send({ type: "DEVICES", healthy: devicesHealthy(ports.devices()) });
    },
    stop() {
      if (!started) return;
      started = false;
      unsubscribeCard();
      stateCtl.abort();
      cancelStateTimer();
      cancelSessionTimer();
      cancelStaffCall();
      staff.close();
      purgeSession();
      listeners.clear();
    },
    state: () => state,
    devicesChanged() {
      if (!started) return;
      send({ type: "DEVICES", healthy: devicesHealthy(ports.devices()) });
      if (state.kind === "out-of-service") publish(); // which device, on the screen
    },
    view: () => view ?? buildView(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(message: ClientMessage) {
      switch (message.type) {
        case "start":
          send({ type: "START" });
          return;
        case "cancel":
          send({ type: "CANCEL" });
          return;
        case "confirm":
          send({ type: "CONFIRM" });
          return;
        case "manual-entry":
          send({ type: "ENTRY_SUBMITTED", entry: message.entry });
          return;
        case "demo-place-card":
          if (!ports.demo) return;
          ports.demo.place(message.cardId);
          publish();
          return;
        case "type-instead":
          send({ type: "TYPE_INSTEAD" });
          return;
        case "demo-remove-card":
          if (!ports.demo) return;
          ports.demo.remove();
          publish();
          return;
        case "entry-draft":
          if (state.kind === "manual-entry" && ports.entryProblem) {
            const document = vault.document() ?? ports.fallbackDocument;
            send({ type: "ENTRY_DRAFT", problem: ports.entryProblem(document.kind, message.entry, tokyoDate(clock.now())) });
          }
          return;
        case "staff-open":
          if (state.kind === "idle" || state.kind === "out-of-service" || state.kind === "card-left") staff.open();
          return;
        case "staff-login":
          staff.login(message.pin);
          return;
        case "staff-led-test":
          staff.ledTest(message.pattern);
          return;
        case "staff-set-language":
          if (staff.overlay()?.kind === "staff") {
            language = message.lang;
            publish();
          }
          return;
        case "staff-close":
          staff.close();
          return;
        case "staff-acknowledge":
          if (staff.overlay()?.kind === "staff" && staffCall !== null) {
            callStaff(null);
            publish();
          }
          return;
      }
    },
    health,
  };
}
