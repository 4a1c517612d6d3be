// Preloaded with `node --import <this file>`: registers module hooks that append every resolved
// ES module URL (and every CommonJS file Node loads) to the file named by RECORD_IMPORTS, one per line.
// Used by test/integration/cli/lazy-imports.test.ts and scripts/bench-cli.ts to see which packages a kioskctl command loads.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const file = process.env.RECORD_IMPORTS;
if (file) {
  register(new URL("./record-hooks.mjs", import.meta.url), { data: { file } });
  // CommonJS files required from inside packages (e.g. better-sqlite3's `bindings`) bypass the ESM hooks.
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = load.apply(this, [request, parent, isMain]);
    try {
      appendFileSync(file, `cjs ${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      appendFileSync(file, `cjs ${request}\n`);
    }
    return loaded;
  };
}
