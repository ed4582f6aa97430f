// Shows and sounds one item at a time, and tells the gateway `ended` only for
// the sound that really finished: every play gets a fresh session object, and
// events of an older session find it is no longer current and do nothing.
// A missing or broken picture shows a placeholder; a missing or broken sound
// shows the picture for a while and then counts as ended, so that the
// panel's LED goes out all the same. A sound's captions are shown while it
// plays (captions.js); a visitor's volume lasts until the sound ends.

import { markUnlocked, showUnlock } from './autoplay.js';
import { backdropFor, slideshow } from './backdrop.js';
import { CaptionView } from './captions.js';
import { send } from './connection.js';
import { log } from './debug.js';
import { formatId } from './i18n.js';
import { preloader } from './preloader.js';

const STOP_TO_IDLE_MS = 150;   // a play usually follows a stop at once: no idle flash
const HOLD_AFTER_END_MS = 2500; // keep the picture a moment after the sound ends
const NO_SOUND_HOLD_MS = 5000;  // how long an item without playable sound is shown
const START_TIMEOUT_MS = 8000;  // sound that has not started by then counts as failed

const $ = (id) => document.getElementById(id);
const ui = {
    audio: $('audio'), video: $('video'), image: $('image'),
    placeholder: $('placeholder'), placeholderNumber: $('placeholder-number'), number: $('number'),
    progress: $('progress'), progressFill: $('progress-fill'), elapsed: $('elapsed'), duration: $('duration'),
    soundNote: $('sound-note'),
};
const body = document.body;
const captions = new CaptionView($('captions'));

export const player = {
    session: null,
    idleTimer: 0,
    pendingEnded: null, // ended while the gateway was unreachable
    gatewayVolume: 100, // 0 to 100: the configuration's or the staff console's

    get active() {
        return this.session !== null && !this.session.finished;
    },

    // `item`: { id, image, audio, video, captions }, a URL or null each, and
    // `lang`, the language of its sound (language.js). `offsetMs`: how far
    // into the sound the gateway's clock already is (a late joiner).
    play(item, offsetMs = 0) {
        this.halt();
        clearTimeout(this.idleTimer);
        const session = {
            item, element: null, finished: false, failedSound: false, started: false, blocked: null,
            timers: [], listeners: new AbortController(), fallbackStart: 0, fallbackMs: 0,
            offsetMs: Math.max(0, Number(offsetMs) || 0), offsetAt: performance.now(),
        };
        this.session = session;
        this.pendingEnded = null;

        body.dataset.view = 'play';
        slideshow.halt();
        body.dataset.current = String(item.id);
        ui.number.textContent = formatId(item.id);
        ui.placeholderNumber.textContent = formatId(item.id);
        ui.soundNote.hidden = true;
        if (item.lang) body.dataset.lang = item.lang; else delete body.dataset.lang;
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
            if (item.audio) {
                this.startMedia(session, ui.audio, preloader.localUrl(item, 'audio'), item.audio);
                captions.attach(ui.audio, item.captions);
            } else {
                this.soundFailed(session, 'no sound file');
            }
        }
        tick(session);
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
        // The same picture again fires no new load event.
        if (image.getAttribute('src') === url && image.complete) {
            if (image.naturalWidth > 0) image.onload(); else image.onerror();
        } else {
            image.src = url;
        }
    },

    // `src` may be a preloaded copy; `originalUrl` is the gateway's URL for it.
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
        element.currentTime = startPosition(session);
        // Before its metadata a media element may not take a position: set it again once it can.
        if (session.offsetMs > 0) {
            element.addEventListener('loadedmetadata', () => {
                if (!session.started) element.currentTime = startPosition(session);
            }, { signal, once: true });
        }
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

    // After the tap that allows sound: the refused play starts from the top.
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
            if (element === ui.video) {
                ui.video.hidden = false;
                ui.image.hidden = true;
            }
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
        log('··', `${formatId(session.item.id)}: ${why}`);
        // A sound that turns up late must not start under a "sound unavailable" note.
        if (session.element && !session.blocked) silence(session.element);
        ui.soundNote.hidden = false;
        if (session.item.video) {
            ui.video.hidden = true;
            this.showImage(session, session.item.image);
        }
        session.fallbackStart = performance.now();
        session.fallbackMs = NO_SOUND_HOLD_MS;
        session.timers.push(setTimeout(() => this.finish(session), NO_SOUND_HOLD_MS));
    },

    finish(session) {
        if (this.session !== session || session.finished) return;
        session.finished = true;
        const id = session.item.id;
        if (!send({ type: 'ended', id })) this.pendingEnded = id;
        captions.clear();
        this.applyVolume(this.gatewayVolume); // the next visitor starts at the usual volume
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
        captions.clear();
        silence(ui.audio);
        silence(ui.video);
        this.applyVolume(this.gatewayVolume);
        preloader.releaseRetired();
    },

    stop() {
        this.halt();
        this.pendingEnded = null;
        clearTimeout(this.idleTimer);
        const session = this.session;
        this.idleTimer = setTimeout(() => { if (this.session === session) this.toIdle(); }, STOP_TO_IDLE_MS);
    },

    // The gateway's volume, 0 to 100, for sound and video alike.
    setVolume(level) {
        if (typeof level !== 'number' || !Number.isFinite(level)) return;
        this.gatewayVolume = Math.min(100, Math.max(0, level));
        this.applyVolume(this.gatewayVolume);
    },

    // A visitor's change (the touch control), `step` in percent: only until
    // the sound that plays ends.
    stepVolume(step) {
        if (!this.active) return;
        this.applyVolume(Math.round(ui.audio.volume * 100) + step);
    },

    applyVolume(level) {
        const volume = Math.min(100, Math.max(0, level)) / 100;
        ui.audio.volume = volume;
        ui.video.volume = volume;
        body.dataset.volume = String(Math.round(volume * 100));
    },

    toIdle() {
        this.halt();
        this.session = null;
        delete body.dataset.current;
        body.dataset.view = 'idle';
        slideshow.restart();
    },

    // After (re)connecting the gateway's `current` is the truth; `items` is
    // what its `state` listed (id -> item).
    syncTo(current, items, elapsedMs = 0) {
        if (this.pendingEnded !== null) {
            const id = this.pendingEnded;
            this.pendingEnded = null;
            if (id === current) {
                send({ type: 'ended', id });
                return;
            }
        }
        if (current === null) {
            if (this.active) this.stop();
            return;
        }
        if (this.session?.item.id === current && !this.session.finished) return; // already in line
        this.play(items.get(current), elapsedMs);
    },
};

