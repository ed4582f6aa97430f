// Dashboard of the selection panel: shows and sounds what the gateway says is
// playing, and tells the gateway when the sound has ended.
// Protocol: CONTRACT.md section 3 (state, stop, play, media, panel, pong; ended, ping).

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000]; // fast first, then capped
const CONNECT_TIMEOUT_MS = 5000;    // a CONNECTING socket older than this is retried
const PING_INTERVAL_MS = 5000;
const SILENCE_LIMIT_MS = 15000;     // no frame for this long on a socket that pongs: dead
const STOP_TO_IDLE_MS = 150;        // a play usually follows a stop at once: no idle flash
const HOLD_AFTER_END_MS = 2500;     // keep the picture a moment after the sound ends
const NO_SOUND_HOLD_MS = 5000;      // how long an item without playable sound is shown
const START_TIMEOUT_MS = 8000;      // sound that has not started by then counts as failed
const PRELOAD_CONCURRENCY = 3;
const BLOB_BUDGET_BYTES = 256 * 1024 * 1024; // beyond this, rely on the HTTP cache only
const SLIDESHOW_MS = 8000;
const DEBUG_LINES = 80;

const TEXTS = {
    en: {
        idleTitle: 'Press a button',
        idleSub: 'Choose a number on the panel to see and hear its story.',
        range: 'Numbers {a} to {b}',
        number: 'No.',
        imageMissing: 'Image unavailable',
        soundMissing: 'Sound unavailable',
        unlock: 'Tap to enable sound',
        outageTitle: 'Connection lost',
        outageRetry: 'Reconnecting…',
        outageRetryIn: 'Reconnecting in {s} s…',
        server: 'Server',
        serverUp: 'Server',
        serverDown: 'Server offline',
        serverConnecting: 'Connecting…',
        panelUp: 'Panel',
        panelDown: 'Panel offline',
        panelUnknown: 'Panel',
        panelNone: 'No panel',
        mediaIncomplete: 'Media incomplete',
        preparing: 'Preparing media {n} / {t}',
    },
    de: {
        idleTitle: 'Drücken Sie eine Taste',
        idleSub: 'Wählen Sie eine Nummer am Pult, um ihre Geschichte zu sehen und zu hören.',
        range: 'Nummern {a} bis {b}',
        number: 'Nr.',
        imageMissing: 'Bild nicht verfügbar',
        soundMissing: 'Ton nicht verfügbar',
        unlock: 'Tippen, um den Ton einzuschalten',
        outageTitle: 'Verbindung unterbrochen',
        outageRetry: 'Verbinde neu…',
        outageRetryIn: 'Neuer Versuch in {s} s…',
        server: 'Server',
        serverUp: 'Server',
        serverDown: 'Server getrennt',
        serverConnecting: 'Verbinde…',
        panelUp: 'Pult',
        panelDown: 'Pult getrennt',
        panelUnknown: 'Pult',
        panelNone: 'Kein Pult',
        mediaIncomplete: 'Medien unvollständig',
        preparing: 'Medien werden geladen {n} / {t}',
    },
};

const params = new URLSearchParams(location.search);
const lang = (params.get('lang') || navigator.language || 'en').slice(0, 2).toLowerCase();
const texts = TEXTS[lang] || TEXTS.en;

function tr(key, args = {}) {
    return (texts[key] || TEXTS.en[key] || key).replace(/\{(\w+)\}/g, (_, k) => String(args[k] ?? ''));
}

const $ = (id) => document.getElementById(id);
const body = document.body;
const ui = {
    audio: $('audio'), video: $('video'), image: $('image'), placeholder: $('placeholder'),
    placeholderNumber: $('placeholder-number'), number: $('number'),
    progress: $('progress'), progressFill: $('progress-fill'), elapsed: $('elapsed'), duration: $('duration'),
    soundNote: $('sound-note'), idleRange: $('idle-range'),
    preload: $('preload'), preloadFill: $('preload-fill'), preloadLabel: $('preload-label'),
    banner: $('banner'), bannerSub: $('banner-sub'), unlock: $('unlock'),
    chipServerText: $('chip-server-text'), chipPanelText: $('chip-panel-text'),
    chipMedia: $('chip-media'), chipMediaText: $('chip-media-text'),
    debug: $('debug'), debugLog: $('debug-log'), debugInfo: $('debug-info'),
    backdrops: [$('backdrop-a'), $('backdrop-b')],
};

