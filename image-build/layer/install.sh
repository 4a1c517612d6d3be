#!/usr/bin/env bash
# The mynaguard layer: installs the app, its runtime pieces and system/ into a target root filesystem.
# Used by both image paths: image-build/rootfs/build.sh (mmdebstrap, runs here) and the rpi-image-gen
# layer (image-build/rpi-image-gen/). No application logic lives here.
#
#   image-build/layer/install.sh ROOT APP_DIR
#
# ROOT     the target root (arm64; commands inside it run through qemu-user when the host is not arm64)
# APP_DIR  the staged app: dist/, package.json, package-lock.json, node_modules/ (see stage-app.sh).
#          Native addons (better-sqlite3, pcsclite, epoll) are rebuilt inside ROOT for its Node ABI.
# Environment:
#   MYNAGUARD_RAUC_CA        the update CA certificate to trust (/etc/rauc/ca.cert.pem); required
#   MYNAGUARD_SSH_KEYS       authorized_keys file for the technician account "tech" (optional)
#   MYNAGUARD_NPM_DIR        an npm installation (pure JS) used in ROOT for `npm rebuild`
#                            (default: the host's npm)
#   MYNAGUARD_KEEP_BUILD_DEPS=1  keep compilers in ROOT (the smoke test does not need them either)
#   MYNAGUARD_ADDON_CFLAGS   extra C/C++ flags for the addons (the rootfs test may pass -O0 for speed)
set -euo pipefail
ROOT=${1:?usage: install.sh ROOT APP_DIR}
APP=${2:?usage: install.sh ROOT APP_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SYS="$REPO/system"
CA=${MYNAGUARD_RAUC_CA:?set MYNAGUARD_RAUC_CA to the update CA certificate (image-build/rauc/make-ca.sh)}
NPM_DIR=${MYNAGUARD_NPM_DIR:-$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)}
step() { echo "layer: [${SECONDS}s] $*"; }
inroot() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

step "app -> /opt/mynaguard"
install -d -m 0755 "$ROOT/opt/mynaguard"
cp -a "$APP/dist" "$APP/package.json" "$APP/node_modules" "$ROOT/opt/mynaguard/"
# Runtime files the app reads relative to its package root (demo card fronts: src/camera/sim-assets).
[[ -d "$APP/src" ]] && cp -a "$APP/src" "$ROOT/opt/mynaguard/"
[[ -f "$APP/package-lock.json" ]] && cp -a "$APP/package-lock.json" "$ROOT/opt/mynaguard/"
chown -R root:root "$ROOT/opt/mynaguard"
ln -sf /opt/mynaguard/dist/kioskctl.js "$ROOT/usr/bin/kioskctl"

step "native addons for the target's Node ($(inroot node --version))"
install -d "$ROOT/tmp/mynaguard-npm"
cp -a "$NPM_DIR/." "$ROOT/tmp/mynaguard-npm/"
# Debian's nodejs headers are /usr/include/node (libnode-dev); prebuilt downloads are not reachable.
# MYNAGUARD_ADDON_CFLAGS (e.g. -O0) overrides the addons' optimisation: only for quicker test builds.
inroot env CFLAGS="${MYNAGUARD_ADDON_CFLAGS:-}" CXXFLAGS="${MYNAGUARD_ADDON_CFLAGS:-}" \
  sh -c 'cd /opt/mynaguard && npm_config_build_from_source=true npm_config_nodedir=/usr \
  npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false \
  node /tmp/mynaguard-npm/bin/npm-cli.js rebuild --foreground-scripts'
rm -rf "$ROOT/tmp/mynaguard-npm"
inroot node -e 'for (const m of ["better-sqlite3", "pcsclite", "epoll"]) { require("/opt/mynaguard/node_modules/" + m); }
  const db = new (require("/opt/mynaguard/node_modules/better-sqlite3"))(":memory:");
  console.log("layer: addons load; sqlite " + db.prepare("select sqlite_version() v").get().v + " on " + process.arch);'

