// Which sound and captions of an item a page plays in a given language
// (docs/websocket.md, "Item").

// -> { audio, captions, durationMs, lang, fallback }: the item's entry for
//    `lang` when it has one, else its top-level (default language) fields.
export function variantFor(item, lang) {
    const entry = lang ? item?.languages?.[lang] : undefined;
    if (entry) {
        return { audio: entry.audio ?? null, captions: entry.captions ?? null,
                 durationMs: entry.duration_ms ?? null, lang, fallback: Boolean(entry.fallback) };
    }
    return { audio: item?.audio ?? null, captions: item?.captions ?? null,
             durationMs: item?.duration_ms ?? null, lang: null, fallback: false };
}

// The configured languages, in order; [] when there are none.
export function languagesOf(state) {
    return Array.isArray(state?.languages) ? state.languages : [];
}