const pad3 = (id) => String(id).padStart(3, '0');

// A tiny, pre-blurred copy of a picture: scaled up by the GPU it looks like a
// heavy blur but costs nothing per frame (a CSS blur filter on a full-screen
// layer is redrawn every frame where compositing runs in software).
const backdropCache = new Map(); // image URL -> data URL
function backdropFor(image) {
    const key = image.currentSrc || image.src;
    if (backdropCache.has(key)) return backdropCache.get(key);
    let url = '';
    try {
        const canvas = document.createElement('canvas');
        canvas.width = 32;
        canvas.height = Math.max(1, Math.round(32 * image.naturalHeight / Math.max(1, image.naturalWidth)));
        const context = canvas.getContext('2d');
        context.filter = 'blur(1.5px) saturate(1.3)';
        context.drawImage(image, -3, -3, canvas.width + 6, canvas.height + 6);
        url = canvas.toDataURL('image/jpeg', 0.8);
    } catch {
        url = key; // still fine, only sharper
    }
    backdropCache.set(key, url);
    return url;
}

// Fits a picture or video into its frame by hand, so that its shadow and
// rounded corners hug the picture and small files still fill the screen.
function fitMedia(element) {
    const frame = element.parentElement;
    const w = element.naturalWidth || element.videoWidth;
    const h = element.naturalHeight || element.videoHeight;
    if (!w || !h || !frame.clientWidth || !frame.clientHeight) return;
    const scale = Math.min(frame.clientWidth / w, frame.clientHeight / h);
    element.style.width = `${Math.floor(w * scale)}px`;
    element.style.height = `${Math.floor(h * scale)}px`;
}

