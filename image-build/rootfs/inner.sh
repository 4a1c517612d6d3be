#!/bin/sh
# Part of build.sh: runs as uid 0 of a private user namespace (own mount and pid namespaces).
# Registers qemu-aarch64 in this namespace's own binfmt_misc (kernel >= 6.7; the host's stays
# untouched), builds the root with mmdebstrap, installs the layer, runs the smoke test, makes the ext4.
set -eu
if [ "$MYNAGUARD_ARCH" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
# ELF64, little-endian, e_machine 0xb7 (aarch64); F: qemu is opened now, so it works inside the chroot.
printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' \
  > /proc/sys/fs/binfmt_misc/register
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rootfs="$MYNAGUARD_WORK/rootfs"
mmdebstrap --mode=root --arch="$MYNAGUARD_ARCH" --variant=apt --include="$MYNAGUARD_INCLUDE" \
  --aptopt='Apt::Install-Recommends "false"' \
  --customize-hook="\"$repo/image-build/layer/install.sh\" \"\$1\" \"$MYNAGUARD_WORK/app\"" \
  --customize-hook="\"$here/smoke.sh\" \"\$1\"" \
  "${MYNAGUARD_SUITE:-trixie}" "$rootfs" "${MYNAGUARD_MIRROR:-http://deb.debian.org/debian}"
echo "rootfs: $(du -sh "$rootfs" | cut -f1) in $rootfs"
mkfs.ext4 -q -F -L rootfs -d "$rootfs" "$MYNAGUARD_OUT/rootfs.ext4" 3G
echo "rootfs: wrote $MYNAGUARD_OUT/rootfs.ext4"
