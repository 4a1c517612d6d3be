/**
 * Structured logging: one JSON line per event on stderr (journald under systemd).
 *
 * The field type is deliberately narrow (strings, numbers, booleans): there is no way to hand an
 * object, a buffer or a record to the logger, so chip data, photos and 照合番号B cannot be dumped into
 * the journal by accident. Log outcomes, reason codes, durations and retry-counter state only.
 */
export type LogValue = string | number | boolean | null;
export type LogFields = Readonly<Record<string, LogValue>>;
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `component` to every line. */
  child(component: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(opts: {
  write: (line: string) => void;
  level?: LogLevel;
  now?: () => number;
  component?: string;
}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const now = opts.now ?? Date.now;
  const emit = (level: LogLevel, event: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const line: Record<string, LogValue> = { t: new Date(now()).toISOString(), level, event };
    if (opts.component) line["component"] = opts.component;
    if (fields) for (const [k, v] of Object.entries(fields)) line[k] = v;
    opts.write(JSON.stringify(line) + "\n");
  };
  return {
    debug: (e, f) => emit("debug", e, f),
    info: (e, f) => emit("info", e, f),
    warn: (e, f) => emit("warn", e, f),
    error: (e, f) => emit("error", e, f),
    child: (component) => createLogger({ ...opts, component: opts.component ? `${opts.component}.${component}` : component }),
  };
}

/** A logger that records lines in memory (tests scan them for personal data). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l), level: "debug" });
  return Object.assign(log, { lines });
}
