#!/usr/bin/env bash
# Builds the gateway and runs it without a panel on the repo's demo media:
# open http://localhost:8080/ and try http://localhost:8080/test/play/3
#
# Usage: tools/run-demo.sh [gateway options...]
#   e.g. tools/run-demo.sh --serial-port auto   (use a connected panel)
#        tools/run-demo.sh --http-port 8081
# Works on Debian / Raspberry Pi OS bookworm or trixie; installs missing build
# packages with apt-get (through sudo when not root).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$repo/build"
packages=(cmake ninja-build g++ pkg-config libsystemd-dev
          qt6-base-dev qt6-serialport-dev qt6-websockets-dev qt6-httpserver-dev)

log() { printf '\n=== run-demo: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "run-demo: need root or sudo to run: $*" >&2
        exit 1
    fi
}

installed() {
    [ "$(dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -s "$repo/media/000.jpg" ]; then
    log "making the demo media"
    "$repo/tools/make-demo-media.sh"
fi

log "building in $build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"

log "starting the gateway (http://localhost:8080/ unless --http-port says otherwise; Ctrl+C stops it)"
exec "$build/selection-panel" --serial-port none --media-dir "$repo/media" "$@"
