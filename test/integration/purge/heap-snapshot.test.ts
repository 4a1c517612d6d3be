/**
 * Purge, proven on the daemon's heap: a child process runs one session through the real runner,
 * the customer takes the card, and a V8 heap snapshot (after a full GC) must contain none of that
 * session's personal values: birth date (as digits and as shown to staff), 照合番号B digits, and the
 * name, address and photo images in the base64 form the staff screen uses. A snapshot taken on the
 * attended result screen, before the purge, must contain them: the search can fail.
 *
 * (A heap snapshot records strings, not the bytes inside ArrayBuffers; that buffers are zeroed is
 * asserted directly in test/flow/*.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { imageBytes } from "./personal";

const Y = 1979;
const M = 11;
const D = 17;
const CODE = 4821;
const IMG = 777;

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const PERSONAL: Record<string, string> = {
  "birth digits": "19791117",
  "birth date shown to staff": "1979-11-17",
  "照合番号B": "79111720344821",
  "name image (base64)": b64(imageBytes(IMG, 600)).slice(0, 48),
  "address image (base64)": b64(imageBytes(IMG + 1, 600)).slice(0, 48),
  "photo PNG (base64)": b64(imageBytes(IMG + 3, 900)).slice(0, 48),
};

let dir = "";
let script = "";
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "mynaguard-heap-"));
  script = path.join(dir, "daemon-session.mjs");
  await build({
    entryPoints: [path.join(import.meta.dirname, "daemon-session.ts")],
    outfile: script,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    define: { __MYNAGUARD_VERSION__: '"test"' },
    logLevel: "warning",
    absWorkingDir: path.resolve(import.meta.dirname, "../../.."),
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runSession(outcome: string, mode: string) {
  const out = path.join(dir, `${outcome}-${mode}`);
  mkdirSync(out);
  const r = spawnSync(process.execPath, ["--expose-gc", script, out, outcome, mode, String(Y), String(M), String(D), String(CODE), String(IMG)], {
    encoding: "utf8",
    timeout: 60_000,
    cwd: path.resolve(import.meta.dirname, "../../.."),
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return { out, summary: JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { outcome: string; reason: string | null } };
}

const found = (file: string) => {
  const text = readFileSync(file, "utf8");
  return Object.entries(PERSONAL)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
};

describe("after a session the daemon's heap holds nothing of the customer", () => {
  it.each([
    ["pass", "attended"],
    ["fail", "attended"],
    ["abandoned", "attended"],
    ["pass", "unattended"],
  ])("a %s session in %s mode leaves no personal value in a heap snapshot", (outcome, mode) => {
    const { out, summary } = runSession(outcome, mode);
    expect(summary.outcome).toBe(outcome);
    expect(found(path.join(out, "after.heapsnapshot"))).toEqual([]);
    if (mode === "attended" && outcome !== "abandoned") {
      // Positive control: on the staff result screen the values are there, so the search works.
      expect(found(path.join(out, "during.heapsnapshot"))).toEqual(
        expect.arrayContaining(["birth date shown to staff", "name image (base64)", "address image (base64)", "photo PNG (base64)"]),
      );
    }
  });
});
