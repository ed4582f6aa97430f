// Whether this browser lets sound start without a gesture. A kiosk browser is
// started with a flag that allows it; any other needs one tap, which the
// "tap to enable sound" overlay asks for.

import { log } from './debug.js';

const audio = document.getElementById('audio');
const overlay = document.getElementById('unlock');
const listeners = [];
let unlocked = false;

// 0.1 s of silence at 8 kHz: something to play without a file from the gateway.
function silentWavUrl() {
    const samples = 800;
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

export const isUnlocked = () => unlocked;

export function onUnlock(listener) {
    listeners.push(listener);
}

export function markUnlocked() {
    if (unlocked) return;
    unlocked = true;
    overlay.hidden = true;
    document.body.dataset.sound = 'unlocked';
    log('··', 'sound unlocked');
    for (const listener of listeners) listener();
}

// A refused play is the final word, whatever an earlier probe guessed.
export function showUnlock() {
    unlocked = false;
    document.body.dataset.sound = 'locked';
    overlay.hidden = false;
}

// isPlaying() tells whether a real play is under way (it answers the question
// itself and must not be disturbed); resume() restarts a play that was refused.
export function setupAutoplay(isPlaying, resume) {
    // The whole overlay takes the tap: a visitor will not aim for the button.
    overlay.addEventListener('click', () => {
        // Play something inside the gesture: that is what unlocks the element (iOS too).
        if (!isPlaying()) {
            audio.src = SILENT_URL;
            audio.play().catch(() => {});
        }
        markUnlocked();
        resume();
    });
    probe(isPlaying);
}

async function probe(isPlaying) {
    if (typeof navigator.getAutoplayPolicy === 'function') {
        const policy = navigator.getAutoplayPolicy('mediaelement');
        if (policy === 'allowed') {
            markUnlocked();
            return;
        }
        if (policy === 'disallowed' || policy === 'allowed-muted') {
            showUnlock();
            return;
        }
    }
    if (isPlaying()) return;
    audio.src = SILENT_URL;
    try {
        await audio.play();
        markUnlocked();
    } catch (error) {
        if (error.name === 'NotAllowedError') showUnlock();
        else if (!isPlaying()) markUnlocked(); // e.g. aborted: not a policy refusal
    } finally {
        if (!isPlaying() && audio.src === SILENT_URL) {
            audio.pause();
            audio.removeAttribute('src');
            audio.load();
        }
    }
}
