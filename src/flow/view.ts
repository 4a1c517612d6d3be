/**
 * State → what the screen and the status lights show (zag's "connect"): pure functions, so every
 * screen and LED pattern follows from the machine state alone (plus, for idle, whether a referral is
 * still waiting for staff).
 */
import type { AttendedChipData, DocumentKindId, KioskMode, LedPattern, ResultToken, Screen } from "../protocol";
import type { DeviceStates, DocumentInfo } from "./ports";
import { customerAdvice, customerReason } from "./outcome";
import type { State } from "./machine";

export interface ViewFacts {
  readonly mode: KioskMode;
  readonly attended: AttendedChipData | null;
  readonly devices: DeviceStates;
  readonly minimumAge: number;
  /** A referral is waiting for staff. */
  readonly staffCall: boolean;
  /** The session's document kind (manual entry renders its access-key fields). */
  readonly document: DocumentInfo;
  /** The kind recognised on the reader, null until recognition answered (no fallback). */
  readonly recognised: DocumentKindId | null;
  /** The verdict token for the till, once signed (issue 19); absent or null: none. */
  readonly token?: ResultToken | null;
}

const entryDocument = (d: DocumentInfo) => ({ kind: d.kind, accessKey: d.accessKey });

export function screenOf(state: State, f: ViewFacts): Screen {
  switch (state.kind) {
    case "idle":
      return { name: "idle", staffCall: f.staffCall };
    case "out-of-service":
      return { name: "out-of-service", devices: f.devices };
    case "place-card":
      return { name: "place-card", notice: state.notice };
    case "capture-card-face":
      return { name: "capture-card-face", frames: state.frames, document: f.recognised };
    case "manual-entry":
      return { name: "manual-entry", document: entryDocument(f.document), prefill: { ...f.document.accessKey.initial, ...state.prefill }, problem: state.problem, why: state.why };
    case "check-entry":
      return { name: "manual-entry", document: entryDocument(f.document), prefill: { ...f.document.accessKey.initial, ...state.prefill }, problem: null, why: state.why };
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
        reason: customerReason(state.verdict, f.mode),
        attended: f.mode === "attended" ? f.attended : null,
        minimumAge: f.minimumAge,
        advice: customerAdvice(state.verdict),
        cardOn: state.s.cardOn,
        ...(f.token ? { token: f.token } : {}),
      };
    case "card-left":
      return { name: "card-left" };
  }
}

/**
 * The status lights (src/leds/leds.ts has the table). Idle is dark — green means "pass" and nothing
 * else; a referral keeps its own light after the verdict, while the kiosk is idle, until staff
 * acknowledge it or its `staffCall` budget ends.
 */
export function ledOf(state: State, staffCall: boolean): LedPattern {
  switch (state.kind) {
    case "idle":
      return staffCall ? "refer" : "ready";
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
    case "card-left":
      return "card-left";
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
