// Staff console (/admin): a login, then what the gateway is doing, a virtual
// panel to press buttons with, stop, attract mode, the LED self-test, the
// volume, and charts of the presses (README.md, "For staff").
// Everything the gateway sends is written with textContent, never as markup:
// log lines and browsers' user agents come from outside.

const POLL_MS = 2000; // GET /api/admin/state
const STATS_MS = 60_000; // GET /api/stats
const TICK_MS = 250; // elapsed/remaining between two polls
const SVG = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);
const body = document.body;
const loginForm = $('login-form');
const loginSubmit = $('login-submit');
const loginMessage = $('login-message');
const password = $('password');
const slider = $('volume');
const virtualPanel = $('virtual-panel');
const logBox = $('log-box');

let loggedIn = false;
let pollTimer = 0;
let pollRound = 0; // a poll's answer that arrives after a newer poll began is dropped
let statsTimer = 0;
let tickTimer = 0;
let retryTimer = 0;
let noteTimer = 0;
let latest = null; // { status, at }: the last /api/admin/state's status and when it came
let layout = null; // { first, count, columns } of the virtual panel
let logText = '';
let volumeBusy = false; // staff are moving the slider: polls leave it alone
let stats = null; // the last /api/stats answer, kept for redrawing at another width

// ------------------------------------------------------------------ formats

const pad2 = (n) => String(n).padStart(2, '0');
const formatId = (id) => String(id).padStart(3, '0');

