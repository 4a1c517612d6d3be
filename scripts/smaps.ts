/** Benchmark aid (issue 16): the process's biggest memory mappings by RSS, from /proc/self/smaps (Linux).
 *  WASM memories, V8 heaps and malloc arenas show up as "[anon]" / "[heap]"; file-backed code by path. */
import { readFileSync } from "node:fs";

export function smapsTop(n: number): string {
  // Big anonymous regions (WASM memories, V8 heaps, malloc arenas): Rss per mapping, largest first.
  const text = readFileSync("/proc/self/smaps", "utf8");
  const maps: { name: string; rss: number }[] = [];
  let cur: { name: string; rss: number } | null = null;
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const size = (parseInt(head[2] ?? "0", 16) - parseInt(head[1] ?? "0", 16)) / 1048576;
      cur = { name: `${head[3] || "[anon]"} (${Math.round(size)} MiB virt)`, rss: 0 };
      maps.push(cur);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && cur) cur.rss = Number(rss[1]) / 1024;
  }
  return `    (${maps.length} mappings)\n` + maps
    .sort((a, b) => b.rss - a.rss)
    .slice(0, n)
    .map((m) => `    ${m.rss.toFixed(0).padStart(4)} MiB  ${m.name}`)
    .join("\n");
}

export interface Mapping {
  readonly start: string;
  readonly name: string;
  readonly sizeMiB: number;
  readonly rssKiB: number;
}

/** Every mapping of the process with its RSS (for {@link smapsGrowth}). */
export function smapsSnapshot(): Mapping[] {
  const text = readFileSync("/proc/self/smaps", "utf8");
  const maps: { start: string; name: string; sizeMiB: number; rssKiB: number }[] = [];
  let cur: { start: string; name: string; sizeMiB: number; rssKiB: number } | null = null;
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = { start: head[1] ?? "", name: head[3] || "[anon]", sizeMiB: (parseInt(head[2] ?? "0", 16) - parseInt(head[1] ?? "0", 16)) / 1048576, rssKiB: 0 };
      maps.push(cur);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && cur) cur.rssKiB = Number(rss[1]);
  }
  return maps;
}

/** Kind of a mapping: the malloc main arena; anonymous ≥ 1 MiB (the WASM heaps, V8's large objects,
 *  thread stacks, big mmapped malloc chunks); anonymous < 1 MiB (V8's 256 KiB heap pages of every
 *  isolate, mmapped malloc chunks of 32 KiB and more); other [named] ones; files (code, data). */
function kindOf(m: Mapping): string {
  if (m.name === "[heap]") return "[heap] (malloc main arena)";
  if (m.name === "[anon]") return m.sizeMiB >= 1 ? "anon ≥ 1 MiB" : "anon < 1 MiB";
  if (m.name.startsWith("[")) return m.name;
  return "file-backed";
}

/** Where RSS went between two snapshots: by kind (WASM memories, [heap], other anonymous, files) and
 *  the mappings (matched by start address) that grew or appeared the most. MiB. */
export function smapsGrowth(before: Mapping[], after: Mapping[], n: number): string {
  const sum = (ms: Mapping[]) => {
    const by = new Map<string, number>();
    for (const m of ms) by.set(kindOf(m), (by.get(kindOf(m)) ?? 0) + m.rssKiB);
    return by;
  };
  const b = sum(before);
  const a = sum(after);
  const kinds = [...new Set([...b.keys(), ...a.keys()])].filter((k) => (b.get(k) ?? 0) >= 1024 || (a.get(k) ?? 0) >= 1024).sort();
  const f = (k: number) => (k / 1024).toFixed(1);
  const lines = kinds.map((k) => `    ${k.padEnd(28)} ${f(b.get(k) ?? 0).padStart(7)} → ${f(a.get(k) ?? 0).padStart(7)} (${((a.get(k) ?? 0) - (b.get(k) ?? 0) >= 0 ? "+" : "")}${f((a.get(k) ?? 0) - (b.get(k) ?? 0))})`);
  const was = new Map(before.map((m) => [m.start, m.rssKiB]));
  const grew = after
    .map((m) => ({ m, d: m.rssKiB - (was.get(m.start) ?? 0), isNew: !was.has(m.start) }))
    .sort((x, y) => Math.abs(y.d) - Math.abs(x.d))
    .slice(0, n)
    .map(({ m, d, isNew }) => `    ${(d >= 0 ? "+" : "") + f(d)} MiB  ${m.name} (${Math.round(m.sizeMiB)} MiB virt, now ${f(m.rssKiB)})${isNew ? " new" : ""}`);
  return `${lines.join("\n")}\n  mappings that grew most:\n${grew.join("\n")}`;
}

/** One line: RSS by kind of mapping (MiB), for the per-checkpoint log. */
export function smapsKinds(maps: Mapping[]): string {
  const by = new Map<string, number>();
  for (const m of maps) by.set(kindOf(m), (by.get(kindOf(m)) ?? 0) + m.rssKiB);
  return [...by.entries()].filter(([, v]) => v >= 1024).sort().map(([k, v]) => `${k.replace(/ \(.*\)$/, "")} ${(v / 1024).toFixed(1)}`).join(", ");
}
