#!/bin/sh
# Smoke test inside the freshly built arm64 root (an mmdebstrap customize hook: /proc, /sys and /dev are
# mounted in ROOT, and arm64 programs run through qemu-user):
#  1. every unit verifies with the target's own systemd-analyze, and the daemon's exposure score
#     there is printed and at most 2.0;
#  2. the daemon starts in demo mode as user mynaguard with the installed config and the target's Node,
#     and `kioskctl health` inside the root reports ready.
# Prints "smoke: PASS ..." on success (build.sh looks for it).
set -eu
ROOT=${1:?usage: smoke.sh ROOT}
T0=$(date +%s)
units="mynaguard.service mynaguard-health.service mynaguard-ssh-keys.service"
if [ -x "$ROOT/usr/bin/cage" ] && [ -x "$ROOT/usr/bin/chromium" ]; then
  units="$units mynaguard-kiosk.service"
else
  echo "smoke: cage/chromium not in this root (MYNAGUARD_NO_KIOSK=1): mynaguard-kiosk.service not verified"
fi
# The target's own systemd-analyze (trixie's systemd, run through qemu-user), on the installed units.
echo "smoke: $(chroot "$ROOT" systemd-analyze --version | head -n 1 | cut -d' ' -f1-2): verify $units"
paths=""
for u in $units; do paths="$paths /etc/systemd/system/$u"; done
# shellcheck disable=SC2086
chroot "$ROOT" systemd-analyze verify --man=no $paths
score=$(chroot "$ROOT" systemd-analyze security --offline=true /etc/systemd/system/mynaguard.service |
  sed -n 's/.*Overall exposure level for mynaguard.service: \([0-9.]*\).*/\1/p')
echo "smoke: mynaguard.service exposure in the image: $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || { echo "smoke: FAIL: exposure $score > 2.0"; exit 1; }

uid=$(awk -F: '$1 == "mynaguard" { print $3 }' "$ROOT/etc/passwd")
gid=$(awk -F: '$1 == "mynaguard" { print $4 }' "$ROOT/etc/passwd")
groups=$(awk -F: -v u=mynaguard '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) printf "%s%s", (c++ ? "," : ""), $3 }' "$ROOT/etc/group")
port=${MYNAGUARD_SMOKE_PORT:-$((20000 + $$ % 10000))}
echo "smoke: node $(chroot "$ROOT" node --version) on $(chroot "$ROOT" uname -m); starting the daemon (demo) on 127.0.0.1:$port as uid $uid"
chroot --userspec="$uid:$gid" --groups="$groups" "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/nonexistent \
  /usr/bin/node /opt/mynaguard/dist/daemon.js --mode demo --port "$port" --config /etc/mynaguard/config.json \
  > "$ROOT/tmp/daemon.log" 2>&1 &
daemon=$!
T1=$(date +%s)
limit=${MYNAGUARD_SMOKE_TIMEOUT:-900}
rc=3
while [ $(( $(date +%s) - T1 )) -lt "$limit" ]; do
  if ! kill -0 "$daemon" 2> /dev/null; then echo "smoke: the daemon exited"; break; fi
  rc=0
  chroot --userspec="$uid:$gid" "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin /usr/bin/kioskctl health \
    --url "http://127.0.0.1:$port" > "$ROOT/tmp/health.txt" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] && break
  sleep 5
done
ready_after=$(( $(date +%s) - T1 ))
kill "$daemon" 2> /dev/null || true
wait "$daemon" 2> /dev/null || true
echo "smoke: kioskctl health (exit $rc):"
sed 's/^/smoke:   /' "$ROOT/tmp/health.txt"
echo "smoke: daemon log (last 20 lines):"
tail -n 20 "$ROOT/tmp/daemon.log" | sed 's/^/smoke:   /'
rm -f "$ROOT/tmp/daemon.log" "$ROOT/tmp/health.txt"
if [ "$rc" -ne 0 ]; then
  echo "smoke: FAIL: /healthz not ready after ${ready_after}s"
  exit 1
fi
echo "smoke: PASS: /healthz ready ${ready_after}s after start (node on $(chroot "$ROOT" uname -m)) (whole smoke test $(( $(date +%s) - T0 ))s)"
