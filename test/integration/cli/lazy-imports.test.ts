/**
 * kioskctl loads only what a command needs (issue 16, "snappy tools"): each command runs the built
 * dist/kioskctl.js in a child process with scripts/record-imports.mjs preloaded, which records every
 * module Node resolves (ES modules through a resolve hook, CommonJS through Module._load). The test
 * then compares the packages from node_modules that were loaded with what the command may use.
 * `npm run build` comes first on the test line; run it before this file on its own.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KIOSKCTL, ROOT } from "../helpers/daemon";

const RECORDER = path.join(ROOT, "scripts/record-imports.mjs");
const tmp = mkdtempSync(path.join(tmpdir(), "kioskctl-imports-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The heavy engines and native bindings, by package (a scope stands for all its packages). */
const ENGINES = ["tesseract.js", "@vladmandic/human", "@tensorflow", "better-sqlite3", "pcsclite", "onoff", "@cornerstonejs", "ws"];

let runs = 0;
/** Runs kioskctl with `args` and returns its exit code and the node_modules packages it loaded. */
function loadedBy(args: readonly string[]): { code: number | null; packages: Set<string>; stderr: string } {
  const record = path.join(tmp, `run-${runs++}.txt`);
  const r = spawnSync(process.execPath, ["--import", RECORDER, KIOSKCTL, ...args], {
    cwd: ROOT,
    env: { ...process.env, RECORD_IMPORTS: record, MYNAGUARD_CONFIG: "", PCSCLITE_CSOCK_NAME: path.join(tmp, "no-pcscd.comm") },
    encoding: "utf8",
    timeout: 60_000,
  });
  const lines = existsSync(record) ? readFileSync(record, "utf8").split("\n") : [];
  const packages = new Set<string>();
  for (const line of lines) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line);
    if (m?.[1]) packages.add(m[1]);
  }
  return { code: r.status, packages, stderr: r.stderr };
}

const engines = (packages: Set<string>): string[] =>
  ENGINES.filter((e) => [...packages].some((p) => p === e || p.startsWith(`${e}/`)));

describe("kioskctl loads only what each command needs", () => {
  it("the recorder sees packages (the check can fail): the eager face engine path loads tfjs", () => {
    expect(existsSync(KIOSKCTL)).toBe(true);
    const r = loadedBy(["face-compare", path.join(ROOT, "test/fixtures/faces/chip-a.jp2"), path.join(ROOT, "test/fixtures/faces/live-a.jpg"), "--json"]);
    expect(engines(r.packages)).toEqual(expect.arrayContaining(["@vladmandic/human", "@tensorflow"]));
    expect(engines(r.packages)).not.toEqual(expect.arrayContaining(["tesseract.js"]));
    expect(engines(r.packages)).not.toContain("better-sqlite3");
    expect(engines(r.packages)).not.toContain("pcsclite");
  });

  it("kioskctl --help and every command's --help load no engine; read-card --help loads no package at all", () => {
    expect(loadedBy(["--help"]).packages).toEqual(new Set());
    for (const cmd of ["health", "ocr-card", "readers", "read-card", "stats", "update", "rollback", "trust", "face-compare"]) {
      const r = loadedBy([cmd, "--help"]);
      expect(r.code, cmd).toBe(0);
      expect(engines(r.packages), cmd).toEqual([]);
    }
    expect(loadedBy(["read-card", "--help"]).packages).toEqual(new Set());
  });

  it("health (daemon not reachable) loads no engine", () => {
    const r = loadedBy(["health", "--url", "http://127.0.0.1:9/healthz"]);
    expect(r.code).toBe(3);
    expect(engines(r.packages)).toEqual([]);
  });

  it("stats loads SQLite and nothing else heavy", () => {
    const r = loadedBy(["stats", "--db", path.join(tmp, "missing.sqlite")]);
    expect(r.code).toBe(3);
    expect(engines(r.packages)).toEqual(["better-sqlite3"]);
  });

  it("trust list loads no engine", () => {
    const r = loadedBy(["trust", "list"]);
    expect(r.code).toBe(0);
    expect(engines(r.packages)).toEqual([]);
  });

  it("ocr-card reads with the OCR engine and loads no face engine, SQLite or PC/SC", () => {
    const r = loadedBy(["ocr-card", path.join(ROOT, "test/fixtures/cardface/heisei-1.jpg"), "--json"]);
    // Exit 0: the image was read "sure", so the OCR engine (both its engines) ran. It runs in its own
    // worker thread (src/cardfront/tesseract.ts, since memory round 5), which loads tesseract.js's WASM
    // core there; the recorder's module hooks see the main thread only, where no engine is loaded.
    expect(r.code, r.stderr).toBe(0);
    expect(engines(r.packages)).toEqual([]);
  });

  it("readers and read-card load PC/SC and no OCR, face engine or SQLite", () => {
    // No pcscd on the private socket: the commands report that, after loading the binding.
    for (const args of [["readers", "--json"], ["read-card", "--code-b", "00000000000000", "--wait", "100", "--json"]]) {
      const r = loadedBy(args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(engines(r.packages), args.join(" ")).toEqual(["pcsclite"]);
    }
  });
});
