// Builds the daemon, the technician CLI and the touchscreen UI with esbuild into dist/.
// Node code is bundled with node_modules left external (native addons and model files stay in place);
// the UI is one minified browser bundle. `node scripts/build.mjs --ui-only` rebuilds just the UI.
import { build } from "esbuild";
import { cp, mkdir, rm, stat, writeFile, chmod } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "dist");
const uiOnly = process.argv.includes("--ui-only");
const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));

const nodeCommon = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: "linked",
  define: { __MYNAGUARD_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
};

if (!uiOnly) {
  await rm(out, { recursive: true, force: true });
  await build({ ...nodeCommon, entryPoints: { daemon: "src/bin/daemon.ts" }, outdir: out, absWorkingDir: root });
  // the fictional card the daemon reads at warm-up (src/compose/front.ts warmCardFace)
  await cp(path.join(root, "src/compose/warmup-card.jpg"), path.join(out, "warmup-card.jpg"));
  // kioskctl is split into chunks: each command (and each device adapter) is a chunk loaded by its
  // dynamic import, so a command loads only the packages it uses. Chunks stay in dist/ itself so
  // `import.meta.dirname` is the same as in one bundle.
  await build({
    ...nodeCommon,
    entryPoints: { kioskctl: "src/bin/kioskctl.ts" },
    outdir: out,
    absWorkingDir: root,
    splitting: true,
    chunkNames: "kioskctl-[name]-[hash]",
    banner: { js: "#!/usr/bin/env node" },
  });
  await chmod(path.join(out, "kioskctl.js"), 0o755);
}

const uiOut = path.join(out, "ui");
await mkdir(uiOut, { recursive: true });
await build({
  entryPoints: { app: "ui/src/main.tsx" },
  outdir: uiOut,
  absWorkingDir: root,
  bundle: true,
  // The five non-Japanese catalogues are dynamic imports (ui/src/i18n/index.ts): one chunk each,
  // fetched after the first screen, so the first bundle carries Japanese only (issue 16).
  splitting: true,
  chunkNames: "lang-[name]-[hash]",
  minify: true,
  platform: "browser",
  target: ["chrome110"],
  format: "esm",
  jsx: "automatic",
  jsxImportSource: "preact",
  loader: { ".svg": "text" },
  logLevel: "warning",
});
// boot.js: a tiny classic script that opens the daemon socket before app.js has loaded (ui/src/boot.ts).
// It is inlined into index.html (issue 16: as a file it was a parser-blocking fetch that held up the
// requests for styles.css and app.js, ~150 ms at 4× CPU throttle), allowed by its hash in the page's
// Content-Security-Policy; the daemon's header policy hashes the page's inline scripts the same way
// (src/server/csp.ts).
const boot = await build({
  entryPoints: { boot: "ui/src/boot.ts" },
  outdir: uiOut,
  absWorkingDir: root,
  bundle: true,
  minify: true,
  platform: "browser",
  target: ["chrome110"],
  format: "iife",
  logLevel: "warning",
  write: false,
});
const bootCode = boot.outputFiles[0].text.trim();
if (/<\/script/i.test(bootCode)) throw new Error("boot.js cannot be inlined: it contains </script");
const bootHash = createHash("sha256").update(bootCode, "utf8").digest("base64");
const pageSource = await readFile(path.join(root, "ui/index.html"), "utf8");
const page = pageSource
  .replace('<script src="boot.js"></script>', () => `<script>${bootCode}</script>`)
  .replace("script-src 'self';", () => `script-src 'self' 'sha256-${bootHash}';`);
if (!page.includes(bootCode) || !page.includes(bootHash)) throw new Error("ui/index.html: boot.js's script tag or the CSP's script-src not found");
await rm(path.join(uiOut, "boot.js"), { force: true });
await writeFile(path.join(uiOut, "index.html"), page);
// ui-ssr.js: the first screen rendered into index.html by the daemon (ui/src/ssr.tsx; issue 16). Node
// code, next to dist/ui rather than in it, so it is never served; preact is bundled in so that it is
// the very copy app.js was built with (hydration needs the same markup).
await build({
  entryPoints: { "ui-ssr": "ui/src/ssr.tsx" },
  outdir: out,
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  jsx: "automatic",
  jsxImportSource: "preact",
  loader: { ".svg": "text" },
  logLevel: "warning",
});
await cp(path.join(root, "ui/styles.css"), path.join(uiOut, "styles.css"));
await cp(path.join(root, "ui/favicon.svg"), path.join(uiOut, "favicon.svg"));

const js = await readFile(path.join(uiOut, "app.js"));
const gz = gzipSync(js).length;
await writeFile(path.join(uiOut, "bundle-size.json"), JSON.stringify({ bytes: js.length, gzipBytes: gz }) + "\n");
const size = (await stat(path.join(uiOut, "app.js"))).size;
console.log(`built dist/ (ui app.js ${(size / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped)`);
