#!/usr/bin/env bash
# Proves the packages under a booted systemd, as on a Pi: boots a fresh Debian
# bookworm root with systemd-nspawn, installs dist/*.deb inside it with apt,
# and checks (docs/packaging.md, "The booted check"):
#   1. the service starts by itself and becomes active through Type=notify,
#      and /health answers;
#   2. systemd-analyze security scores the unit at 2.0 or better;
#   3. a panel on a pty: refused by the unit's device policy, working once a
#      drop-in allows pseudo-terminals (a press lights its LED); the press
#      is in the play records, and the console's password set as root lets
#      the service log a browser in;
#   4. a frozen gateway (SIGSTOP) is restarted by the watchdog;
#   5. "systemctl stop" takes less than 2 s;
#   6. a configuration error (exit 2) fails the unit without a restart loop;
#   7. an upgrade keeps the edited conffile;
#   8. the kiosk: skipped without a display; on wlroots' headless backend it
#      shows the dashboard, plays after a press, and comes back when Chromium
#      is killed;
#   9. apt purge leaves nothing running and only the curator's media and
#      the play records.
#
# Usage: tools/systemd-check.sh [--keep]
#   --keep   leave the container running at the end (the script prints how to
#            enter it and how to stop it)
# The packages come from tools/package.sh (this machine's architecture). The
# base root is made once in build/systemd-base and copied for every run.
# Needs root (re-runs itself with sudo otherwise); uses the host's network
# and its ports 8080 (the gateway's default) and two free ones.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
suite=bookworm
base="$repo/build/systemd-base"
root="$repo/build/systemd-root"
machine=selection-panel-check
keep=0

for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h|--help) sed -n '19,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "systemd-check: unknown option $arg" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive

log() { printf 'systemd-check: %s\n' "$*"; }
die() { printf 'systemd-check: FAIL: %s\n' "$*" >&2; exit 1; }
start=$SECONDS
phase=$SECONDS
lap() { log "$1 took $((SECONDS - phase)) s"; phase=$SECONDS; }

arch=$(dpkg --print-architecture)
version=$(sed -n 's/^project(selection-panel VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
gateway_deb="$repo/dist/selection-panel_${version}_${arch}.deb"
kiosk_deb="$repo/dist/selection-panel-kiosk_${version}_all.deb"
for deb in "$gateway_deb" "$kiosk_deb"; do
    [ -f "$deb" ] || die "no $deb: run tools/package.sh first"
done

install_missing systemd-container debootstrap curl python3 iproute2
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# The container shares the host's network: its gateway listens on 8080.
if ss -Hltn 'sport = :8080' | grep -q .; then
    die "port 8080 is in use on this machine; the packaged gateway needs it"
fi
panel_port=$(free_port)
devtools_port=$(free_port)

exec 9>"$root.lock"
flock -n 9 || die "another run is using $root"

# ------------------------------------------------------------------ the root
# The base: a minimal bookworm with systemd, socat for the pty panel and
# procps to look at processes.
include=systemd,systemd-sysv,dbus,socat,procps
if [ "$(cat "$base/.debootstrap-complete" 2>/dev/null)" != "$include" ]; then
    rm -rf --one-file-system "$base"
    mirror=$(debian_mirror)
    log "debootstrap $suite into $base from ${mirror:-the default mirror}"
    debootstrap --variant=minbase --include="$include" "$suite" "$base" ${mirror:+"$mirror"}
    echo "$include" > "$base/.debootstrap-complete"
    lap "debootstrap"
fi
rm -rf --one-file-system "$root"
cp -a "$base" "$root"
echo "$machine" > "$root/etc/hostname"
# A throwaway root: dpkg need not sync every file it unpacks.
echo force-unsafe-io > "$root/etc/dpkg/dpkg.cfg.d/check-unsafe-io"
# The kiosk's packages come from the mirror: a dropped connection is retried.
echo 'Acquire::Retries "3";' > "$root/etc/apt/apt.conf.d/80check-retries"
mkdir -p "$root/srv/debs"
cp "$gateway_deb" "$kiosk_deb" "$root/srv/debs/"

nspawn_pid='' leader=''
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "$rc" -ne 0 ] && [ -n "$leader" ]; then
        log "the container's journal, last lines:"
        in_c journalctl --no-pager -n 40 -o short-monotonic 2>/dev/null | grep -v 'ALSA lib' >&2 || true
    fi
    if [ "$keep" -eq 1 ] && [ -n "$leader" ]; then
        log "the container keeps running: nsenter -t $leader -a bash; to end it: kill $nspawn_pid"
    elif [ -n "$nspawn_pid" ]; then
        # SIGTERM makes systemd-nspawn power the container off.
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
        wait "$nspawn_pid" 2>/dev/null || true
        rm -rf --one-file-system "$root"
    fi
    [ "$rc" -eq 0 ] || log "FAILED (exit $rc) after $((SECONDS - start)) s"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# in_c CMD...: runs CMD inside the container, in all its namespaces.
