#!/usr/bin/env bash
# Installs what mynaguard needs on a fresh Debian 12/13 machine (run as root, or with sudo available),
# then the npm packages from the lockfile. Nothing is downloaded at run time after this.
#   scripts/setup.sh          what the demo needs (build tools for the native addons, pcscd)
#   scripts/setup.sh --test   plus what the whole test suite needs (Chromium, vpcd, OpenSC, tools)
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime and native-addon build dependencies (pcsclite, better-sqlite3, epoll for onoff).
APT_BASE="build-essential python3 pkg-config libpcsclite-dev pcscd"
# Test suite: browser tests, the real PC/SC stack with a virtual reader, an independent card peer,
# image tools for generated fixtures, systemd-analyze for the unit files, RAUC for update bundles
# (cage: the kiosk unit's ExecStart must exist for verify; dbus: a private bus for the rauc service).
APT_TEST="chromium fonts-noto-cjk fonts-dejavu-core fonts-ipaexfont-mincho fonts-ipaexfont-gothic vsmartcard-vpcd pcsc-tools opensc imagemagick libopenjp2-tools systemd rauc squashfs-tools openssl cage dbus python3-jwt prometheus"
# Issue 19: an independent JOSE verifier for the till tokens (PyJWT), and a real Prometheus scraping the demo.
# fonts-ocr-b: the passport data-page generator's MRZ font (npm run gen:mrzpages / bench:mrz).
APT_TEST="$APT_TEST fonts-ocr-b"

pkgs="$APT_BASE"
if [[ "${1:-}" == "--test" ]]; then pkgs="$pkgs $APT_TEST"; fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"; done)
if [[ -n "$missing" ]]; then
  echo "setup: installing Debian packages: $(echo $missing)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: done"
