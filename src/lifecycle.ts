/**
 * Lifecycle helpers shared by the composition root and the device factories: lazy opening, warm
 * start before READY, closing everything.
 */
import type { Logger } from "./log";

/**
 * Opens something on first use and shares it afterwards. A failed open is not remembered: the next
 * use tries again, so one bad start (e.g. memory pressure while a model loads) does not put every
 * later session out of service until a restart.
 */
export function lazily<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | null = null;
  return () =>
    (opened ??= open().catch((e: unknown) => {
      opened = null;
      throw e;
    }));
}

/**
 * Runs every step in order even when one throws or rejects, then throws the first failure: a device
 * that fails to close must not leave the others (or the audit database) open.
 */
export async function closeAll(steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      failures.push(e);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * Opens each lazily-opened engine now, in parallel, and logs how long each took. A step that fails
 * is logged and left to the lazy open's retry at first use (the daemon still starts: /healthz and
 * the out-of-service screen must work without OCR). Bounded: each step is awaited at most
 * `timeoutMs`, the `warmStart` budget of the one budget table (src/flow/budgets.ts, config
 * `budgets.warmStart`); a step still running then goes on in the background and the daemon reports
 * ready without it.
 */
export async function warmStart(
  steps: readonly (readonly [name: string, open: () => Promise<unknown>])[],
  log: Logger,
  timeoutMs: number,
): Promise<{ totalMs: number; steps: Record<string, number | "failed" | "timeout"> }> {
  const t0 = performance.now();
  const result: Record<string, number | "failed" | "timeout"> = {};
  await Promise.all(
    steps.map(async ([name, open]) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
      // Never rejects, so a step that fails after its timeout is not an unhandled rejection.
      const opened = open().then(
        () => ({ ok: true as const }),
        (e: unknown) => ({ ok: false as const, message: e instanceof Error ? e.message : String(e) }),
      );
      const r = await Promise.race([opened, timeout]);
      clearTimeout(timer);
      if (r === "timeout") result[name] = "timeout";
      else if (r.ok) result[name] = Math.round(performance.now() - started);
      else {
        result[name] = "failed";
        log.warn("warm-start-failed", { step: name, message: r.message });
      }
    }),
  );
  const totalMs = Math.round(performance.now() - t0);
  log.info("warm-start", { totalMs, timeoutMs, ...result });
  return { totalMs, steps: result };
}
