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
