#!/usr/bin/env bash
# Proves the exhibit screen without a display: runs the built gateway, then the
# kiosk launcher (packaging/kiosk/selection-panel-kiosk) with cage on wlroots'
# headless backend, and checks over Chromium's DevTools port (kiosk-cdp.py)
# that the dashboard is shown, connected, allowed to play sound, turned as
# configured, and plays 003.mp3 after GET /test/play/3; then that SIGTERM (what
# the unit's stop sends) ends it with status 0.
#
# Usage: tools/kiosk-check.sh [BUILD_DIR]     (default: build; the gateway is
#        built there when missing)
# Installs cage, xwayland and chromium with apt-get when missing (through sudo
# when not root). cage refuses to run as root, so as root the launcher runs as
# "nobody" (KIOSK_CHECK_USER overrides). Exit 0 when every check passed.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
build=$(realpath -m "${1:-$repo/build}")
launcher=$repo/packaging/kiosk/selection-panel-kiosk
timeout_s=${KIOSK_CHECK_TIMEOUT:-60}
rotation=90 # portrait: the check sees the window turned

log() { printf 'kiosk-check: %s\n' "$*"; }
die() { printf 'kiosk-check: FAIL: %s\n' "$*" >&2; exit 1; }

install_missing cage xwayland chromium
command -v python3 >/dev/null || die "python3 is not installed"

if [ ! -x "$build/selection-panel" ]; then
    log "building the gateway in $build"
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" --target selection-panel
fi

started=0
tmp=$(mktemp -d /tmp/kiosk-check.XXXXXX)
gateway_pid='' kiosk_pid=''
cleanup() {
    local rc=$? pid alive
    trap - EXIT INT TERM
    # The launcher was started in its own process group (setsid): cage, Xwayland
    # and every Chromium process go with it.
    for pid in $kiosk_pid $gateway_pid; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        alive=0
        for pid in $kiosk_pid $gateway_pid; do
            if pgrep -g "$pid" >/dev/null; then alive=1; fi
        done
        [ "$alive" -eq 1 ] || break
        sleep 0.1
    done
    for pid in $kiosk_pid $gateway_pid; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ] && [ "$started" -eq 1 ]; then
        log "last lines of the kiosk's log ($tmp/kiosk.log):"
        grep -v 'dbus\|Basic output test failed' "$tmp/kiosk.log" | tail -n 15 >&2 || true
        log "last lines of the gateway's log:"
        tail -n 5 "$tmp/gateway.log" >&2 || true
        log "logs kept in $tmp"
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

begin=$SECONDS
http_port=$(free_port)
devtools_port=$(free_port)
gateway_url=http://127.0.0.1:$http_port/

# The kiosk's user needs its runtime and state directories; /tmp/kiosk-check.*
# is traversable so that it reaches them.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    user=${KIOSK_CHECK_USER:-nobody}
    group=$(id -gn "$user")
    as_user=(setpriv "--reuid=$user" "--regid=$group" --init-groups)
fi
mkdir -p "$tmp/run" "$tmp/state"
chmod 755 "$tmp"
chmod 700 "$tmp/run"
[ ${#as_user[@]} -eq 0 ] || chown "$user:$group" "$tmp/run" "$tmp/state"

cat >"$tmp/kiosk.conf" <<EOF
; written by kiosk-check.sh
url = $gateway_url
rotation = $rotation
wait_s = 30
EOF

started=1
log "gateway on port $http_port"
setsid "$build/selection-panel" --serial-port none --http-host 127.0.0.1 --http-port "$http_port" \
    --media-dir "$repo/media" --stats-db none >"$tmp/gateway.log" 2>&1 &
gateway_pid=$!

# No GPU here: wlroots renders with pixman.
log "kiosk launcher with WLR_BACKENDS=headless, DevTools on port $devtools_port"
setsid env -i PATH="$PATH" LANG=C.UTF-8 HOME="$tmp/state" \
    XDG_RUNTIME_DIR="$tmp/run" STATE_DIRECTORY="$tmp/state" \
    WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman \
    SELECTION_PANEL_KIOSK_FLAGS="--remote-debugging-port=$devtools_port" \
    "${as_user[@]}" "$launcher" --config "$tmp/kiosk.conf" >"$tmp/kiosk.log" 2>&1 &
kiosk_pid=$!

env -u http_proxy -u HTTP_PROXY python3 "$repo/tools/kiosk-cdp.py" \
    "$devtools_port" "$gateway_url" "$rotation" "$timeout_s" || exit 1
grep -q 'waiting up to\|gateway answers\|starting cage' "$tmp/kiosk.log" ||
    die "the launcher did not log its start"
kill -0 "$kiosk_pid" 2>/dev/null || die "the kiosk exited during the check"

# What "systemctl stop" does with KillMode=mixed: SIGTERM to the launcher alone.
# It must end the browser so that cage exits by itself, with status 0, soon.
log "stopping the launcher (SIGTERM)"
kill -TERM "$kiosk_pid"
stop_begin=$SECONDS
for _ in $(seq 100); do
    kill -0 "$kiosk_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$kiosk_pid" 2>/dev/null && die "the launcher still runs 10 s after SIGTERM"
status=0
wait "$kiosk_pid" || status=$?
kiosk_pid=
[ "$status" -eq 0 ] || die "the launcher exited with status $status after SIGTERM"
log "stopped cleanly in $((SECONDS - stop_begin)) s"
log "PASS in $((SECONDS - begin)) s"
