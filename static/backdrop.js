// The blurred, dimmed picture behind everything: the current image while one
// plays, a slow slideshow of the preloaded ones while the page is idle.

const SLIDESHOW_MS = 8000;

const layers = [document.getElementById('backdrop-a'), document.getElementById('backdrop-b')];
const cache = new Map(); // image URL -> data URL

// A tiny, pre-blurred copy of a picture: scaled up by the GPU it looks like a
// heavy blur but costs nothing per frame (a CSS blur filter on a full-screen
// layer is redrawn every frame where compositing runs in software).
export function backdropFor(image) {
    const key = image.currentSrc || image.src;
    if (cache.has(key)) return cache.get(key);
    let url = '';
    try {
        const canvas = document.createElement('canvas');
        canvas.width = 32;
        canvas.height = Math.max(1, Math.round(32 * image.naturalHeight / Math.max(1, image.naturalWidth)));
        const context = canvas.getContext('2d');
        context.filter = 'blur(1.5px) saturate(1.3)';
        context.drawImage(image, -3, -3, canvas.width + 6, canvas.height + 6);
        url = canvas.toDataURL('image/jpeg', 0.8);
    } catch {
        url = key; // still fine, only sharper
    }
    cache.set(key, url);
    return url;
}

export const slideshow = {
    timer: 0,
    index: 0,
    front: 0,
    shown: '',
    images: () => [], // the backdrops ready so far; app.js connects the preloader

    // Cross-fades to `url`; '' shows no picture.
    show(url) {
        if (url === this.shown) return;
        this.shown = url;
        const next = layers[1 - this.front];
        next.style.backgroundImage = url ? `url("${url}")` : 'none';
        next.classList.add('visible');
        layers[this.front].classList.remove('visible');
        this.front = 1 - this.front;
    },

    step() {
        const images = this.images();
        if (images.length === 0) return;
        this.index = (this.index + 1) % images.length;
        this.show(images[this.index]);
    },

    // Runs while the page is idle; called again whenever more pictures are ready.
    kick() {
        if (document.body.dataset.view !== 'idle' || document.body.dataset.closed === 'true' || this.timer) return;
        this.step();
        this.timer = setInterval(() => this.step(), SLIDESHOW_MS);
    },

    halt() {
        clearInterval(this.timer);
        this.timer = 0;
    },

    // Back to idle after a play: whatever shows now belonged to the play.
    restart() {
        this.shown = '';
        this.kick();
    },
};
