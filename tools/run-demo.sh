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
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
build="$repo/build"

log() { printf '\n=== run-demo: %s\n' "$*"; }

install_missing "${build_packages[@]}"

if [ ! -s "$repo/media/000.jpg" ]; then
    log "making the demo media"
    "$repo/tools/make-demo-media.sh"
fi

log "building in $build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"

log "starting the gateway (http://localhost:8080/ unless --http-port says otherwise; Ctrl+C stops it)"
exec "$build/selection-panel" --serial-port none --media-dir "$repo/media" "$@"