// Seconds into the sound where a session starts: 0, or for a late joiner
// the gateway's elapsed time plus what has passed here since it said so.
function startPosition(session) {
    if (session.offsetMs <= 0) return 0;
    return (session.offsetMs + performance.now() - session.offsetAt) / 1000;
}

function silence(element) {
    if (element.getAttribute('src') === null) return;
    element.pause();
    element.removeAttribute('src');
    element.load();
    delete element.dataset.id;
    delete element.dataset.url;
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

new ResizeObserver(() => {
    if (!ui.image.hidden) fitMedia(ui.image);
    if (!ui.video.hidden) fitMedia(ui.video);
}).observe(document.querySelector('.frame'));

function formatTime(seconds) {
    const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function setProgress(fraction, durationS) {
    const f = Math.min(1, Math.max(0, fraction || 0));
    ui.progressFill.style.transform = `scaleX(${f})`;
    ui.progress.setAttribute('aria-valuenow', String(Math.round(f * 100)));
    ui.elapsed.textContent = formatTime(f * (Number.isFinite(durationS) ? durationS : 0));
    ui.duration.textContent = formatTime(durationS);
}

// Progress follows the playing element (or the fallback clock) once per frame
// until the session ends or another takes its place.
function tick(session) {
    if (player.session !== session || session.finished) return;
    if (session.failedSound) {
        const elapsed = (performance.now() - session.fallbackStart) / session.fallbackMs;
        setProgress(elapsed, session.fallbackMs / 1000);
    } else {
        const element = session.item.video ? ui.video : ui.audio;
        const d = element.duration;
        setProgress(Number.isFinite(d) && d > 0 ? element.currentTime / d : 0, d);
    }
    requestAnimationFrame(() => tick(session));
}
