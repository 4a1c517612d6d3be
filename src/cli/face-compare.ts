/**
 * `kioskctl face-compare CHIP_PHOTO LIVE_IMAGE [--json] [--config PATH]`: compare a chip photo
 * (JPEG 2000, as read from EF 0002 DF27) with one live image (JPEG or PNG) using the real face engine
 * and the configured thresholds, and print the scores and the decision. For technicians checking a
 * camera position or the thresholds on a kiosk; nothing is written anywhere, the pixels and
 * embeddings are zeroed before exit.
 *
 * The JSON object is a scripting interface (README section "face"): keep it additive.
 */
import { readFile } from "node:fs/promises";
import { loadConfig } from "../config";
import type { FaceDecision, FaceThresholds } from "../face/compare";
import { createJp2Decoder, type Jp2Problem } from "../face/jp2";
import type { ImageFileProblem } from "../image/decode";
import { compareStill } from "../face/still";
import { openFaceEngine } from "../devices";
import type { Command } from "./command";

export const FACE_COMPARE_EXIT = { match: 0, noMatch: 1, usage: 2, notSure: 3, unreadable: 4, engineError: 5 } as const;

export interface FaceCompareJson {
  decision: FaceDecision["decision"];
  reason: FaceDecision["reason"];
  scores: FaceDecision["scores"];
  thresholds: FaceThresholds;
  chipProblem: Jp2Problem | null;
  liveProblem: ImageFileProblem | null;
  engine: string;
  timings: { loadMs: number; chipMs: number; liveMs: number };
}

export const faceCompareCommand: Command = {
  usage: [
    "usage: kioskctl face-compare CHIP_PHOTO LIVE_IMAGE [--json] [--config PATH]",
    "",
    "Decodes CHIP_PHOTO (JPEG 2000: JP2 file or raw codestream), finds the face in LIVE_IMAGE",
    "(JPEG or PNG), and decides match / no-match / not-sure with the thresholds of the kiosk's",
    "configuration (--config PATH or MYNAGUARD_CONFIG; the defaults otherwise). Runs the real",
    "models from the installed package, offline. Nothing is written to disk.",
    "",
    "Exit codes: 0 match, 1 no-match, 3 not-sure, 4 an input could not be read,",
    "5 the face engine failed, 2 usage.",
  ].join("\n"),
  async run(args, io) {
    let json = false;
    let configPath: string | undefined;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? "";
      if (a === "--json") json = true;
      else if (a === "--config" && args[i + 1] !== undefined) configPath = args[++i];
      else if (a.startsWith("--")) {
        io.err(`kioskctl face-compare: unknown argument ${a}\n`);
        return FACE_COMPARE_EXIT.usage;
      } else files.push(a);
    }
    const [chipPath, livePath] = files;
    if (chipPath === undefined || livePath === undefined || files.length !== 2) {
      io.err("kioskctl face-compare: needs CHIP_PHOTO and LIVE_IMAGE (see --help)\n");
      return FACE_COMPARE_EXIT.usage;
    }
    const cfg = loadConfig({ argv: configPath ? ["--config", configPath] : [], env: io.env });
    if (!cfg.ok) {
      io.err(`kioskctl face-compare: configuration invalid:\n  ${cfg.errors.join("\n  ")}\n`);
      return FACE_COMPARE_EXIT.usage;
    }
    const thresholds: FaceThresholds = { ...cfg.config.face };
    let chip: Uint8Array;
    let live: Uint8Array;
    try {
      [chip, live] = await Promise.all([readFile(chipPath), readFile(livePath)]);
    } catch (e) {
      io.err(`kioskctl face-compare: ${(e as Error).message}\n`);
      return FACE_COMPARE_EXIT.unreadable;
    }
    const t0 = performance.now();
    let engine;
    try {
      engine = await openFaceEngine({ kind: "human" });
    } catch (e) {
      io.err(`kioskctl face-compare: face engine failed to load: ${(e as Error).message}\n`);
      return FACE_COMPARE_EXIT.engineError;
    }
    try {
      const decoder = await createJp2Decoder();
      const loadMs = performance.now() - t0;
      let r;
      try {
        r = await compareStill({ engine, decoder, thresholds }, chip, live);
      } catch (e) {
        io.err(`kioskctl face-compare: face engine failed: ${(e as Error).message}\n`);
        return FACE_COMPARE_EXIT.engineError;
      }
      const out: FaceCompareJson = {
        decision: r.result.decision,
        reason: r.result.reason,
        scores: r.result.scores,
        thresholds,
        chipProblem: r.chipProblem,
        liveProblem: r.liveProblem,
        engine: engine.embeddingId,
        timings: { loadMs: round(loadMs), chipMs: round(r.timings.chipMs), liveMs: round(r.timings.liveMs) },
      };
      if (json) io.out(JSON.stringify(out) + "\n");
      else io.out(humanText(out));
      if (r.chipProblem || r.liveProblem) return FACE_COMPARE_EXIT.unreadable;
      return r.result.decision === "match" ? FACE_COMPARE_EXIT.match : r.result.decision === "no-match" ? FACE_COMPARE_EXIT.noMatch : FACE_COMPARE_EXIT.notSure;
    } finally {
      chip.fill(0);
      live.fill(0);
      await engine.close();
    }
  },
};

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function humanText(o: FaceCompareJson): string {
  const s = o.scores;
  const side = (x: typeof s.chip) =>
    x ? `${x.faces} face(s), ${x.facePixels} px, sharpness ${x.sharpness.toFixed(2)}, liveness ${x.liveness.toFixed(2)}` : "-";
  return [
    `decision    ${o.decision} (${o.reason})`,
    `similarity  ${s.similarity === null ? "-" : s.similarity.toFixed(3)}  (match ≥ ${o.thresholds.matchThreshold}, no-match < ${o.thresholds.noMatchThreshold})`,
    `chip        ${o.chipProblem ? `unreadable: ${o.chipProblem.kind}` : side(s.chip)}`,
    `live        ${o.liveProblem ? `unreadable: ${o.liveProblem.kind}` : side(s.live)}`,
    `engine      ${o.engine}; load ${o.timings.loadMs} ms, chip ${o.timings.chipMs} ms, live ${o.timings.liveMs} ms`,
    "",
  ].join("\n");
}
