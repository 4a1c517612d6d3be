/**
 * Checks for the repository's Markdown: relative links must resolve (file and, for Markdown targets,
 * the #anchor), and the root README's folder map must name every folder under src/.
 * Pure functions over text so the tests can plant a miss and see the check fire.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, `-`, `_` kept), spaces → `-`. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a Markdown text defines (headings; repeated headings get -1, -2 like GitHub). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m?.[1]) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Inline links `[text](target)` outside code fences and code spans. */
export function links(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const text = line.replace(/`[^`]*`/g, "");
    for (const m of text.matchAll(/\]\(([^()\s]+)(?:\s+"[^"]*")?\)/g)) if (m[1]) out.push(m[1]);
  }
  return out;
}

export interface LinkProblem {
  file: string;
  link: string;
  problem: "missing-file" | "missing-anchor";
}

/** Every relative link of `file` (a path under `root`) that does not resolve. */
export function brokenLinks(root: string, file: string, markdown: string): LinkProblem[] {
  const problems: LinkProblem[] = [];
  for (const link of links(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, https:, mailto:
    const [path = "", anchor] = link.split("#", 2);
    const target = path === "" ? join(root, file) : resolve(dirname(join(root, file)), decodeURI(path));
    if (!existsSync(target)) {
      problems.push({ file, link, problem: "missing-file" });
      continue;
    }
    if (anchor !== undefined && anchor !== "" && target.endsWith(".md") && statSync(target).isFile()) {
      const text = target === join(root, file) ? markdown : readFileSync(target, "utf8");
      if (!anchors(text).has(decodeURIComponent(anchor))) problems.push({ file, link, problem: "missing-anchor" });
    }
  }
  return problems;
}

const SKIP = new Set(["node_modules", ".git", "dist", "test-output", "out", "coverage"]);

/** Every Markdown file under root (repository-relative paths), skipping build output and packages. */
export function markdownFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...markdownFiles(root, full));
    else if (name.endsWith(".md")) out.push(relative(root, full));
  }
  return out.sort();
}

/** The folders under src/ that the README's "Folder map" section does not name as `src/<folder>/`. */
export function unmappedFolders(readme: string, folders: readonly string[]): string[] {
  const start = readme.indexOf("## Folder map");
  if (start < 0) return [...folders];
  const next = readme.indexOf("\n## ", start + 1);
  const map = readme.slice(start, next < 0 ? undefined : next);
  return folders.filter((f) => !map.includes(`\`src/${f}/\``));
}

export function srcFolders(root: string): string[] {
  const src = join(root, "src");
  return readdirSync(src)
    .filter((n) => statSync(join(src, n)).isDirectory())
    .sort();
}
