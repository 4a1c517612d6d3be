import { runKioskctl } from "../cli/kioskctl";

const code = await runKioskctl(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
});
process.exitCode = code;
