// The words visitors and staff read, in English and German: German with
// ?lang=de or a German browser, English otherwise.

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
        serverUp: 'Server',
        serverDown: 'Server offline',
        serverConnecting: 'Connecting…',
        panelUp: 'Panel',
        panelDown: 'Panel offline',
        panelSilent: 'Panel not responding',
        panelUnknown: 'Panel',
        panelNone: 'No panel',
        mediaIncomplete: 'Media incomplete',
        preparing: 'Preparing media {n} / {t}',
        closedTitle: 'Closed',
        listenOnPhone: 'Listen on your phone',
        listenTitle: 'Listen on your phone',
        listenIntro: "Every story told at the exhibit plays here too, at your phone's own volume.",
        listenStart: 'Start listening',
        listenHint: 'Headphones recommended.',
        listenWaiting: 'Press a button on the panel: its story plays here.',
        listenLanguage: 'Language',
        listenConnecting: 'Connecting…',
        listenLost: 'Connection lost – reconnecting…',
        listenTapAgain: 'Tap “Start listening” to hear this story.',
        listenFull: 'Too many people are listening right now — please try again in a minute.',
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
        serverUp: 'Server',
        serverDown: 'Server getrennt',
        serverConnecting: 'Verbinde…',
        panelUp: 'Pult',
        panelDown: 'Pult getrennt',
        panelSilent: 'Pult antwortet nicht',
        panelUnknown: 'Pult',
        panelNone: 'Kein Pult',
        mediaIncomplete: 'Medien unvollständig',
        preparing: 'Medien werden geladen {n} / {t}',
        closedTitle: 'Geschlossen',
        listenOnPhone: 'Auf dem eigenen Handy hören',
        listenTitle: 'Auf dem eigenen Handy hören',
        listenIntro: 'Jede Geschichte der Ausstellung spielt auch hier, in der Lautstärke Ihres Handys.',
        listenStart: 'Zuhören',
        listenHint: 'Am besten mit Kopfhörern.',
        listenWaiting: 'Drücken Sie eine Taste am Pult: Ihre Geschichte spielt hier.',
        listenLanguage: 'Sprache',
        listenConnecting: 'Verbinde…',
        listenLost: 'Verbindung unterbrochen – verbinde neu…',
        listenTapAgain: 'Tippen Sie auf „Zuhören“, um diese Geschichte zu hören.',
        listenFull: 'Gerade hören zu viele Menschen zu – bitte versuchen Sie es in einer Minute noch einmal.',
    },
};

const wanted = (new URLSearchParams(location.search).get('lang') || navigator.language).slice(0, 2).toLowerCase();
const lang = Object.hasOwn(TEXTS, wanted) ? wanted : 'en';

// A text added in English only shows in English rather than not at all.
export function tr(key, args = {}) {
    return (TEXTS[lang][key] ?? TEXTS.en[key]).replace(/\{(\w+)\}/g, (_, name) => String(args[name] ?? ''));
}

// Numbers as printed on the panel's buttons.
export const formatId = (id) => String(id).padStart(3, '0');

// The page's own texts are marked with data-i18n="key".
export function applyTexts() {
    document.documentElement.lang = lang;
    for (const element of document.querySelectorAll('[data-i18n]'))
        element.textContent = tr(element.dataset.i18n);
}
