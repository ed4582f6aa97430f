// End-to-end test of the /listen page (docs/http.md, "/listen") next to a
// dashboard, in real headless Chromium: a kiosk screen and a phone follow the
// same press; only the screen's `ended` clears the LED; the phone survives
// being frozen (a locked screen) and its connection being lost meanwhile.
// The plumbing it shares with tst_browser.mjs is in harness.mjs.
//
// usage: node tst_listen.mjs GATEWAY_BINARY MEDIA_DIR ARTIFACTS_DIR
// env:   CHROMIUM=/path/to/chromium (default /usr/bin/chromium)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
    CHROMIUM_ARGS, PanelPort, TestRun, freePort, logPage, setUp, silentMp3, stepper, stopProcess, waitFor,
    waitForGateway,
} from './harness.mjs';

const { gatewayBin, mediaDir, artifactsDir, chromiumPath: CHROMIUM, chromium } = await setUp('tst_listen');
const TOTAL_BUDGET_MS = 105_000; // below ctest's TIMEOUT, so that we clean up ourselves
const PHONE = {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 '
        + '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    locale: 'en-GB',
};
const END_GRACE_MS = 1500;

const run = new TestRun('tst_listen', artifactsDir);
const { tmpDir } = run;

let panel = null;
let gateway = null;
let gatewayRuns = 0;
let port = 0;
let serialPath = '';
let kiosk = null; // browsers: the exhibit's screen, with autoplay as a kiosk has it
// and a phone. Headless Chromium plays without a gesture whatever its
// autoplay switch says, so the unlock itself is not what this checks: the
// tap is, and that the page plays nothing before it.
let phone = null;
let dashboard = null;
let listen = null;
const listenerFrames = []; // what the listen page sent over its WebSockets
const pageErrors = [];

// Short silent sounds, and the demo pictures: 001 lasts 3 s, the others 20 s.
const media = path.join(tmpDir, 'media');
fs.mkdirSync(media);
for (let id = 0; id < 10; ++id) {
    const base = String(id).padStart(3, '0');
    fs.copyFileSync(path.join(mediaDir, `${base}.jpg`), path.join(media, `${base}.jpg`));
    fs.writeFileSync(path.join(media, `${base}.mp3`), silentMp3(id === 1 ? 3 : 20));
}

async function startGateway(extraArgs = []) {
    gatewayRuns += 1;
    const config = path.join(tmpDir, 'empty.conf');
    fs.writeFileSync(config, '');
    gateway = run.startProcess(`listen-gateway-${gatewayRuns}`, gatewayBin, [
        '--config', config, '--serial-port', serialPath, '--http-host', '127.0.0.1', '--http-port', String(port),
        '--media-dir', media, '--mode', 'prototype', '--stats-db', 'none', '--end-grace-ms', String(END_GRACE_MS),
        ...extraArgs,
    ]);
    await waitForGateway(gateway, port);
}

async function status() {
    return (await fetch(`http://127.0.0.1:${port}/status`)).json();
}

// The page's audio element plays `id` and its time advances past `minTime`.
async function waitPlaying(page, id, minTime = 0.2) {
    await page.waitForFunction(([wanted, t]) => {
        const audio = document.getElementById('audio');
        // The dashboard plays from preloaded copies and names the file in data-url.
        const url = audio.dataset.url || audio.currentSrc || 'http://x/';
        return new URL(url, location.href).pathname === `/media/${String(wanted).padStart(3, '0')}.mp3`
            && !audio.paused && audio.currentTime > t;
    }, [id, minTime], { timeout: 10_000, polling: 20 }).catch(async (error) => {
        const state = await page.evaluate(() => {
            const a = document.getElementById('audio');
            return { src: a.currentSrc, paused: a.paused, time: a.currentTime, error: a.error?.code, view: document.body.dataset.view };
        }).catch(() => 'page gone');
        throw new Error(`${error.message}\nwaiting for ${id} to play; audio element: ${JSON.stringify(state)}`);
    });
}

async function press(id) {
    const from = panel.lines.length;
    panel.write(`PRESS ${String(id).padStart(3, '0')}`);
    return panel.waitLine(`LEDSET ${String(id).padStart(3, '0')}`, from);
}

async function cleanup() {
    for (const browser of [kiosk, phone]) {
        try { if (browser) await browser.close(); } catch { /* already gone */ }
    }
    kiosk = phone = null;
    if (panel) panel.close();
    panel = null;
    await run.close();
}

run.cleanUpAtEnd(cleanup, TOTAL_BUDGET_MS);

const step = stepper(() => listen, path.join(artifactsDir, 'listen-failure.png'));

