// Loads every item's picture and sound ahead of the presses, a few at a time,
// so that a press shows and sounds at once. Sounds are kept in memory up to a
// budget. Nothing is loaded before sound may play (autoplay.js); a `media`
// message reloads only the files whose URL changed.

import { isUnlocked } from './autoplay.js';
import { backdropFor } from './backdrop.js';
import { tr } from './i18n.js';

const CONCURRENCY = 3;
const BLOB_BUDGET_BYTES = 256 * 1024 * 1024; // beyond this, rely on the HTTP cache only

const audio = document.getElementById('audio');
const video = document.getElementById('video');
const bar = document.getElementById('preload');
const barFill = document.getElementById('preload-fill');
const barLabel = document.getElementById('preload-label');

// A video item's sound is the video itself.
const soundSourceOf = (item) => item.video ?? item.audio;

const sameFiles = (a, b) => a.image === b.image && a.audio === b.audio && a.video === b.video;

export const preloader = {
    // id -> { item, image: Image|null, backdrop, soundSource, soundBlobUrl, bytes, state }
    entries: new Map(),
    queue: [],
    running: 0,
    total: 0,
    done: 0,
    blobBytes: 0,
    retired: [], // blob URLs to revoke once no element plays them
    onLoaded: () => {}, // after each item, loaded or failed

    // `items`: id -> { id, image, audio, video }. Keeps what is unchanged,
    // reloads only the files whose URL changed, drops what vanished.
    sync(items) {
        for (const [id, entry] of this.entries) {
            const item = items.get(id);
            if (item && sameFiles(entry.item, item)) continue;
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
        if (isUnlocked()) this.pump();
    },

    newEntry(item) {
        return { item, image: null, backdrop: '', soundSource: soundSourceOf(item), soundBlobUrl: null, bytes: 0, state: 'queued' };
    },

    drop(id) {
        const entry = this.entries.get(id);
        this.entries.delete(id);
        this.queue = this.queue.filter((queued) => queued !== id);
        this.retire(entry);
    },

    retire(entry) {
        if (entry.soundBlobUrl) this.retired.push(entry.soundBlobUrl);
        this.blobBytes -= entry.bytes;
        entry.soundBlobUrl = null;
        entry.bytes = 0;
    },

    // The player calls this whenever its elements let go of a source.
    releaseRetired() {
        const inUse = new Set([audio.getAttribute('src'), video.getAttribute('src')]);
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
        document.body.dataset.preload = !isUnlocked() ? 'waiting' : busy ? 'loading' : 'done';
        bar.hidden = !(isUnlocked() && busy);
        barFill.style.transform = `scaleX(${this.total ? this.done / this.total : 0})`;
        barLabel.textContent = tr('preparing', { n: this.done, t: this.total });
    },

    pump() {
        while (this.running < CONCURRENCY && this.queue.length > 0) {
            const id = this.queue.shift();
            const entry = this.entries.get(id);
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
                this.onLoaded();
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

    // The URL to play `item[field]` from: the in-memory copy when there is one.
    localUrl(item, field) {
        const entry = this.entries.get(item.id);
        if (entry?.soundBlobUrl && entry.soundSource === item[field]) return entry.soundBlobUrl;
        return item[field];
    },

    backdropsReady() {
        return [...this.entries.values()].filter((e) => e.backdrop).map((e) => e.backdrop);
    },
};
