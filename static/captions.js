// Captions of a sound, drawn by the page from the TextTrack API.

export class CaptionView {
    constructor(container) {
        this.container = container;
        this.track = null;
    }

    attach(audioElement, vttUrl) {
        this.clear();
        if (!vttUrl) return;
        const track = document.createElement('track');
        track.kind = 'captions';
        track.src = vttUrl;
        track.default = true;
        audioElement.appendChild(track);
        track.track.mode = 'hidden';
        track.track.addEventListener('cuechange', () => {
            const cues = Array.from(track.track.activeCues ?? []);
            this.container.textContent = cues.map((cue) => cue.text).join('\n');
        });
        this.track = track;
    }

    clear() {
        this.track?.remove();
        this.track = null;
        this.container.textContent = '';
    }
}
