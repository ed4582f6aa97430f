// The staff-facing chips for the gateway, the panel and the media folder.
// The body's data-server, data-panel and data-media attributes drive their
// colours (styles.css): quiet while all is well, loud when not.

import { tr } from './i18n.js';

const body = document.body;
const serverText = document.getElementById('chip-server-text');
const panelText = document.getElementById('chip-panel-text');
const mediaChip = document.getElementById('chip-media');
const mediaText = document.getElementById('chip-media-text');

// 'connecting', 'up' or 'lost'.
export function showServer(state) {
    body.dataset.server = state;
    serverText.textContent = tr(state === 'up' ? 'serverUp' : state === 'lost' ? 'serverDown' : 'serverConnecting');
}

// true or false as the gateway says; null while it has not said (yet, or again).
// A connected panel that stopped answering (`responding` false) is "silent".
export function showPanel(connected, responding = true) {
    const state = connected === true ? (responding === false ? 'silent' : 'up')
        : connected === false ? 'down' : 'unknown';
    body.dataset.panel = state;
    panelText.textContent = tr({ up: 'panelUp', silent: 'panelSilent', down: 'panelDown', unknown: 'panelUnknown' }[state]);
}

// The gateway runs without a panel on purpose (a demo): nothing is wrong.
export function showNoPanel() {
    body.dataset.panel = 'none';
    panelText.textContent = tr('panelNone');
}

export function showMedia(complete) {
    body.dataset.media = complete ? 'ok' : 'incomplete';
    mediaChip.hidden = complete;
    mediaText.textContent = tr('mediaIncomplete');
}
