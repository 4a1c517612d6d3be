/**
 * `kioskctl ocr-card IMAGE... [--json] [--reveal] [--session]`: run the card-face pipeline on photos
 * (JPEG/PNG) it has never seen, to measure it in the field. Per image: the side seen, each field read
 * or why not, and whether that frame alone is "sure" (all three fields read and plausible). With
 * `--session` the images are also fed, in order, as the frames of one session to readCardFront (the
 * kiosk's multi-frame rule) and the overall answer is printed. Values print as "[redacted]" unless
 * `--reveal`; with `--reveal` and a sure session, the agreed fields and the derived 照合番号B print too.
 * An OCR failure inside a frame (e.g. a line that times out, `--line-timeout-ms`) is a reason for that
 * frame ("ocr: timeout"), not a crash.
 *
 * Exit codes: 0 every image (or the session) sure, 1 some not sure (including OCR failures inside a
 * frame), 2 usage, 3 an image unreadable, 4 the OCR engine failed to start, 5 crashed (an internal
 * error: a bug, never a judgement about the card).
 */
import { readFile } from "node:fs/promises";
import { formatIsoDate, tokyoDate } from "../age/date";
import { framesCamera, type Frame } from "../camera/camera";
import { encodedSize } from "../camera/image-size";
import { REDACTED } from "../card/secret";
import type { BirthField } from "../cardfront/fields";
import { readFrame, type FrameReading } from "../cardfront/frame-read";
import type { OcrPort } from "../cardfront/ocr";
import { checkCard } from "../cardfront/plausibility";
import { readCardFront, type CardFrontResult } from "../cardfront/read";
import type { Command, CommandIo } from "./command";

export const EXIT = { sure: 0, notSure: 1, usage: 2, badImage: 3, engine: 4, crashed: 5 } as const;

export interface OcrCardImageJson {
  image: string;
  side: "front" | "back" | "unknown" | "no-card" | "bad-image" | "ocr-failed";
  fields: { birth: string | null; expiry: string | null; securityCode: string | null };
  sure: boolean;
  reasons: string[];
  ms: number;
}

export interface OcrCardJson {
  images: OcrCardImageJson[];
  session?: {
    result: CardFrontResult["kind"];
    reasons: string[];
    /** Only with --reveal and a sure result. */
    fields?: { birth: string; expiry: string; securityCode: string };
    codeB?: string;
  };
}

function birthText(b: BirthField): string {
  return b.calendar === "era" ? `${b.era} ${b.eraYear}-${b.month}-${b.day}` : `${b.year}-${b.month}-${b.day}`;
}

export function describeReading(image: string, r: FrameReading, reveal: boolean, today: ReturnType<typeof tokyoDate>, ms: number): OcrCardImageJson {
  const show = (v: string) => (reveal ? v : REDACTED);
  const base = { image, fields: { birth: null, expiry: null, securityCode: null }, ms: Math.round(ms) };
  switch (r.kind) {
    case "bad-image":
      return { ...base, side: "bad-image", sure: false, reasons: ["bad-image"] };
    case "no-card":
      return { ...base, side: "no-card", sure: false, reasons: [r.reason] };
    case "side-unknown":
      return { ...base, side: "unknown", sure: false, reasons: ["side-unknown"] };
    case "back-side-up":
      return { ...base, side: "back", sure: false, reasons: ["back-side-up (not read)"] };
    case "ocr-failed":
      return { ...base, side: "ocr-failed", sure: false, reasons: [`ocr: ${r.reason}`] };
    case "front": {
      const reasons: string[] = [];
      if (!r.birth.ok) reasons.push(`birth: ${r.birth.reason}`);
      if (!r.expiry.ok) reasons.push(`expiry: ${r.expiry.reason}`);
      if (!r.securityCode.ok) reasons.push(`securityCode: ${r.securityCode.reason}`);
      if (r.birth.ok && r.expiry.ok && r.securityCode.ok) {
        for (const p of checkCard({ birth: r.birth.value, expiry: r.expiry.value, securityCode: r.securityCode.value }, today)) reasons.push(`${p.field}: ${p.code}`);
      }
      return {
        ...base,
        side: "front",
        fields: {
          birth: r.birth.ok ? show(birthText(r.birth.value)) : null,
          expiry: r.expiry.ok ? show(formatIsoDate(r.expiry.value)) : null,
          securityCode: r.securityCode.ok ? show(r.securityCode.value) : null,
        },
        sure: reasons.length === 0,
        reasons,
      };
    }
  }
}


