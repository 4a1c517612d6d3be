#!/bin/sh
# RAUC bundle hook, run on the kiosk during `rauc install`. After the boot partition image is written to
# a boot slot, point its cmdline.txt at the matching root slot: the same bundle can land in A or B.
# RAUC mounts the freshly written vfat slot at RAUC_SLOT_MOUNT_POINT for post-install.
set -eu
conf=${RAUC_SYSTEM_CONFIG:-/etc/rauc/system.conf}
case "${1:-}" in
  slot-post-install)
    [ "${RAUC_SLOT_CLASS:-}" = boot ] || exit 0
    index=${RAUC_SLOT_NAME##*.}
    root_dev=$(awk -F= -v s="[slot.rootfs.$index]" '/^\[/ { cur = $0; next } cur == s && $1 == "device" { print $2 }' "$conf")
    bootname=$(awk -F= -v s="[slot.rootfs.$index]" '/^\[/ { cur = $0; next } cur == s && $1 == "bootname" { print $2 }' "$conf")
    [ -n "$root_dev" ] && [ -n "$bootname" ] || { echo "bundle-hook: no rootfs.$index in $conf" >&2; exit 1; }
    f="$RAUC_SLOT_MOUNT_POINT/cmdline.txt"
    [ -f "$f" ] || { echo "bundle-hook: $f missing" >&2; exit 1; }
    line=$(sed -e 's/[[:space:]]*$//' "$f" | head -n 1 | sed -e 's/\(^\|[[:space:]]\)root=[^[:space:]]*//g' \
      -e 's/\(^\|[[:space:]]\)rauc\.slot=[^[:space:]]*//g' -e 's/^[[:space:]]*//')
    printf '%s root=%s rauc.slot=%s\n' "$line" "$root_dev" "$bootname" > "$f.new"
    mv -f "$f.new" "$f"
    sync
    echo "bundle-hook: $RAUC_SLOT_NAME boots root $root_dev (slot $bootname)"
    ;;
esac
