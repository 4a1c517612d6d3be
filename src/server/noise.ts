/**
 * Rate-limited logging for client noise (invalid frames, refused upgrades, sockets over the cap):
 * per event name, the first `perWindow` lines of each window are logged, the rest only counted, and
 * one `client-noise-suppressed` line with the count closes the window. A flood of 10,000 bad frames
 * costs a handful of journal lines, so journald never drops the daemon's real lines for it.
 */
import type { LogFields, Logger } from "../log";

export interface NoiseLog {
  /** Log (or count) one noisy client event. */
  note(event: string, fields?: LogFields): void;
  /** Report what is still counted and stop the window timer. */
  close(): void;
}

export interface NoiseLogOptions {
  /** Lines per event name per window. Default 5. */
  perWindow?: number;
  /** Window length (ms). Default 60 000. */
  windowMs?: number;
  now?: () => number;
  /** Timer for the end-of-window summary (tests pass a fake). Default setTimeout, unref'd. */
  after?: (ms: number, fn: () => void) => () => void;
}

const realAfter = (ms: number, fn: () => void): (() => void) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

export function createNoiseLog(log: Logger, opts: NoiseLogOptions = {}): NoiseLog {
  const perWindow = opts.perWindow ?? 5;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const after = opts.after ?? realAfter;
  const seen = new Map<string, number>();
  let windowStart = 0;
  let cancel: (() => void) | null = null;

  const flush = (): void => {
    cancel?.();
    cancel = null;
    for (const [event, n] of seen) {
      if (n > perWindow) log.warn("client-noise-suppressed", { noise: event, suppressed: n - perWindow, windowMs });
    }
    seen.clear();
  };

  return {
    note(event, fields) {
      const t = now();
      if (cancel === null || t - windowStart >= windowMs) {
        flush();
        windowStart = t;
        cancel = after(windowMs, flush);
      }
      const n = (seen.get(event) ?? 0) + 1;
      seen.set(event, n);
      if (n <= perWindow) log.warn(event, n === perWindow ? { ...fields, further: "counted for this minute" } : fields);
    },
    close: flush,
  };
}
