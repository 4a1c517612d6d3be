import { existsSync } from "node:fs";
import { runKioskctl } from "../cli/kioskctl";

/** On an installed kiosk the daemon's config lives here; kioskctl reads it too (mode, audit path…). */
const SYSTEM_CONFIG = "/etc/mynaguard/config.json";

const env = { ...process.env };
if (env["MYNAGUARD_CONFIG"] === undefined && existsSync(SYSTEM_CONFIG)) env["MYNAGUARD_CONFIG"] = SYSTEM_CONFIG;

const code = await runKioskctl(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env,
});
process.exitCode = code;
