#!/usr/bin/env bash
# Fetches the kernels listed in other-builds.txt from Debian's archive (apt-get download: no install) into
# $PATCHC_OTHER_KERNELS (default ${TMPDIR:-/tmp}/patchc-other-kernels)/<release>/: vmlinuz-<release>, config-<release>
# and System.map-<release> made from the image's own kallsyms (the package's System.map is a placeholder).
# Idempotent: a release already there is skipped. i386 packages need `dpkg --add-architecture i386` (done here
# when run as root) and an apt-get update. Exit 0 when every kernel is there; non-zero otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dest=${PATCHC_OTHER_KERNELS:-${TMPDIR:-/tmp}/patchc-other-kernels}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
updated=0
failed=0
while read -r pkg arch release _rules _caps; do
  [ -z "${pkg:-}" ] || [ "${pkg:0:1}" = "#" ] && continue
  out="$dest/$release"
  if [ -s "$out/vmlinuz-$release" ] && [ -s "$out/System.map-$release" ]; then continue; fi
  if [ "$arch" = i386 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
    dpkg --add-architecture i386
    updated=0
  fi
  spec=$pkg
  [ "$arch" = i386 ] && spec="$pkg:i386"
  if ! (cd "$work" && apt-get download -q "$spec" >/dev/null 2>&1); then
    if [ "$updated" = 0 ]; then apt-get update -qq; updated=1; fi
    if ! (cd "$work" && apt-get download -q "$spec" >/dev/null 2>&1); then
      # Debian drops superseded point releases from its archive in time: the test then skips this build, saying so.
      echo "fetch-other-builds: cannot download $spec" >&2
      failed=$((failed + 1))
      continue
    fi
  fi
  deb=$(ls "$work"/"${pkg}"_*.deb | head -n1)
  mkdir -p "$work/x" "$out.tmp"
  dpkg --fsys-tarfile "$deb" | tar -x -C "$work/x" "./boot/vmlinuz-$release" "./boot/config-$release"
  mv "$work/x/boot/vmlinuz-$release" "$work/x/boot/config-$release" "$out.tmp/"
  (cd "$repo" && npx tsx scripts/kernel/system-map-from-image.ts "$out.tmp/vmlinuz-$release" "$out.tmp/System.map-$release")
  rm -rf "$out" "$deb" "$work/x"
  mv "$out.tmp" "$out"
done < "$here/other-builds.txt"
echo "fetch-other-builds: $(ls "$dest" | wc -l) kernels in $dest$( [ "$failed" -gt 0 ] && echo ", $failed not fetched")"
[ "$failed" = 0 ]
