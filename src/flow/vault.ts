/**
 * The one place where a session's personal data lives: the access key (e.g. 照合番号B), the document
 * data, the authenticity evidence and (attended mode only) the staff view built from them. It also
 * keeps which document kind the session is about (not personal; dropped with the session).
 *
 * `purge()` zeroes every buffer (`fill(0)`), wipes the code and the evidence, and drops every
 * reference, so that after the next garbage collection nothing of the customer is reachable; the
 * heap-snapshot test (test/integration/purge/) checks exactly that. Strings cannot be zeroed in
 * JavaScript, so none is made from personal data except the attended staff view, which is only
 * ever referenced from here and from the last view message (replaced on the next state).
 */
import type { AttendedChipData } from "../protocol";
import type { Authenticity } from "./outcome";
import type { AccessKey, DocumentData, DocumentEvidence, DocumentInfo } from "./ports";

export interface Vault {
  setDocument(document: DocumentInfo): void;
  document(): DocumentInfo | null;
  setKey(key: AccessKey): void;
  key(): AccessKey | null;
  wipeKey(): void;
  setChip(chip: DocumentData, evidence: DocumentEvidence): void;
  chip(): { chip: DocumentData; evidence: DocumentEvidence } | null;
  setAssessment(age: number, auth: Authenticity): void;
  /** The authenticity answer of this session, or null when none was made (what the verdict token says). */
  authenticity(): Authenticity | null;
  /** Attended mode: build the staff view from the held chip data (and the decoded photo, if any). */
  buildAttended(photoPng: Uint8Array | null): void;
  attended(): AttendedChipData | null;
  /** Wipe a record that arrived after its state was left. */
  wipeLate(chip: DocumentData, evidence: DocumentEvidence): void;
  purge(): void;
  /** For tests: whether anything is held. */
  empty(): boolean;
}

export function zeroChip(chip: DocumentData): void {
  chip.birthDate.fill(0);
  chip.expiry.fill(0);
  chip.portrait.fill(0);
  for (const i of chip.images) i.png.fill(0);
  for (const t of chip.text) t.ascii.fill(0);
}

const SEX: Record<number, AttendedChipData["sex"]> = { 0x31: "male", 0x32: "female", 0x30: "not-known", 0x39: "not-applicable" };

/** "YYYYMMDD" bytes as YYYY-MM-DD; null when the kind gave no date (e.g. a birth date it was not sure of). */
function isoFromAscii(b: Uint8Array): string | null {
  if (b.length !== 8) return null;
  const d = String.fromCharCode(...b);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

/**
 * V8 keeps the subject of the last successful RegExp match alive for the legacy statics
 * (`RegExp.input`, `RegExp.$1`…): after `CodeB.fromDigits("…")` validated 14 digits with a regex, the
 * digits stayed reachable until the next match anywhere. Found by the heap-snapshot test
 * (test/integration/purge/). A match on a constant string replaces it.
 */
function forgetLastRegExpInput(): void {
  /^$/.exec("");
}

export function createVault(): Vault {
  let document: DocumentInfo | null = null;
  let code: AccessKey | null = null;
  let held: { chip: DocumentData; evidence: DocumentEvidence } | null = null;
  let assessment: { age: number; auth: Authenticity } | null = null;
  let photoPng: Uint8Array | null = null;
  let staff: AttendedChipData | null = null;

  return {
    setDocument(d) {
      document = d;
    },
    document: () => document,
    setKey(c) {
      if (code && code !== c) code.wipe();
      code = c;
    },
    key: () => code,
    wipeKey() {
      code?.wipe();
      code = null;
    },
    setChip(chip, evidence) {
      if (held) {
        zeroChip(held.chip);
        held.evidence.wipe();
      }
      held = { chip, evidence };
    },
    chip: () => held,
    setAssessment(age, auth) {
      assessment = { age, auth };
    },
    authenticity: () => assessment?.auth ?? null,
    buildAttended(png) {
      if (!held) return;
      photoPng?.fill(0);
      photoPng = png;
      const c = held.chip;
      // Whatever the kind carries, labelled; "sex" (a code byte, My Number) becomes its own field.
      const sex = c.text.find((t) => t.label === "sex");
      staff = {
        document: c.kind,
        photoPngBase64: png ? base64(png) : null,
        images: c.images.filter((i) => i.png.length > 0).map((i) => ({ label: i.label, pngBase64: base64(i.png) })),
        text: c.text.filter((t) => t !== sex && t.ascii.length > 0).map((t) => ({ label: t.label, value: utf8.decode(t.ascii) })),
        birthDate: isoFromAscii(c.birthDate),
        sex: sex ? (SEX[sex.ascii[0] ?? 0] ?? "not-known") : null,
        expiry: isoFromAscii(c.expiry),
        age: assessment?.age ?? null,
        authenticity: assessment?.auth ?? "not-checked",
      };
    },
    attended: () => staff,
    wipeLate(chip, evidence) {
      zeroChip(chip);
      evidence.wipe();
    },
    purge() {
      document = null;
      code?.wipe();
      code = null;
      if (held) {
        zeroChip(held.chip);
        held.evidence.wipe();
      }
      held = null;
      photoPng?.fill(0);
      photoPng = null;
      staff = null;
      assessment = null;
      forgetLastRegExpInput();
    },
    empty: () => document === null && code === null && held === null && staff === null && photoPng === null,
  };
}
