// The WebSocket to the gateway (docs/websocket.md). Notices a gateway that is
// gone (closed, never answering, or silent), shows the outage banner and
// reconnects by itself: fast at first, then every 3 s, without reloading.

import { log } from './debug.js';
import { tr } from './i18n.js';
import { showServer } from './status.js';

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000]; // the last one repeats
const CONNECT_TIMEOUT_MS = 5000; // a socket still connecting after this is retried
const PING_INTERVAL_MS = 5000;
// The gateway answers every ping: this long without any frame means a
// half-open TCP connection that would otherwise never close.
const SILENCE_LIMIT_MS = 15000;

export const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

const banner = document.getElementById('banner');
const bannerSub = document.getElementById('banner-sub');

let socket = null;
let state = 'connecting';
let attempt = 0;
let retryAt = 0;
let connectTimer = 0;
let pingTimer = 0;
let lastFrameAt = 0;
let handlers = null;

// onMessage(message) gets every message from the gateway; onLost() is told
// when the connection goes.
export function startConnection(onMessage, onLost) {
    handlers = { onMessage, onLost };
    setState('connecting');
    setInterval(updateBanner, 500);
    connect();
}

// Returns whether the message went out: false while the gateway is unreachable.
export function send(message, { quiet = false } = {}) {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    const text = JSON.stringify(message);
    socket.send(text);
    if (!quiet) log('→', text);
    return true;
}

function setState(next) {
    state = next;
    showServer(state);
    banner.hidden = state !== 'lost';
    updateBanner();
}

function updateBanner() {
    if (banner.hidden) return;
    const left = Math.ceil((retryAt - Date.now()) / 1000);
    bannerSub.textContent = left >= 1 ? tr('outageRetryIn', { s: left }) : tr('outageRetry');
}

function connect() {
    log('··', `connecting to ${url}`);
    const ws = new WebSocket(url);
    socket = ws;
    if (state !== 'lost') setState('connecting'); // the banner stays until it really is back

    connectTimer = setTimeout(() => {
        if (ws.readyState === WebSocket.CONNECTING) drop(ws, 'connect timeout');
    }, CONNECT_TIMEOUT_MS);

    ws.onopen = () => {
        clearTimeout(connectTimer);
        lastFrameAt = Date.now();
        setState('up');
        log('··', 'connected');
        pingTimer = setInterval(() => heartbeat(ws), PING_INTERVAL_MS);
    };
    ws.onmessage = (event) => {
        lastFrameAt = Date.now();
        attempt = 0; // a gateway that talks is back: the next outage starts fast again
        log('←', event.data);
        handlers.onMessage(JSON.parse(event.data));
    };
    ws.onclose = (event) => drop(ws, `closed (${event.code})`); // an error is always followed by this
}

function heartbeat(ws) {
    if (Date.now() - lastFrameAt > SILENCE_LIMIT_MS) drop(ws, 'no answer');
    else send({ type: 'ping' }, { quiet: true });
}

function drop(ws, reason) {
    if (ws !== socket) return;
    socket = null;
    clearTimeout(connectTimer);
    clearInterval(pingTimer);
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
    log('··', reason);
    setState('lost');
    handlers.onLost();
    scheduleReconnect();
}

function scheduleReconnect() {
    const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
    const delay = Math.round(base * (0.8 + Math.random() * 0.4)); // jitter: many screens, one gateway
    attempt += 1;
    retryAt = Date.now() + delay;
    updateBanner();
    setTimeout(connect, delay);
}