function formatTime(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
    const s = Math.floor(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- debug log

const debugLines = [];

function debugLog(direction, text) {
    const time = new Date().toTimeString().slice(0, 8);
    debugLines.push(`${time} ${direction} ${text}`);
    if (debugLines.length > DEBUG_LINES) debugLines.shift();
    if (!ui.debug.hidden) renderDebug();
}

function renderDebug() {
    ui.debugInfo.textContent = `v${server.version || '?'} · ids ${server.firstId}…${server.firstId + server.mediaCount - 1}`
        + ` · ${connection.url} · preload ${preloader.done}/${preloader.total}`;
    ui.debugLog.replaceChildren(...debugLines.slice().reverse().map((line) => {
        const li = document.createElement('li');
        li.textContent = line;
        return li;
    }));
}

function toggleDebug(show = ui.debug.hidden) {
    ui.debug.hidden = !show;
    if (show) renderDebug();
}

// ---------------------------------------------------------------- server view

// What the gateway told us; nothing here is hard-coded (count and first id come from `state`).
const server = {
    version: '',
    firstId: 0,
    mediaCount: 0,
    items: new Map(), // id -> { id, image, audio, video }
};

// A gateway that sends no `items` (contract minimum) still has the files by name.
function defaultItem(id) {
    return { id, image: `/media/${pad3(id)}.jpg`, audio: `/media/${pad3(id)}.mp3`, video: null };
}

function itemFor(id, message) {
    const known = server.items.get(id) || defaultItem(id);
    const pick = (field) => (message && field in message ? message[field] : known[field]);
    return { id, image: pick('image'), audio: pick('audio'), video: pick('video') };
}

function applyItems(first, count, items) {
    if (Number.isInteger(first)) server.firstId = first;
    if (Number.isInteger(count)) server.mediaCount = count;
    if (Array.isArray(items)) {
        server.items = new Map(items.filter((it) => Number.isInteger(it?.id)).map((it) => [it.id, {
            id: it.id, image: it.image ?? null, audio: it.audio ?? null, video: it.video ?? null,
        }]));
    } else if (server.mediaCount > 0) {
        const items = new Map();
        for (let id = server.firstId; id < server.firstId + server.mediaCount; ++id)
            items.set(id, server.items.get(id) || defaultItem(id));
        server.items = items;
    }
    if (server.mediaCount > 0) {
        ui.idleRange.textContent = tr('range', { a: pad3(server.firstId), b: pad3(server.firstId + server.mediaCount - 1) });
        ui.idleRange.hidden = false;
    }
    preloader.sync(server.items);
}

function setPanel(connected) {
    body.dataset.panel = connected === true ? 'up' : connected === false ? 'down' : 'unknown';
    ui.chipPanelText.textContent = tr(connected === true ? 'panelUp' : connected === false ? 'panelDown' : 'panelUnknown');
}

// The gateway runs without a panel on purpose (demo): nothing is wrong.
function setNoPanel() {
    body.dataset.panel = 'none';
    ui.chipPanelText.textContent = tr('panelNone');
}

function setMediaComplete(complete) {
    body.dataset.media = complete === false ? 'incomplete' : 'ok';
    ui.chipMedia.hidden = complete !== false;
    ui.chipMediaText.textContent = tr('mediaIncomplete');
}

// ---------------------------------------------------------------- connection

const connection = {
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    socket: null,
    attempt: 0,
    retryTimer: 0,
    connectTimer: 0,
    pingTimer: 0,
    lastFrameAt: 0,
    pongSeen: false,
    retryAt: 0,
};

function setServerState(state) {
    body.dataset.server = state; // connecting | up | lost
    ui.chipServerText.textContent = tr(state === 'up' ? 'serverUp' : state === 'lost' ? 'serverDown' : 'serverConnecting');
    ui.banner.hidden = state !== 'lost';
    updateBanner();
}

function updateBanner() {
    if (ui.banner.hidden) return;
    const left = Math.ceil((connection.retryAt - Date.now()) / 1000);
    ui.bannerSub.textContent = left >= 1 ? tr('outageRetryIn', { s: left }) : tr('outageRetry');
}

function connect() {
    clearTimeout(connection.retryTimer);
    debugLog('··', `connecting to ${connection.url}`);
    let socket;
    try {
        socket = new WebSocket(connection.url);
    } catch (error) {
        debugLog('··', `cannot connect: ${error}`);
        scheduleReconnect();
        return;
    }
    connection.socket = socket;
    connection.pongSeen = false;
    if (body.dataset.server !== 'lost') setServerState('connecting');

    connection.connectTimer = setTimeout(() => {
        if (socket.readyState === WebSocket.CONNECTING) dropSocket(socket, 'connect timeout');
    }, CONNECT_TIMEOUT_MS);

    socket.onopen = () => {
        clearTimeout(connection.connectTimer);
        connection.lastFrameAt = Date.now();
        setServerState('up');
        debugLog('··', 'connected');
        connection.pingTimer = setInterval(() => heartbeat(socket), PING_INTERVAL_MS);
    };
    socket.onmessage = (event) => {
        connection.lastFrameAt = Date.now();
        connection.attempt = 0; // a server that talks is back: next outage starts fast again
        if (typeof event.data !== 'string') return;
        debugLog('←', event.data);
        let message;
        try {
            message = JSON.parse(event.data);
        } catch {
            return;
        }
        if (message && typeof message === 'object') handleMessage(message);
    };
    socket.onclose = (event) => dropSocket(socket, `closed (${event.code})`);
    socket.onerror = () => {}; // onclose follows and does the work
}

function heartbeat(socket) {
    if (socket !== connection.socket || socket.readyState !== WebSocket.OPEN) return;
    // Only a server known to answer pings can be judged by silence (half-open TCP).
    if (connection.pongSeen && Date.now() - connection.lastFrameAt > SILENCE_LIMIT_MS) {
        dropSocket(socket, 'no answer');
        return;
    }
    send({ type: 'ping' }, { quiet: true });
}

function dropSocket(socket, reason) {
    if (socket !== connection.socket) return;
    connection.socket = null;
    clearTimeout(connection.connectTimer);
    clearInterval(connection.pingTimer);
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try { socket.close(); } catch { /* already gone */ }
    debugLog('··', reason);
    setServerState('lost');
    setPanel(null); // unknown until the gateway tells again
    scheduleReconnect();
}

function scheduleReconnect() {
    const base = RECONNECT_DELAYS_MS[Math.min(connection.attempt, RECONNECT_DELAYS_MS.length - 1)];
    const delay = Math.round(base * (0.8 + Math.random() * 0.4)); // jitter: many kiosks, one server
    connection.attempt += 1;
    connection.retryAt = Date.now() + delay;
    updateBanner();
    clearTimeout(connection.retryTimer);
    connection.retryTimer = setTimeout(connect, delay);
}

function send(message, { quiet = false } = {}) {
    const socket = connection.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const text = JSON.stringify(message);
    socket.send(text);
    if (!quiet) debugLog('→', text);
    return true;
}

function handleMessage(message) {
    switch (message.type) {
    case 'state':
        server.version = typeof message.version === 'string' ? message.version : server.version;
        applyItems(message.first_id, message.media_count, message.items);
        if (message.serial_enabled === false) setNoPanel();
        else if (typeof message.serial_connected === 'boolean') setPanel(message.serial_connected);
        else refreshStatus();
        if ('media_complete' in message) setMediaComplete(message.media_complete);
        player.syncTo(Number.isInteger(message.current) ? message.current : null);
        break;
    case 'media':
        applyItems(message.first_id, message.media_count, message.items);
        if ('media_complete' in message) setMediaComplete(message.media_complete);
        break;
    case 'panel':
        setPanel(message.connected === true);
        break;
    case 'stop':
        player.stop();
        break;
    case 'play':
        if (Number.isInteger(message.id)) player.play(itemFor(message.id, message));
        break;
    case 'pong':
        connection.pongSeen = true;
        break;
    default:
        break; // unknown types are ignored on purpose (forward compatible)
    }
}

// A gateway whose `state` does not carry the panel state still has /status.
async function refreshStatus() {
    try {
        const reply = await fetch('/status', { cache: 'no-store' });
        const status = await reply.json();
        if (typeof status.serial_connected === 'boolean') setPanel(status.serial_connected);
        if (Number.isInteger(status.media_missing)) setMediaComplete(status.media_missing === 0);
    } catch {
        // the WebSocket's own state already shows an outage
    }
}

// ---------------------------------------------------------------- sound unlock

const sound = {
    unlocked: false,
    onUnlock: [],
};

function silentWavUrl() {
    const samples = 800; // 0.1 s at 8 kHz
    const view = new DataView(new ArrayBuffer(44 + samples));
    const ascii = (offset, text) => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
    ascii(0, 'RIFF'); view.setUint32(4, 36 + samples, true); ascii(8, 'WAVE');
    ascii(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, 8000, true); view.setUint32(28, 8000, true); view.setUint16(32, 1, true); view.setUint16(34, 8, true);
    ascii(36, 'data'); view.setUint32(40, samples, true);
    for (let i = 0; i < samples; ++i) view.setUint8(44 + i, 128);
    return URL.createObjectURL(new Blob([view], { type: 'audio/wav' }));
}
const SILENT_URL = silentWavUrl();

function markUnlocked() {
    if (sound.unlocked) return;
    sound.unlocked = true;
    ui.unlock.hidden = true;
    body.dataset.sound = 'unlocked';
    debugLog('··', 'sound unlocked');
    for (const fn of sound.onUnlock.splice(0)) fn();
}

// A refused play is the final word, whatever an earlier probe guessed.
function showUnlock() {
    sound.unlocked = false;
    body.dataset.sound = 'locked';
    ui.unlock.hidden = false;
}

// Find out once whether sound may start without a gesture (kiosk flag) or not.
async function probeAutoplay() {
    if (typeof navigator.getAutoplayPolicy === 'function') {
        const policy = navigator.getAutoplayPolicy('mediaelement');
        if (policy === 'allowed') { markUnlocked(); return; }
        if (policy === 'disallowed' || policy === 'allowed-muted') { showUnlock(); return; }
    }
    if (player.active) return; // a real play answers the question itself
    const audio = ui.audio;
    audio.src = SILENT_URL;
    try {
        await audio.play();
        markUnlocked();
    } catch (error) {
        if (error.name === 'NotAllowedError') showUnlock();
        else if (!player.active) markUnlocked(); // e.g. aborted: not a policy refusal
    } finally {
        if (!player.active && audio.src === SILENT_URL) {
            audio.pause();
            audio.removeAttribute('src');
            audio.load();
        }
    }
}

// The whole overlay takes the tap: a visitor will not aim for the button.
ui.unlock.addEventListener('click', () => {
    // Play something inside the gesture: that is what unlocks the element (iOS too).
    const audio = ui.audio;
    if (!player.active) {
        audio.src = SILENT_URL;
        audio.play().catch(() => {});
    }
    markUnlocked();
    player.resumeAfterUnlock();
});

// ---------------------------------------------------------------- preloading

const soundSourceOf = (item) => item.video || item.audio || null;

const preloader = {
    // id -> { item, image: Image|null, backdrop, soundSource, soundBlobUrl, bytes, state }
    entries: new Map(),
    queue: [],
    running: 0,
    total: 0,
    done: 0,
    blobBytes: 0,
    retired: [],

    sameItem(a, b) {
        return a && b && a.image === b.image && a.audio === b.audio && a.video === b.video;
    },

    // Keep what is unchanged, reload only the files whose URL changed, drop what vanished.
    sync(items) {
        for (const [id, entry] of this.entries) {
            const item = items.get(id);
            if (this.sameItem(entry.item, item)) continue;
            const next = item ? this.newEntry(item) : null;
            if (next && entry.item.image === item.image && entry.image) {
                next.image = entry.image;
                next.backdrop = entry.backdrop;
            }
            if (next && entry.soundSource === next.soundSource && entry.soundBlobUrl) {
                // hand the in-memory sound over instead of fetching it again
                next.soundBlobUrl = entry.soundBlobUrl;
                next.bytes = entry.bytes;
                entry.soundBlobUrl = null;
                entry.bytes = 0;
            }
            this.drop(id);
            if (!next) continue;
            this.blobBytes += next.bytes;
            this.entries.set(id, next);
            this.queue.push(id);
        }
        for (const [id, item] of items) {
            if (this.entries.has(id)) continue;
            this.entries.set(id, this.newEntry(item));
            this.queue.push(id);
        }
        this.releaseRetired();
        this.recount();
        if (sound.unlocked) this.pump();
    },

    newEntry(item) {
        return { item, image: null, backdrop: '', soundSource: soundSourceOf(item), soundBlobUrl: null, bytes: 0, state: 'queued' };
    },

    drop(id) {
        const entry = this.entries.get(id);
        if (!entry) return;
        this.entries.delete(id);
        this.queue = this.queue.filter((q) => q !== id);
        this.retire(entry);
    },

    retire(entry) {
        if (entry.soundBlobUrl) this.retired.push(entry.soundBlobUrl);
        this.blobBytes -= entry.bytes;
        entry.soundBlobUrl = null;
        entry.bytes = 0;
    },

    // Blob URLs still used by the playing element are revoked once it moved on.
    releaseRetired() {
        const inUse = new Set([ui.audio.getAttribute('src'), ui.video.getAttribute('src')]);
        this.retired = this.retired.filter((url) => {
            if (inUse.has(url)) return true;
            URL.revokeObjectURL(url);
            return false;
        });
    },

    recount() {
        this.total = this.entries.size;
        this.done = [...this.entries.values()].filter((e) => e.state === 'done' || e.state === 'failed').length;
        const busy = this.total > 0 && this.done < this.total;
        body.dataset.preload = !sound.unlocked ? 'waiting' : busy ? 'loading' : 'done';
        ui.preload.hidden = !(sound.unlocked && busy);
        ui.preloadFill.style.transform = `scaleX(${this.total ? this.done / this.total : 0})`;
        ui.preloadLabel.textContent = tr('preparing', { n: this.done, t: this.total });
    },

    pump() {
        while (this.running < PRELOAD_CONCURRENCY && this.queue.length > 0) {
            const id = this.queue.shift();
            const entry = this.entries.get(id);
            if (!entry) continue;
            this.running += 1;
            entry.state = 'loading';
            this.load(entry).then((ok) => {
                entry.state = ok ? 'done' : 'failed';
            }).finally(() => {
                this.running -= 1;
                if (this.entries.get(id) !== entry) { // replaced while loading
                    this.retire(entry);
                    this.releaseRetired();
                }
                this.recount();
                this.pump();
                slideshow.kick();
            });
        }
        this.recount();
    },

    async load(entry) {
        const { item } = entry;
        let ok = true;
        if (item.image && !entry.image) {
            const image = new Image();
            image.src = item.image;
            try {
                await image.decode(); // keeps it decoded and in the memory cache
                entry.image = image;
                entry.backdrop = backdropFor(image);
            } catch {
                ok = false;
            }
        }
        if (entry.soundSource && !entry.soundBlobUrl) {
            try {
                const reply = await fetch(entry.soundSource);
                if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
                const blob = await reply.blob();
                // Over the budget the file stays in the HTTP cache only.
                if (this.blobBytes + blob.size <= BLOB_BUDGET_BYTES && this.entries.get(item.id) === entry) {
                    entry.soundBlobUrl = URL.createObjectURL(blob);
                    entry.bytes = blob.size;
                    this.blobBytes += blob.size;
                }
            } catch {
                ok = false;
            }
        }
        return ok;
    },

    // The URL to play from: the in-memory copy when there is one.
    localUrl(item, field) {
        const entry = this.entries.get(item.id);
        if (entry && entry.soundBlobUrl && entry.soundSource === item[field]) return entry.soundBlobUrl;
        return item[field];
    },

    backdropsReady() {
        return [...this.entries.values()].filter((e) => e.backdrop).map((e) => e.backdrop);
    },
};

sound.onUnlock.push(() => preloader.pump());

// ---------------------------------------------------------------- idle slideshow

const slideshow = {
    timer: 0,
    index: 0,
    front: 0,
    shown: '',

    show(url) {
        if (url === this.shown) return;
        this.shown = url;
        const next = ui.backdrops[1 - this.front];
        next.style.backgroundImage = url ? `url("${url}")` : 'none';
        next.classList.add('visible');
        ui.backdrops[this.front].classList.remove('visible');
        this.front = 1 - this.front;
    },

    step() {
        const images = preloader.backdropsReady();
        if (images.length === 0) return;
        this.index = (this.index + 1) % images.length;
        this.show(images[this.index]);
    },

    kick() {
        if (body.dataset.view !== 'idle' || this.timer) return;
        this.step();
        this.timer = setInterval(() => this.step(), SLIDESHOW_MS);
    },

    halt() {
        clearInterval(this.timer);
        this.timer = 0;
    },
};

// ---------------------------------------------------------------- playback

// One play at a time. Every play gets a fresh session object; events of an
// older session find it is no longer current and do nothing (no stale `ended`).
const player = {
    session: null,
    idleTimer: 0,
    pendingEnded: null, // ended while the gateway was unreachable

    get active() {
        return this.session !== null && !this.session.finished;
    },

    play(item) {
        this.halt();
        clearTimeout(this.idleTimer);
        const session = {
            item, element: null, finished: false, failedSound: false, started: false, blocked: null,
            timers: [], listeners: new AbortController(), fallbackStart: 0, fallbackMs: 0,
        };
        this.session = session;
        this.pendingEnded = null;

        setView('play');
        slideshow.halt();
        body.dataset.current = String(item.id);
        ui.number.textContent = pad3(item.id);
        ui.placeholderNumber.textContent = pad3(item.id);
        ui.soundNote.hidden = true;
        setProgress(0, NaN);

        const useVideo = Boolean(item.video);
        body.dataset.kind = useVideo ? 'video' : 'image';
        ui.video.hidden = !useVideo;
        ui.image.hidden = useVideo;
        if (useVideo) {
            ui.placeholder.hidden = true;
            slideshow.show('');
            ui.video.onloadedmetadata = () => fitMedia(ui.video);
            this.startMedia(session, ui.video, preloader.localUrl(item, 'video'), item.video);
        } else {
            this.showImage(session, item.image);
            if (item.audio) this.startMedia(session, ui.audio, preloader.localUrl(item, 'audio'), item.audio);
            else this.soundFailed(session, 'no sound file');
        }
        tick();
    },

    showImage(session, url) {
        const { image, placeholder } = ui;
        image.onload = () => {
            if (this.session !== session) return;
            placeholder.hidden = true;
            image.hidden = false;
            fitMedia(image);
            slideshow.show(backdropFor(image));
        };
        image.onerror = () => {
            if (this.session !== session) return;
            image.hidden = true;
            placeholder.hidden = false;
            slideshow.show('');
        };
        if (!url) {
            image.removeAttribute('src');
            image.hidden = true;
            placeholder.hidden = false;
            slideshow.show('');
            return;
        }
        placeholder.hidden = true;
        image.hidden = false;
        if (image.getAttribute('src') === url && image.complete) {
            if (image.naturalWidth > 0) image.onload(); else image.onerror();
        } else {
            image.src = url;
        }
    },

    startMedia(session, element, src, originalUrl) {
        const signal = session.listeners.signal;
        session.element = element;
        element.dataset.id = String(session.item.id);
        element.dataset.url = originalUrl;
        element.addEventListener('playing', () => { session.started = true; }, { signal });
        element.addEventListener('ended', () => {
            // element.ended is false once a newer source was loaded into it
            if (this.session === session && element.ended) this.finish(session);
        }, { signal });
        element.addEventListener('error', () => this.soundFailed(session, `cannot load ${originalUrl}`), { signal });
        element.src = src;
        element.currentTime = 0;
        this.tryPlay(session, element);
        session.timers.push(setTimeout(() => {
            if (!session.started) this.soundFailed(session, 'sound did not start');
        }, START_TIMEOUT_MS));
    },

    tryPlay(session, element) {
        element.play().then(() => {
            if (this.session === session) markUnlocked();
        }).catch((error) => {
            if (this.session !== session) return;
            if (error.name === 'NotAllowedError') {
                // Wait for a tap, but not forever: the LED must go out even if nobody taps.
                session.blocked = element;
                showUnlock();
                this.soundFailed(session, 'sound blocked until a tap');
            } else if (error.name !== 'AbortError') {
                this.soundFailed(session, `${error.name}`);
            }
        });
    },

    resumeAfterUnlock() {
        const session = this.session;
        if (session && !session.finished && session.blocked) {
            const element = session.blocked;
            session.blocked = null;
            session.timers.forEach(clearTimeout); // cancel the silent fallback
            session.timers = [];
            session.failedSound = false;
            session.fallbackMs = 0;
            ui.soundNote.hidden = true;
            if (element === ui.video) { ui.video.hidden = false; ui.image.hidden = true; }
            element.currentTime = 0;
            this.tryPlay(session, element);
        }
    },

    // Sound missing or broken: show the picture for a while, then report `ended`
    // anyway so that the LED does not stay lit forever.
    soundFailed(session, why) {
        if (this.session !== session || session.finished || session.failedSound) return;
        session.failedSound = true;
        session.started = true;
        debugLog('··', `${pad3(session.item.id)}: ${why}`);
        // A sound that turns up late must not start under a "sound unavailable" note.
        if (session.element && !session.blocked) silence(session.element);
        ui.soundNote.hidden = false;
        if (session.item.video) { ui.video.hidden = true; this.showImage(session, session.item.image); }
        session.fallbackStart = performance.now();
        session.fallbackMs = NO_SOUND_HOLD_MS;
        session.timers.push(setTimeout(() => this.finish(session), NO_SOUND_HOLD_MS));
    },

    finish(session) {
        if (this.session !== session || session.finished) return;
        session.finished = true;
        const id = session.item.id;
        if (!send({ type: 'ended', id })) this.pendingEnded = id;
        setProgress(1, session.fallbackMs ? session.fallbackMs / 1000 : session.element?.duration);
        body.dataset.view = 'ended';
        this.idleTimer = setTimeout(() => { if (this.session === session) this.toIdle(); }, HOLD_AFTER_END_MS);
    },

    // Stops sound at once (no overlap, ever); the picture goes a moment later.
    halt() {
        const session = this.session;
        if (session) {
            session.listeners.abort();
            session.timers.forEach(clearTimeout);
            session.finished = true;
        }
        silence(ui.audio);
        silence(ui.video);
        preloader.releaseRetired();
    },

    stop() {
        this.halt();
        this.pendingEnded = null;
        clearTimeout(this.idleTimer);
        const session = this.session;
        this.idleTimer = setTimeout(() => { if (this.session === session) this.toIdle(); }, STOP_TO_IDLE_MS);
    },

    toIdle() {
        this.halt();
        this.session = null;
        delete body.dataset.current;
        setView('idle');
        slideshow.shown = '';
        slideshow.kick();
    },

    // After (re)connecting: the gateway's `current` is the truth.
    syncTo(current) {
        if (this.pendingEnded !== null) {
            const id = this.pendingEnded;
            this.pendingEnded = null;
            if (id === current) { send({ type: 'ended', id }); return; }
        }
        const session = this.session;
        if (current === null) {
            if (this.active) this.stop();
            return;
        }
        if (session && session.item.id === current && !session.finished) return; // already in line
        this.play(itemFor(current));
    },
};

function silence(element) {
    if (element.getAttribute('src') === null) return;
    element.pause();
    element.removeAttribute('src');
    element.load();
    delete element.dataset.id;
    delete element.dataset.url;
}

function setView(view) {
    body.dataset.view = view;
}

function setProgress(fraction, durationS) {
    const f = Math.min(1, Math.max(0, fraction || 0));
    ui.progressFill.style.transform = `scaleX(${f})`;
    ui.progress.setAttribute('aria-valuenow', String(Math.round(f * 100)));
    ui.elapsed.textContent = formatTime(f * (Number.isFinite(durationS) ? durationS : 0));
    ui.duration.textContent = formatTime(durationS);
}

// Progress follows the playing element (or the fallback clock) once per frame.
function tick() {
    const session = player.session;
    if (!session || session.finished) return;
    if (session.failedSound) {
        const elapsed = (performance.now() - session.fallbackStart) / session.fallbackMs;
        setProgress(elapsed, session.fallbackMs / 1000);
    } else {
        const element = session.item.video ? ui.video : ui.audio;
        const d = element.duration;
        setProgress(Number.isFinite(d) && d > 0 ? element.currentTime / d : 0, d);
    }
    requestAnimationFrame(tick);
}

// ---------------------------------------------------------------- page chrome

function applyTexts() {
    document.documentElement.lang = TEXTS[lang] ? lang : 'en';
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = tr(element.dataset.i18n);
}

function setupDebugToggles() {
    if (params.has('debug')) toggleDebug(true);
    document.addEventListener('keydown', (event) => {
        if (event.key === 'd' || event.key === 'D') toggleDebug();
    });
    $('debug-close').addEventListener('click', () => toggleDebug(false));
    // Touch screens have no keyboard: five quick taps in the top-left corner.
    let taps = [];
    $('corner').addEventListener('pointerdown', () => {
        const now = Date.now();
        taps = taps.filter((t) => now - t < 2000).concat(now);
        if (taps.length >= 5) { taps = []; toggleDebug(); }
    });
}

// A wall screen shows no mouse pointer unless someone moves the mouse.
function setupCursorHiding() {
    let timer = 0;
    const wake = () => {
        body.classList.remove('no-cursor');
        clearTimeout(timer);
        timer = setTimeout(() => body.classList.add('no-cursor'), 3000);
    };
    document.addEventListener('pointermove', wake);
    wake();
}

async function keepScreenAwake() {
    if (!navigator.wakeLock) return;
    try {
        await navigator.wakeLock.request('screen');
    } catch {
        // not allowed here (e.g. no secure context): the kiosk setup keeps the screen on
    }
}
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') keepScreenAwake(); });

setInterval(updateBanner, 500);

new ResizeObserver(() => {
    if (!ui.image.hidden) fitMedia(ui.image);
    if (!ui.video.hidden) fitMedia(ui.video);
}).observe(document.querySelector('.frame'));

applyTexts();
setServerState('connecting');
setPanel(null);
setupDebugToggles();
setupCursorHiding();
keepScreenAwake();
probeAutoplay();
connect();
