// What a wall screen needs from the page: no mouse pointer unless someone
// moves the mouse, and the screen kept on where the browser allows it.

const CURSOR_HIDE_MS = 3000;

export function setupKiosk() {
    let timer = 0;
    const wake = () => {
        document.body.classList.remove('no-cursor');
        clearTimeout(timer);
        timer = setTimeout(() => document.body.classList.add('no-cursor'), CURSOR_HIDE_MS);
    };
    document.addEventListener('pointermove', wake);
    wake();

    // The browser releases the lock whenever the page is hidden.
    document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') keepScreenAwake();
    });
    keepScreenAwake();
}

async function keepScreenAwake() {
    if (!navigator.wakeLock) return;
    try {
        await navigator.wakeLock.request('screen');
    } catch {
        // not allowed here (e.g. no secure context): the kiosk setup keeps the screen on
    }
}
