import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { INITIAL, budgetOf, transition, type Effect, type Event, type MachineOptions, type State } from "../../../src/flow/machine";
import { PASS, verdictFor } from "../../../src/flow/outcome";

const UNATTENDED: MachineOptions = { kioskMode: "unattended", requireFaceMatch: true };
const ATTENDED: MachineOptions = { kioskMode: "attended", requireFaceMatch: false };

function run(events: Event[], opts = UNATTENDED, from: State = INITIAL) {
  let state = from;
  const effects: Effect[] = [];
  const states: State[] = [state];
  for (const e of events) {
    const step = transition(state, e, opts);
    state = step.state;
    effects.push(...step.effects);
    states.push(state);
  }
  return { state, effects, states };
}

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.constantFrom<Event>(
    { type: "START" },
    { type: "CANCEL" },
    { type: "CONFIRM" },
    { type: "CARD_INSERTED" },
    { type: "CARD_REMOVED" },
    { type: "BUDGET_EXPIRED" },
    { type: "SESSION_EXPIRED" },
    { type: "DEVICES", healthy: true },
    { type: "DEVICES", healthy: false },
    { type: "CARD_FRONT_READ", sure: true, prefill: { calendar: "era" } },
    { type: "CARD_FRONT_READ", sure: false, prefill: { calendar: "era" } },
    { type: "ENTRY_SUBMITTED", entry: { calendar: "western" } },
    { type: "ENTRY_DRAFT", problem: "incomplete" },
    { type: "ENTRY_CHECKED", problem: null },
    { type: "ENTRY_CHECKED", problem: "birth-date-invalid" },
    { type: "CHIP_PROGRESS", progress: 0.5, triesLeft: 4 },
    { type: "CHIP_READ", failure: null, triesLeft: 5 },
    { type: "CHIP_READ", failure: "wrong-code", triesLeft: 4 },
    { type: "CHIP_READ", failure: "card-removed", triesLeft: null },
    { type: "CHECKED", verdict: null },
    { type: "CHECKED", verdict: verdictFor("clone-suspected") },
    { type: "FACE_HINT", hint: "closer" },
    { type: "CARD_FRONT_PROGRESS", frames: 3 },
    { type: "TYPE_INSTEAD" },
    { type: "FACE_CHECKED", verdict: PASS },
    { type: "FACE_CHECKED", verdict: verdictFor("face-no-match") },
    { type: "FAILED", reason: "device-error" },
  ),
);

describe("the session machine", () => {
  it("goes idle → capture → chip → checking → face → result → idle on the happy path", () => {
    const { states, effects } = run([
      { type: "CARD_INSERTED" },
      { type: "CARD_FRONT_READ", sure: true, prefill: { calendar: "era" } },
      { type: "CHIP_READ", failure: null, triesLeft: 5 },
      { type: "CHECKED", verdict: null },
      { type: "FACE_CHECKED", verdict: PASS },
      { type: "CARD_REMOVED" },
      { type: "CONFIRM" },
    ]);
    expect(states.map((s) => s.kind)).toEqual(["idle", "capture-card-face", "reading-chip", "checking", "face-check", "result", "result", "idle"]);
    expect(effects.map((e) => e.type)).toEqual([
      "start-session",
      "read-card-front",
      "read-chip",
      "assess-authenticity",
      "check-face",
      "end-session",
      "record-audit",
      "purge",
      "purge",
      "check-devices",
    ]);
  });

  it("gives every state but idle a budget, and the attended result a longer one", () => {
    expect(budgetOf(INITIAL, "unattended")).toBeNull();
    const result: State = { kind: "result", epoch: 1, s: { checks: [], triesLeft: null, cardOn: true }, verdict: PASS };
    expect(budgetOf(result, "unattended")).toBe("resultUnattended");
    expect(budgetOf(result, "attended")).toBe("resultAttended");
  });

  it("keeps the data for staff in attended mode until the result is left", () => {
    const { effects } = run(
      [
        { type: "CARD_INSERTED" },
        { type: "CARD_FRONT_READ", sure: true, prefill: { calendar: "era" } },
        { type: "CHIP_READ", failure: null, triesLeft: 5 },
        { type: "CHECKED", verdict: null },
      ],
      ATTENDED,
    );
    expect(effects.map((e) => e.type)).toContain("prepare-staff-view");
    expect(effects.map((e) => e.type)).not.toContain("purge");
  });

  it("ignores answers meant for other states (a chip answer on the place-card screen changes nothing)", () => {
    const placeCard = run([{ type: "START" }]).state;
    const step = transition(placeCard, { type: "CHIP_READ", failure: null, triesLeft: 5 }, UNATTENDED);
    expect(step.state).toBe(placeCard);
    expect(step.effects).toEqual([]);
  });

  it("for any sequence of events: never throws, epochs only grow, one audit record per session, purge before idle", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.boolean(), (events, attended) => {
        const opts = attended ? ATTENDED : UNATTENDED;
        let state = INITIAL;
        let inSession = false;
        let audits = 0;
        let purgedSinceVerdict = true;
        for (const e of events) {
          const step = transition(state, e, opts);
          expect(step.state.epoch).toBeGreaterThanOrEqual(state.epoch);
          for (const eff of step.effects) {
            if (eff.type === "start-session") {
              expect(inSession).toBe(false);
              inSession = true;
              audits = 0;
            }
            if (eff.type === "record-audit") {
              audits++;
              purgedSinceVerdict = false;
            }
            if (eff.type === "purge") purgedSinceVerdict = true;
          }
          if (step.state.kind === "result") expect(audits).toBe(1);
          if (step.state.kind === "result" && !attended) expect(purgedSinceVerdict).toBe(true);
          if (step.state.kind === "idle" && state.kind !== "idle") {
            expect(purgedSinceVerdict).toBe(true);
            inSession = false;
          }
          state = step.state;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("for any sequence of events: every session state can still reach a verdict by its budgets alone", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        let { state } = run(events);
        // Only budget expiries from here on: the session must end in at most a few steps (a card
        // left on the reader then waits, outside any session, for the card to be lifted).
        for (let i = 0; i < 6 && state.kind !== "idle" && state.kind !== "out-of-service" && state.kind !== "card-left"; i++) {
          state = transition(state, { type: "BUDGET_EXPIRED" }, UNATTENDED).state;
        }
        expect(["idle", "out-of-service", "card-left"]).toContain(state.kind);
        if (state.kind === "card-left") expect(transition(state, { type: "CARD_REMOVED" }, UNATTENDED).state.kind).toBe("idle");
      }),
      { numRuns: 2000 },
    );
  });
});