export const ocrCardCommand: Command = {
  usage: [
    "usage: kioskctl ocr-card IMAGE... [--json] [--reveal] [--session]",
    "",
    "Runs the card-face pipeline (find card, refuse a back side, rectify, OCR, plausibility) on each",
    "JPEG/PNG and prints per image the fields read, whether that frame is sure, and why not.",
    "--session  also treat the images as consecutive frames of one session (needs agreeing frames).",
    "--reveal   print the values instead of [redacted]; with --session and a sure result, also the",
    "           agreed fields and the 照合番号B derived from them.",
    "--line-timeout-ms N  bound for one OCR engine call (default 3000); a timeout is a reason, not a crash.",
    "Exit codes: 0 all sure, 1 some not sure, 2 usage, 3 an image unreadable, 4 OCR engine failed to",
    "start, 5 crashed (internal error).",
  ].join("\n"),
  async run(args, io) {
    try {
      return await run(args, io);
    } catch (e) {
      // Only the error's class: a message could carry what was read.
      io.err(`kioskctl ocr-card: crashed (${e instanceof Error ? e.name : "unknown error"})\n`);
      return EXIT.crashed;
    }
  },
};

/** The session's answer; with `reveal` and a sure result also the fields and 照合番号B. Wipes the code. */
function sessionJson(r: CardFrontResult, reveal: boolean): NonNullable<OcrCardJson["session"]> {
  const out: NonNullable<OcrCardJson["session"]> = { result: r.kind, reasons: r.kind === "unsure" ? r.reasons.map((x) => JSON.stringify(x)) : [] };
  if (r.kind !== "sure") return out;
  if (reveal) {
    out.fields = { birth: birthText(r.fields.birth), expiry: formatIsoDate(r.fields.expiry), securityCode: r.fields.securityCode };
    out.codeB = r.code.useBytes((b) => String.fromCharCode(...b));
  }
  r.code.wipe();
  return out;
}

async function run(args: readonly string[], io: CommandIo): Promise<number> {
  const files: string[] = [];
  let json = false, reveal = false, session = false;
  let lineTimeoutMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--json") json = true;
    else if (a === "--reveal") reveal = true;
    else if (a === "--session") session = true;
    else if (a === "--line-timeout-ms") {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1) {
        io.err("kioskctl ocr-card: --line-timeout-ms needs a positive integer\n");
        return EXIT.usage;
      }
      lineTimeoutMs = n;
    } else if (a.startsWith("--")) {
      io.err(`kioskctl ocr-card: unknown option ${a}\n`);
      return EXIT.usage;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err("kioskctl ocr-card: give at least one image\n");
    return EXIT.usage;
  }
  const frames: Frame[] = [];
  for (const f of files) {
    try {
      const data = new Uint8Array(await readFile(f));
      const size = encodedSize(data);
      if (!size) throw new Error("not a JPEG or PNG");
      frames.push({ width: size.width, height: size.height, format: size.format, data, capturedAt: Date.now() });
    } catch (e) {
      io.err(`kioskctl ocr-card: ${f}: ${(e as Error).message}\n`);
      return EXIT.badImage;
    }
  }
  let ocr: OcrPort;
  try {
    // The OCR engine (tesseract.js) is loaded only when there is an image to read, not for --help.
    const { createTesseractOcr } = await import("../cardfront/tesseract");
    ocr = await createTesseractOcr(lineTimeoutMs !== undefined ? { lineTimeoutMs } : {});
  } catch {
    io.err("kioskctl ocr-card: the OCR engine did not start (are @tesseract.js-data/jpn and /eng installed?)\n");
    return EXIT.engine;
  }
  const today = tokyoDate(Date.now());
  const signal = AbortSignal.timeout(60_000 + 5_000 * files.length);
  const out: OcrCardJson = { images: [] };
  try {
    for (const [i, f] of frames.entries()) {
      const t0 = performance.now();
      const r = await readFrame({ ocr }, { ...f, data: f.data.slice() }, today, signal);
      out.images.push(describeReading(files[i] ?? "", r, reveal, today, performance.now() - t0));
    }
    if (session) {
      const r = await readCardFront({ camera: framesCamera(frames), ocr, clock: { now: () => Date.now() } }, signal, 60_000);
      out.session = sessionJson(r, reveal);
    }
  } finally {
    for (const f of frames) f.data.fill(0);
    await ocr.close();
  }
  if (json) io.out(JSON.stringify(out) + "\n");
  else {
    for (const im of out.images) {
      io.out(`${im.image}: ${im.side} ${im.sure ? "SURE" : "not sure"}${im.reasons.length ? ` (${im.reasons.join("; ")})` : ""} ${im.ms} ms\n`);
      io.out(`  birth ${im.fields.birth ?? "-"}  expiry ${im.fields.expiry ?? "-"}  code ${im.fields.securityCode ?? "-"}\n`);
    }
    if (out.session) io.out(`session: ${out.session.result}${out.session.reasons.length ? ` (${out.session.reasons.join("; ")})` : ""}\n`);
    if (out.session?.fields) io.out(`  birth ${out.session.fields.birth}  expiry ${out.session.fields.expiry}  code ${out.session.fields.securityCode}  照合番号B ${out.session.codeB ?? "-"}\n`);
  }
  const allSure = out.session ? out.session.result === "sure" : out.images.every((im) => im.sure);
  return allSure ? EXIT.sure : EXIT.notSure;
}