in_c() {
    nsenter -t "$leader" -a /usr/bin/env -i LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive SYSTEMD_PAGER= "$@"
}
# wait_until SECONDS WHAT CMD...: polls CMD every 0.2 s until it succeeds.
wait_until() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt "$deadline" ] || die "no $what within $limit s"
        sleep 0.2
    done
}
# grep_all PATTERN: like grep -q, but reads all its input. grep -q stops at
# the first match, and under pipefail the writer's SIGPIPE fails the pipe.
grep_all() { grep -c -- "$1" >/dev/null; }
prop() { in_c systemctl show -P "$2" "$1"; } # prop UNIT PROPERTY
unit_is() { [ "$(prop "$1" ActiveState)/$(prop "$1" SubState)" = "$2" ]; }
status_field() { # status_field NAME: one value of the gateway's /status
    curl -s --noproxy '*' --max-time 5 http://127.0.0.1:8080/status |
        python3 -c 'import json, sys; v = json.load(sys.stdin)[sys.argv[1]]; print("null" if v is None else v)' "$1"
}
status_is() { [ "$(status_field "$1")" = "$2" ]; }
dropin() { # dropin UNIT NAME [TEXT]: writes (or with no TEXT removes) a drop-in
    local dir="$root/etc/systemd/system/$1.d"
    if [ $# -ge 3 ]; then mkdir -p "$dir"; printf '%s\n' "$3" > "$dir/$2.conf"; else rm -f "$dir/$2.conf"; fi
    in_c systemctl daemon-reload
}

# ------------------------------------------------------------------ boot
# The host's apt cache is shared: packages it already fetched (Chromium, for
# the browser test) are not fetched again.
cache=()
[ ! -d /var/cache/apt/archives/partial ] || cache=(--bind=/var/cache/apt/archives)
log "booting $root"
systemd-nspawn --boot --directory="$root" --machine="$machine" --register=no --keep-unit \
    "${cache[@]}" --console=passive >"$repo/build/systemd-check.console.log" 2>&1 &
nspawn_pid=$!
wait_until 30 "container" pgrep -P "$nspawn_pid"
leader=$(pgrep -P "$nspawn_pid" | head -n1)
wait_until 30 "systemd manager in the container" in_c test -S /run/systemd/private
state=$(in_c timeout 90 systemctl is-system-running --wait || true)
case $state in
    running) ;;
    *) in_c systemctl --failed --no-legend >&2 || true; die "the container's systemd is $state, not running" ;;
esac
lap "boot (systemd $state)"

# ------------------------------------------------------------------ 1. install
log "apt install ./$(basename "$gateway_deb")"
in_c apt-get update -q >/dev/null
in_c apt-get install -y -q "/srv/debs/$(basename "$gateway_deb")" >"$repo/build/systemd-check.apt.log" 2>&1 ||
    { tail -n 20 "$repo/build/systemd-check.apt.log" >&2; die "apt could not install the package"; }
[ "$(prop selection-panel Type)" = notify ] || die "the unit is not Type=notify"
wait_until 20 "active selection-panel.service" unit_is selection-panel active/running
[ "$(prop selection-panel UnitFileState)" = enabled ] || die "the unit is not enabled"
health=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/health)
[ "$health" = 503 ] || die "/health answered $health without a panel, not 503"
status_is media_complete True || die "the demo media are not complete"
log "PASS: installed, enabled, active (running) through Type=notify; /health answers 503 without a panel"
lap "install"