step "system files"
install -d "$ROOT/etc/systemd/system" "$ROOT/usr/lib/mynaguard" "$ROOT/etc/mynaguard" "$ROOT/etc/rauc"
install -m 0644 "$SYS"/*.service "$ROOT/etc/systemd/system/"
install -d "$ROOT/etc/systemd/system/pcscd.service.d"
install -m 0644 "$SYS/pcscd.service.d/mynaguard.conf" "$ROOT/etc/systemd/system/pcscd.service.d/"
install -m 0755 "$SYS"/lib/* "$ROOT/usr/lib/mynaguard/"
install -m 0755 "$REPO/image-build/rauc/bundle-hook.sh" "$ROOT/usr/lib/mynaguard/"
install -D -m 0644 "$SYS/sysusers.d/mynaguard.conf" "$ROOT/usr/lib/sysusers.d/mynaguard.conf"
install -D -m 0644 "$HERE/files/sysusers-tech.conf" "$ROOT/usr/lib/sysusers.d/mynaguard-tech.conf"
install -D -m 0644 "$SYS/tmpfiles.d/mynaguard.conf" "$ROOT/usr/lib/tmpfiles.d/mynaguard.conf"
install -D -m 0644 "$HERE/files/tmpfiles-tech.conf" "$ROOT/usr/lib/tmpfiles.d/mynaguard-tech.conf"
install -D -m 0644 "$SYS/journald.conf.d/mynaguard.conf" "$ROOT/etc/systemd/journald.conf.d/mynaguard.conf"
install -D -m 0644 "$SYS/coredump.conf.d/mynaguard.conf" "$ROOT/etc/systemd/coredump.conf.d/mynaguard.conf"
install -D -m 0644 "$SYS/udev/60-mynaguard.rules" "$ROOT/etc/udev/rules.d/60-mynaguard.rules"
install -D -m 0644 "$SYS/modprobe.d/mynaguard-nfc.conf" "$ROOT/etc/modprobe.d/mynaguard-nfc.conf"
install -D -m 0644 "$SYS/pam.d/mynaguard-kiosk" "$ROOT/etc/pam.d/mynaguard-kiosk"
install -m 0644 "$SYS/rauc/system.conf" "$ROOT/etc/rauc/system.conf"
install -m 0644 "$CA" "$ROOT/etc/rauc/ca.cert.pem"

step "users"
systemd-sysusers --root="$ROOT"
install -m 0640 -g "$(awk -F: '$1 == "mynaguard" { print $3 }' "$ROOT/etc/group")" \
  "$SYS/mynaguard/config.json" "$ROOT/etc/mynaguard/config.json"
systemd-tmpfiles --create --root="$ROOT" "$ROOT/usr/lib/tmpfiles.d/mynaguard.conf"

step "ssh: key only, technician account"
install -D -m 0644 "$HERE/files/sshd-mynaguard.conf" "$ROOT/etc/ssh/sshd_config.d/mynaguard.conf"
install -d -m 0755 "$ROOT/etc/ssh/authorized_keys"
if [[ -n "${MYNAGUARD_SSH_KEYS:-}" ]]; then
  install -m 0644 "$MYNAGUARD_SSH_KEYS" "$ROOT/etc/ssh/authorized_keys/tech"
else
  echo "layer: MYNAGUARD_SSH_KEYS not set: no technician key installed (SSH logins impossible)" >&2
fi
install -D -m 0440 "$HERE/files/sudoers-mynaguard" "$ROOT/etc/sudoers.d/mynaguard"
rm -f "$ROOT"/etc/ssh/ssh_host_*

step "read-only root"
install -m 0644 "$HERE/files/fstab" "$ROOT/etc/fstab"
install -d "$ROOT/boot/autoboot" "$ROOT/data"
: > "$ROOT/etc/machine-id"

step "units"
systemctl --root="$ROOT" enable mynaguard.service mynaguard-kiosk.service mynaguard-health.service \
  mynaguard-ssh-keys.service pcscd.socket ssh.service
systemctl --root="$ROOT" set-default graphical.target

if [[ "${MYNAGUARD_KEEP_BUILD_DEPS:-0}" != 1 ]]; then
  step "removing build tools"
  inroot apt-mark manual libpcsclite1 nodejs > /dev/null
  inroot env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove \
    g++ make python3 libnode-dev libpcsclite-dev > /dev/null
  inroot apt-get clean
fi
step "done"
