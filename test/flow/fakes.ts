/**
 * Fakes of the flow's ports (src/flow/ports.ts) for scenario tests and the soak benchmark.
 * Each device answers after a scripted delay on the (fake) clock, or never ("hang": it only settles
 * when its signal aborts, as the real adapters promise). Everything handed to the flow is recorded
 * so tests can check that it was zeroed.
 */
import { CodeB } from "../../src/card/secret";
import type { AuditRecord, AuditSink } from "../../src/audit/sink";
import type { EntryPrefill, StaffCounts } from "../../src/protocol";
import type { Authenticity, FaceAnswer } from "../../src/flow/outcome";
import type {
  CardPresence,
  ChipReadResult,
  DeviceStates,
  DocumentData,
  DocumentEvidence,
  DocumentInfo,
  EntryCheck,
  FaceHint,
  FlowPorts,
  FrontResult,
  Recognition,
} from "../../src/flow/ports";
import { MY_NUMBER_ACCESS_KEY } from "../../src/documents/mynumber/access-key";
import { createSimLeds, type SimLeds } from "../../src/leds/sim";

export interface PersonSpec {
  birth: string; // YYYYMMDD
  expiry: string; // YYYYMMDD
  sex: "1" | "2" | "0" | "9";
  /** 14 digits */
  codeB: string;
}

export const ADULT: PersonSpec = { birth: "19870423", expiry: "20341231", sex: "2", codeB: "87042334123456" };

type Answer<T> = { after: number; value: T } | "hang" | "throw";

/** The document the fake reader holds: described like the My Number card (its access-key schema). */
export const FAKE_DOCUMENT: DocumentInfo = { kind: "mynumber", accessKey: MY_NUMBER_ACCESS_KEY, tries: { counter: "card", minLeftToSpend: 3 } };

export interface Script {
  /** Recognition of the card on the reader (instant by default). */
  recognise: Answer<Recognition["kind"]>;
  front: Answer<"sure" | "unsure" | "back-side-up">;
  entry: Answer<"ok" | "problem">;
  chip: Answer<ChipReadResult["kind"]>;
  triesLeft: number;
  auth: Answer<Authenticity>;
  face: Answer<FaceAnswer>;
  photo: Answer<"png" | "none">;
}

export const HAPPY: Script = {
  recognise: { after: 0, value: "known" },
  front: { after: 800, value: "sure" },
  entry: { after: 10, value: "ok" },
  chip: { after: 1500, value: "ok" },
  triesLeft: 5,
  auth: { after: 200, value: "genuine" },
  face: { after: 2000, value: { kind: "match" } },
  photo: { after: 50, value: "png" },
};

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Recognisable filler so that a test can find image bytes if they were not zeroed. */
export function marker(tag: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const t = ascii(tag);
  for (let i = 0; i < length; i++) out[i] = t[i % t.length] ?? 0;
  return out;
}

export function chipFor(p: PersonSpec): DocumentData {
  return {
    kind: FAKE_DOCUMENT.kind,
    birthDate: ascii(p.birth),
    expiry: ascii(p.expiry),
    portrait: marker("PHOTO-JP2-", 2048),
    images: [
      { label: "name", png: marker("NAME-IMAGE-", 512) },
      { label: "address", png: marker("ADDRESS-IMAGE-", 512) },
    ],
    text: [{ label: "sex", ascii: ascii(p.sex) }],
  };
}

class FakeEvidence implements DocumentEvidence {
  wiped = false;
  wipe(): void {
    this.wiped = true;
  }
}

export interface FakeWorld {
  ports: FlowPorts;
  leds: SimLeds;
  audit: MemoryAudit;
  script: Script;
  person: PersonSpec;
  devices: DeviceStates;
  insert(): void;
  remove(): void;
  /** Every chip record, code and evidence handed to the flow. */
  handed: { chips: DocumentData[]; codes: CodeB[]; evidence: FakeEvidence[]; pngs: Uint8Array[] };
  faceHints(hints: (FaceHint | null)[]): void;
}

export interface MemoryAudit extends AuditSink {
  records: AuditRecord[];
}

export function memoryAudit(): MemoryAudit {
  const records: AuditRecord[] = [];
  return {
    records,
    record(r) {
      records.push(r);
    },
    counts(sinceMs): StaffCounts {
      const out: StaffCounts = { byOutcome: { pass: 0, fail: 0, refer: 0, abandoned: 0 }, byReason: {} };
      for (const r of records) {
        if (r.startedAt < sinceMs) continue;
        out.byOutcome[r.outcome]++;
        if (r.reason) out.byReason[r.reason] = (out.byReason[r.reason] ?? 0) + 1;
      }
      return out;
    },
  };
}

