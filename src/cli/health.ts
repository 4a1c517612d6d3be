import type { Health } from "../protocol";
import type { Command } from "./command";

export const healthCommand: Command = {
  usage: [
    "usage: kioskctl health [--url URL] [--json]",
    "",
    "Reads http://127.0.0.1:8080/healthz (or --url, or MYNAGUARD_URL) and prints the mode, version,",
    "each device (reader, camera, leds: ok | missing | error), whether the kiosk is ready, whether a",
    "staff PIN is set (set | demo | not-set) and any note an operator should act on (with the fix).",
    "Exit codes: 0 ready, 1 running but not ready, 3 daemon not reachable, 2 usage.",
  ].join("\n"),
  async run(args, io) {
    let url = io.env["MYNAGUARD_URL"] ?? "http://127.0.0.1:8080";
    let json = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "--json") json = true;
      else if (a === "--url" && args[i + 1] !== undefined) url = args[++i] ?? url;
      else {
        io.err(`kioskctl health: unknown argument ${String(a)}\n`);
        return 2;
      }
    }
    let health: Health;
    try {
      const res = await fetch(new URL("/healthz", url), { signal: AbortSignal.timeout(3000) });
      health = (await res.json()) as Health;
    } catch (e) {
      io.err(`kioskctl health: daemon not reachable at ${url} (${(e as Error).message})\n`);
      return 3;
    }
    if (json) io.out(JSON.stringify(health) + "\n");
    else {
      io.out(
        [
          `mode     ${health.mode}`,
          `version  ${health.version}`,
          `reader   ${health.devices.reader}`,
          `camera   ${health.devices.camera}`,
          `leds     ${health.devices.leds}`,
          `ready    ${health.ready ? "yes" : "no"}`,
          ...(health.staffPin ? [`staffpin ${health.staffPin}`] : []),
          ...(health.notes ?? []).map((n) => `note     ${n}`),
          "",
        ].join("\n"),
      );
    }
    return health.ready ? 0 : 1;
  },
};
