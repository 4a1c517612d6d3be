#!/usr/bin/env bash
# Builds the flashable kiosk image with Raspberry Pi's rpi-image-gen (Raspberry Pi OS trixie, arm64,
# A/B "image-rota" layout) plus our layer (layer/mynaguard.yaml -> image-build/layer/install.sh).
#
#   image-build/rpi-image-gen/build.sh RPI_IMAGE_GEN_CHECKOUT CA_CERT AUTHORIZED_KEYS
#
# Needs what rpi-image-gen needs: preferably a native arm64 Raspberry Pi OS / Debian trixie host (x86 +
# qemu is "not formally supported" upstream), its install_deps.sh, and network access to
# archive.raspberrypi.com and deb.debian.org. It does NOT run on the dev box (no Raspberry Pi archive).
# Output: RPI_IMAGE_GEN_CHECKOUT/work/image-mynaguard-trixie-arm64/*.img (flash with rpi-imager), and
# the system.ext4/boot.vfat images that image-build/rauc/make-bundle.sh turns into an update bundle.
set -euo pipefail
rig=${1:?usage: build.sh RPI_IMAGE_GEN_CHECKOUT CA_CERT AUTHORIZED_KEYS}
ca=$(realpath "${2:?CA certificate (image-build/rauc/make-ca.sh DIR -> DIR/ca.cert.pem)}")
keys=$(realpath "${3:?authorized_keys file for the technician account}")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/image-build/out"
mkdir -p "$out"
"$repo/image-build/stage-app.sh" "$out/app"
src="$out/rpi-image-gen"
rm -rf "$src"
mkdir -p "$src/config"
cp -a "$here/layer" "$src/"
sed -e "s|@REPO@|$repo|" -e "s|@APP@|$out/app|" -e "s|@RAUC_CA@|$ca|" -e "s|@SSH_KEYS@|$keys|" \
  "$here/config/mynaguard-pi5.yaml" > "$src/config/mynaguard-pi5.yaml"
cd "$rig"
./rpi-image-gen build -S "$src" -c mynaguard-pi5.yaml
