// The staff's debug panel: the latest frames and events, newest first. Opened
// with the D key, five quick taps in the top-left corner (touch screens have
// no keyboard) or by loading /?debug.

const MAX_LINES = 80;

const panel = document.getElementById('debug');
const info = document.getElementById('debug-info');
const list = document.getElementById('debug-log');
const lines = [];
let summary = () => '';

// `direction`: '←' from the gateway, '→' to it, '··' anything else.
export function log(direction, text) {
    const time = new Date().toTimeString().slice(0, 8);
    lines.push(`${time} ${direction} ${text}`);
    if (lines.length > MAX_LINES) lines.shift();
    if (!panel.hidden) render();
}

function render() {
    info.textContent = summary();
    list.replaceChildren(...lines.slice().reverse().map((line) => {
        const item = document.createElement('li');
        item.textContent = line;
        return item;
    }));
}

function toggle(show = panel.hidden) {
    panel.hidden = !show;
    if (show) render();
}

// `describe` returns the panel's header line.
export function setupDebug(describe) {
    summary = describe;
    if (new URLSearchParams(location.search).has('debug')) toggle(true);
    document.addEventListener('keydown', (event) => {
        if (event.key === 'd' || event.key === 'D') toggle();
    });
    document.getElementById('debug-close').addEventListener('click', () => toggle(false));
    let taps = [];
    document.getElementById('corner').addEventListener('pointerdown', () => {
        const now = Date.now();
        taps = taps.filter((t) => now - t < 2000).concat(now);
        if (taps.length >= 5) {
            taps = [];
            toggle();
        }
    });
}