test('the listen page on a phone beside a dashboard', async (t) => {
    await step(t, 'gateway, dashboard and a phone on /listen; one tap starts listening', async () => {
        port = await freePort();
        const pair = await run.startPtyPair('listen-socat');
        serialPath = pair.gatewayPath;
        panel = new PanelPort(pair.panelPath);
        await startGateway();

        kiosk = await chromium.launch({ executablePath: CHROMIUM, headless: true, ignoreDefaultArgs: ['--mute-audio'],
            args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
        phone = await chromium.launch({ executablePath: CHROMIUM, headless: true, ignoreDefaultArgs: ['--mute-audio'],
            args: CHROMIUM_ARGS });
        dashboard = await (await kiosk.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
        logPage(dashboard, path.join(artifactsDir, 'listen-dashboard-console.log'), (e) => pageErrors.push(String(e)));
        listen = await (await phone.newContext(PHONE)).newPage();
        logPage(listen, path.join(artifactsDir, 'listen-phone-console.log'), (e) => pageErrors.push(String(e)));
        listen.on('websocket', (socket) => {
            assert.match(socket.url(), /\/ws\?role=listener$/);
            socket.on('framesent', (frame) => {
                try { listenerFrames.push(JSON.parse(frame.payload)); } catch { /* not JSON */ }
            });
        });

        await dashboard.goto(`http://127.0.0.1:${port}/`);
        await dashboard.waitForFunction(() => document.body.dataset.server === 'up');
        await dashboard.waitForFunction(() => document.body.dataset.preload === 'done', null, { timeout: 20_000 });
        // The idle screen shows the QR code of the listen page.
        await dashboard.waitForFunction(() => {
            const img = document.getElementById('listen-qr-code');
            return !document.getElementById('listen-qr').hidden && img.complete && img.naturalWidth > 0;
        });
        assert.ok(await dashboard.isVisible('#listen-qr'));
        assert.equal((await dashboard.textContent('#listen-qr figcaption')).trim(), 'Listen on your phone');
        await dashboard.screenshot({ path: path.join(artifactsDir, 'listen-dashboard-idle.png'), animations: 'disabled' });

        await listen.goto(`http://127.0.0.1:${port}/listen`);
        await listen.waitForFunction(() => document.body.dataset.server === 'up');
        await waitFor('the gateway to count one listener and one screen', async () => {
            const s = await status();
            return s.listeners === 1 && s.ws_clients === 2;
        });
        // Until the tap the page only shows what plays: nothing is started.
        assert.equal(await listen.evaluate(() => document.getElementById('audio').paused), true);
        await listen.screenshot({ path: path.join(artifactsDir, 'listen-start.png'), scale: 'css' });
        await listen.tap('#start-button');
        await listen.waitForFunction(() => document.body.dataset.view === 'follow');
    });

    let ledSet1 = -1;
    await step(t, 'a press plays on both, picture on the phone, number announced', async () => {
        ledSet1 = await press(1);
        await waitPlaying(dashboard, 1);
        await waitPlaying(listen, 1);
        const picture = await listen.evaluate(() => {
            const img = document.getElementById('picture');
            return { path: new URL(img.src).pathname, width: img.naturalWidth, visible: img.checkVisibility() };
        });
        assert.equal(picture.path, '/media/001.jpg');
        assert.ok(picture.width > 0 && picture.visible, 'picture 001 shown on the phone');
        const announced = await listen.evaluate(() => {
            const region = document.getElementById('announce');
            return { live: region.getAttribute('aria-live'), text: region.textContent };
        });
        assert.equal(announced.live, 'polite');
        assert.match(announced.text, /\b001\b/);
        // The gateway's volume is the screens': the phone stays at its own.
        assert.equal(await listen.evaluate(() => document.getElementById('audio').volume), 1);
    });

    await step(t, 'a phone whose sound ended does not clear the LED: the gateway\'s timer does', async () => {
        await dashboard.close(); // no screen is left to report the end
        await waitFor('the dashboard to leave', async () => (await status()).ws_clients === 1);
        await waitFor('the phone\'s "ended" for 001', () => listenerFrames.some((m) => m.type === 'ended' && m.id === 1),
            10_000);
        const s = await status();
        assert.equal(s.current_button, 1, 'the phone\'s ended ended the playback');
        assert.ok(!panel.lines.slice(ledSet1 + 1).includes('LEDCLR'), 'the phone\'s ended cleared the LED');
        await panel.waitLine('LEDCLR', ledSet1 + 1, 3000 + END_GRACE_MS + 3000);
        assert.equal((await status()).ended_by_timer, 1);
    });

    await step(t, 'a playing phone looks right (docs/listen.png)', async () => {
        await press(2);
        await waitPlaying(listen, 2);
        await listen.evaluate(() => document.getElementById('audio').pause());
        await listen.waitForFunction(() => document.getElementById('picture').complete);
        await listen.screenshot({ path: path.join(artifactsDir, 'listen-playing.png'), animations: 'disabled', scale: 'css' });
        await listen.evaluate(() => document.getElementById('audio').play());
    });

    await step(t, 'frozen and thawed like a locked phone: the next press plays', async () => {
        const cdp = await listen.context().newCDPSession(listen);
        await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
        await cdp.send('Page.setWebLifecycleState', { state: 'active' });
        await press(3);
        await waitPlaying(listen, 3);
    });

    await step(t, 'its connection lost while frozen (the gateway restarted): back at once, the next press plays', async () => {
        const cdp = await listen.context().newCDPSession(listen);
        await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
        await stopProcess(gateway);
        await startGateway();
        await cdp.send('Page.setWebLifecycleState', { state: 'active' });
        await waitFor('the phone to be back as a listener', async () => (await status()).listeners === 1, 10_000);
        await press(4);
        await waitPlaying(listen, 4);
    });

    await step(t, 'every place taken (max_listeners 1): the page says so, and so does a phone that lost its place', async () => {
        const other = await listen.context().newPage();
        logPage(other, path.join(artifactsDir, 'listen-phone2-console.log'), (e) => pageErrors.push(String(e)));
        await other.goto(`http://127.0.0.1:${port}/listen`);
        await waitFor('two phones listening', async () => (await status()).listeners === 2);
        // Back with room for one: both reconnect, one of them is refused.
        await stopProcess(gateway);
        await startGateway(['--max-listeners', '1']);
        const saysFull = (page) => page.evaluate(
            () => /Too many people are listening/.test(document.getElementById('conn').textContent));
        await waitFor('the refused phone to say why', async () => (await saysFull(listen)) !== (await saysFull(other)),
            15_000, 100);
        assert.equal((await status()).listeners, 1);
        const full = await fetch(`http://127.0.0.1:${port}/listen`);
        assert.equal(full.status, 503);
        assert.match(await full.text(), /Too many people are listening right now/);
        assert.deepEqual(pageErrors, [], 'no uncaught script errors');
    });
});
