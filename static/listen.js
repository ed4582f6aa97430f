// The /listen page: a visitor's phone follows the exhibit (docs/http.md,
// "/listen"). It connects as a listener (docs/websocket.md, "Roles"), so its
// `ended` never clears an LED, and plays each story in the visitor's own
// language at the phone's own volume (the gateway's `volume` is for screens).
//
// Its own small connection rather than connection.js: a phone's page is
// frozen and thawed, and must reconnect at once when it comes back
// (visibilitychange, pageshow, online, resume), not wait out a backoff, and it
// shows no staff banner.

import { CaptionView } from './captions.js';
import { applyTexts, formatId, tr } from './i18n.js';
import { languagesOf, variantFor } from './language.js';

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000]; // the last one repeats
const PING_INTERVAL_MS = 5000;
const SILENCE_LIMIT_MS = 15000; // the gateway answers every ping
const LANG_KEY = 'selection-panel.listen-lang';
// A full house (max_listeners) is asked again after this long, not every 3 s.
const FULL_RETRY_MS = 30000;

const $ = (id) => document.getElementById(id);
const audio = $('audio');
const picture = $('picture');
const captions = new CaptionView($('captions'));

let socket = null;
let attempt = 0;
let retryTimer = 0;
let pingTimer = 0;
let lastFrameAt = 0;
let opened = false; // the current socket got its 101
let unlocked = false;
let languages = [];
let items = new Map();
let current = null; // { id, startedAt } of what the exhibit plays, by this page's clock
let playingId = null; // what this page plays

// A moment of silence: what the first tap plays to unlock the element.
const SILENCE = (() => {
    const samples = 800; // 0.1 s at 8 kHz, 8-bit mono
    const bytes = new Uint8Array(44 + samples);
    const view = new DataView(bytes.buffer);
    const text = (at, s) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
    text(0, 'RIFF'); view.setUint32(4, 36 + samples, true); text(8, 'WAVEfmt ');
    view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, 8000, true); view.setUint32(28, 8000, true); view.setUint16(32, 1, true);
    view.setUint16(34, 8, true); text(36, 'data'); view.setUint32(40, samples, true);
    bytes.fill(128, 44);
    return `data:audio/wav;base64,${btoa(String.fromCharCode(...bytes))}`;
})();

// ------------------------------------------------------------ language

// The visitor's choice, else the phone's language if the exhibit has it,
// else the exhibit's default (null: the item's top-level fields).
function chosenLanguage() {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved && languages.includes(saved)) return saved;
    for (const wanted of navigator.languages ?? [navigator.language]) {
        const code = String(wanted).slice(0, 2).toLowerCase();
        if (languages.includes(code)) return code;
    }
    return languages[0] ?? null;
}

function showLanguages() {
    const select = $('lang-select');
    $('lang').hidden = languages.length < 2;
    const names = typeof Intl.DisplayNames === 'function'
        ? new Intl.DisplayNames([document.documentElement.lang], { type: 'language' }) : null;
    select.replaceChildren(...languages.map((code) => {
        const option = document.createElement('option');
        option.value = code;
        option.textContent = names?.of(code) ?? code;
        return option;
    }));
    select.value = chosenLanguage() ?? '';
}

$('lang-select').addEventListener('change', (event) => {
    localStorage.setItem(LANG_KEY, event.target.value);
    // The story playing now goes on in the new language, from where it is.
    if (playingId !== null && current?.id === playingId) start(playingId, Date.now() - current.startedAt);
});

// ------------------------------------------------------------ playing

function announce(item) {
    const title = item?.title ? `: ${item.title}` : '';
    $('announce').textContent = `${tr('number')} ${formatId(item.id)}${title}`;
    $('now-number').textContent = formatId(item.id);
    $('now-title').textContent = item?.title ?? '';
    $('now').hidden = false;
}

function show(item) {
    if (item?.image) {
        picture.src = item.image;
        picture.hidden = false;
    } else {
        picture.hidden = true;
        picture.removeAttribute('src');
    }
    $('waiting').hidden = true;
    document.body.dataset.playing = 'true';
}

// Plays `id` from `offsetMs` in, on the element the first tap unlocked.
function start(id, offsetMs) {
    const item = items.get(id) ?? { id };
    show(item);
    announce(item);
    const variant = variantFor(item, chosenLanguage());
    playingId = id;
    captions.clear();
    if (!variant.audio) return;
    audio.src = variant.audio;
    captions.attach(audio, variant.captions);
    const seek = () => {
        if (offsetMs > 0 && Number.isFinite(audio.duration)) audio.currentTime = Math.min(offsetMs / 1000, audio.duration);
    };
    if (offsetMs > 0) audio.addEventListener('loadedmetadata', seek, { once: true });
    audio.play().catch((error) => {
        if (error.name !== 'NotAllowedError') return;
        // The phone took the permission back (a long lock): one more tap.
        unlocked = false;
        document.body.dataset.view = 'start';
        $('conn').textContent = tr('listenTapAgain');
    });
}

