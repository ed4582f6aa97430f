#!/usr/bin/env bash
# Builds the project against Qt 6.8 (Debian trixie, g++ 14) inside a
# debootstrap root and runs its tests there (all but the browser test).
#
# Usage: tools/qt68-check.sh [--clean]
#   --clean   rebuild from an empty build folder (the root itself is reused)
# Environment: QT68_ROOT  where the root lives (default: <repo>/build/trixie-root)
#              QT68_SUITE the Debian suite (default: trixie)
# Needs root (re-runs itself with sudo otherwise). The root is made once and
# reused while its marker file matches the package list below.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
root=${QT68_ROOT:-$repo/build/trixie-root}
suite=${QT68_SUITE:-trixie}
clean=0

# What CI builds with on the host, under the same names in trixie but for
# TagLib's, which is named after the root's release.
packages=()
for package in "${ci_build_packages[@]}"; do
    [ "$package" = "$taglib_dev" ] || packages+=("$package")
done
packages+=("$(taglib_dev_package "$suite")")
# What the QR code test reads the code with; without them it skips.
packages+=("${qr_test_packages[@]}")

for arg in "$@"; do
    case "$arg" in
        --clean) clean=1 ;;
        -h|--help) sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "qt68-check: unknown option $arg" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=QT68_ROOT,QT68_SUITE,CI,CTEST_PARALLEL_LEVEL "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive

log() { printf 'qt68-check: %s\n' "$*"; }
start=$SECONDS
phase=$SECONDS
lap() { log "$1 took $((SECONDS - phase)) s"; phase=$SECONDS; }

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    done
    mounted=()
}
bind() { # bind SOURCE TARGET [ro]
    mkdir -p "$2"
    mount --bind "$1" "$2"
    mounted+=("$2")
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}
in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive CI="${CI:-}" \
        ${CTEST_PARALLEL_LEVEL:+CTEST_PARALLEL_LEVEL="$CTEST_PARALLEL_LEVEL"} \
        "$@"
}

on_exit() {
    local rc=$?
    unmount_all
    [ "$rc" -eq 0 ] || log "FAILED (exit $rc) after $((SECONDS - start)) s"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One run per root: a second one would unmount the first one's mounts.
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
if ! flock -n 9; then
    log "another run is using $root"
    exit 1
fi
unmount_below "$root"

# 1. The base system, made once.
if [ ! -e "$root/.debootstrap-complete" ]; then
    command -v debootstrap >/dev/null || install_missing debootstrap
    rm -rf --one-file-system "$root"
    mkdir -p "$root"
    mirror=$(debian_mirror)
    log "debootstrap $suite into $root from ${mirror:-the default mirror}"
    debootstrap --variant=minbase "$suite" "$root" ${mirror:+"$mirror"}
    touch "$root/.debootstrap-complete"
    lap "debootstrap"
fi

bind /proc "$root/proc"
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"

# 2. The build tools and Qt, installed again only when the list changed.
marker="$root/.selection-panel-packages"
if [ "$(cat "$marker" 2>/dev/null)" != "${packages[*]}" ]; then
    log "installing ${packages[*]}"
    in_root apt-get update -q
    in_root apt-get install -y -q --no-install-recommends "${packages[@]}"
    in_root apt-get clean
    echo "${packages[*]}" > "$marker"
    lap "package install"
fi
# shellcheck disable=SC2016 # dpkg-query's own ${Version} format
log "Qt $(in_root dpkg-query -W -f '${Version}' qt6-base-dev)," \
    "$(in_root g++ --version | head -n1), $(in_root cmake --version | head -n1)"

# 3. Configure, build and test; the sources are mounted read-only and the
#    build happens in the root's own /build.
bind "$repo" "$root/src" ro
[ "$clean" -eq 0 ] || rm -rf --one-file-system "$root/build"
in_root cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
lap "configure"
in_root cmake --build /build
lap "build"
in_root ctest --test-dir /build --output-on-failure -LE browser
lap "tests"
log "passed on Qt 6.8 in $((SECONDS - start)) s"
