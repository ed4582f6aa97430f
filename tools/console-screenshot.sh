#!/usr/bin/env bash
# Remakes the README's pictures of the staff console, docs/console.png (a desk
# screen) and docs/console-phone.png: the built gateway on the demo media with
# an admin password in a temporary config directory, a socat pty as a panel
# that answers like firmware 2.5, the dashboard playing in one headless
# Chromium page and the console, logged in, in another, after a few presses
# on its virtual panel. Nothing outside a temporary folder and docs/ is touched.
#
# Usage: tools/console-screenshot.sh [BUILD_DIR]     (default: build)
# Needs the gateway built in BUILD_DIR, node, socat and chromium, and
# "npm ci" in autotests/browser (done here when missing). CHROMIUM=... picks
# another browser; PORT=... another port (default 18731).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
gateway="$build/selection-panel"
browser_dir="$repo/autotests/browser"
port=${PORT:-18731}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

log() { printf '=== console-screenshot: %s\n' "$*"; }
die() { printf 'console-screenshot: %s\n' "$*" >&2; exit 1; }

[ -x "$gateway" ] || die "no gateway at $gateway: build it first (cmake --build build)"
for tool in node socat; do
    command -v "$tool" >/dev/null || die "\"$tool\" is not installed"
done
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (Debian's \"chromium\" package, or set CHROMIUM=...)"
if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
    log "npm ci in autotests/browser"
    (cd "$browser_dir" && npm ci --no-audit --no-fund)
fi
[ -s "$repo/media/000.jpg" ] || "$repo/tools/make-demo-media.sh"

tmp=$(mktemp -d -t selection-panel.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

socat pty,raw,echo=0,link="$tmp/panel" pty,raw,echo=0,link="$tmp/ttyPANEL" 2>"$tmp/socat.log" &
pids+=($!)
for _ in $(seq 100); do [ -e "$tmp/panel" ] && [ -e "$tmp/ttyPANEL" ] && break; sleep 0.05; done
[ -e "$tmp/ttyPANEL" ] || die "socat made no pty pair: $(cat "$tmp/socat.log")"

# The demo media, with 003 as a long sound so that it still plays for the picture.
cp -r "$repo/media" "$tmp/media"
node -e '
const frame = Buffer.alloc(96);
frame.set([0xff, 0xfb, 0x14, 0xc0]); // MPEG-1 Layer III, 32 kbit/s, 48 kHz, mono: silence
require("fs").writeFileSync(process.argv[1], Buffer.concat(Array(Math.ceil(90 * 48000 / 1152)).fill(frame)));
' "$tmp/media/003.mp3"

cat >"$tmp/selection-panel.conf" <<EOF
serial_port = $tmp/ttyPANEL
http_host = 127.0.0.1
http_port = $port
media_dir = $tmp/media
stats_db = $tmp/stats.sqlite
EOF
password="demo-$RANDOM$RANDOM"
printf '%s\n' "$password" | "$gateway" --config "$tmp/selection-panel.conf" --set-admin-password >/dev/null

log "gateway on http://127.0.0.1:$port/"
"$gateway" --config "$tmp/selection-panel.conf" >"$tmp/gateway.log" 2>&1 &
pids+=($!)

node --input-type=module - "$port" "$tmp/panel" "$password" "$repo/docs" "$browser_dir" <<'EOF'
import fs from 'node:fs';
import path from 'node:path';
import tty from 'node:tty';
import { pathToFileURL } from 'node:url';

const [port, panelPath, password, docs, browserDir] = process.argv.slice(2);
const { chromium } = await import(pathToFileURL(path.join(browserDir, 'node_modules', 'playwright-core', 'index.mjs')));
const base = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The panel: answers VERSION and PING as firmware 2.5 does, so the console shows it alive.
const fd = fs.openSync(panelPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
const panel = new tty.ReadStream(fd);
let partial = '';
panel.setEncoding('latin1');
panel.on('data', (data) => {
    partial += data;
    for (let end; (end = partial.indexOf('\n')) >= 0; partial = partial.slice(end + 1)) {
        const line = partial.slice(0, end).trim();
        if (line === 'VERSION') fs.writeSync(fd, 'FW selection-panel 2.5.0\nOK\n');
        else if (line === 'PING') fs.writeSync(fd, 'PONG\n');
    }
});

for (let i = 0; ; i += 1) {
    try {
        if ((await fetch(`${base}/health`)).status === 200) break;
    } catch { /* not listening yet */ }
    if (i > 300) throw new Error('the gateway did not become healthy');
    await sleep(50);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
try {
    const screen = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await screen.goto(`${base}/`);
    await screen.waitForFunction(() => document.body.dataset.server === 'up');

    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await admin.goto(`${base}/admin`);
    await admin.fill('#password', password);
    await admin.click('#login-submit');
    await admin.waitForSelector('#virtual-panel .key');

    // A few presses for the charts, then a reload to fetch them, then 003 for the picture.
    for (const id of [1, 4, 3, 7, 3, 5, 8, 3, 1, 3]) {
        await admin.click(`#virtual-panel .key[data-id="${id}"]`);
        await admin.waitForFunction((wanted) => document.querySelector('#virtual-panel .key.lit')?.dataset.id === String(wanted),
            id, { timeout: 10_000 });
    }
    await admin.click('#action-stop');
    await admin.reload();
    await admin.waitForFunction(() => Number(document.getElementById('chart-week').dataset.total) > 0, null, { timeout: 10_000 });
    await admin.click('#virtual-panel .key[data-id="3"]');
    await screen.waitForFunction(() => document.body.dataset.current === '3' && document.getElementById('audio').currentTime > 0);
    await admin.waitForFunction(() => /^0:0[3-9]$/.test(document.getElementById('now-elapsed').textContent), null,
        { timeout: 15_000 });

    await admin.screenshot({ path: path.join(docs, 'console.png'), fullPage: true, animations: 'disabled' });
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.screenshot({ path: path.join(docs, 'console-phone.png'), animations: 'disabled' });
    console.log(`=== console-screenshot: wrote ${path.join(docs, 'console.png')} and console-phone.png`);
} finally {
    await browser.close();
    panel.destroy();
}
EOF