function stopPlaying() {
    playingId = null;
    audio.pause();
    audio.removeAttribute('src');
    audio.load();
    captions.clear();
    picture.hidden = true;
    $('waiting').hidden = false;
    $('now').hidden = true;
    $('track-fill').style.transform = 'scaleX(0)';
    document.body.dataset.playing = 'false';
}

audio.addEventListener('timeupdate', () => {
    if (playingId === null || !Number.isFinite(audio.duration) || audio.duration <= 0) return;
    $('track-fill').style.transform = `scaleX(${Math.min(1, audio.currentTime / audio.duration)})`;
});

audio.addEventListener('ended', () => {
    if (playingId === null) return;
    // The gateway ignores a listener's `ended`; it is sent for the console's
    // list of browsers all the same.
    send({ type: 'ended', id: playingId });
    stopPlaying();
});

// ------------------------------------------------------------ messages

function onMessage(message) {
    switch (message.type) {
    case 'state':
        languages = languagesOf(message);
        showLanguages();
        items = new Map((message.items ?? []).map((item) => [item.id, item]));
        if (message.current === null || message.current === undefined) {
            current = null;
            stopPlaying();
        } else {
            current = { id: message.current, startedAt: Date.now() - (message.elapsed_ms ?? 0) };
            // Joined mid-story only when the visitor can hear it now;
            // otherwise the next press.
            if (unlocked && document.visibilityState === 'visible' && playingId !== current.id)
                start(current.id, message.elapsed_ms ?? 0);
        }
        break;
    case 'media':
        items = new Map((message.items ?? []).map((item) => [item.id, item]));
        break;
    case 'stop':
    case 'closed':
        current = null;
        stopPlaying();
        break;
    case 'play':
        items.set(message.id, message);
        current = { id: message.id, startedAt: Date.now() };
        if (unlocked) start(message.id, 0);
        else announce(message);
        break;
    // `volume` is the screens': a phone plays at its own.
    default:
        break;
    }
}

// ------------------------------------------------------------ connection

function setServer(state) {
    document.body.dataset.server = state;
    $('conn').textContent = state === 'up' ? '' : tr(state === 'lost' ? 'listenLost' : 'listenConnecting');
}

function send(message) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function connect() {
    clearTimeout(retryTimer);
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?role=listener`);
    socket = ws;
    opened = false;
    ws.onopen = () => {
        opened = true;
        lastFrameAt = Date.now();
        setServer('up');
        clearInterval(pingTimer);
        pingTimer = setInterval(() => {
            if (Date.now() - lastFrameAt > SILENCE_LIMIT_MS) drop(ws);
            else send({ type: 'ping' });
        }, PING_INTERVAL_MS);
    };
    ws.onmessage = (event) => {
        lastFrameAt = Date.now();
        attempt = 0;
        onMessage(JSON.parse(event.data));
    };
    ws.onclose = () => drop(ws);
}

function drop(ws) {
    if (ws !== socket) return;
    socket = null;
    clearInterval(pingTimer);
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
    setServer('lost');
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
    attempt += 1;
    retryTimer = setTimeout(connect, Math.round(delay * (0.8 + Math.random() * 0.4)));
    // A refused upgrade does not say why; the page does: 503 while every
    // listener place is taken (docs/http.md, "/listen").
    if (!opened && attempt >= 2) {
        fetch('/listen', { method: 'HEAD', cache: 'no-store' }).then((reply) => {
            if (reply.status !== 503 || socket) return;
            clearTimeout(retryTimer);
            $('conn').textContent = tr('listenFull');
            retryTimer = setTimeout(connect, Math.round(FULL_RETRY_MS * (0.8 + Math.random() * 0.4)));
        }, () => {});
    }
}

// Back from a locked screen, a frozen tab or a lost network: a socket that
// may have died meanwhile is checked now, and replaced if it is gone.
function comeBack() {
    if (document.visibilityState !== 'visible') return;
    if (!socket || socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING
        || Date.now() - lastFrameAt > SILENCE_LIMIT_MS) {
        if (socket) drop(socket);
        attempt = 0;
        connect();
    } else {
        send({ type: 'ping' });
    }
}
document.addEventListener('visibilitychange', comeBack);
document.addEventListener('resume', comeBack);
window.addEventListener('pageshow', comeBack);
window.addEventListener('online', comeBack);

// ------------------------------------------------------------ the first tap

$('start-button').addEventListener('click', () => {
    // Inside the tap: iOS Safari lets an element play later only if it was
    // played from a gesture, so this is the element every story uses.
    unlocked = true;
    document.body.dataset.view = 'follow';
    $('conn').textContent = '';
    if (current && items.has(current.id)) {
        start(current.id, Date.now() - current.startedAt);
    } else {
        audio.src = SILENCE;
        audio.play().catch(() => {});
    }
});

applyTexts();
setServer('connecting');
connect();
