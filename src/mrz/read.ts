/**
 * The passport's camera route to its access key: read frames from the document camera until
 * AGREE frames gave the same valid MRZ line 2 (every check digit holding, validate.ts) and two more
 * than any rival valid reading, or the time budget runs out.
 *
 *   readMrz({ camera, ocr }, signal, budgetMs, onFrame?)
 *     → { kind: "sure", key, prefill, frames }   key: MrzKey of src/card/icao (the caller owns it and wipes it)
 *     | { kind: "unsure", prefill, reasons }     → manual entry (three fields), pre-filled only
 *                                                   with a line 2 that was valid and never contradicted
 *
 * Never a guess: a frame whose lines fail any check gives no line of its own; two frames that read
 * two different valid lines make the session wait for two more agreeing frames (FieldVotes, shared
 * with the card-face reader). Besides two valid frames, a valid line may also be agreed by margins
 * pooled over frames reading it identically (PooledMargins), by a frame that hesitated only where
 * the valid frame's check digits settle it (Vouched), and a key prefix by a frame that saw only the
 * lines' left part together with a whole-line frame (KeyParts); no rule changes a reading.
 * Camera failures become reasons, never exceptions; every wait
 * is bounded by `budgetMs` and `signal`. Frames are wiped as soon as they are read.
 */
import { CameraFailure, wipeFrame, type CameraPort } from "../camera/camera";
import { FieldVotes } from "../cardfront/votes";
import type { EntryPrefill } from "../protocol";
import { charValue, KEY_END, TD3 } from "./check";
import { MIN_MARGIN, readMrzFrame, type FrameOptions } from "./frame";
import { MrzKey } from "../card/icao/mrz-key";
import type { MrzCheck } from "./validate";

export interface MrzDeps {
  readonly camera: CameraPort;
  /** How one frame is read (frame.ts options: the model, a test's spoiler); the shipped model by default. */
  readonly frame?: FrameOptions;
}

/** Frames that must read the same valid line 2. */
export const AGREE = 2;
export { KEY_END };
/** Agreeing frames that must have seen the whole line (every check) when a left part is among them. */
export const PART_NEEDS_WHOLE = 1;

/** Manual-entry field ids of the passport's access key (the `passport` kind's AccessKeySchema). */
export const MRZ_ENTRY_FIELDS = { documentNumber: "documentNumber", birthDate: "birthDate", expiry: "expiry" } as const;

export type MrzUnsureReason =
  | { kind: "timeout" | "frames-ended"; frames: number }
  | { kind: "no-mrz"; detail: "no-text" | "no-mrz" | "one-line" }
  | { kind: "unreadable"; detail: "glyph-count" | "low-margin" | "hidden-end" }
  | { kind: "check-failed"; checks: MrzCheck[] }
  | { kind: "disagree" }
  | { kind: "bad-image" }
  | { kind: "camera"; detail: string }
  | { kind: "aborted" };

export type MrzResult = { kind: "sure"; key: MrzKey; prefill: EntryPrefill; frames: number } | { kind: "unsure"; prefill: EntryPrefill; reasons: MrzUnsureReason[] };

/** The three fields of a valid line 2 as the manual-entry screen shows them (fillers dropped). */
export function prefillOf(line2: string): EntryPrefill {
  return {
    [MRZ_ENTRY_FIELDS.documentNumber]: line2.slice(...TD3.documentNumber).replace(/<+$/, ""),
    [MRZ_ENTRY_FIELDS.birthDate]: line2.slice(...TD3.birthDate),
    [MRZ_ENTRY_FIELDS.expiry]: line2.slice(...TD3.expiry),
  };
}

/** The BAC/PACE key (src/card/icao/mrz-key.ts) from a validated line 2, its printed check digits
 *  checked once more by the key's own rules; null if they disagree (never expected after validate.ts). */
export function keyOfLine2(line2: string): MrzKey | null {
  const r = MrzKey.fromFields(
    { documentNumber: line2.slice(...TD3.documentNumber), birthDate: line2.slice(...TD3.birthDate), expiry: line2.slice(...TD3.expiry) },
    { documentNumber: Number(line2[TD3.documentNumberCheck]), birthDate: Number(line2[TD3.birthDateCheck]), expiry: Number(line2[TD3.expiryCheck]) },
  );
  return r.ok ? r.key : null;
}

/**
 * Cross-frame rule: every frame whose lines pass every check (margin or not) adds its line 2 and its
 * 44 line-2 margins, summed per reading. A reading agreed by AGREE such frames (and leading every
 * rival reading by 2, FieldVotes) whose MEAN margin is ≥ MIN_MARGIN at each of the 44 positions is
 * as sure as one read with margin twice: a glyph read without margin in one frame is vouched for by
 * the other frames reading the same character with margin, never by the check digits.
 */
