#!/usr/bin/env bash
# Builds a signed RAUC update bundle for the kiosk from a root filesystem image and a boot partition image.
#   image-build/rauc/make-bundle.sh --rootfs ROOTFS.ext4 --boot BOOT.vfat --version V \
#       --cert signing.cert.pem --key signing.key.pem [--keyring ca.cert.pem] [--format verity|plain] \
#       [--compatible mynaguard-rpi-arm64] OUT.raucb
# The devices only accept verity bundles (system/rauc/system.conf: bundle-formats=-plain); plain exists for
# machines without device-mapper (the integration tests on the dev box). --keyring checks the result.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rootfs="" boot="" version="" cert="" key="" keyring="" format=verity compatible=mynaguard-rpi-arm64 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rootfs) rootfs=$2; shift 2 ;;
    --boot) boot=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --cert) cert=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --keyring) keyring=$2; shift 2 ;;
    --format) format=$2; shift 2 ;;
    --compatible) compatible=$2; shift 2 ;;
    -*) echo "make-bundle: unknown option $1" >&2; exit 2 ;;
    *) out=$1; shift ;;
  esac
done
for v in rootfs version cert key out; do
  [[ -n "${!v}" ]] || { echo "make-bundle: --$v is required (OUT is the last argument)" >&2; exit 2; }
done
[[ "$format" == verity || "$format" == plain ]] || { echo "make-bundle: --format verity|plain" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp --reflink=auto "$rootfs" "$work/rootfs.ext4"
cp "$here/bundle-hook.sh" "$work/hook.sh"
{
  echo "[update]"
  echo "compatible=$compatible"
  echo "version=$version"
  echo "build=$(date -u +%Y%m%dT%H%M%SZ)"
  echo
  echo "[bundle]"
  echo "format=$format"
  echo
  echo "[hooks]"
  echo "filename=hook.sh"
  echo
  echo "[image.rootfs]"
  echo "filename=rootfs.ext4"
  if [[ -n "$boot" ]]; then
    cp --reflink=auto "$boot" "$work/boot.vfat"
    echo
    echo "[image.boot]"
    echo "filename=boot.vfat"
    echo "hooks=post-install"
  fi
} > "$work/manifest.raucm"
rm -f "$out"
check=()
if [[ -n "$keyring" ]]; then
  # Check the signature the way the kiosk does (system/rauc/system.conf: check-purpose=codesign).
  printf '[system]\ncompatible=%s\nbootloader=noop\n[keyring]\npath=%s\ncheck-purpose=codesign\n' \
    "$compatible" "$(realpath "$keyring")" > "$work.conf"
  trap 'rm -rf "$work" "$work.conf"' EXIT
  check=(--conf="$work.conf" bundle --keyring="$keyring")
else
  check=(bundle)
fi
rauc "${check[@]}" --cert="$cert" --key="$key" "$work" "$out"
echo "make-bundle: $out ($(stat -c %s "$out") bytes, $format, version $version)"
