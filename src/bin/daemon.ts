/**
 * The daemon's entry point (systemd ExecStart, `npm run demo`): parse config, start, stop on
 * SIGTERM/SIGINT. Exit codes: 0 clean stop, 78 invalid configuration (EX_CONFIG), 1 failed to start.
 */
// First: WASM compiler flags must be set before any module is compiled (see wasm-flags.ts).
import "./wasm-flags";
import { loadConfig } from "../config";
import { createLogger } from "../log";
import { ConfigError, startDaemon } from "../main";

const log = createLogger({ write: (line) => process.stderr.write(line) });

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(
    [
      "usage: node dist/daemon.js [--mode demo|production] [--port N] [--config FILE]",
      "",
      "The mynaguard kiosk daemon. demo: every device simulated; production: real devices only.",
      "Environment: MYNAGUARD_CONFIG, MYNAGUARD_MODE, MYNAGUARD_PORT. See docs/configuration.md.",
      "",
    ].join("\n"),
  );
  process.exit(0);
}
if (process.argv.includes("--version")) {
  process.stdout.write(`${__MYNAGUARD_VERSION__}\n`);
  process.exit(0);
}

const loaded = loadConfig({ argv: process.argv.slice(2), env: process.env });
if (!loaded.ok) {
  for (const error of loaded.errors) log.error("config-invalid", { error });
  process.exit(78);
}

try {
  const daemon = await startDaemon({ config: loaded.config, log, env: process.env });
  // Demo: the URL to open, with this run's WebSocket token. Production never prints the token: the
  // kiosk browser reads it from the token file (docs/security.md).
  const shown = loaded.config.mode === "demo" ? daemon.kioskUrl : daemon.url;
  process.stdout.write(`mynaguard ${__MYNAGUARD_VERSION__} (${loaded.config.mode}) on ${shown}\n`);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    log.info("signal", { signal });
    daemon.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error("stop-failed", { message: e instanceof Error ? e.message : String(e) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
} catch (e) {
  if (e instanceof ConfigError) {
    for (const error of e.errors) log.error("config-invalid", { error });
    process.exit(78);
  }
  log.error("start-failed", { message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
