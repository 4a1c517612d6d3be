/**
 * State → what the screen and the status lights show (zag's "connect"): pure functions, so every
 * screen and LED pattern follows from the machine state alone.
 */
import type { AttendedChipData, KioskMode, LedPattern, Screen } from "../protocol";
import type { DeviceStates, DocumentInfo } from "./ports";
import { customerReason } from "./outcome";
import type { State } from "./machine";

export function screenOf(
  state: State,
  mode: KioskMode,
  attended: AttendedChipData | null,
  devices: DeviceStates,
  /** The session's document kind (manual entry renders its access-key fields). */
  document: DocumentInfo,
): Screen {
  const entry = { kind: document.kind, accessKey: document.accessKey };
  switch (state.kind) {
    case "idle":
      return { name: "idle" };
    case "out-of-service":
      return { name: "out-of-service", devices };
    case "place-card":
      return { name: "place-card" };
    case "capture-card-face":
      return { name: "capture-card-face" };
    case "manual-entry":
      return { name: "manual-entry", document: entry, prefill: { ...document.accessKey.initial, ...state.prefill }, problem: state.problem };
    case "check-entry":
      return { name: "manual-entry", document: entry, prefill: { ...document.accessKey.initial, ...state.prefill }, problem: null };
    case "reading-chip":
      return { name: "reading-chip", progress: state.progress, triesLeft: state.s.triesLeft };
    case "replace-card":
      return { name: "reading-chip", progress: 0, triesLeft: state.s.triesLeft, cardRemoved: true };
    case "checking":
      return { name: "checking" };
    case "face-check":
      return { name: "face-check", hint: state.hint };
    case "result":
      return {
        name: "result",
        outcome: state.verdict.outcome,
        reason: customerReason(state.verdict, mode),
        attended: mode === "attended" ? attended : null,
      };
  }
}

export function ledOf(state: State): LedPattern {
  switch (state.kind) {
    case "idle":
    case "place-card":
    case "manual-entry":
      return "ready";
    case "capture-card-face":
    case "check-entry":
    case "reading-chip":
    case "replace-card":
    case "checking":
    case "face-check":
      return "busy";
    case "out-of-service":
      return "out-of-service";
    case "result":
      switch (state.verdict.outcome) {
        case "pass":
          return "pass";
        case "fail":
          return "fail";
        case "refer":
          return "refer";
        case "abandoned":
          return "ready";
      }
  }
}
