#!/usr/bin/env bash
# The image path that runs here: an arm64 Debian trixie root filesystem built with mmdebstrap under
# qemu-user, the app and system/ installed by image-build/layer/install.sh (the same layer the
# rpi-image-gen path uses), then a smoke test inside it (smoke.sh): the units verify against the real
# target root, and the daemon starts in demo mode as user mynaguard and reports ready on /healthz.
#
#   image-build/rootfs/build.sh [--no-build] [--keep]      (npm run image:rootfs-test)
#
# Outputs in image-build/out/: rootfs.ext4 (the root slot image a RAUC bundle carries),
# rootfs-smoke.log. Takes a long time (see README "Measured"): run it under `nice -n 19`.
# No global state is touched: mmdebstrap and qemu run in a user namespace with its own binfmt_misc
# (kernel >= 6.7), mapped 1:1 onto uids 0-65535, so the root can own files as any user.
#
# Environment: MYNAGUARD_MIRROR (default http://deb.debian.org/debian), MYNAGUARD_SUITE (trixie),
# MYNAGUARD_RAUC_CA (default: a throwaway test CA in out/test-ca, marked as such), MYNAGUARD_NO_KIOSK=1
# (leave cage + Chromium + fonts out, for a quicker daemon-only check), MYNAGUARD_APP_DIR (an app
# already staged by stage-app.sh), MYNAGUARD_ARCH (arm64; amd64 runs natively, for debugging the layer).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/image-build/out"
build_app=1
keep=0
for a in "$@"; do
  case "$a" in
    --no-build) build_app=0 ;;
    --keep) keep=1 ;;
    *) echo "usage: build.sh [--no-build] [--keep]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "rootfs: run as root (it maps uids 0-65535 into a user namespace)" >&2; exit 1; }
start=$(date +%s)

need=()
for p in mmdebstrap qemu-user-static arch-test e2fsprogs; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  echo "rootfs: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi

mkdir -p "$out"
work=$(mktemp -d "$out/rootfs-work.XXXXXX")
ok=0
cleanup() { if ((keep)) || ((ok == 0)); then echo "rootfs: kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

if [[ -n "${MYNAGUARD_APP_DIR:-}" ]]; then
  cp -a "$MYNAGUARD_APP_DIR" "$work/app"
elif ((build_app)); then
  "$repo/image-build/stage-app.sh" "$work/app"
else
  "$repo/image-build/stage-app.sh" "$work/app" --no-build
fi

if [[ -z "${MYNAGUARD_RAUC_CA:-}" ]]; then
  # TEST ONLY: a throwaway CA so the layer has something to trust. Real images pass the project's CA.
  rm -rf "$out/test-ca"
  "$repo/image-build/rauc/make-ca.sh" "$out/test-ca" "mynaguard rootfs-test (NOT FOR DEVICES)" > /dev/null
  export MYNAGUARD_RAUC_CA="$out/test-ca/ca.cert.pem"
fi

pkgs=(systemd systemd-sysv udev dbus ca-certificates tzdata
  nodejs libpcsclite1 pcscd libccid rauc openssh-server sudo
  libnode-dev g++ make python3 libpcsclite-dev)
if [[ "${MYNAGUARD_NO_KIOSK:-0}" != 1 ]]; then pkgs+=(cage xwayland chromium fonts-noto-cjk); fi
include=$(IFS=,; echo "${pkgs[*]}")

export MYNAGUARD_ARCH=${MYNAGUARD_ARCH:-arm64}
export MYNAGUARD_RAUC_CA MYNAGUARD_INCLUDE="$include" MYNAGUARD_WORK="$work" MYNAGUARD_OUT="$out"
export MYNAGUARD_KEEP_BUILD_DEPS=${MYNAGUARD_KEEP_BUILD_DEPS:-0} MYNAGUARD_ADDON_CFLAGS=${MYNAGUARD_ADDON_CFLAGS:-}

# The user namespace: unshare's own process is in it; its child waits until we (real root outside)
# have written the uid/gid maps, then runs inner.sh in fresh mount and pid namespaces.
log="$out/rootfs-build.log"
unshare --user --mount --fork sh -c \
  'while [ "$(wc -l < /proc/self/uid_map)" -eq 0 ]; do sleep 0.1; done; exec unshare --pid --fork --mount-proc "$0"' \
  "$here/inner.sh" > "$log" 2>&1 &
ns=$!
for _ in $(seq 100); do
  [[ "$(readlink "/proc/$ns/ns/user")" != "$(readlink /proc/self/ns/user)" ]] && break
  sleep 0.05
done
echo "0 0 65536" > "/proc/$ns/uid_map"
echo "0 0 65536" > "/proc/$ns/gid_map"
tail -n +1 -f "$log" --pid="$ns" &
rc=0
wait "$ns" || rc=$?
sleep 0.5
took=$(( $(date +%s) - start ))
if [[ $rc -ne 0 ]] || ! grep -q "^smoke: PASS" "$log"; then
  echo "rootfs: FAILED (exit $rc) after ${took}s; log: $log" >&2
  exit 1
fi
ok=1
echo "rootfs: $MYNAGUARD_ARCH ${MYNAGUARD_SUITE:-trixie} root filesystem built and smoke-tested in ${took}s -> $out/rootfs.ext4"