class PooledMargins {
  readonly #votes = new FieldVotes<string>((s) => s);
  readonly #sums = new Map<string, { n: number; sum: Float32Array }>();

  /** Count one frame's reading; its margins buffer is wiped here. */
  add(line2: string, margins: Float32Array): void {
    this.#votes.add(line2);
    const e = this.#sums.get(line2) ?? { n: 0, sum: new Float32Array(margins.length) };
    e.n++;
    margins.forEach((m, i) => (e.sum[i] = (e.sum[i] ?? 0) + m));
    this.#sums.set(line2, e);
    margins.fill(0);
  }

  agreed(): string | null {
    const l = this.#votes.agreed(AGREE);
    const e = l === null ? undefined : this.#sums.get(l);
    return l !== null && e && e.sum.length > 0 && e.sum.every((s) => s / e.n >= MIN_MARGIN) ? l : null;
  }

  wipe(): void {
    for (const e of this.#sums.values()) e.sum.fill(0);
    this.#sums.clear();
  }
}

/**
 * Cross-frame rule for frames that saw only a left part of the lines (frame.ts `left-part`: the right
 * end hidden, so the composite check digit unseen). Every valid frame and every left-part frame votes
 * with line 2's first KEY_END positions (every key field, the nationality and the sex); a prefix
 * agreed by AGREE frames and leading every rival prefix by 2 (FieldVotes) is sure only if at least
 * one of them is a left part (otherwise the whole-line rule above decides) and at least
 * PART_NEEDS_WHOLE of them saw the whole line with every check.
 */
class KeyParts {
  readonly #votes = new FieldVotes<string>((s) => s);
  readonly #by = new Map<string, { whole: number; part: number }>();

  add(line2: string, seen: "whole" | "part"): void {
    const p = line2.slice(0, KEY_END);
    this.#votes.add(p);
    const e = this.#by.get(p) ?? { whole: 0, part: 0 };
    e[seen]++;
    this.#by.set(p, e);
  }

  agreed(): string | null {
    const p = this.#votes.agreed(AGREE);
    const e = p === null ? undefined : this.#by.get(p);
    return p !== null && e && e.part >= 1 && e.whole >= PART_NEEDS_WHOLE ? p : null;
  }
}

/** Line 2's fields that each have a check digit of their own (the digit included), and the composite digit. */
const CHECKED_FIELDS: readonly (readonly [number, number])[] = [
  [0, TD3.documentNumberCheck + 1],
  [TD3.birthDate[0], TD3.birthDateCheck + 1],
  [TD3.expiry[0], TD3.expiryCheck + 1],
  [TD3.optional[0], TD3.optionalCheck + 1],
  [TD3.compositeCheck, TD3.compositeCheck + 1],
];
/** Most glyphs a frame may read without margin and still vouch for a line (one per checked field). */
export const MAX_TORN = 2;

/** Two characters the 7-3-1 check digits cannot tell apart (values equal modulo 10, e.g. `<`/0, O/4). */
const blindPair = (a: string, b: string) => ((charValue(a) ?? 0) - (charValue(b) ?? 0)) % 10 === 0;

/**
 * Whether a frame read without margin at some glyphs (`torn`) vouches for `line2`, a line another
 * frame read VALID (every glyph with margin, every check): at every glyph the torn frame read with
 * margin it reads line2's character; at each of the others (1 … MAX_TORN, each in a different checked
 * field, never the nationality or the sex, which no check digit covers) line2's character is its best
 * or its runner-up class, and the two are not a pair the check digits cannot tell apart. Then every
 * glyph of line2 was read with margin by two frames except these; at each of these the valid frame
 * read it with margin, the torn frame hesitated between it and one other character, and that field's
 * own check digit (holding on the valid line, every other glyph of the field read alike by both frames
 * with margin) excludes the other character. Exported for the tests and the bench.
 */
export function vouchesFor(torn: { line2: string; runnersUp: string; margins: Float32Array }, line2: string): boolean {
  if (torn.line2.length !== line2.length || torn.runnersUp.length !== line2.length || torn.margins.length !== line2.length) return false;
  const fields = new Set<number>();
  for (let i = 0; i < line2.length; i++) {
    const want = line2[i] ?? "";
    if ((torn.margins[i] ?? 0) >= MIN_MARGIN) {
      if (torn.line2[i] !== want) return false;
      continue;
    }
    const a = torn.line2[i] ?? "", b = torn.runnersUp[i] ?? "";
    if ((want !== a && want !== b) || blindPair(a, b)) return false;
    const f = CHECKED_FIELDS.findIndex(([lo, hi]) => i >= lo && i < hi);
    if (f < 0 || fields.has(f)) return false;
    fields.add(f);
  }
  return fields.size > 0 && fields.size <= MAX_TORN;
}

/**
 * Cross-frame rule for frames read without margin at a few glyphs: a valid line (every glyph with
 * margin, every check) and another frame that vouches for it (`vouchesFor`) agree like two valid
 * frames (AGREE, and a lead of 2 over every rival valid line). A torn frame vouching for two different
 * valid lines vouches for none.
 */
class Vouched {
  readonly #valid: string[] = [];
  readonly #torn: { line2: string; runnersUp: string; margins: Float32Array }[] = [];

