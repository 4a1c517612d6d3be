/**
 * Replays agreement rules on per-frame readings saved by scripts/cardface/scan.ts (TUNING families
 * only), without the engine: how many sessions each rule answers, how many wrong codes reach the card,
 * and which wrong values came within one frame of agreement. For designing the wrong-date guard and
 * finding why sessions end unsure.
 *
 *   node scripts/run.mjs scripts/cardface/rules.ts test-output/scan/base0.json,test-output/scan/base1.json [--frames 4]
 */
import { readFileSync } from "node:fs";
import type { CalendarDate } from "../../src/age/date";
import type { EraId } from "../../src/age/era";
import type { BirthField } from "../../src/cardfront/fields";
import { samePlace } from "../../src/cardfront/find";
import { checkCard } from "../../src/cardfront/plausibility";
import type { ScannedSession } from "./scan";

type F = "birth" | "expiry" | "securityCode";
const FIELDS: readonly F[] = ["birth", "expiry", "securityCode"];

interface Rule {
  name: string;
  need: (f: F, western: boolean) => number;
  margin: number;
  /** an agreed date must have passed the digit check (scan.ts `c`) */
  check: boolean;
}

const RULES: Rule[] = [
  { name: "all fields 3, no digit check", need: () => 3, margin: 2, check: false },
  { name: "all fields 3 + digit check (today)", need: () => 3, margin: 2, check: true },
];

function birthOf(k: string): BirthField {
  const p = k.split("/");
  if (p[0] === "w") return { calendar: "western", year: Number(p[1]), month: Number(p[2]), day: Number(p[3]) };
  return { calendar: "era", era: p[0] as EraId, eraYear: Number(p[1]), month: Number(p[2]), day: Number(p[3]) };
}
function dateOf(k: string): CalendarDate {
  const [y, m, d] = k.split("/").map(Number);
  return { year: y ?? 0, month: m ?? 0, day: d ?? 0 };
}

interface Outcome {
  sure: boolean;
  wrong: boolean;
  reasons: string[];
  near: string[];
}

function replay(s: ScannedSession, rule: Rule, maxFrames: number): Outcome {
  const votes: Record<F, Map<string, number>> = { birth: new Map(), expiry: new Map(), securityCode: new Map() };
  const first: Partial<Record<F, { x: number; y: number; w: number; h: number }>> = {};
  const ambiguous = new Set<string>();
  const reasons = new Set<string>();
  const western = s.truth.western;
  const ranked = (f: F) => [...votes[f]].sort((a, b) => b[1] - a[1]);
  const confirmed = new Set<string>();
  for (const fr of s.frames.slice(0, maxFrames)) {
    if (fr.kind !== "front") {
      reasons.add(fr.kind);
      continue;
    }
    for (const f of FIELDS) {
      const r = fr[f];
      if (!r) continue;
      if (!r.ok) {
        if (r.v === "found-twice" || r.v === "either-field") ambiguous.add(`${f}:${r.v}`);
        else reasons.add(`unreadable:${f}:${r.v}`);
        continue;
      }
      if (r.at) {
        const a = first[f];
        if (!a) first[f] = r.at;
        else if (!samePlace(a, r.at)) ambiguous.add(`${f}:moved`);
      }
      votes[f].set(r.v, (votes[f].get(r.v) ?? 0) + 1);
      if (r.c) confirmed.add(`${f}:${r.v}`);
    }
    if (ambiguous.size) continue;
    const leadWestern = ranked("birth")[0]?.[0].startsWith("w/") ?? western;
    const agreed = (f: F) => {
      const [a, b] = ranked(f);
      if (!a || a[1] < rule.need(f, leadWestern)) return null;
      if (b && a[1] < b[1] + rule.margin) return null;
      return a[0];
    };
    const b = agreed("birth"), e = agreed("expiry"), c = agreed("securityCode");
    const unconfirmed = rule.check && ((b && !confirmed.has(`birth:${b}`)) || (e && !confirmed.has(`expiry:${e}`)));
    if (unconfirmed) reasons.add("unconfirmed");
    if (b && e && c && !unconfirmed) {
      const problems = checkCard({ birth: birthOf(b), expiry: dateOf(e), securityCode: c }, s.today);
      if (problems.length === 0) {
        const wrong = b !== s.truth.birth || dateOf(e).year !== dateOf(s.truth.expiry).year || c !== s.truth.securityCode;
        return { sure: true, wrong, reasons: [], near: wrong ? [`WRONG ${b !== s.truth.birth ? "birth" : ""}${dateOf(e).year !== dateOf(s.truth.expiry).year ? "expiry" : ""}${c !== s.truth.securityCode ? "code" : ""}`] : [] };
      }
      for (const p of problems) reasons.add(`implausible:${p.code}`);
    }
  }
  for (const a of ambiguous) reasons.add(`ambiguous:${a}`);
  for (const f of FIELDS) {
    const [a] = ranked(f);
    if (!a) reasons.add(`none:${f}`);
    else if (votes[f].size > 1) reasons.add(`disagree:${f}`);
    else if (a[1] < rule.need(f, western)) reasons.add(`short:${f}(${a[1]})`);
  }
  const near: string[] = [];
  for (const f of FIELDS) {
    const want = f === "birth" ? s.truth.birth : f === "expiry" ? s.truth.expiry : s.truth.securityCode;
    for (const [v, n] of votes[f]) if (v !== want && n >= 2) near.push(`${f} wrong ×${n}: read ${v} truth ${want}`);
  }
  return { sure: false, wrong: false, reasons: [...reasons], near };
}

