/**
 * Child process for the heap-snapshot purge test: runs the real runner with ports that make a
 * customer's personal data from numbers given on the command line (so that the only strings and
 * buffers holding it are the ones the flow itself creates), plays one session, and writes V8 heap
 * snapshots: `during.heapsnapshot` on the attended result screen (positive control) and
 * `after.heapsnapshot` once the kiosk is idle again, after a full GC.
 *
 * argv: outDir outcome(pass|fail|abandoned) mode(unattended|attended) y m d codeSeed imageSeed
 */
import { writeHeapSnapshot } from "node:v8";
import path from "node:path";
import { CodeB } from "../../../src/card/secret";
import { createRunner } from "../../../src/flow/runner";
import { DEFAULT_BUDGETS } from "../../../src/flow/budgets";
import { systemClock, type DocumentData, type DocumentInfo, type FlowPorts } from "../../../src/flow/ports";
import { MY_NUMBER_ACCESS_KEY } from "../../../src/documents/mynumber/access-key";

const MYNUMBER: DocumentInfo = { kind: "mynumber", accessKey: MY_NUMBER_ACCESS_KEY, tries: { counter: "card", minLeftToSpend: 3 } };
import { createSimLeds } from "../../../src/leds/sim";
import { createLogger } from "../../../src/log";
import type { AuditRecord } from "../../../src/audit/sink";
import { imageBytes } from "./personal";

const [outDir = ".", outcome = "pass", mode = "unattended", ...nums] = process.argv.slice(2);
const [y = 0, m = 0, d = 0, codeSeed = 0, imageSeed = 0] = nums.map(Number);

function digitsInto(out: Uint8Array, at: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    out[at + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
}
function dateAscii(year: number, month: number, day: number): Uint8Array {
  const b = new Uint8Array(8);
  digitsInto(b, 0, year, 4);
  digitsInto(b, 4, month, 2);
  digitsInto(b, 6, day, 2);
  return b;
}
function codeB(): CodeB {
  // yyMMdd of birth + 4-digit expiry year + 4-digit code, built as characters one by one.
  const b = new Uint8Array(14);
  digitsInto(b, 0, y % 100, 2);
  digitsInto(b, 2, m, 2);
  digitsInto(b, 4, d, 2);
  digitsInto(b, 6, 2034, 4);
  digitsInto(b, 10, codeSeed, 4);
  const c = CodeB.fromDigits(String.fromCharCode(...b));
  b.fill(0);
  if (!c) throw new Error("code");
  return c;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const audit: AuditRecord[] = [];
let present = false;
const card: { listener: ((e: "inserted" | "removed") => void) | null } = { listener: null };

const ports: FlowPorts = {
  card: {
    present: () => present,
    subscribe(l) {
      card.listener = l;
      return () => (card.listener = null);
    },
  },
  fallbackDocument: MYNUMBER,
  recognise: () => Promise.resolve({ kind: "known", document: MYNUMBER }),
  readCardFront: async () => {
    await wait(5);
    return { kind: "sure", key: codeB(), prefill: { calendar: "western" } };
  },
  checkEntry: () => Promise.resolve({ ok: false, problem: "incomplete" }),
  entryProblem: () => null,
  readChip: async (_kind, _key, _signal, onProgress) => {
    onProgress({ progress: 0.5, triesLeft: 5 });
    await wait(5);
    const data: DocumentData = {
      kind: MYNUMBER.kind,
      birthDate: dateAscii(y, m, d),
      expiry: dateAscii(2034, 12, 31),
      portrait: imageBytes(imageSeed + 2, 3000),
      images: [
        { label: "name", png: imageBytes(imageSeed, 600) },
        { label: "address", png: imageBytes(imageSeed + 1, 600) },
      ],
      text: [{ label: "sex", ascii: Uint8Array.of(0x31) }],
    };
    return { kind: "ok", data, evidence: { wipe() {} }, triesLeft: 5 };
  },
  assessAuthenticity: async () => {
    await wait(5);
    return "genuine";
  },
  checkFace: async (_photo, signal) => {
    if (outcome === "abandoned") {
      await new Promise((_r, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
    }
    await wait(5);
    return { kind: "match" };
  },
  photoPng: async (photo) => {
    await wait(5);
    return imageBytes(imageSeed + 3, photo.length > 0 ? 900 : 0);
  },
  devices: () => ({ reader: "ok", camera: "ok", leds: "ok" }),
  leds: createSimLeds(),
  audit: {
    record: (r) => void audit.push(r),
    counts: () => ({ byOutcome: { pass: 0, fail: 0, refer: 0, abandoned: 0 }, byReason: {} }),
  },
  demo: null,
};

const runner = createRunner({
  ports,
  clock: systemClock,
  budgets: { ...DEFAULT_BUDGETS, resultUnattended: 3_000 },
  policy: { minimumAge: outcome === "fail" ? 120 : 20, requireGenuineChip: true, requireFaceMatch: true, refuseExpired: true, minTriesLeft: 3 },
  kioskMode: mode === "attended" ? "attended" : "unattended",
  runMode: "demo",
  kioskId: "kiosk-heap",
  version: "test",
  defaultLanguage: "ja",
  staffPin: "2580",
  log: createLogger({ write: () => {} }),
});
let views = 0;
runner.subscribe(() => void views++);
runner.start();

const until = async (pred: () => boolean) => {
  for (let i = 0; i < 500 && !pred(); i++) await wait(10);
  if (!pred()) throw new Error(`stuck in ${runner.state().kind}`);
};

present = true;
card.listener?.("inserted");
if (outcome === "abandoned") {
  await until(() => runner.state().kind === "face-check");
  runner.dispatch({ type: "cancel" });
} else {
  await until(() => runner.state().kind === "result");
}
if (mode === "attended") {
  await until(() => runner.view().screen.name === "result" && JSON.stringify(runner.view().screen).includes("photoPngBase64\":\""));
  writeHeapSnapshot(path.join(outDir, "during.heapsnapshot"));
}
// The customer takes the card: purge, idle.
present = false;
card.listener?.("removed");
await until(() => runner.state().kind === "idle");
await wait(20);
(globalThis as { gc?: () => void }).gc?.();
writeHeapSnapshot(path.join(outDir, "after.heapsnapshot"));
process.stdout.write(JSON.stringify({ outcome: audit[0]?.outcome, reason: audit[0]?.reason, views }) + "\n");
runner.stop();
