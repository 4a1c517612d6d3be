/**
 * Builds the runner on fake ports and vitest's fake clock, and records what the customer would
 * have seen: the sequence of screens, the LED patterns and the audit records.
 */
import { vi } from "vitest";
import { createRunner, type FlowRunner } from "../../src/flow/runner";
import { DEFAULT_BUDGETS, type Budgets } from "../../src/flow/budgets";
import type { FlowPolicy } from "../../src/flow/outcome";
import { systemClock } from "../../src/flow/ports";
import type { KioskMode, LedPattern, ViewMessage } from "../../src/protocol";
import { memoryLogger } from "../../src/log";
import { createFakeWorld, ADULT, type FakeWorld, type PersonSpec, type Script } from "./fakes";

export const DEFAULT_POLICY: FlowPolicy = {
  minimumAge: 20,
  requireGenuineChip: true,
  requireFaceMatch: true,
  refuseExpired: true,
  minTriesLeft: 3,
};

export interface Kiosk {
  runner: FlowRunner;
  world: FakeWorld;
  views: ViewMessage[];
  /** Screen names in order, consecutive repeats collapsed. */
  screens: string[];
  last(): ViewMessage;
  /** LED patterns in order, consecutive repeats collapsed. */
  leds(): LedPattern[];
  advance(ms: number): Promise<void>;
  log: ReturnType<typeof memoryLogger>;
}

export interface KioskOptions {
  script?: Partial<Script>;
  person?: PersonSpec;
  kioskMode?: KioskMode;
  policy?: Partial<FlowPolicy>;
  budgets?: Partial<Budgets>;
  /** Wall clock at start (ISO). */
  now?: string;
  /** A card is already on the reader when the daemon starts. */
  cardOnAtStart?: boolean;
  /** Till POST failures so far (issue 19), as main.ts passes them. */
  tillPostFailures?: () => number;
}

function screenLabel(v: ViewMessage): string {
  const s = v.screen;
  if (s.name === "reading-chip" && s.cardRemoved) return "reading-chip(card-removed)";
  if (s.name === "result") return `result(${s.outcome}${s.reason ? `:${s.reason}` : ""})`;
  return s.name;
}

export function startKiosk(opts: KioskOptions = {}): Kiosk {
  vi.useFakeTimers({ now: new Date(opts.now ?? "2026-06-01T03:00:00Z") });
  const world = createFakeWorld(opts.script, opts.person ?? ADULT);
  const log = memoryLogger();
  const runner = createRunner({
    ports: world.ports,
    clock: systemClock,
    budgets: { ...DEFAULT_BUDGETS, ...opts.budgets },
    policy: { ...DEFAULT_POLICY, ...opts.policy },
    kioskMode: opts.kioskMode ?? "unattended",
    runMode: "demo",
    kioskId: "kiosk-test",
    version: "test",
    defaultLanguage: "ja",
    staffPin: "2580",
    log,
    ...(opts.tillPostFailures ? { tillPostFailures: opts.tillPostFailures } : {}),
  });
  const views: ViewMessage[] = [];
  const screens: string[] = [];
  runner.subscribe((v) => {
    views.push(v);
    const label = screenLabel(v);
    if (screens[screens.length - 1] !== label) screens.push(label);
  });
  if (opts.cardOnAtStart) world.insert();
  runner.start();
  return {
    runner,
    world,
    views,
    screens,
    log,
    last() {
      const v = views[views.length - 1];
      return v ?? runner.view();
    },
    leds: () => world.leds.history.filter((p, i, a) => i === 0 || a[i - 1] !== p),
    advance: (ms) => vi.advanceTimersByTimeAsync(ms).then(() => undefined),
  };
}

export function stopKiosk(k: Kiosk | undefined): void {
  k?.runner.stop();
  vi.useRealTimers();
}
