#!/usr/bin/env bash
# Builds the Debian packages with debhelper (debian/, docs/packaging.md):
#   dist/selection-panel_<version>_<arch>.deb
#   dist/selection-panel-kiosk_<version>_all.deb
# from a copy of the working tree (tracked and untracked files, nothing that
# .gitignore names), so build/ and the sources are never written to. The
# unit tests run during the build (all but the browser test); lintian checks
# the results and any error fails the run.
#
# Usage: tools/package.sh [--arch amd64|arm64] [--nocheck]
#   --arch A    the architecture to build for (default: this machine's). A
#               foreign one is built natively in a Debian bookworm root under
#               qemu-user-static, made once in build/<arch>-root and reused.
#   --nocheck   skip the unit tests (DEB_BUILD_OPTIONS=nocheck)
# Needs root (re-runs itself with sudo otherwise) to install the build tools.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
host_arch=$(dpkg --print-architecture)
arch=$host_arch
nocheck=0
suite=bookworm
dist="$repo/dist"

while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=${2:?--arch needs amd64 or arm64}; shift 2 ;;
        --nocheck) nocheck=1; shift ;;
        -h|--help) sed -n '10,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "package: unknown option $1" >&2; exit 2 ;;
    esac
done
case "$arch" in
    amd64|arm64) ;;
    *) echo "package: --arch must be amd64 or arm64, not $arch" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive

log() { printf 'package: %s\n' "$*"; }
start=$SECONDS
phase=$SECONDS
lap() { log "$1 took $((SECONDS - phase)) s"; phase=$SECONDS; }

# 1. One version: the project's (CMakeLists.txt) must be debian/changelog's.
version=$(sed -n 's/^project(selection-panel VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
changelog_version=$(sed -n '1s/^selection-panel (\([^)]*\)).*/\1/p' "$repo/debian/changelog")
if [ -z "$version" ] || [ "$version" != "$changelog_version" ]; then
    log "CMakeLists.txt says version '${version}', debian/changelog '${changelog_version}':" \
        "add a changelog entry (dch -v ${version:-X.Y.Z}) so they agree"
    exit 1
fi
log "selection-panel $version for $arch"

# 2. The tools on this machine: lintian always, the build tools for a native
#    build, debootstrap and the emulator for a foreign one.
tools=(lintian)
if [ "$arch" = "$host_arch" ]; then
    tools+=(dpkg-dev debhelper devscripts fakeroot help2man "${build_packages[@]}")
else
    tools+=(debootstrap qemu-user-static binfmt-support)
fi
install_missing "${tools[@]}"
lap "tools"

# 3. The sources as the working tree has them, without anything ignored.
copy_sources() { # copy_sources TARGET
    rm -rf --one-file-system "$1"
    mkdir -p "$1"
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
        tar --null -T - -cf -) | tar -C "$1" -xf -
}

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    done
    mounted=()
}
on_exit() {
    local rc=$?
    unmount_all
    [ "$rc" -eq 0 ] || log "FAILED (exit $rc) after $((SECONDS - start)) s"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_options="parallel=2"
[ "$nocheck" -eq 0 ] || build_options="$build_options nocheck"

if [ "$arch" = "$host_arch" ]; then
    # 4a. Native: dpkg-buildpackage in build/package, results beside the copy.
    work="$repo/build/package"
    copy_sources "$work/selection-panel-$version"
    rm -f "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes
    lap "copy"
    (cd "$work/selection-panel-$version" &&
        DEB_BUILD_OPTIONS="$build_options" dpkg-buildpackage -b -us -uc)
    lap "dpkg-buildpackage"
else
    # 4b. Foreign: the same build inside a Debian root of that architecture.
    root="$repo/build/$arch-root"
    if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    update-binfmts --enable "qemu-$(case $arch in arm64) echo aarch64 ;; *) echo x86_64 ;; esac)" >/dev/null
    exec 9>"$root.lock"
    flock -n 9 || { log "another run is using $root"; exit 1; }
    findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r "/") == 1' | sort -r |
        while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
    if [ ! -e "$root/.debootstrap-complete" ]; then
        # The mirror this machine uses for Debian itself, when it has one.
        # shellcheck disable=SC2016 # apt's own $(...) format
        mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' |
            awk -v s="$suite" '$2 == s { print $1; exit }' | grep -v -E 'raspberrypi|raspbian' || true)
        rm -rf --one-file-system "$root"
        log "debootstrap --arch=$arch $suite into $root from ${mirror:-the default mirror}"
        debootstrap --arch="$arch" --variant=minbase "$suite" "$root" ${mirror:+"$mirror"}
        touch "$root/.debootstrap-complete"
        lap "debootstrap"
    fi
    for m in /proc /dev /dev/pts; do
        mkdir -p "$root$m"
        mount --bind "$m" "$root$m"
        mounted+=("$root$m")
    done
    in_root() {
        chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive "$@"
    }
    # The build tools, installed again only when the list changed.
    # (build_packages names this machine's TagLib; the root's release may differ.)
    packages=(build-essential dpkg-dev debhelper help2man)
    for package in "${build_packages[@]}"; do
        [ "$package" = "$taglib_dev" ] || packages+=("$package")
    done
    packages+=("$(taglib_dev_package "$suite")")
    marker="$root/.selection-panel-packages"
    if [ "$(cat "$marker" 2>/dev/null)" != "${packages[*]}" ]; then
        in_root apt-get update -q
        in_root apt-get install -y -q --no-install-recommends "${packages[@]}"
        in_root apt-get clean
        echo "${packages[*]}" > "$marker"
        lap "build tools in the $arch root"
    fi
    work="$root/build"
    copy_sources "$work/selection-panel-$version"
    rm -f "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes
    lap "copy"
    in_root sh -c "cd /build/selection-panel-$version &&
        DEB_BUILD_OPTIONS='$build_options' dpkg-buildpackage -b -us -uc"
    lap "dpkg-buildpackage (emulated $arch)"
fi

# 5. The results into dist/, then lintian: errors fail, warnings are listed.
mkdir -p "$dist"
debs=("$work/selection-panel_${version}_${arch}.deb" "$work/selection-panel-kiosk_${version}_all.deb")
for deb in "${debs[@]}"; do
    [ -f "$deb" ] || { log "dpkg-buildpackage made no $(basename "$deb")"; exit 1; }
    mv -f "$deb" "$dist/"
done
rm -rf --one-file-system "$work/selection-panel-$version"
status=0
lintian --fail-on error --info "${debs[@]/#$work/$dist}" || status=$?
lap "lintian"
[ "$status" -eq 0 ] || { log "lintian found errors"; exit 1; }
log "done in $((SECONDS - start)) s:"
ls -l "${debs[@]/#$work/$dist}"