function answer<T>(a: Answer<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException("aborted", "AbortError"));
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    if (a === "hang") return;
    if (a === "throw") {
      timer = setTimeout(() => reject(new Error("device fell off")), 10);
      return;
    }
    timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(a.value);
    }, a.after);
  });
}

export function createFakeWorld(overrides: Partial<Script> = {}, person: PersonSpec = ADULT): FakeWorld {
  const script: Script = { ...HAPPY, ...overrides };
  const leds = createSimLeds();
  const audit = memoryAudit();
  const listeners = new Set<(e: CardPresence) => void>();
  let present = false;
  let hints: (FaceHint | null)[] = [];
  const devices: DeviceStates = { reader: "ok", camera: "ok", leds: "ok" };
  const handed: FakeWorld["handed"] = { chips: [], codes: [], evidence: [], pngs: [] };
  const code = () => {
    const c = CodeB.fromDigits(person.codeB);
    if (!c) throw new Error("bad test code");
    handed.codes.push(c);
    return c;
  };
  const prefill: EntryPrefill = { calendar: "western", birthYear: person.birth.slice(0, 4) };

  const ports: FlowPorts = {
    card: {
      present: () => present,
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    fallbackDocument: FAKE_DOCUMENT,
    async recognise(signal): Promise<Recognition> {
      const v = await answer(script.recognise, signal);
      switch (v) {
        case "known":
          return { kind: "known", document: FAKE_DOCUMENT };
        case "read-error":
          return { kind: v, detail: "6F00" };
        case "unsupported":
        case "no-card":
          return { kind: v };
      }
    },
    async readCardFront(_kind, signal, onFrame): Promise<FrontResult> {
      onFrame(1);
      const v = await answer(script.front, signal);
      if (v === "sure") return { kind: "sure", key: code(), prefill };
      return v === "back-side-up" ? { kind: "unsure", prefill: { calendar: "era" }, problem: "card:back-side-up" } : { kind: "unsure", prefill };
    },
    async checkEntry(_kind, _entry, _today, signal): Promise<EntryCheck> {
      const v = await answer(script.entry, signal);
      return v === "ok" ? { ok: true, key: code() } : { ok: false, problem: "birth-date-invalid" };
    },
    entryProblem: (_kind, entry) => (entry["birthYear"] && entry["birthYear"].length === 4 ? null : "incomplete"),
    async readChip(_kind, _key, signal, onProgress): Promise<ChipReadResult> {
      onProgress({ progress: 0.1, triesLeft: script.triesLeft });
      const kind = await answer(script.chip, signal);
      onProgress({ progress: 1, triesLeft: script.triesLeft });
      switch (kind) {
        case "ok": {
          const chip = chipFor(person);
          const evidence = new FakeEvidence();
          handed.chips.push(chip);
          handed.evidence.push(evidence);
          return { kind, data: chip, evidence, triesLeft: script.triesLeft };
        }
        case "wrong-code":
          return { kind, triesLeft: script.triesLeft - 1 };
        case "refused-low-tries":
          return { kind, triesLeft: script.triesLeft };
        case "blocked":
        case "unsupported-document":
        case "no-card":
          return { kind };
        case "read-error":
          return { kind, detail: "6F00" };
      }
    },
    assessAuthenticity: (_chip, _evidence, signal) => answer(script.auth, signal),
    async checkFace(_photo, signal, onHint) {
      for (const h of hints) onHint(h);
      return answer(script.face, signal);
    },
    async photoPng(_photo, signal) {
      const v = await answer(script.photo, signal);
      if (v === "none") return null;
      const png = marker("PHOTO-PNG-", 256);
      handed.pngs.push(png);
      return png;
    },
    devices: () => ({ ...devices }),
    leds,
    audit,
    demo: null,
  };

  return {
    ports,
    leds,
    audit,
    script,
    person,
    devices,
    handed,
    insert() {
      present = true;
      for (const l of [...listeners]) l("inserted");
    },
    remove() {
      present = false;
      for (const l of [...listeners]) l("removed");
    },
    faceHints(h) {
      hints = h;
    },
  };
}

/** True when every byte of every buffer is zero. */
export function allZero(...buffers: Uint8Array[]): boolean {
  return buffers.every((b) => b.every((x) => x === 0));
}

export function chipZeroed(c: DocumentData): boolean {
  return allZero(c.birthDate, c.expiry, c.portrait, ...c.images.map((i) => i.png), ...c.text.map((t) => t.ascii));
}
