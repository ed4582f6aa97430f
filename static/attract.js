// Attract mode (docs/websocket.md, `attract`): after a while without a press
// the gateway runs an LED chase on the panel, and this screen shows the
// pictures one after the other with a slow cross-fade, or the media folder's
// attract.mp4, muted and looped, when there is one. A `play`, `stop` or
// `closed` ends it.

const SLIDE_MS = 6000;

const body = document.body;
const slides = [...document.querySelectorAll('#attract .attract-slide')];
const video = document.getElementById('attract-video');

export const attract = {
    pictures: () => [], // the image URLs to show; app.js connects the media list
    videoUrl: null,
    timer: 0,
    index: -1,
    front: 0,

    get running() { return body.dataset.attract === 'true'; },

    start() {
        if (this.running) return;
        body.dataset.attract = 'true';
        this.begin();
    },

    stop() {
        if (!this.running) return;
        body.dataset.attract = 'false';
        this.end();
    },

    // From `state` and `media`: the video's URL, or null. A change while it
    // runs applies at once.
    setVideo(url) {
        const next = url || null;
        if (next === this.videoUrl) return;
        this.videoUrl = next;
        if (this.running) {
            this.end();
            this.begin();
        }
    },

    begin() {
        if (this.videoUrl) {
            body.dataset.attractVideo = 'true';
            video.src = this.videoUrl;
            // Muted video may always play; should it fail all the same, the
            // pictures stand in.
            video.play().catch(() => {
                if (this.running && video.src) this.fallBack();
            });
            return;
        }
        this.slideshow();
    },

    fallBack() {
        this.stopVideo();
        this.slideshow();
    },

    slideshow() {
        body.dataset.attractVideo = 'false';
        this.step();
        this.timer = setInterval(() => this.step(), SLIDE_MS);
    },

    step() {
        const pictures = this.pictures();
        if (pictures.length === 0) return;
        this.index = (this.index + 1) % pictures.length;
        const next = slides[1 - this.front];
        // Shown once loaded, so the fade never reveals a half-drawn picture.
        next.onload = () => {
            next.classList.add('visible');
            slides[this.front].classList.remove('visible');
            this.front = 1 - this.front;
        };
        next.src = pictures[this.index];
    },

    stopVideo() {
        video.pause();
        video.removeAttribute('src');
        video.load(); // lets go of the file
    },

    end() {
        clearInterval(this.timer);
        this.timer = 0;
        for (const slide of slides) {
            slide.onload = null;
            slide.classList.remove('visible');
        }
        if (video.src) this.stopVideo();
        body.dataset.attractVideo = 'false';
    },
};
