/**
 * What each port-calling effect of the machine does: call the port with the state's signal, keep
 * what it returns in the vault, and answer with an event. The runner (runner.ts) owns the when:
 * it gives every effect a scope tied to the state that started it.
 *
 * Rules kept here:
 * - An answer that arrives after its state was left (`!scope.current()`) is never turned into an
 *   event; if it carries personal data (a 照合番号B, a chip record, a PNG) that data is wiped at once.
 * - A port that throws (synchronously or by rejecting) is a device failure: `scope.failed`.
 * - The access key (e.g. 照合番号B) is wiped as soon as the chip has been read. Until then it stays in
 *   the vault only for the re-read after a lifted card is put back; whether that read may spend a try
 *   again is the document kind's call (e.g. card/mynumber/retry-policy.ts), never this file's.
 * - Which document kind the session is about is learnt first, with no secret (`recognise`, at the
 *   start of "read-card-front"); every later port call names it. If recognition has not answered
 *   when the camera step ends, the first registered kind (`ports.fallbackDocument`) is assumed: a
 *   kind's read opens its own application before it sends a key, so no key reaches another kind.
 */
import { tokyoDate } from "../age/date";
import type { Logger } from "../log";
import type { Effect, Event } from "./machine";
import { chipFacts, chipVerdict, faceVerdict, type FlowPolicy } from "./outcome";
import { chipFailureReason, type Clock, type DocumentInfo, type FlowPorts, type Recognition } from "./ports";
import type { Vault } from "./vault";

export type PortEffect = Extract<
  Effect,
  { type: "read-card-front" | "check-entry" | "read-chip" | "assess-authenticity" | "check-face" | "prepare-staff-view" }
>;

export function isPortEffect(e: Effect): e is PortEffect {
  switch (e.type) {
    case "read-card-front":
    case "check-entry":
    case "read-chip":
    case "assess-authenticity":
    case "check-face":
    case "prepare-staff-view":
      return true;
    case "start-session":
    case "end-session":
    case "record-audit":
    case "purge":
    case "check-devices":
      return false;
  }
}

export interface EffectScope {
  /** Aborted when the state that started the effect is left. */
  signal: AbortSignal;
  /** Whether that state is still the current one. */
  current: () => boolean;
  /** Send an event, only while the state is current. */
  emit: (event: Event) => void;
  /** The port failed (threw or rejected): ends the session as a device error while current. */
  failed: (error: unknown) => void;
}

export interface EffectDeps {
  ports: FlowPorts;
  vault: Vault;
  clock: Clock;
  policy: FlowPolicy;
  log: Logger;
  /** Attended mode: the staff view changed (the runner publishes a new view). */
  staffViewChanged(): void;
}

/** Runs `f`, turning a synchronous throw into a rejection. */
function attempt<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

export function runPortEffect(effect: PortEffect, scope: EffectScope, deps: EffectDeps): void {
  const { ports, vault, clock } = deps;
  const { signal, current, emit, failed } = scope;
  switch (effect.type) {
    case "read-card-front":
      attempt(() => ports.recognise(signal)).then((r) => {
        if (!current()) return;
        const document = recognised(r, scope);
        if (!document) return;
        vault.setDocument(document);
        readFront(document, scope, deps);
      }, failed);
      return;

    case "check-entry": {
      const document = sessionDocument(deps);
      attempt(() => ports.checkEntry(document.kind, effect.entry, tokyoDate(clock.now()), signal)).then((r) => {
        if (!current()) {
          if (r.ok) r.key.wipe();
          return;
        }
        if (r.ok) vault.setKey(r.key);
        emit({ type: "ENTRY_CHECKED", problem: r.ok ? null : r.problem });
      }, failed);
      return;
    }

    case "read-chip":
      readChip(scope, deps);
      return;

    case "assess-authenticity": {
      const held = vault.chip();
      if (!held) {
        failed(new Error("no chip record"));
        return;
      }
      attempt(() => ports.assessAuthenticity(held.chip, held.evidence, signal)).then((auth) => {
        if (!current()) return;
        const facts = chipFacts(held.chip.birthDate, held.chip.expiry, tokyoDate(clock.now()));
        vault.setAssessment(facts.age, auth);
        emit({ type: "CHECKED", verdict: chipVerdict(facts, auth, deps.policy, held.chip.kind) });
      }, failed);
      return;
    }

    case "check-face": {
      const held = vault.chip();
      if (!held) {
        failed(new Error("no chip record"));
        return;
      }
      const onHint = (hint: Parameters<Parameters<FlowPorts["checkFace"]>[2]>[0]) => {
        if (current()) emit({ type: "FACE_HINT", hint });
      };
      attempt(() => ports.checkFace(held.chip.portrait, signal, onHint)).then((answer) => {
        if (current()) emit({ type: "FACE_CHECKED", verdict: faceVerdict(answer) });
      }, failed);
      return;
    }

    case "prepare-staff-view": {
      const held = vault.chip();
      if (!held) return;
      attempt(() => ports.photoPng(held.chip.portrait, signal)).then(
        (png) => {
          if (!current()) {
            png?.fill(0);
            return;
          }
          vault.buildAttended(png);
          deps.staffViewChanged();
        },
        (e: unknown) => {
          // The staff still see the name, address and dates without the photo.
          if (!current()) return;
          deps.log.warn("flow.photo-failed", { error: e instanceof Error ? e.name : typeof e });
          vault.buildAttended(null);
          deps.staffViewChanged();
        },
      );
      return;
    }
  }
}

