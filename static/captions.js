// Captions of the sound that plays, as large subtitles (docs/websocket.md,
// "The item"): the browser reads the WebVTT file into a <track> in mode
// "hidden", so it keeps the cues in step with the sound but draws nothing
// itself (an audio element has nowhere to draw), and the page writes the
// active cues into its own element at each `cuechange`.

export class CaptionView {
    // `container`: the element the cue text is written into.
    constructor(container) {
        this.container = container;
        this.trackElement = null;
        this.listeners = null;
    }

    // Shows the cues of `vttUrl` in step with `audioElement`; none without a URL.
    attach(audioElement, vttUrl) {
        this.clear();
        if (!audioElement || !vttUrl) return;
        const trackElement = document.createElement('track');
        trackElement.kind = 'captions';
        trackElement.src = vttUrl;
        audioElement.appendChild(trackElement);
        const track = trackElement.track;
        track.mode = 'hidden';
        this.listeners = new AbortController();
        track.addEventListener('cuechange', () => this.render(track), { signal: this.listeners.signal });
        this.trackElement = trackElement;
        this.container.dataset.src = vttUrl;
    }

    render(track) {
        const cues = track.activeCues ? [...track.activeCues] : [];
        // getCueAsHTML keeps the cue's <i>, <b> and voices and nothing that runs.
        this.container.replaceChildren(...cues.map((cue) => {
            const line = document.createElement('span');
            line.className = 'caption-line';
            line.append(typeof cue.getCueAsHTML === 'function' ? cue.getCueAsHTML() : cue.text);
            return line;
        }));
        this.container.hidden = cues.length === 0;
    }

    // Removes the track and the text.
    clear() {
        this.listeners?.abort();
        this.listeners = null;
        if (this.trackElement) {
            this.trackElement.track.mode = 'disabled';
            this.trackElement.remove();
        }
        this.trackElement = null;
        this.container.replaceChildren();
        this.container.hidden = true;
        delete this.container.dataset.src;
    }
}
