/**
 * The one place where a session's personal data lives: the 照合番号B, the chip record, the
 * authenticity evidence and (attended mode only) the staff view built from them.
 *
 * `purge()` zeroes every buffer (`fill(0)`), wipes the code and the evidence, and drops every
 * reference, so that after the next garbage collection nothing of the customer is reachable; the
 * heap-snapshot test (test/integration/purge/) checks exactly that. Strings cannot be zeroed in
 * JavaScript, so none is made from personal data except the attended staff view, which is only
 * ever referenced from here and from the last view message (replaced on the next state).
 */
import type { CodeB } from "../card/secret";
import type { AttendedChipData } from "../protocol";
import type { Authenticity } from "./outcome";
import type { ChipData, ChipEvidence } from "./ports";

export interface Vault {
  setCodeB(code: CodeB): void;
  codeB(): CodeB | null;
  wipeCodeB(): void;
  setChip(chip: ChipData, evidence: ChipEvidence): void;
  chip(): { chip: ChipData; evidence: ChipEvidence } | null;
  setAssessment(age: number, auth: Authenticity): void;
  /** Attended mode: build the staff view from the held chip data (and the decoded photo, if any). */
  buildAttended(photoPng: Uint8Array | null): void;
  attended(): AttendedChipData | null;
  /** Wipe a record that arrived after its state was left. */
  wipeLate(chip: ChipData, evidence: ChipEvidence): void;
  purge(): void;
  /** For tests: whether anything is held. */
  empty(): boolean;
}

export function zeroChip(chip: ChipData): void {
  chip.birthDate.fill(0);
  chip.expiry.fill(0);
  chip.sex.fill(0);
  chip.nameImage.fill(0);
  chip.addressImage.fill(0);
  chip.photo.fill(0);
}

const SEX: Record<number, AttendedChipData["sex"]> = { 0x31: "male", 0x32: "female", 0x30: "not-known", 0x39: "not-applicable" };

function isoFromAscii(b: Uint8Array): string {
  const d = String.fromCharCode(...b);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

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
  let code: CodeB | null = null;
  let held: { chip: ChipData; evidence: ChipEvidence } | null = null;
  let assessment: { age: number; auth: Authenticity } | null = null;
  let photoPng: Uint8Array | null = null;
  let staff: AttendedChipData | null = null;

  return {
    setCodeB(c) {
      if (code && code !== c) code.wipe();
      code = c;
    },
    codeB: () => code,
    wipeCodeB() {
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
    buildAttended(png) {
      if (!held) return;
      photoPng?.fill(0);
      photoPng = png;
      const c = held.chip;
      staff = {
        photoPngBase64: png ? base64(png) : null,
        namePngBase64: base64(c.nameImage),
        addressPngBase64: base64(c.addressImage),
        birthDate: isoFromAscii(c.birthDate),
        sex: SEX[c.sex[0] ?? 0] ?? "not-known",
        expiry: isoFromAscii(c.expiry),
        age: assessment?.age ?? -1,
        authenticity: assessment?.auth ?? "not-checked",
      };
    },
    attended: () => staff,
    wipeLate(chip, evidence) {
      zeroChip(chip);
      evidence.wipe();
    },
    purge() {
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
    empty: () => code === null && held === null && staff === null && photoPng === null,
  };
}
