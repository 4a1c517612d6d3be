/**
 * Two small lifecycle helpers shared by the composition root and the device factories.
 */

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
