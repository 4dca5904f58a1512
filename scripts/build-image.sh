#!/usr/bin/env bash
# Builds the one KAOS image (every role: agent, mcp, modelapi, operator) without a daemon:
# a root filesystem assembled from the build (stripped `kaos` and `kaos-python-worker`, the
# shared libraries they load, the Python standard library the python-string worker embeds,
# CA certificates, a non-root user), committed with `buildah bud --isolation chroot` from
# deploy/Containerfile.rootfs (FROM scratch), and written as an OCI archive.
#
# usage: scripts/build-image.sh [--rootfs-only] BUILD_DIR [IMAGE_REF] [ARCHIVE]
#   IMAGE_REF defaults to localhost/kaos:dev, ARCHIVE to BUILD_DIR/image/kaos-image.oci.tar.
#   --rootfs-only stops after assembling BUILD_DIR/image/rootfs (deploy/Dockerfile uses it).
# Prints the image's size (rootfs and archive) at the end. deploy/Dockerfile builds the same
# image with Docker for users who have it.
set -euo pipefail

rootfs_only=false
if [[ ${1:-} == --rootfs-only ]]; then
  rootfs_only=true
  shift
fi

build=$(cd "${1:?usage: build-image.sh BUILD_DIR [IMAGE_REF] [ARCHIVE]}" && pwd)
ref=${2:-localhost/kaos:dev}
archive=${3:-$build/image/kaos-image.oci.tar}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$build/image
rootfs=$work/rootfs

$rootfs_only || command -v buildah >/dev/null || { echo "build-image: buildah is missing: scripts/install-deps.sh installs it" >&2; exit 1; }
for bin in kaos kaos-python-worker; do
  [[ -x $build/bin/$bin ]] || { echo "build-image: $build/bin/$bin is missing: build first (make build)" >&2; exit 1; }
done

rm -rf "$rootfs"
mkdir -p "$rootfs"/{usr/local/bin,etc/ssl/certs,tmp,home/kaos,data}
chmod 1777 "$rootfs/tmp"

# The binaries, without debug information (the build keeps it; the image does not need it).
for bin in kaos kaos-python-worker; do
  strip --strip-unneeded -o "$rootfs/usr/local/bin/$bin" "$build/bin/$bin"
done

# The Python the worker embeds: its standard library at the path libpython was built for,
# without test suites, GUI toolkits and installers nobody runs in a pod.
py=/usr/lib/python3.11
mkdir -p "$rootfs$py"
tar -C "$py" -cf - \
  --exclude=test --exclude=tests --exclude=idlelib --exclude=tkinter --exclude=turtledemo \
  --exclude=ensurepip --exclude=lib2to3 --exclude=pydoc_data --exclude=__pycache__ \
  --exclude=config-3.11-x86_64-linux-gnu --exclude=site-packages --exclude=dist-packages . |
  tar -C "$rootfs$py" -xf -

# Every shared library the binaries and the Python extension modules load, and the loader.
copy_libs() {
  ldd "$@" 2>/dev/null | awk '/=> \// {print $3} /^[ \t]*\/lib64\// {print $1}' | sort -u |
    while read -r lib; do
      [[ -e $rootfs$lib ]] && continue
      mkdir -p "$rootfs$(dirname "$lib")"
      cp -L "$lib" "$rootfs$lib"
    done
}
copy_libs "$build/bin/kaos" "$build/bin/kaos-python-worker"
mapfile -t extensions < <(find "$rootfs$py/lib-dynload" -name '*.so')
((${#extensions[@]})) && copy_libs "${extensions[@]}"

cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
# A non-root user (65532, as distroless images use) and the name service files libc reads.
printf 'root:x:0:0:root:/root:/sbin/nologin\nkaos:x:65532:65532:kaos:/home/kaos:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nkaos:x:65532:\n' >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chown -R 65532:65532 "$rootfs/home/kaos" "$rootfs/data"

rootfs_size=$(du -sb "$rootfs" | cut -f1)
if $rootfs_only; then
  echo "build-image: rootfs $((rootfs_size / 1024 / 1024)) MiB: $rootfs"
  exit 0
fi

export BUILDAH_ISOLATION=chroot
buildah rmi -f "$ref" >/dev/null 2>&1 || true
buildah bud --isolation chroot --quiet --layers=false -t "$ref" -f "$here/deploy/Containerfile.rootfs" "$work" >/dev/null
rm -f "$archive"
buildah push --quiet "$ref" "oci-archive:$archive:$ref" >/dev/null

echo "build-image: $ref"
echo "build-image: rootfs $((rootfs_size / 1024 / 1024)) MiB, archive $(($(stat -c %s "$archive") / 1024 / 1024)) MiB: $archive"
