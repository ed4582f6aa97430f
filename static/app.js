// Dashboard of the selection panel: shows and sounds what the gateway says over
// its WebSocket is playing, and tells it when the sound has ended
// (docs/websocket.md). This module keeps what the gateway said about its media
// and wires the others together:
//   connection.js  the WebSocket, reconnecting and the outage banner
//   player.js      picture, sound and progress of the current item
//   preloader.js   every item's files, loaded ahead of the presses
//   autoplay.js    whether sound may start, and the tap that allows it
//   backdrop.js    the blurred picture behind everything, idle slideshow
//   status.js      the staff-facing chips
//   i18n.js        English and German texts
//   debug.js       the debug panel
//   kiosk.js       cursor hiding and screen wake lock
//   attract.js     attract mode: slideshow or attract.mp4 while nobody presses
//   language.js    the screen's language and the item's variant in it
//   captions.js    the captions of the sound that plays (used by player.js)

import { attract } from './attract.js';
import { onUnlock, setupAutoplay } from './autoplay.js';
import { slideshow } from './backdrop.js';
import { startConnection, url } from './connection.js';
import { setupDebug } from './debug.js';
import { applyTexts, formatId, tr } from './i18n.js';
import { setupKiosk } from './kiosk.js';
import { languageName, languagesOf, screenLanguage, setupLanguageSwitch, variantFor } from './language.js';
import { player } from './player.js';
import { preloader } from './preloader.js';
import { showMedia, showNoPanel, showPanel } from './status.js';

// Nothing here is hard-coded: the IDs and files come from `state` and `media`.
const gateway = {
    version: '',
    firstId: 0,
    mediaCount: 0,
    items: new Map(), // id -> { id, image, audio, video, captions, languages }: a URL, or null for a missing file
    language: null,   // the panel's language button's choice, or null
};

const LANGUAGE_NOTE_MS = 2500;
const VOLUME_STEP = 10;

const idleRange = document.getElementById('idle-range');
const body = document.body;

// Outside the opening hours the page goes dark and quiet at once; at opening
// it is idle again. A gateway that does not say is open.
function applyOpen(open) {
    const closed = open === false;
    if (String(closed) === body.dataset.closed) return;
    body.dataset.closed = String(closed);
    if (closed) {
        player.toIdle(); // silence now, not after the stop's short delay
        slideshow.halt();
        slideshow.show('');
    } else {
        slideshow.restart();
    }
}

// `state` and `media` both carry the whole media list.
function applyMedia(message) {
    gateway.firstId = message.first_id;
    gateway.mediaCount = message.media_count;
    gateway.items = new Map(message.items.map((item) => [item.id, item]));
    if (gateway.mediaCount > 0) {
        const last = gateway.firstId + gateway.mediaCount - 1;
        idleRange.textContent = tr('range', { a: formatId(gateway.firstId), b: formatId(last) });
        idleRange.hidden = false;
    }
    showMedia(message.media_complete);
    preloader.sync(playable(screenLanguage.current));
    attract.setVideo(message.attract_video);
}

// Every item as this screen plays it in `lang`: its variant's sound and captions.
function playable(lang) {
    return new Map([...gateway.items].map(([id, item]) => [id, playableItem(item, lang)]));
}

function playableItem(item, lang) {
    const variant = variantFor(item, lang);
    return { id: item.id, image: item.image, video: item.video, audio: variant.audio, captions: variant.captions,
        lang: variant.lang ?? lang };
}

// The panel's language button chose a language: shown large for a moment.
const languageNote = document.getElementById('language-note');
let languageNoteTimer = 0;
function showLanguage(lang) {
    gateway.language = lang ?? null;
    body.dataset.panelLanguage = gateway.language ?? '';
    if (!lang) return;
    languageNote.textContent = languageName(lang);
    languageNote.lang = lang;
    languageNote.hidden = false;
    clearTimeout(languageNoteTimer);
    languageNoteTimer = setTimeout(() => { languageNote.hidden = true; }, LANGUAGE_NOTE_MS);
}

function handleMessage(message) {
    switch (message.type) {
    case 'state':
        gateway.version = message.version;
        screenLanguage.setLanguages(languagesOf(message));
        gateway.language = message.language ?? null;
        renderLanguageSwitch();
        applyMedia(message);
        if (message.serial_enabled) showPanel(message.serial_connected, message.serial_responding);
        else showNoPanel();
        // A sound that started before this page joined plays from where it is now.
        player.syncTo(message.current, playable(gateway.language ?? screenLanguage.current), message.elapsed_ms ?? 0);
        player.setVolume(message.volume ?? 100);
        applyOpen(message.open);
        if (message.attract && message.open !== false) attract.start();
        else attract.stop();
        break;
    case 'attract':
        attract.start();
        break;
    case 'closed':
        attract.stop();
        applyOpen(false);
        break;
    case 'open':
        applyOpen(true);
        break;
    case 'language':
        showLanguage(message.language);
        break;
    case 'volume':
        player.setVolume(message.level);
        break;
    case 'media':
        applyMedia(message);
        break;
    case 'panel':
        showPanel(message.connected, message.responding);
        break;
    case 'stop':
        attract.stop();
        player.stop();
        break;
    case 'play': {
        attract.stop();
        // The panel's choice at the press, else the screen's own.
        player.play(playableItem(message, message.language ?? screenLanguage.current));
        break;
    }
    default:
        break; // `pong` only has to arrive; unknown types are ignored (forward compatible)
    }
}

// A touch screen offers its visitors the language and the volume.
const renderLanguageSwitch = setupLanguageSwitch(document.getElementById('language-switch'));
screenLanguage.onChange = (lang) => {
    body.dataset.screenLanguage = lang ?? '';
    renderLanguageSwitch();
    preloader.sync(playable(lang));
};
for (const button of document.querySelectorAll('#volume-control button'))
    button.addEventListener('click', () => player.stepVolume(Number(button.dataset.step) * VOLUME_STEP));
document.getElementById('volume-control').hidden = !matchMedia('(pointer: coarse)').matches && !(navigator.maxTouchPoints > 0);

slideshow.images = () => preloader.backdropsReady();
attract.pictures = () => [...gateway.items.values()].map((item) => item.image).filter(Boolean);
preloader.onLoaded = () => slideshow.kick();
onUnlock(() => preloader.pump());

applyTexts();
showPanel(null);
setupDebug(() => `v${gateway.version || '?'} · ids ${gateway.firstId}…${gateway.firstId + gateway.mediaCount - 1}`
    + ` · ${url} · preload ${preloader.done}/${preloader.total}`);
setupKiosk();
setupAutoplay(() => player.active, () => player.resumeAfterUnlock());
startConnection(handleMessage, () => showPanel(null)); // unknown until the gateway says again