function minSec(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(s / 60)}:${pad2(s % 60)}`;
}

function span(ms) {
    const min = Math.max(0, Math.floor(ms / 60_000));
    if (min < 1) return 'less than a minute';
    if (min < 60) return `${min} min`;
    const h = Math.floor(min / 60);
    if (h < 48) return `${h} h ${min % 60} min`;
    return `${Math.floor(h / 24)} days`;
}

// The gateway's times are ISO 8601 in its own local time; staff want that
// wall-clock time, whatever zone this browser is in.
function wallClock(iso, withDay) {
    const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(iso ?? '');
    if (!m) return iso ?? '';
    const time = `${m[4]}:${m[5]}`;
    if (!withDay) return time;
    const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][day.getUTCDay()];
    return `${weekday} ${m[1]}-${m[2]}-${m[3]} ${time}`;
}

// "Chrome 120 on Android" rather than a line of Mozilla/5.0 (…).
function shortAgent(agent) {
    if (!agent) return 'unknown browser';
    const browsers = [[/Edg\/(\d+)/, 'Edge'], [/OPR\/(\d+)/, 'Opera'], [/Firefox\/(\d+)/, 'Firefox'],
        [/HeadlessChrome\/(\d+)/, 'Headless Chrome'], [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
        [/Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//, 'Safari']];
    const systems = [[/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'], [/CrOS/, 'ChromeOS'],
        [/Windows/, 'Windows'], [/Macintosh|Mac OS X/, 'macOS'], [/Linux/, 'Linux']];
    const browser = browsers.find(([pattern]) => pattern.test(agent));
    const system = systems.find(([pattern]) => pattern.test(agent));
    const name = browser ? `${browser[1]} ${agent.match(browser[0])[1]}` : agent.slice(0, 40);
    return system ? `${name} on ${system[1]}` : name;
}

function setMessage(element, text, code = '') {
    element.replaceChildren(text);
    if (code) {
        const command = document.createElement('code');
        command.textContent = code;
        element.append(' ', command);
    }
    element.hidden = !text;
}

function setPill(element, text, tone) {
    element.textContent = text;
    element.dataset.tone = tone;
}

// Shown under the panel for a few seconds: what became of the last action.
function note(text, tone = 'ok') {
    const element = $('action-message');
    setMessage(element, text);
    element.dataset.tone = tone;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => { element.hidden = true; }, 5000);
}

// ------------------------------------------------------------------ talking to the gateway

// Resolves to { status, data, headers }, or null when the gateway is out of reach.
// A 401 while the console shows means the session is gone: back to the login.
async function call(method, path, payload) {
    const init = { method, cache: 'no-store', credentials: 'same-origin' };
    if (payload !== undefined) {
        init.headers = { 'Content-Type': 'application/json' };
        init.body = JSON.stringify(payload);
    }
    let reply;
    try {
        reply = await fetch(path, init);
    } catch {
        return null;
    }
    let data = null;
    try { data = await reply.json(); } catch { /* not JSON: data stays null */ }
    if (reply.status === 401 && loggedIn) showLogin('Your session has ended. Please log in again.');
    return { status: reply.status, data, headers: reply.headers };
}

// ------------------------------------------------------------------ views

function showView(view) {
    body.dataset.view = view;
    $('login').hidden = view !== 'login';
    $('console').hidden = view !== 'console';
    $('logout').hidden = view !== 'console';
}

function showLogin(message = '') {
    loggedIn = false;
    stopTimers();
    showView('login');
    setMessage(loginMessage, message);
    loginMessage.dataset.tone = 'warn';
    password.focus();
}

function showConsole() {
    loggedIn = true;
    showView('console');
    startTimers();
}

// Polling only while the tab is seen: a phone in a pocket costs the gateway nothing.
function startTimers() {
    stopTimers();
    if (!loggedIn || document.hidden) return;
    poll();
    refreshStats();
    statsTimer = setInterval(refreshStats, STATS_MS);
    tickTimer = setInterval(tick, TICK_MS);
}

function stopTimers() {
    clearTimeout(pollTimer);
    clearInterval(statsTimer);
    clearInterval(tickTimer);
    pollTimer = statsTimer = tickTimer = 0;
    pollRound += 1;
}

document.addEventListener('visibilitychange', () => {
    if (document.hidden) stopTimers();
    else if (loggedIn) startTimers();
});

async function poll() {
    clearTimeout(pollTimer);
    const round = ++pollRound;
    const reply = await call('GET', '/api/admin/state');
    if (round !== pollRound || !loggedIn) return;
    $('offline').hidden = reply !== null && reply.status < 500;
    if (reply?.status === 200 && reply.data) render(reply.data);
    pollTimer = setTimeout(poll, POLL_MS);
}

// ------------------------------------------------------------------ login

loginForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    loginSubmit.disabled = true;
    const reply = await call('POST', '/admin/login', { password: password.value });
    loginSubmit.disabled = false;
    loginMessage.dataset.tone = 'bad';
    if (!reply) {
        setMessage(loginMessage, 'The gateway cannot be reached.');
    } else if (reply.status === 200) {
        password.value = '';
        setMessage(loginMessage, '');
        showConsole();
    } else if (reply.status === 403) {
        setMessage(loginMessage, 'Wrong password.');
        password.select();
    } else if (reply.status === 429) {
        const wait = Number(reply.data?.retry_after_s ?? reply.headers.get('Retry-After'));
        countDown(Number.isFinite(wait) && wait > 0 ? wait : 1);
    } else if (reply.status === 404) {
        setMessage(loginMessage, 'The console is off: no staff password has been set. On the gateway, run',
            'sudo selection-panel --set-admin-password');
    } else {
        setMessage(loginMessage, `Login failed: ${reply.data?.error ?? `HTTP ${reply.status}`}`);
    }
});

// Too many wrong passwords: the button stays off until the gateway listens again.
function countDown(seconds) {
    clearInterval(retryTimer);
    const until = Date.now() + seconds * 1000;
    const update = () => {
        const left = until - Date.now();
        if (left <= 0) {
            clearInterval(retryTimer);
            loginSubmit.disabled = false;
            setMessage(loginMessage, 'You can try again now.');
            return;
        }
        loginSubmit.disabled = true;
        setMessage(loginMessage, `Too many wrong passwords. Try again in ${minSec(left + 999)}.`);
    };
    update();
    retryTimer = setInterval(update, 250);
}

$('logout').addEventListener('click', async () => {
    await call('POST', '/admin/logout');
    showLogin('Logged out.');
    loginMessage.dataset.tone = 'ok';
});

// ------------------------------------------------------------------ the state

function currentId(status) {
    return status.current_button ?? status.current_id ?? null;
}

function render(state) {
    const status = state.status ?? {};
    latest = { status, at: performance.now() };
    $('version').textContent = status.version ? `v${status.version}` : '';
    renderNow(status);
    renderPanel(status, state.panel_layout);
    renderScreens(Array.isArray(state.screens) ? state.screens : []);
    renderMedia(status);
    renderLog(Array.isArray(state.log) ? state.log : []);
    tick();
}

function renderNow(status) {
    const open = status.open !== false;
    setPill($('open-state'), open ? 'Open' : 'Closed', open ? 'ok' : 'warn');
    $('open-next').textContent = status.next_change
        ? `${open ? 'closes' : 'opens'} ${wallClock(status.next_change, true)}`
        : open ? 'no closing time set' : '';
    const phones = Number.isInteger(status.listeners) ? status.listeners : 0;
    $('ws-clients').textContent = Number.isInteger(status.ws_clients)
        ? String(status.ws_clients - phones) + (phones > 0 ? ` (and ${phones} phones listening)` : '')
        : '—';
    $('uptime').textContent = Number.isFinite(status.uptime_s) ? span(status.uptime_s * 1000) : '—';
    if (!volumeBusy && Number.isInteger(status.volume)) {
        slider.value = String(status.volume);
        $('volume-value').textContent = String(status.volume);
    }
}

// Elapsed and remaining move on between polls, from the last poll's numbers.
function tick() {
    if (!latest) return;
    const { status, at } = latest;
    const id = currentId(status);
    body.dataset.playing = String(id !== null);
    $('now-id').textContent = id === null ? '—' : formatId(id);
    const fill = $('now-fill');
    if (id === null) {
        $('now-elapsed').textContent = 'Nothing is playing';
        $('now-remaining').textContent = '';
        fill.style.transform = 'scaleX(0)';
        return;
    }
    const since = performance.now() - at;
    const elapsed = (status.current_elapsed_ms ?? 0) + since;
    const left = status.current_remaining_ms;
    const remaining = Number.isFinite(left) ? Math.max(0, left - since) : null;
    $('now-elapsed').textContent = minSec(elapsed);
    $('now-remaining').textContent = remaining === null ? 'length unknown' : `−${minSec(remaining)}`;
    const share = remaining === null ? 0 : elapsed / Math.max(1, elapsed + remaining);
    fill.style.transform = `scaleX(${Math.min(1, share).toFixed(4)})`;
}

const SERIAL_STATES = {
    connected: ['Connected', 'ok'],
    silent: ['Not responding', 'warn'],
    disconnected: ['Disconnected', 'bad'],
    disabled: ['No panel configured', 'neutral'],
};

function renderPanel(status, panelLayout) {
    const state = status.serial_state ?? (status.serial_connected ? 'connected' : 'disconnected');
    const [text, tone] = SERIAL_STATES[state] ?? [String(state), 'neutral'];
    const pill = $('serial-state');
    setPill(pill, text, tone);
    pill.dataset.state = state;
    $('serial-port').textContent = status.serial_port ?? '';
    $('serial-firmware').textContent = status.serial_firmware ?? '—';
    $('serial-last-line').textContent = Number.isFinite(status.serial_last_line_s)
        ? `${status.serial_last_line_s.toFixed(1)} s ago` : '—';

    if (panelLayout && Number.isInteger(panelLayout.first_id) && Number.isInteger(panelLayout.count)
        && Number.isInteger(panelLayout.columns) && panelLayout.count > 0 && panelLayout.count <= 1000
        && panelLayout.columns > 0) {
        const next = { first: panelLayout.first_id, count: panelLayout.count, columns: panelLayout.columns };
        if (!layout || next.first !== layout.first || next.count !== layout.count || next.columns !== layout.columns) {
            layout = next;
            buildPanel();
            drawCharts();
        }
    }
    const current = currentId(status);
    for (const key of virtualPanel.children) {
        const lit = Number(key.dataset.id) === current;
        key.classList.toggle('lit', lit);
        key.setAttribute('aria-pressed', String(lit));
    }
}

// The real panel's grid: `columns` buttons a row, numbered from first_id.
function buildPanel() {
    virtualPanel.style.setProperty('--columns', String(layout.columns));
    virtualPanel.dataset.columns = String(layout.columns);
    const keys = [];
    for (let i = 0; i < layout.count; i += 1) {
        const key = document.createElement('button');
        key.type = 'button';
        key.className = 'key';
        key.dataset.id = String(layout.first + i);
        key.textContent = formatId(layout.first + i);
        key.setAttribute('aria-label', `Press ${formatId(layout.first + i)}`);
        keys.push(key);
    }
    virtualPanel.replaceChildren(...keys);
}

function renderScreens(screens) {
    const items = screens.map((screen) => {
        const item = document.createElement('li');
        const head = document.createElement('div');
        const address = document.createElement('strong');
        address.textContent = String(screen.address ?? '?');
        const agent = document.createElement('span');
        agent.className = 'muted';
        agent.textContent = shortAgent(String(screen.user_agent ?? ''));
        agent.title = String(screen.user_agent ?? '');
        head.append(address, ' ', agent);
        const since = document.createElement('div');
        const from = Date.parse(screen.since);
        since.textContent = `connected since ${wallClock(screen.since, false)}`
            + (Number.isFinite(from) ? ` (${span(Date.now() - from)})` : '');
        const ended = document.createElement('div');
        ended.className = 'muted';
        const last = screen.last_ended;
        ended.textContent = last && Number.isInteger(last.id)
            ? `last finished ${formatId(last.id)} at ${wallClock(last.at, false)}` : 'has not finished a sound yet';
        item.append(head, since, ended);
        return item;
    });
    $('screen-list').replaceChildren(...items);
    $('screens-none').hidden = screens.length > 0;
}

function renderMedia(status) {
    const complete = status.media_complete !== false;
    setPill($('media-state'), complete ? 'Complete' : 'Incomplete', complete ? 'ok' : 'bad');
    const missing = Number(status.media_missing ?? 0);
    $('media-counts').textContent = `${status.num_media ?? '?'} numbers from ${formatId(status.first_id ?? 0)}`
        + (missing ? `, ${missing} file${missing === 1 ? '' : 's'} missing` : '');
    const names = Array.isArray(status.missing_files) ? status.missing_files.map(String) : [];
    const items = names.map((name) => {
        const item = document.createElement('li');
        item.textContent = name;
        return item;
    });
    const ids = [...new Set(names.map((name) => /^\d+/.exec(name)?.[0]).filter(Boolean))];
    if (ids.length) {
        const summary = document.createElement('li');
        summary.className = 'missing-ids';
        summary.textContent = `Numbers: ${ids.join(', ')}${missing > names.length ? ` and ${missing - names.length} more files` : ''}`;
        items.unshift(summary);
    }
    $('media-missing').replaceChildren(...items);
}

// The newest line at the bottom; a reader who scrolled up is left where they are.
function renderLog(lines) {
    const text = lines.join('\n');
    if (text === logText) return;
    logText = text;
    const atBottom = logBox.scrollHeight - logBox.scrollTop - logBox.clientHeight < 24;
    logBox.replaceChildren(...lines.map((line) => {
        const item = document.createElement('li');
        item.textContent = String(line);
        if (/\b(warning|critical|error)\b/i.test(item.textContent)) item.dataset.tone = 'warn';
        return item;
    }));
    if (atBottom) logBox.scrollTop = logBox.scrollHeight;
}

// ------------------------------------------------------------------ actions

// Posts a change, says what became of it and shows the result at once.
async function act(path, payload) {
    const reply = await call('POST', path, payload);
    if (!reply) {
        note('The gateway cannot be reached.', 'bad');
        return null;
    }
    if (reply.status === 401) return null;
    if (loggedIn) poll();
    return reply;
}

const OUTCOMES = {
    played: ['plays', 'ok'],
    stopped: ['stopped', 'ok'],
    ignored: ['ignored (press policy, cool-down or closed)', 'warn'],
    rejected: ['not a valid number', 'bad'],
};

virtualPanel.addEventListener('click', async (event) => {
    const key = event.target.closest('button[data-id]');
    if (!key) return;
    const id = Number(key.dataset.id);
    const reply = await act(`/api/admin/press/${id}`);
    if (!reply) return;
    const outcome = reply.data?.outcome;
    const [text, tone] = OUTCOMES[outcome] ?? [reply.data?.error ?? `HTTP ${reply.status}`, 'bad'];
    note(`${formatId(id)}: ${text}`, tone);
});

function simple(button, path, done) {
    $(button).addEventListener('click', async () => {
        const reply = await act(path);
        if (reply) note(reply.status === 200 ? done : `Failed: ${reply.data?.error ?? `HTTP ${reply.status}`}`,
            reply.status === 200 ? 'ok' : 'bad');
    });
}

simple('action-stop', '/api/admin/stop', 'Stopped.');
simple('action-attract', '/api/admin/attract', 'Attract mode started.');
simple('action-selftest', '/api/admin/selftest', 'LED self-test running.');

slider.addEventListener('input', () => {
    volumeBusy = true;
    $('volume-value').textContent = slider.value;
});

slider.addEventListener('change', async () => {
    volumeBusy = true;
    const reply = await act('/api/admin/volume', { level: Number(slider.value) });
    volumeBusy = false;
    if (reply?.status === 200) note(`Volume ${reply.data?.level ?? slider.value}.`);
    else if (reply) note(`Volume not changed: ${reply.data?.error ?? `HTTP ${reply.status}`}`, 'bad');
});

// ------------------------------------------------------------------ statistics

// One request: the gateway's default range is the last 7 days up to its
// today, in its own time zone; today's presses are that day's rows.
async function refreshStats() {
    const reply = await call('GET', '/api/stats');
    const message = $('stats-message');
    if (!reply || reply.status === 401) return;
    if (reply.status !== 200 || !reply.data) {
        setMessage(message, reply.status === 404 ? 'Statistics are not available on this gateway.'
            : `Statistics failed: ${reply.data?.error ?? `HTTP ${reply.status}`}`);
        return;
    }
    message.hidden = true;
    stats = reply.data;
    const csv = $('stats-csv');
    csv.href = `/api/stats.csv?from=${encodeURIComponent(stats.from)}&to=${encodeURIComponent(stats.to)}`;
    csv.download = `presses-${stats.from}-${stats.to}.csv`;
    drawCharts();
}

function drawCharts() {
    if (!stats) return;
    const week = new Map();
    for (const row of Array.isArray(stats.ids) ? stats.ids : [])
        week.set(row.id, Number(row.presses) || 0);
    const today = new Map();
    for (const row of Array.isArray(stats.days) ? stats.days : []) {
        if (row.date === stats.to) today.set(row.id, (today.get(row.id) ?? 0) + (Number(row.presses) || 0));
    }
    barChart($('chart-today'), today, `Presses per button on ${stats.to}`);
    barChart($('chart-week'), week, `Presses per button from ${stats.from} to ${stats.to}`);
}

function svgElement(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
}

// One bar per button of the panel (and any other number the records name),
// drawn at the container's own width so that the labels stay readable.
function barChart(container, counts, title) {
    const ids = new Set(counts.keys());
    if (layout) for (let i = 0; i < layout.count; i += 1) ids.add(layout.first + i);
    const order = [...ids].filter(Number.isInteger).sort((a, b) => a - b);
    const width = Math.max(240, container.clientWidth || 320);
    const height = 170;
    const left = 30, bottom = 22, top = 16;
    const plot = height - bottom - top;
    const max = Math.max(1, ...counts.values());
    const slot = (width - left) / Math.max(1, order.length);
    const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
        'aria-label': title, class: 'chart-svg' });
    svg.append(svgElement('title', {}, title));
    svg.append(svgElement('line', { x1: left, y1: top + plot, x2: width, y2: top + plot, class: 'axis' }));
    svg.append(svgElement('text', { x: left - 6, y: top + 4, 'text-anchor': 'end', class: 'tick' }, String(max)));
    svg.append(svgElement('text', { x: left - 6, y: top + plot, 'text-anchor': 'end', class: 'tick' }, '0'));
    const labelEvery = Math.max(1, Math.ceil(34 / slot)); // no labels on top of each other
    let total = 0;
    order.forEach((id, index) => {
        const n = counts.get(id) ?? 0;
        total += n;
        const h = (n / max) * plot;
        const x = left + index * slot + slot * 0.15;
        const bar = svgElement('rect', { x: x.toFixed(1), y: (top + plot - h).toFixed(1),
            width: Math.max(1, slot * 0.7).toFixed(1), height: h.toFixed(1), rx: Math.min(3, slot * 0.1).toFixed(1),
            class: 'bar' });
        bar.append(svgElement('title', {}, `${formatId(id)}: ${n} press${n === 1 ? '' : 'es'}`));
        svg.append(bar);
        const middle = (left + index * slot + slot / 2).toFixed(1);
        if (n > 0 && slot >= 18)
            svg.append(svgElement('text', { x: middle, y: (top + plot - h - 4).toFixed(1), 'text-anchor': 'middle',
                class: 'value' }, String(n)));
        if (index % labelEvery === 0)
            svg.append(svgElement('text', { x: middle, y: height - 6, 'text-anchor': 'middle', class: 'tick' },
                formatId(id)));
    });
    if (total === 0)
        svg.append(svgElement('text', { x: (left + width) / 2, y: top + plot / 2, 'text-anchor': 'middle',
            class: 'empty' }, 'No presses'));
    container.replaceChildren(svg);
    container.dataset.total = String(total);
}

// Redrawn when the card's width changes (a phone turned, a window resized).
let chartWidth = 0;
new ResizeObserver(() => {
    const width = $('chart-week').clientWidth;
    if (width === chartWidth) return;
    chartWidth = width;
    drawCharts();
}).observe($('chart-week'));

// ------------------------------------------------------------------ start

// Already logged in (a reload, a second tab): straight to the console.
async function start() {
    const reply = await call('GET', '/api/admin/state');
    if (reply?.status === 200) {
        if (reply.data) render(reply.data);
        showConsole();
    }
    else showLogin(reply ? '' : 'The gateway cannot be reached.');
}

start();
