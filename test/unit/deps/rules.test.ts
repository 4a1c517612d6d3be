/**
 * The dependency rules in .dependency-cruiser.cjs fire on planted violations: a scratch tree shaped
 * like src/ with one violation of each kind (an upward import, a type-only import cycle, a command
 * importing the composition root, an adapter imported outside src/devices.ts, a folder with no layer)
 * is cruised with the repository's own configuration, and the test checks the exact rule names.
 * `npm run deps` runs the same rules over the real tree.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(path.join(tmpdir(), "depcruise-rules-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const files: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "Bundler", strict: true } }),
  "src/log.ts": "export const log = 1;\n",
  "src/main.ts": 'import { openCardReader } from "./devices";\nexport const main = openCardReader;\n',
  "src/devices.ts": 'import { openPcscReader } from "./card/pcsc";\nexport const openCardReader = openPcscReader;\n',
  "src/card/pcsc.ts": "export const openPcscReader = 1;\n",
  "src/card/apdu.ts": "export const apdu = 1;\n",
  // allowed: flow imports the domain below it
  "src/flow/machine.ts": 'import { apdu } from "../card/apdu";\nexport const machine = apdu;\n',
  // upward: domain imports flow
  "src/card/card.ts": 'import { machine } from "../flow/machine";\nexport const card = machine;\n',
  // a cycle made of type-only imports, and an upward arrow inside it (audit -> flow)
  "src/audit/sink.ts": 'import type { Band } from "../flow/outcome";\nexport type Sink = Band;\n',
  "src/flow/outcome.ts": 'import type { Sink } from "../audit/sink";\nexport type Band = "ok";\nexport type Rec = Sink;\n',
  // a cycle of type-only imports inside one layer
  "src/age/a.ts": 'import type { B } from "./b";\nexport type A = B | 1;\n',
  "src/age/b.ts": 'import type { A } from "./a";\nexport type B = 2;\nexport type AB = A;\n',
  // a command reaching the composition root
  "src/cli/readers.ts": 'import { main } from "../main";\nexport const readers = main;\n',
  // an adapter outside the device factories
  "src/flow/runner.ts": 'import { openPcscReader } from "../card/pcsc";\nexport const runner = openPcscReader;\n',
  // a folder nobody placed in a layer
  "src/gadgets/thing.ts": 'import { log } from "../log";\nexport const thing = log;\n',
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(scratch, name)), { recursive: true });
  writeFileSync(path.join(scratch, name), text);
}

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

describe("dependency-cruiser rules", () => {
  it("fire on each planted violation, and only on those", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"), "--config", path.join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "json", "src"],
      { cwd: scratch, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.stdout, r.stderr).not.toBe("");
    const result = JSON.parse(r.stdout) as { summary: { violations: Violation[] } };
    const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual(
      [
        "adapters-only-from-device-factories: src/flow/runner.ts -> src/card/pcsc.ts",
        "cli-does-not-import-the-composition-root: src/cli/readers.ts -> src/main.ts",
        "every-src-file-has-a-layer: src/gadgets/thing.ts -> src/log.ts",
        "no-circular: src/audit/sink.ts -> src/flow/outcome.ts",
        "no-circular: src/age/a.ts -> src/age/b.ts",
        "no-upward-import-from-domain: src/audit/sink.ts -> src/flow/outcome.ts",
        "no-upward-import-from-domain: src/card/card.ts -> src/flow/machine.ts",
      ].sort(),
    );
  });
});
