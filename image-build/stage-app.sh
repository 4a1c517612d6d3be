#!/usr/bin/env bash
# Stages the app for an image: dist/ from `npm run build`, package.json + lock, and the production
# node_modules (npm ci --omit=dev). Install scripts are skipped here: the native addons are rebuilt
# inside the target root for its architecture and Node ABI by image-build/layer/install.sh.
#   image-build/stage-app.sh OUT_DIR [--no-build]
set -euo pipefail
out=${1:?usage: stage-app.sh OUT_DIR [--no-build]}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [[ "${2:-}" != --no-build ]]; then npm run build --silent; fi
[[ -f dist/daemon.js && -f dist/kioskctl.js ]] || { echo "stage-app: dist/ is incomplete (npm run build)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
cp -a dist package.json package-lock.json "$out/"
# Demo mode's simulated card fronts are read from <package root>/src/camera/sim-assets (src/main.ts).
if [[ -d src/camera/sim-assets ]]; then
  mkdir -p "$out/src/camera"
  cp -a src/camera/sim-assets "$out/src/camera/"
else
  # Not committed (yet): generate the same fronts straight into the staged app.
  npm run --silent gen:cardfaces -- --sim-assets "$out/src/camera/sim-assets"
fi
(cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "stage-app: $out ($(du -sh "$out" | cut -f1))"
