// Which language a screen plays (docs/websocket.md, "The item"): every item
// names, per language of the gateway's `languages`, the sound and captions
// to play, already resolved with fallback. A page picks its variant here.
// The dashboard's language is the gateway's default (the first), or ?lang=xx
// in the page's address when the gateway offers it; on a touch screen the
// visitor may switch it (setupLanguageSwitch).

// -> { audio, captions, durationMs, lang, fallback }: item.languages[lang]
//    when present, else the item's own fields (lang = null).
export function variantFor(item, lang) {
    const entry = lang ? item?.languages?.[lang] : undefined;
    if (entry) {
        return { audio: entry.audio ?? null, captions: entry.captions ?? null,
            durationMs: entry.duration_ms ?? null, lang, fallback: Boolean(entry.fallback) };
    }
    return { audio: item?.audio ?? null, captions: item?.captions ?? null,
        durationMs: item?.duration_ms ?? null, lang: null, fallback: false };
}

// -> the `languages` array of a `state` message ([] when the gateway has none).
export function languagesOf(state) {
    return Array.isArray(state?.languages) ? state.languages.filter((l) => typeof l === 'string') : [];
}

// The language's own name for itself ("Deutsch", "English"), or its code.
export function languageName(code) {
    try {
        const name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
        return name ? name.charAt(0).toLocaleUpperCase(code) + name.slice(1) : code;
    } catch {
        return code;
    }
}

const asked = new URLSearchParams(location.search).get('lang');

// The screen's own language: what the page asked for (?lang=) if the gateway
// offers it, else what the visitor chose on the switch, else the default.
export const screenLanguage = {
    languages: [],
    chosen: null, // from the switch
    onChange: () => {},

    get current() {
        if (this.chosen && this.languages.includes(this.chosen)) return this.chosen;
        if (asked && this.languages.includes(asked)) return asked;
        return this.languages[0] ?? null;
    },

    setLanguages(languages) {
        const before = this.current;
        this.languages = languages;
        if (this.current !== before) this.onChange(this.current);
    },

    choose(lang) {
        if (!this.languages.includes(lang) || lang === this.current) return;
        this.chosen = lang;
        this.onChange(lang);
    },
};

// Large buttons, one per language, in `container`: shown on touch screens
// only, where a visitor can reach the screen.
export function setupLanguageSwitch(container) {
    const touch = matchMedia('(pointer: coarse)').matches || navigator.maxTouchPoints > 0;
    const render = () => {
        const languages = screenLanguage.languages;
        container.hidden = !touch || languages.length < 2;
        container.replaceChildren(...languages.map((lang) => {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'language-button';
            button.lang = lang;
            button.dataset.lang = lang;
            button.textContent = languageName(lang);
            button.setAttribute('aria-pressed', String(lang === screenLanguage.current));
            button.addEventListener('click', () => screenLanguage.choose(lang));
            return button;
        }));
    };
    return render;
}
