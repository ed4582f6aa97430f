#!/usr/bin/env bash
# Installs the gateway as a systemd service on Raspberry Pi OS / Debian:
#   /usr/bin/selection-panel                       the program (cmake --install)
#   /etc/systemd/system/selection-panel.service    the unit
#   /etc/selection-panel/selection-panel.conf      the config (kept if present)
#   /var/lib/selection-panel/media/                the demo media (only if empty)
#   /etc/modules-load.d/selection-panel.conf       USB serial drivers at boot
# and a system user "selection-panel" in group dialout; then enables and
# starts the service.
#
# Usage: sudo packaging/install.sh [--build-dir DIR] [--no-start]
#   --build-dir DIR  an existing build (default: <repo>/build; built when absent)
#   --no-start       install and enable, but do not (re)start now
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
build="$repo/build"
start=1
user=selection-panel
state=/var/lib/selection-panel
confdir=/etc/selection-panel

while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build=${2:?--build-dir needs a folder}; shift 2 ;;
        --no-start) start=0; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install: unknown option $1" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
log() { printf 'install: %s\n' "$*"; }

# 1. The program; built first when there is no build yet.
if [ ! -x "$build/selection-panel" ]; then
    install_missing "${build_packages[@]}"
    log "building in $build"
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_INSTALL_PREFIX=/usr
    cmake --build "$build"
fi
cmake --install "$build" --prefix /usr
# Qt's SQLite driver is a plugin the linker does not see: the play records need it.
install_missing libqt6sql6-sqlite

# 2. The service user; dialout opens the panel's tty.
if ! getent passwd "$user" >/dev/null; then
    log "creating system user $user"
    useradd --system --user-group --home-dir "$state" --no-create-home \
        --shell /usr/sbin/nologin --comment "selection panel gateway" "$user"
fi
usermod -a -G dialout "$user"

# 3. Config: an operator's edited file is never overwritten.
# Its group is the service's: the console's admin-password (0640) takes it.
install -d -m 0755 -g "$user" "$confdir"
if [ -e "$confdir/selection-panel.conf" ]; then
    install -m 0644 "$repo/packaging/selection-panel.conf" "$confdir/selection-panel.conf.example"
    log "kept $confdir/selection-panel.conf (new example: selection-panel.conf.example)"
else
    install -m 0644 "$repo/packaging/selection-panel.conf" "$confdir/selection-panel.conf"
fi

# 4. Media: the demo set only into an empty folder.
install -d -m 0755 -o "$user" -g "$user" "$state"
install -d -m 0755 -o "$user" -g "$user" "$state/media"
if [ -z "$(ls -A "$state/media")" ]; then
    log "copying the demo media to $state/media"
    install -m 0644 -o "$user" -g "$user" "$repo"/media/*.jpg "$repo"/media/*.mp3 "$repo"/media/*.vtt "$state/media/"
else
    log "kept the media in $state/media"
fi

# 5. The unit, which only admits ttyACM/ttyUSB devices: their drivers must be
#    loaded before it starts, even when the panel is plugged in later.
install -d -m 0755 /etc/modules-load.d /etc/systemd/system
install -m 0644 "$repo/packaging/modules-load.d/selection-panel.conf" /etc/modules-load.d/selection-panel.conf
if ! modprobe -a cdc_acm usbserial 2>/dev/null; then
    log "could not load cdc_acm/usbserial now; they load at the next boot"
fi
install -m 0644 "$repo/packaging/selection-panel.service" /etc/systemd/system/selection-panel.service

if [ ! -d /run/systemd/system ]; then
    log "systemd is not running here: enable later with 'systemctl enable --now selection-panel'"
    exit 0
fi
systemctl daemon-reload
systemctl enable selection-panel.service
if [ "$start" -eq 1 ]; then
    systemctl restart selection-panel.service
    log "started; logs: journalctl -u selection-panel -f"
fi
log "dashboard: http://$(hostname -f 2>/dev/null || hostname):8080/ (unless the config says otherwise)"
