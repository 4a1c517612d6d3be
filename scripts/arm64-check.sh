#!/usr/bin/env bash
# arm64 correctness (issue 16), outside `npm test` (slow: the engines run under qemu-user emulation):
# the face engine and the OCR give the same answers on arm64 as on x86 on three fixtures. Correctness
# only, no timing.
#   1. an arm64 Node from Debian trixie (nodejs 20.19) extracted into ROOT with mmdebstrap
#      (--variant=extract: nothing runs, so no binfmt is needed), unless ROOT already has one;
#   2. fixtures decoded to raw pixels on this machine (scripts/arm64-prepare.ts; sharp is native);
#   3. scripts/arm64-check.ts on x86, then the same bundle under qemu-aarch64-static -L ROOT with
#      the arm64 Node (node_modules are shared: the engines are WASM and JavaScript);
#   4. the answers compared: face counts, boxes, the card-face fields read, the MRZ line 2 and its
#      smallest glyph margin (passport, src/mrz/) identical; liveness and
#      similarity within 0.01. A fixture whose card face reads no field at all, or whose MRZ is not
#      read valid, on x86 fails the check (it would compare nothing).
# Needs: qemu-user-static, mmdebstrap (apt-get install qemu-user-static mmdebstrap), network to Debian.
# Usage: bash scripts/arm64-check.sh [ROOT=/tmp/mynaguard-arm64root]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${1:-/tmp/mynaguard-arm64root}
WORK=$(mktemp -d)
BUNDLE=node_modules/.cache/arm64-check.$$.mjs   # a copy that a build cannot wipe (dist/ is), resolving the same node_modules
trap 'rm -rf "$WORK" "$BUNDLE"' EXIT
if [ ! -x "$ROOT/usr/bin/node" ]; then
  mmdebstrap --variant=extract --architectures=arm64 --include=nodejs,ca-certificates trixie "$ROOT" http://deb.debian.org/debian
fi
# --variant=extract leaves out the merged-/usr links the dynamic loader is looked up through.
[ -e "$ROOT/lib" ] || ln -s usr/lib "$ROOT/lib"
node scripts/run.mjs scripts/arm64-prepare.ts "$WORK/in"
node scripts/run.mjs scripts/arm64-check.ts "$WORK/in" > "$WORK/x86.json"
mkdir -p node_modules/.cache && cp dist/scripts/arm64-check.mjs "$BUNDLE"
echo "x86 done; arm64 under qemu (minutes)..."
nice -n 10 qemu-aarch64-static -L "$ROOT" "$ROOT/usr/bin/node" "$BUNDLE" "$WORK/in" > "$WORK/arm64.json"
node -e '
const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
console.log(`x86: ${a.arch} ${a.node}; arm64: ${b.arch} ${b.node}`);
let bad = 0;
a.answers.forEach((x, i) => {
  const y = b.answers[i];
  const same = (k) => JSON.stringify(x[k]) === JSON.stringify(y[k]);
  const near = (k) => x[k] === y[k] || (x[k] !== null && y[k] !== null && Math.abs(x[k] - y[k]) <= 0.01);
  const ok = same("chipFaces") && same("liveFaces") && same("liveBox") && same("cardFace") && same("mrz") && near("liveness") && near("similarity");
  if (!ok || x.cardFace.read === 0 || x.mrz.kind !== "valid") bad++;
  console.log(`${ok ? "SAME" : "DIFFERENT"} fixture ${x.fixture}: x86 ${JSON.stringify(x)} | arm64 ${JSON.stringify(y)}`);
});
console.log(bad ? `${bad} of ${a.answers.length} fixtures differ` : `all ${a.answers.length} fixtures give the same answers on arm64`);
process.exit(bad ? 1 : 0);
' "$WORK/x86.json" "$WORK/arm64.json"