const files = (process.argv[2] ?? "").split(",").filter(Boolean);
const fi = process.argv.indexOf("--frames");
const maxFrames = fi > 0 ? Number(process.argv[fi + 1]) : 4;
const sessions: ScannedSession[] = files.flatMap((f) => JSON.parse(readFileSync(f, "utf8")) as ScannedSession[]);
const diffOf = (s: ScannedSession) => s.set.split("-").at(-1) ?? "";

// single-frame wrong reads, and wrong values read in 2+ frames of one session
const single: Record<F, { reads: number; wrong: number }> = { birth: { reads: 0, wrong: 0 }, expiry: { reads: 0, wrong: 0 }, securityCode: { reads: 0, wrong: 0 } };
for (const s of sessions) for (const fr of s.frames) for (const f of FIELDS) if (fr[f]?.ok) {
  single[f].reads++;
  if (!fr[f]?.right) single[f].wrong++;
}
console.log(`${sessions.length} tuning sessions, ${sessions.reduce((n, s) => n + s.frames.length, 0)} frames; single-frame wrong reads: ${FIELDS.map((f) => `${f} ${single[f].wrong}/${single[f].reads}`).join(", ")}`);
const cpu = sessions.flatMap((s) => s.frames.map((f) => f.cpuMs)).sort((a, b) => a - b);
console.log(`CPU per frame median ${cpu[Math.floor((cpu.length - 1) / 2)]?.toFixed(0)} ms`);
for (const rule of RULES) {
  console.log(`\nrule: ${rule.name}`);
  for (const d of ["easy", "moderate", "hard"]) {
    const ss = sessions.filter((s) => diffOf(s) === d);
    const out = ss.map((s) => ({ s, o: replay(s, rule, maxFrames) }));
    const sure = out.filter((x) => x.o.sure).length;
    const wrong = out.filter((x) => x.o.wrong).length;
    const reasons: Record<string, number> = {};
    for (const x of out) if (!x.o.sure) for (const r of x.o.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
    console.log(`  ${d}: ${sure}/${ss.length} sure (${((100 * sure) / Math.max(1, ss.length)).toFixed(1)} %), ${wrong} wrong`);
    console.log(`    unsure reasons: ${Object.entries(reasons).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`).join(", ")}`);
    for (const x of out) for (const n of x.o.near) console.log(`    ${x.s.set}/${x.s.session}: ${n}`);
  }
}
