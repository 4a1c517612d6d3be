/**
 * The Content-Security-Policy the daemon sends. Scripts come from the page's own origin only, plus
 * the page's own inline scripts by their SHA-256 (issue 16: boot.js is inlined into index.html by
 * scripts/build.mjs, which puts the same hash into the page's meta policy). The hashes are taken from
 * the page *as built*, before the first screen is drawn into it (first-screen.ts): nothing the daemon
 * renders can add an allowed script.
 */
import { createHash } from "node:crypto";

/** The policy, with `'sha256-…'` sources for these inline scripts. */
export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
  const scripts = ["'self'", ...scriptHashes].join(" ");
  return `default-src 'none'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** CSP hash sources of the page's inline scripts (`<script>…</script>` without attributes). */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/gi)].map((m) => `'sha256-${createHash("sha256").update(m[1] ?? "", "utf8").digest("base64")}'`);
}
