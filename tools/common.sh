# shellcheck shell=bash
# Shared by the setup scripts in tools/ and packaging/, which source it by a
# path relative to themselves:
#   repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
#   . "$repo/tools/common.sh"
# It holds the Debian package lists and these helpers:
#   taglib_dev_package CODENAME  TagLib's -dev package in that Debian release
#   $taglib_dev                  that package for this host's release
#   as_root CMD...               runs CMD as root, through sudo when not root
#   installed PKG                true when the Debian package PKG is installed
#   missing_packages PKG...      prints those of PKG... that are not installed
#   install_missing PKG...       installs those of PKG... that are not installed
#   debian_mirror                the Debian mirror this host's apt uses, for
#                                debootstrap (empty: debootstrap's default)
#   unmount_below DIR            unmounts whatever is mounted below DIR
# Messages go through the sourcing script's log() when it has one.

# TagLib's development package for a Debian release, by its codename:
# libtag1-dev (TagLib 1.x) up to bookworm, libtag-dev (TagLib 2) from trixie.
taglib_dev_package() {
    case "$1" in
        buster|bullseye|bookworm) echo libtag1-dev ;;
        *) echo libtag-dev ;;
    esac
}
# shellcheck source=/dev/null
taglib_dev=$(taglib_dev_package "$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")")

# What building the gateway with CMake needs; all but TagLib's are named the
# same on bookworm (Qt 6.4) and trixie (Qt 6.8). Qt's SQLite driver is a
# plugin, loaded at run time: the play records and their tests need it.
# libqrencode draws the /listen page's QR code.
build_packages=(cmake ninja-build g++ pkg-config libsystemd-dev
                qt6-base-dev qt6-serialport-dev qt6-websockets-dev
                "$taglib_dev" libqt6sql6-sqlite libqrencode-dev)
# CI also builds selection-panel.pro, with qmake and make.
ci_build_packages=("${build_packages[@]}" qmake6 make)
# The tests on top: the browser test drives Chromium against a socat pty;
# the QR code test draws the code with rsvg-convert and reads it with zbarimg.
# shellcheck disable=SC2034 # used by run-tests.sh
test_packages=("${ci_build_packages[@]}" socat chromium ca-certificates prometheus)
# shellcheck disable=SC2034 # used by run-tests.sh and qt68-check.sh
qr_test_packages=(librsvg2-bin zbar-tools)
test_packages+=("${qr_test_packages[@]}")
# The fuzzers (tools/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
# (libclang-rt-dev names the current version's), and llvm for llvm-symbolizer,
# which turns their stack traces into file:line.
# shellcheck disable=SC2034 # used by fuzz.sh and run-tests.sh
fuzz_packages=(clang libclang-rt-dev llvm)

# The sourcing script's name, for messages: run-tests, install, ...
common_script=$(basename "$0" .sh)
apt_updated=0

common_say() {
    if declare -F log >/dev/null; then
        log "$*"
    else
        printf '%s\n' "$*"
    fi
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo --preserve-env=DEBIAN_FRONTEND "$@"
    else
        echo "$common_script: need root or sudo to run: $*" >&2
        return 1
    fi
}

installed() {
    [ "$(dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing_packages() {
    local p
    for p in "$@"; do
        installed "$p" || printf '%s\n' "$p"
    done
}

# apt-get runs without questions unless the caller set DEBIAN_FRONTEND
# otherwise, and updates its lists once per run of the sourcing script.
install_missing() {
    local missing=() frontend="DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-noninteractive}"
    mapfile -t missing < <(missing_packages "$@")
    [ ${#missing[@]} -gt 0 ] || return 0
    common_say "installing ${missing[*]}"
    if [ "$apt_updated" -eq 0 ]; then
        as_root env "$frontend" apt-get update -q || return 1
        apt_updated=1
    fi
    as_root env "$frontend" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The URI of the archive this host's apt takes its own release from (it may be
# a local mirror), as apt itself parses its sources; Raspberry Pi's archives
# are not Debian's. Printed empty when there is none.
debian_mirror() {
    local codename
    # shellcheck source=/dev/null
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    # shellcheck disable=SC2016 # apt's own $(...) format
    apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null |
        awk -v s="$codename" '$2 == s { print $1 }' |
        grep -v -E 'raspberrypi|raspbian' | head -n1 || true
}

# Leftovers of a chroot run that was killed before its trap ran, innermost
# first.
unmount_below() {
    local m
    [ -d "$1" ] || return 0
    findmnt -rn -o TARGET | awk -v r="$1" 'index($0, r "/") == 1' | sort -r |
        while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