/** The session's document: the recognised one, else the fallback (recognition did not answer in time). */
function sessionDocument(deps: EffectDeps): DocumentInfo {
  return deps.vault.document() ?? deps.ports.fallbackDocument;
}

/** A recognised document, or null after ending the session (not one the kiosk reads, or the reader failed). */
function recognised(r: Recognition, scope: EffectScope): DocumentInfo | null {
  switch (r.kind) {
    case "known":
      return r.document;
    case "unsupported":
      scope.emit({ type: "FAILED", reason: "unsupported-document" });
      return null;
    case "read-error":
      scope.emit({ type: "FAILED", reason: "read-error" });
      return null;
    case "no-card":
      // The card was lifted: its removal event moves the flow on.
      return null;
  }
}

/** The document's camera route to its access key (or straight to typing when it has none). */
function readFront(document: DocumentInfo, scope: EffectScope, deps: EffectDeps): void {
  const { signal, current, emit, failed } = scope;
  const onFrame = (frames: number) => {
    if (current()) emit({ type: "CARD_FRONT_PROGRESS", frames });
  };
  attempt(() => deps.ports.readCardFront(document.kind, signal, onFrame)).then((r) => {
    if (!current()) {
      if (r.kind === "sure") r.key.wipe();
      return;
    }
    if (r.kind === "sure") deps.vault.setKey(r.key);
    emit({
      type: "CARD_FRONT_READ",
      sure: r.kind === "sure",
      prefill: r.prefill,
      problem: r.kind === "unsure" ? (r.problem ?? null) : null,
      ...(r.kind === "typed" ? { photographed: false } : {}),
    });
  }, failed);
}

function readChip(scope: EffectScope, deps: EffectDeps): void {
  const { signal, current, emit, failed } = scope;
  const { vault, ports } = deps;
  const key = vault.key();
  if (!key) {
    failed(new Error("no key to present"));
    return;
  }
  const onProgress = (p: { progress: number; triesLeft: number | null }) => {
    if (current()) emit({ type: "CHIP_PROGRESS", progress: p.progress, triesLeft: p.triesLeft });
  };
  attempt(() => ports.readChip(sessionDocument(deps).kind, key, signal, onProgress)).then((r) => {
    if (!current()) {
      if (r.kind === "ok") vault.wipeLate(r.data, r.evidence);
      return;
    }
    if (r.kind === "ok") {
      vault.setChip(r.data, r.evidence);
      vault.wipeKey();
      emit({ type: "CHIP_READ", failure: null, triesLeft: r.triesLeft });
      return;
    }
    const triesLeft = "triesLeft" in r ? r.triesLeft : r.kind === "blocked" ? 0 : null;
    emit({ type: "CHIP_READ", failure: chipFailureReason(r), triesLeft });
  }, failed);
}