# ------------------------------------------------------------------ 2. security
exposure=$(in_c systemd-analyze security --no-pager selection-panel.service |
    sed -n 's/.*Overall exposure level for selection-panel.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || die "systemd-analyze security gave no score"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || die "exposure $exposure, more than 2.0"
log "PASS: systemd-analyze security: exposure $exposure"

# ------------------------------------------------------------------ 3. panel
# socat stands in for the ESP32: a pty inside the container whose other end
# is a TCP port this script talks to. It restarts after each conversation.
conf="$root/etc/selection-panel/selection-panel.conf"
in_c mkdir -p /run/check-panel
in_c systemd-run --quiet --unit=check-panel -p Restart=always -p RestartSec=200ms \
    socat pty,link=/run/check-panel/tty,raw,echo=0,group=dialout,mode=660 \
    "tcp-listen:$panel_port,bind=127.0.0.1,reuseaddr"
wait_until 10 "pty from socat" in_c test -L /run/check-panel/tty
printf '\n; Edited by the booted check: the panel on a pty.\nserial_port = /run/check-panel/tty\n' >> "$conf"
in_c systemctl restart selection-panel
# DevicePolicy=closed admits ttyACM and ttyUSB only. Where the container's
# systemd has no device controller to enforce it with (cgroups v1, as on
# some CI machines) the pty opens anyway: then say so.
refused() {
    in_c journalctl -u selection-panel -b --no-pager | grep_all '/run/check-panel/tty.*ermission'
}
wait_until 10 "answer to the pty" sh -c "$(declare -f in_c grep_all refused status_field status_is)
    refused || status_is serial_state connected"
if refused; then
    log "PASS: the unit's device policy refuses the pty"
else
    log "NOTE: the device policy is not enforced in this container (cgroups v1 without" \
        "a device controller for it); the pty opened without the drop-in"
fi

dropin selection-panel.service check-pty '[Service]
DeviceAllow=char-pts rw'
in_c systemctl restart selection-panel
wait_until 10 "serial_state connected" status_is serial_state connected
exec 3<>"/dev/tcp/127.0.0.1/$panel_port"
expect_line() { # expect_line TEXT: reads panel lines until one equals TEXT
    local line deadline=$((SECONDS + 5))
    while [ $SECONDS -lt $deadline ]; do
        IFS= read -r -t 5 line <&3 || break
        [ "${line%$'\r'}" != "$1" ] || return 0
    done
    die "the panel never read \"$1\""
}
printf 'FW check-panel\n' >&3
printf 'PRESS 3\n' >&3
expect_line 'LEDSET 003'
exec 3>&-
wait_until 5 "serial_firmware" status_is serial_firmware check-panel
log "PASS: with DeviceAllow=char-pts the panel works: PRESS 3 -> LEDSET 003"
lap "panel"

# ------------------------------------------------------------------ 3b. records and console
# The hardened unit can write its play records in its state directory, and
# read the console's password that root stored in /etc/selection-panel.
records_written() {
    curl -s --noproxy '*' --max-time 5 http://127.0.0.1:8080/status |
        python3 -c 'import json, sys; r = json.load(sys.stdin)["records"]; sys.exit(not (r["enabled"] and r["written"] >= 1 and r["error"] is None))'
}
wait_until 10 "the press in the play records" records_written
in_c test -s /var/lib/selection-panel/stats.sqlite || die "no /var/lib/selection-panel/stats.sqlite"
printf 'check-password\n' | in_c selection-panel --set-admin-password >/dev/null ||
    die "selection-panel --set-admin-password failed"
perms=$(in_c stat -c '%a %U %G' /etc/selection-panel/admin-password)
[ "$perms" = "640 root selection-panel" ] || die "admin-password is '$perms', not '640 root selection-panel'"
cookie=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -D - -H 'Content-Type: application/json' \
    -d '{"password":"check-password"}' http://127.0.0.1:8080/admin/login |
    sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/ip' | tr -d '\r')
[ -n "$cookie" ] || die "the console's login did not give a session (can the service read admin-password?)"
stats=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" http://127.0.0.1:8080/api/stats)
[ "$stats" = 200 ] || die "/api/stats in a session answered $stats, not 200"
log "PASS: the press is in /var/lib/selection-panel/stats.sqlite; admin-password is $perms; login and /api/stats work"
lap "records and console"

# ------------------------------------------------------------------ 4. watchdog
dropin selection-panel.service check-watchdog '[Service]
WatchdogSec=2s
RestartSec=1s'
in_c systemctl restart selection-panel
wait_until 10 "active selection-panel.service" unit_is selection-panel active/running
frozen=$(prop selection-panel MainPID)
restarts=$(prop selection-panel NRestarts)
in_c systemctl kill --signal=SIGSTOP selection-panel
begin=$SECONDS
wait_until 30 "restart after the watchdog" sh -c \
    "[ \"\$(nsenter -t $leader -a systemctl show -P NRestarts selection-panel)\" -gt $restarts ]"
wait_until 10 "active selection-panel.service" unit_is selection-panel active/running
[ "$(prop selection-panel MainPID)" != "$frozen" ] || die "the frozen process is still the main one"
in_c journalctl -u selection-panel -b --no-pager | grep_all 'Watchdog timeout' ||
    die "the journal does not say the watchdog fired"
log "PASS: a frozen gateway is restarted by the watchdog ($((SECONDS - begin)) s with WatchdogSec=2s)"
dropin selection-panel.service check-watchdog
in_c systemctl restart selection-panel
wait_until 10 "active selection-panel.service" unit_is selection-panel active/running
# The killed gateway could not release its exclusive hold on the pty (a USB
# port loses it with the process; a pty keeps it): a new pty, as a replug.
in_c systemctl restart check-panel
wait_until 10 "serial_state connected" status_is serial_state connected

# ------------------------------------------------------------------ 5. stop
t0=$(date +%s%N)
in_c systemctl stop selection-panel
stop_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$stop_ms" -lt 2000 ] || die "systemctl stop took $stop_ms ms"
[ "$(prop selection-panel ExecMainStatus)" = 0 ] || die "the gateway did not exit 0 on stop"
log "PASS: systemctl stop took $stop_ms ms, exit status 0"
in_c systemctl start selection-panel
lap "watchdog and stop"

# ------------------------------------------------------------------ 6. config error
cp "$conf" "$conf.check"
printf 'no_such_key = 1\n' >> "$conf"
in_c systemctl restart selection-panel 2>/dev/null || true
wait_until 10 "failed selection-panel.service" unit_is selection-panel failed/failed
[ "$(prop selection-panel ExecMainStatus)" = 2 ] || die "a configuration error did not exit 2"
restarts=$(prop selection-panel NRestarts)
# RestartSec=5: a restart would have happened by now.
sleep 7
unit_is selection-panel failed/failed && [ "$(prop selection-panel NRestarts)" = "$restarts" ] ||
    die "the unit restarted after a configuration error"
in_c journalctl -u selection-panel -b --no-pager | grep_all 'no_such_key' ||
    die "the journal does not name the bad key"
log "PASS: a configuration error exits 2, the unit fails and stays failed (no restart in 7 s)"
mv "$conf.check" "$conf"
in_c systemctl reset-failed selection-panel
in_c systemctl start selection-panel
wait_until 10 "serial_state connected" status_is serial_state connected
lap "config error"

# ------------------------------------------------------------------ 7. upgrade
# The next version, made from this one: its default config changed too, the
# case where dpkg would ask; unattended, the edited file is kept.
next="${version}+check1"
work=$(mktemp -d)
dpkg-deb -R "$gateway_deb" "$work/pkg"
sed -i "s/^Version: .*/Version: $next/" "$work/pkg/DEBIAN/control"
printf '; (changed in %s)\n' "$next" >> "$work/pkg/etc/selection-panel/selection-panel.conf"
(cd "$work/pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum > DEBIAN/md5sums)
dpkg-deb --root-owner-group -b "$work/pkg" "$root/srv/debs/selection-panel_${next}_${arch}.deb" >/dev/null
rm -rf "$work"
old_pid=$(prop selection-panel MainPID)
in_c apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "/srv/debs/selection-panel_${next}_${arch}.deb" >>"$repo/build/systemd-check.apt.log" 2>&1 ||
    { tail -n 20 "$repo/build/systemd-check.apt.log" >&2; die "apt could not upgrade to $next"; }
[ "$(in_c dpkg-query -W -f '${Version}' selection-panel)" = "$next" ] || die "not upgraded to $next"
grep -q '^serial_port = /run/check-panel/tty' "$conf" || die "the upgrade lost the edited conffile"
[ -f "$conf.dpkg-dist" ] || die "the new default config was not put beside it (.dpkg-dist)"
wait_until 10 "active selection-panel.service" unit_is selection-panel active/running
[ "$(prop selection-panel MainPID)" != "$old_pid" ] || die "the upgrade did not restart the gateway"
wait_until 10 "serial_state connected" status_is serial_state connected
log "PASS: upgrade to $next kept the edited conffile (new default in .dpkg-dist), restarted the gateway"
lap "upgrade"

# ------------------------------------------------------------------ 8. kiosk
log "apt install ./$(basename "$kiosk_deb") (cage, Chromium)"
in_c apt-get install -y -q "/srv/debs/$(basename "$kiosk_deb")" >>"$repo/build/systemd-check.apt.log" 2>&1 ||
    { tail -n 20 "$repo/build/systemd-check.apt.log" >&2; die "apt could not install the kiosk package"; }
lap "kiosk install"
[ "$(prop selection-panel-kiosk UnitFileState)" = enabled ] || die "the kiosk unit is not enabled"
[ "$(prop selection-panel-kiosk ConditionResult)" = no ] ||
    die "the kiosk unit did not skip a machine without /dev/tty0"
log "PASS: the kiosk is enabled, and skipped here for want of a display"
# As on a Pi but on wlroots' headless backend with software rendering, no
# VT, and Chromium's DevTools port open for this script.
dropin selection-panel-kiosk.service check-headless "[Unit]
ConditionPathExists=
[Service]
ExecStartPre=
TTYPath=
StandardInput=null
UtmpIdentifier=
Environment=WLR_BACKENDS=headless WLR_RENDERER=pixman
Environment=SELECTION_PANEL_KIOSK_FLAGS=--remote-debugging-port=$devtools_port"
in_c systemctl start selection-panel-kiosk
kiosk_url=http://localhost:8080/
env -u http_proxy -u HTTP_PROXY python3 "$repo/tools/kiosk-cdp.py" "$devtools_port" "$kiosk_url" 0 60 ||
    die "the kiosk does not show the dashboard playing"
# A crashed browser: cage exits with it, and the unit starts both again.
restarts=$(prop selection-panel-kiosk NRestarts)
browser=$(in_c pgrep -u selection-panel-kiosk -o -x chromium)
in_c kill -KILL "$browser"
wait_until 30 "kiosk restart" sh -c \
    "[ \"\$(nsenter -t $leader -a systemctl show -P NRestarts selection-panel-kiosk)\" -gt $restarts ]"
env -u http_proxy -u HTTP_PROXY python3 "$repo/tools/kiosk-cdp.py" "$devtools_port" "$kiosk_url" 0 60 ||
    die "the kiosk did not come back after Chromium was killed"
log "PASS: the kiosk unit shows the dashboard playing, and restarts when Chromium dies"
lap "kiosk"

# ------------------------------------------------------------------ 9. purge
media=$root/var/lib/selection-panel/media
echo "the curator's own file" > "$media/notes.txt"
in_c apt-get purge -y -q selection-panel selection-panel-kiosk >>"$repo/build/systemd-check.apt.log" 2>&1 ||
    die "apt purge failed"
left=$(in_c ps -eo comm= | grep -E '^(selection-panel|cage|chromium|Xwayland)' || true)
[ -z "$left" ] || die "still running after purge: $left"
for unit in selection-panel selection-panel-kiosk; do
    [ "$(prop "$unit" LoadState)" = not-found ] || die "$unit.service is still known to systemd"
done
for path in etc/selection-panel usr/share/selection-panel usr/bin/selection-panel \
            usr/lib/modules-load.d/selection-panel.conf var/lib/selection-panel/media/001.mp3; do
    [ ! -e "$root/$path" ] || die "/$path is still there after purge"
done
[ -f "$media/notes.txt" ] || die "purge removed the curator's file"
[ "$(ls -A "$media")" = notes.txt ] || die "purge left demo media: $(ls "$media")"
[ -s "$root/var/lib/selection-panel/stats.sqlite" ] || die "purge removed the play records"
log "PASS: apt purge: nothing running, units and files gone (admin-password too), the curator's file and the play records kept"
lap "purge"

log "all checks passed in $((SECONDS - start)) s"