  addValid(line2: string): void {
    this.#valid.push(line2);
  }

  addTorn(t: { line2: string; runnersUp: string; margins: Float32Array }): void {
    this.#torn.push(t);
  }

  agreed(): string | null {
    if (this.#torn.length === 0 || this.#valid.length === 0) return null;
    const votes = new FieldVotes<string>((s) => s);
    for (const l of this.#valid) votes.add(l);
    const distinct = [...new Set(this.#valid)];
    for (const t of this.#torn) {
      const lines = distinct.filter((l) => vouchesFor(t, l));
      if (lines.length === 1 && lines[0] !== undefined) votes.add(lines[0]);
    }
    return votes.agreed(AGREE);
  }

  wipe(): void {
    for (const t of this.#torn) t.margins.fill(0);
    this.#torn.length = 0;
    this.#valid.length = 0;
  }
}

export async function readMrz(deps: MrzDeps, signal: AbortSignal, budgetMs: number, onFrame?: (frames: number) => void): Promise<MrzResult> {
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), Math.max(0, budgetMs));
  const stop = AbortSignal.any([signal, budget.signal]);
  const votes = new FieldVotes<string>((s) => s);
  const pooled = new PooledMargins();
  const keyParts = new KeyParts();
  const vouched = new Vouched();
  const seen = new Map<string, MrzUnsureReason>();
  const note = (r: MrzUnsureReason) => seen.set(JSON.stringify(r), r);
  let frames = 0;
  try {
    for await (const frame of deps.camera.frames(stop)) {
      frames++;
      onFrame?.(frames);
      // Let timers run between frames: a camera that answers from memory must not starve the budget.
      await new Promise((resolve) => setImmediate(resolve));
      if (stop.aborted) {
        wipeFrame(frame);
        break;
      }
      let r;
      try {
        r = await readMrzFrame(frame, deps.frame);
      } finally {
        wipeFrame(frame);
      }
      switch (r.kind) {
        case "valid":
          votes.add(r.line2);
          vouched.addValid(r.line2);
          keyParts.add(r.line2, "whole");
          pooled.add(r.line2, r.margins);
          break;
        case "left-part":
          keyParts.add(r.line2, "part");
          r.margins.fill(0);
          break;
        case "invalid":
          note({ kind: "check-failed", checks: r.failed });
          continue;
        case "no-mrz":
          note({ kind: "no-mrz", detail: r.reason });
          continue;
        case "unreadable":
          note({ kind: "unreadable", detail: r.reason });
          if (r.reason === "low-margin" && r.held) pooled.add(r.held.line2, r.held.margins);
          if (r.reason === "low-margin" && r.torn) vouched.addTorn(r.torn);
          break;
        case "bad-image":
          note({ kind: "bad-image" });
          continue;
      }
      const agreed = votes.agreed(AGREE) ?? pooled.agreed() ?? vouched.agreed() ?? keyParts.agreed();
      if (agreed !== null) {
        const key = keyOfLine2(agreed);
        if (key) return { kind: "sure", key, prefill: prefillOf(agreed), frames };
        note({ kind: "check-failed", checks: ["document-number"] });
      }
    }
  } catch (e) {
    if (e instanceof CameraFailure) {
      if (e.error.kind !== "aborted") note({ kind: "camera", detail: e.error.kind });
    } else {
      note({ kind: "camera", detail: "unexpected" });
    }
  } finally {
    clearTimeout(timer);
    pooled.wipe();
    vouched.wipe();
  }
  if (signal.aborted) note({ kind: "aborted" });
  else note({ kind: budget.signal.aborted ? "timeout" : "frames-ended", frames });
  if (votes.disagreement) note({ kind: "disagree" });
  // Pre-fill only a valid line that no other valid frame contradicted.
  const lead = votes.disagreement ? undefined : votes.leading();
  return { kind: "unsure", prefill: lead === undefined ? {} : prefillOf(lead), reasons: [...seen.values()] };
}
