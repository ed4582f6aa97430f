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
    tools+=(debootstrap binfmt-support)
fi
install_missing "${tools[@]}"

# The emulator. Qt's QProcess starts programs with clone(CLONE_PIDFD), which
# bookworm's qemu-user (7.2) refuses with EINVAL, so every test that starts
# the gateway would fail under it; the one in bookworm-backports (10.0)
# emulates it (docs/packaging.md, "arm64").
install_emulator() {
    local codename list mirror
    # shellcheck source=/dev/null
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    if [ "$codename" != bookworm ]; then
        install_missing qemu-user-static
        return
    fi
    if ! apt-cache policy | grep -c ' bookworm-backports/main ' >/dev/null; then
        list=/etc/apt/sources.list.d/selection-panel-backports.list
        log "adding bookworm-backports ($list) for a current qemu-user"
        mirror=$(debian_mirror)
        echo "deb ${mirror:-http://deb.debian.org/debian/} bookworm-backports main" > "$list"
        apt-get update -q
    fi
    if ! dpkg-query -W -f '${Version}' qemu-user 2>/dev/null | grep -c bpo12 >/dev/null; then
        apt-get install -y -q -t bookworm-backports qemu-user-static
    fi
}
[ "$arch" = "$host_arch" ] || install_emulator
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
    # qemu-user-binfmt 10 registers through systemd-binfmt (binfmt.d), 7.2
    # through binfmt-support; neither runs by itself where systemd is not init.
    emulated=qemu-$(case $arch in arm64) echo aarch64 ;; *) echo x86_64 ;; esac)
    if [ ! -e "/proc/sys/fs/binfmt_misc/$emulated" ]; then
        if [ -e "/usr/lib/binfmt.d/$emulated.conf" ]; then
            /lib/systemd/systemd-binfmt "/usr/lib/binfmt.d/$emulated.conf"
        else
            update-binfmts --enable "$emulated" >/dev/null
        fi
    fi
    exec 9>"$root.lock"
    flock -n 9 || { log "another run is using $root"; exit 1; }
    unmount_below "$root"
    if [ ! -e "$root/.debootstrap-complete" ]; then
        mirror=$(debian_mirror)
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
