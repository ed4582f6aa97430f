// End-to-end test of the dashboard in a real headless Chromium:
// gateway <-> pseudo-terminal "panel" and gateway <-> browser, all on this machine.
// The plumbing it shares with tst_console.mjs is in harness.mjs.
//
// usage: node tst_browser.mjs GATEWAY_BINARY MEDIA_DIR ARTIFACTS_DIR
// env:   CHROMIUM=/path/to/chromium (default /usr/bin/chromium)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
    CHROMIUM_ARGS, PanelPort, TestRun, freePort, logPage, setUp, silentMp3, stepper, stopProcess, waitFor,
    waitForGateway,
} from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { gatewayBin, mediaDir, artifactsDir, chromiumPath: CHROMIUM, chromium } = await setUp('tst_browser');
const TOTAL_BUDGET_MS = 105_000; // below ctest's TIMEOUT, so that we clean up ourselves

const run = new TestRun('tst_browser', artifactsDir);
const { tmpDir } = run;

// ------------------------------------------------------------------ helpers

function sha256(bytes) {
    return createHash('sha256').update(bytes).digest('hex');
}

// Any root process can open a /dev/pts/N by number; one that does (say a stale
// gateway retrying an old link whose number was reused) steals lines from our pair.
function foreignPtyUsers() {
    const ours = new Set([process.pid, socat?.pid, gateway?.pid]);
    let devices;
    try {
        devices = new Set([fs.realpathSync(path.join(tmpDir, 'panel')), fs.realpathSync(path.join(tmpDir, 'gw'))]);
    } catch {
        return '';
    }
    const intruders = [];
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        if (ours.has(Number(pid))) continue;
        try {
            const fds = fs.readdirSync(`/proc/${pid}/fd`);
            if (fds.some((fd) => devices.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`)))) {
                const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
                intruders.push(`${pid} ${command.slice(0, 160)}`);
            }
        } catch { /* gone, or not ours to read */ }
    }
    return intruders.length ? `\nother processes have our pty open and may be stealing lines: ${intruders.join('; ')}` : '';
}

// ------------------------------------------------------------------ the world

let socat = null;
let panel = null;
let gateway = null;
let gatewayRuns = 0;
let context = null;
let page = null;
let port = 0;
const sentFrames = []; // what the page sent over its WebSockets
const pageErrors = []; // uncaught exceptions and rejections in any page
const staticRequests = []; // every /static/ request: { path, status, type } or { path, failure }

async function startPanelLink() {
    const pair = await run.startPtyPair('browser-socat');
    socat = pair.socat;
    panel = new PanelPort(pair.panelPath, foreignPtyUsers);
    return pair.gatewayPath;
}

async function startGateway(serialPath, media = mediaDir, extraArgs = []) {
    gatewayRuns += 1;
    const config = path.join(tmpDir, 'empty.conf');
    fs.writeFileSync(config, '');
    gateway = run.startProcess(`browser-gateway-${gatewayRuns}`, gatewayBin, [
        '--config', config,
        '--serial-port', serialPath,
        '--http-host', '127.0.0.1',
        '--http-port', String(port),
        '--media-dir', media,
        '--mode', 'prototype',
        '--first-id', '0',
        '--stats-db', 'none',
        ...extraArgs,
    ]);
    await waitForGateway(gateway, port);
}

// Logs a page's console and records what the checks below need.
function watchPage(watched, consoleLogName) {
    logPage(watched, path.join(artifactsDir, consoleLogName), (error) => pageErrors.push(String(error)));
    const isStatic = (request) => new URL(request.url()).pathname.startsWith('/static/');
    watched.on('response', (response) => {
        if (isStatic(response.request()))
            staticRequests.push({ path: new URL(response.url()).pathname, status: response.status(),
                type: response.headers()['content-type'] ?? '' });
    });
    watched.on('requestfailed', (request) => {
        if (isStatic(request))
            staticRequests.push({ path: new URL(request.url()).pathname, failure: request.failure()?.errorText });
    });
}

// The dashboard's scripts as the gateway ships them (resources.qrc); the staff
// console's own (admin.*) are tst_console's, the phones' page's (listen.js) tst_listen's.
function shippedScripts() {
    const qrc = fs.readFileSync(path.join(HERE, '..', '..', 'resources.qrc'), 'utf8');
    return [...qrc.matchAll(/<file>(static\/[^<]+\.js)<\/file>/g)].map((m) => `/${m[1]}`)
        .filter((script) => !script.startsWith('/static/admin') && script !== '/static/listen.js').sort();
}

function endedIds() {
    return sentFrames.filter((m) => m?.type === 'ended').map((m) => m.id);
}

function body(attribute) {
    return page.evaluate((name) => document.body.dataset[name] ?? null, attribute);
}

async function waitForBody(attribute, value, timeoutMs = 10_000) {
    await page.waitForFunction(([name, expected]) => document.body.dataset[name] === expected,
        [attribute, value], { timeout: timeoutMs, polling: 20 });
}

// Resolves when the page plays `id` from its audio element and the sound advances.
async function waitPlaying(id, minTime = 0, on = page) {
    await on.waitForFunction(([wanted, t]) => {
        const audio = document.getElementById('audio');
        const url = audio.dataset.url || '';
        return document.body.dataset.current === String(wanted)
            && new URL(url, location.href).pathname === `/media/${String(wanted).padStart(3, '0')}.mp3`
            && !audio.paused && audio.currentTime > t;
    }, [id, minTime], { timeout: 10_000, polling: 20 }).catch(async (error) => {
        const state = await on.evaluate(() => {
            const a = document.getElementById('audio');
            return { view: document.body.dataset.view, current: document.body.dataset.current, url: a.dataset.url,
                src: a.currentSrc, paused: a.paused, time: a.currentTime, duration: a.duration, ended: a.ended,
                readyState: a.readyState, networkState: a.networkState, error: a.error?.message ?? a.error?.code };
        }).catch(() => 'page gone');
        throw new Error(`${error.message}\nwaiting for ${id} to play; audio element: ${JSON.stringify(state)}`);
    });
}

// A WAV file of `seconds` of silence, 44.1 kHz 16-bit stereo (about 10 MB a minute).
function silentWav(seconds) {
    const rate = 44100, channels = 2, bytesPerSample = 2;
    const dataSize = seconds * rate * channels * bytesPerSample;
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + dataSize, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(rate, 24);
    header.writeUInt32LE(rate * channels * bytesPerSample, 28);
    header.writeUInt16LE(channels * bytesPerSample, 32);
    header.writeUInt16LE(bytesPerSample * 8, 34);
    header.write('data', 36);
    header.writeUInt32LE(dataSize, 40);
    return Buffer.concat([header, Buffer.alloc(dataSize)]);
}

function mediaFile(id, ext) {
    return path.join(mediaDir, `${String(id).padStart(3, '0')}.${ext}`);
}

async function shot(name, options = {}) {
    const file = path.join(artifactsDir, name);
    // Finite animations (a fade-in) are run to their end, so pictures do not catch them halfway.
    await page.screenshot({ path: file, animations: 'disabled', ...options });
    const size = fs.statSync(file).size;
    assert.ok(size > 10_000, `${name} looks empty (${size} bytes)`);
    return file;
}

async function cleanup() {
    try { if (context) await context.close(); } catch { /* browser already gone */ }
    context = null;
    if (panel) panel.close();
    panel = null;
    await run.close();
}

run.cleanUpAtEnd(cleanup, TOTAL_BUDGET_MS);

// ------------------------------------------------------------------ steps

const step = stepper(() => page, path.join(artifactsDir, 'browser-failure.png'));

test('dashboard in headless Chromium', async (t) => {
    let serialPath;

    await step(t, 'gateway, pty panel and Chromium start; the idle page is shown', async () => {
        port = await freePort();
        serialPath = await startPanelLink();
        await startGateway(serialPath);

        context = await chromium.launchPersistentContext(path.join(tmpDir, 'profile'), {
            executablePath: CHROMIUM,
            headless: true,
            viewport: { width: 1920, height: 1080 },
            // Keep the real audio output path (a kiosk is not muted); headless has no device anyway.
            ignoreDefaultArgs: ['--mute-audio'],
            args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
        });
        // Observes every media element that is ever told to play, in the DOM or not,
        // so that "exactly one sound" also counts detached Audio objects.
        await context.addInitScript(() => {
            const seen = new Set();
            const play = HTMLMediaElement.prototype.play;
            HTMLMediaElement.prototype.play = function (...args) {
                seen.add(this);
                return play.apply(this, args);
            };
            window.playingMedia = () => [...seen].filter((m) => !m.paused && !m.ended)
                .map((m) => m.dataset.url || m.currentSrc);
        });
        page = context.pages()[0] || await context.newPage();
        watchPage(page, 'browser-console.log');
        page.on('websocket', (socket) => socket.on('framesent', (frame) => {
            try { sentFrames.push(JSON.parse(frame.payload)); } catch { /* not JSON */ }
        }));

        await page.goto(`http://127.0.0.1:${port}/`);
        await waitForBody('server', 'up');
        await waitForBody('panel', 'up');
        await waitForBody('preload', 'done', 20_000);
        assert.equal(await body('view'), 'idle');
        assert.equal(await body('sound'), 'unlocked', 'the kiosk flag should make a tap unnecessary');
        assert.ok(await page.isHidden('#unlock'), 'no "tap to enable sound" overlay in kiosk mode');
        assert.ok(await page.isVisible('.idle-title'));
        assert.ok(await page.isHidden('#banner'));
        // The range comes from the gateway's `state`, not from the page.
        assert.match(await page.textContent('#idle-range'), /000\D+009/);
        await shot('browser-idle.png');

        // Every module the gateway ships was loaded, as JavaScript, and nothing under /static/ failed.
        const scripts = shippedScripts();
        assert.ok(scripts.includes('/static/app.js'), `resources.qrc lists ${scripts}`);
        const loadedScripts = staticRequests.filter((r) => r.path.endsWith('.js'));
        assert.deepEqual([...new Set(loadedScripts.map((r) => r.path))].sort(), scripts);
        for (const request of staticRequests) {
            assert.equal(request.status, 200, `${request.path}: ${JSON.stringify(request)}`);
            if (request.path.endsWith('.js'))
                assert.match(request.type, /^text\/javascript\b/, `${request.path} served as "${request.type}"`);
        }
        assert.deepEqual(pageErrors, [], 'no uncaught script errors');
    });

    let ledSet2 = -1;
    await step(t, 'PRESS 002 shows image 002 and plays 002.mp3', async () => {
        panel.write('PRESS 002');
        ledSet2 = await panel.waitLine('LEDSET 002');
        await waitPlaying(2);
        // 002 lasts a second: it is held while it is checked, so that the next press finds it
        // still playing however slow this machine is today.
        await page.evaluate(() => document.getElementById('audio').pause());

        const image = await page.evaluate(() => {
            const img = document.getElementById('image');
            return { path: new URL(img.src).pathname, width: img.naturalWidth, visible: !img.hidden && img.checkVisibility() };
        });
        assert.equal(image.path, '/media/002.jpg');
        assert.ok(image.width > 0, 'image 002 decoded');
        assert.ok(image.visible, 'image 002 visible');
        assert.ok(await page.isHidden('#placeholder'));
        assert.equal((await page.textContent('#number')).trim(), '002');

        // The element really holds 002.mp3's bytes (it may play from a preloaded copy).
        const playedHash = await page.evaluate(async () => {
            const bytes = await (await fetch(document.getElementById('audio').currentSrc)).arrayBuffer();
            const digest = await crypto.subtle.digest('SHA-256', bytes);
            return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        });
        assert.equal(playedHash, sha256(fs.readFileSync(mediaFile(2, 'mp3'))));
    });

    let ledSet4 = -1;
    await step(t, 'PRESS 004 before 002 ends: 002 stops, 004 plays', async () => {
        await page.evaluate(() => document.getElementById('audio').play()); // on from where it was held
        panel.write('PRESS 004');
        ledSet4 = await panel.waitLine('LEDSET 004', ledSet2 + 1);
        assert.ok(!panel.lines.slice(ledSet2 + 1, ledSet4).includes('LEDCLR'),
            '002 had already ended before the second press; the preemption was not tested');
        await waitPlaying(4);
        const playing = await page.evaluate(() => window.playingMedia());
        assert.equal(playing.length, 1, `exactly one sound plays: ${playing}`);
        assert.match(playing[0], /\/media\/004\.mp3/);
        const imagePath = await page.evaluate(() => new URL(document.getElementById('image').src).pathname);
        assert.equal(imagePath, '/media/004.jpg');
    });

    await step(t, 'when 004 has ended in the browser, LEDCLR reaches the panel', async () => {
        await panel.waitLine('LEDCLR', ledSet4 + 1, 15_000);
        // DevTools reports sent frames a little after the gateway has acted on them.
        await waitFor('the page\'s "ended" frame', () => endedIds().length > 0, 5000);
        assert.deepEqual(endedIds(), [4], 'one ended, for 004 only (002 was preempted)');
        await page.waitForFunction(() => ['ended', 'idle'].includes(document.body.dataset.view));
        await waitForBody('view', 'idle', 10_000);
    });

    await step(t, 'a playing page looks right (1920x1080 and phone)', async () => {
        const from = panel.lines.length;
        panel.write('PRESS 007');
        await panel.waitLine('LEDSET 007', from);
        await waitPlaying(7, 0.35);
        // Freeze the sound for stable pictures, then let it run to its end.
        await page.evaluate(() => document.getElementById('audio').pause());
        await page.waitForFunction(() => document.getElementById('image').complete);
        await shot('browser-playing.png');
        await page.setViewportSize({ width: 390, height: 844 });
        await shot('browser-playing-phone.png');
        await page.setViewportSize({ width: 1920, height: 1080 });
        await page.evaluate(() => document.getElementById('audio').play());
        await panel.waitLine('LEDCLR', from, 15_000);
        await waitForBody('view', 'idle', 10_000);
    });

    await step(t, 'closed by a reload: the page goes dark and silent, takes the volume, and is idle again at opening', async () => {
        // A closed date round today (the gateway's zone is this machine's), and a lower volume.
        const day = (offset) => {
            const d = new Date();
            d.setDate(d.getDate() + offset);
            return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
        };
        const config = path.join(tmpDir, 'empty.conf');
        const from = panel.lines.length;
        const endedBefore = endedIds().length;
        panel.write('PRESS 003');
        const ledSet3 = await panel.waitLine('LEDSET 003', from);
        await waitPlaying(3);
        // Held, so that it cannot end (and send `ended`) before closing time.
        await page.evaluate(() => document.getElementById('audio').pause());
        assert.equal(await page.evaluate(() => document.getElementById('audio').volume), 1);

        fs.writeFileSync(config, `closed_dates = ${day(-1)}..${day(1)}\nvolume = 40\n`);
        gateway.kill('SIGHUP');
        await waitForBody('closed', 'true');
        await panel.waitLine('LEDCLR', ledSet3 + 1);
        await waitForBody('view', 'idle');
        const closed = await page.evaluate(() => ({
            src: document.getElementById('audio').getAttribute('src'),
            current: document.body.dataset.current ?? null,
            playing: window.playingMedia(),
            volume: document.getElementById('audio').volume,
            backdrop: getComputedStyle(document.querySelector('.backdrop')).visibility,
        }));
        assert.deepEqual(closed, { src: null, current: null, playing: [], volume: 0.4, backdrop: 'hidden' });
        await page.waitForFunction(() => document.querySelector('.idle-title').checkVisibility({ visibilityProperty: true }) === false);
        assert.match(await page.textContent('#closed'), /Closed/);
        await page.screenshot({ path: path.join(artifactsDir, 'browser-closed.png'), animations: 'disabled' });

        // A press while closed changes nothing, here or on the panel.
        const pressedAt = panel.lines.length;
        panel.write('PRESS 006');
        await waitFor('the closed press to be counted', async () =>
            (await (await fetch(`http://127.0.0.1:${port}/status`)).json()).closed_presses === 1, 5000);
        assert.deepEqual(panel.lines.slice(pressedAt), []);
        assert.equal(await body('current'), null);

        // A page opened while closed starts dark.
        const late = await context.newPage();
        await late.goto(`http://127.0.0.1:${port}/`);
        await late.waitForFunction(() => document.body.dataset.closed === 'true', null, { timeout: 10_000 });
        assert.equal(await late.evaluate(() => document.getElementById('audio').volume), 0.4);
        await late.close();

        fs.writeFileSync(config, '');
        gateway.kill('SIGHUP');
        await waitForBody('closed', 'false');
        await page.waitForFunction(() => document.querySelector('.idle-title').checkVisibility({ visibilityProperty: true }));
        assert.equal(await page.evaluate(() => document.getElementById('audio').volume), 1);
        assert.equal(endedIds().length, endedBefore, 'a sound stopped by closing is not reported ended');
        assert.deepEqual(pageErrors, [], 'no uncaught script errors');
    });

    await step(t, 'attract mode after a second without a press: a slideshow of the pictures, left at a play', async () => {
        const config = path.join(tmpDir, 'empty.conf');
        const reloads = () => gateway.output.split('configuration reloaded').length - 1;
        const reloadsBefore = reloads();
        const endedBefore = endedIds().length;
        const from = panel.lines.length;
        fs.writeFileSync(config, 'attract_after_s = 1\nattract_step_ms = 100\n');
        gateway.kill('SIGHUP');
        await waitForBody('attract', 'true');
        // The panel's chase, from the first LED on.
        await panel.waitLine('LEDSET 001', await panel.waitLine('LEDSET 000', from));
        // One of the media pictures fills the screen; the idle page steps back.
        await page.waitForFunction(() => {
            const shown = document.querySelector('#attract .attract-slide.visible');
            return shown && /\/media\/\d{3}\.jpg/.test(shown.src) && shown.naturalWidth > 0
                && getComputedStyle(shown).opacity === '1';
        }, null, { timeout: 10_000, polling: 50 });
        await page.waitForFunction(() => document.querySelector('.idle-title').checkVisibility({ visibilityProperty: true }) === false);
        assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('attract')).visibility), 'visible');
        assert.deepEqual(await page.evaluate(() => window.playingMedia()), [], 'attract mode makes no sound');
        await shot('browser-attract.png');

        // A page opened now joins in.
        const late = await context.newPage();
        await late.goto(`http://127.0.0.1:${port}/`);
        await late.waitForFunction(() => document.body.dataset.attract === 'true', null, { timeout: 10_000 });
        await late.close();

        // A press ends it and plays.
        panel.write('PRESS 002');
        await waitPlaying(2);
        // Held, so that it cannot end (and send `ended`) before the steps below stop it.
        await page.evaluate(() => document.getElementById('audio').pause());
        assert.equal(await body('attract'), 'false');
        await page.waitForFunction(() => getComputedStyle(document.getElementById('attract')).visibility === 'hidden');
        await page.waitForFunction(() => document.querySelector('#play .frame .media').checkVisibility({ visibilityProperty: true }));

        // Attract mode off again, and the sound stopped rather than ended, for the steps that follow.
        fs.writeFileSync(config, '');
        gateway.kill('SIGHUP');
        await waitFor('the reload', () => reloads() >= reloadsBefore + 2, 5000);
        assert.equal((await fetch(`http://127.0.0.1:${port}/test/stop`)).status, 200);
        await waitForBody('view', 'idle');
        assert.equal(endedIds().length, endedBefore);
        assert.deepEqual(pageErrors, [], 'no uncaught script errors');
    });

    await step(t, 'gateway restart: the page shows the outage, reconnects by itself, and plays again', async () => {
        const navigations = [];
        page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });

        await stopProcess(gateway);
        await waitForBody('server', 'lost', 5000);
        assert.ok(await page.isVisible('#banner'), 'the outage banner is shown');
        await shot('browser-outage.png');

        await startGateway(serialPath);
        await waitForBody('server', 'up', 15_000);
        assert.ok(await page.isHidden('#banner'), 'the banner is gone after reconnecting');
        await waitForBody('panel', 'up');
        assert.deepEqual(navigations, [], 'the page came back without a reload');

        const from = panel.lines.length;
        panel.write('PRESS 005');
        await panel.waitLine('LEDSET 005', from);
        await waitPlaying(5);
        await panel.waitLine('LEDCLR', from, 15_000);
        await waitFor('the page\'s "ended" frame for 005', () => endedIds().length >= 3, 5000);
        assert.deepEqual(endedIds(), [4, 7, 5]);
    });

    await step(t, 'missing or corrupt pictures and a broken sound do not wedge the page; the LED still goes out', async () => {
        // A copy of the media: 008.jpg gone, 006.jpg not a picture, 009.mp3 not a sound.
        const damaged = path.join(tmpDir, 'damaged-media');
        fs.cpSync(mediaDir, damaged, { recursive: true });
        fs.rmSync(path.join(damaged, '008.jpg'));
        fs.writeFileSync(path.join(damaged, '006.jpg'), 'this is not a jpeg file\n'.repeat(200));
        fs.writeFileSync(path.join(damaged, '009.mp3'), 'this is not an mp3 file\n'.repeat(200));
        // For the seek step: a minute of silence, too large for Chromium to fetch in one go.
        fs.writeFileSync(path.join(damaged, 'seek.wav'), silentWav(60));
        await stopProcess(gateway);
        await waitForBody('server', 'lost', 5000);
        await startGateway(serialPath, damaged);
        await waitForBody('server', 'up', 15_000);
        await waitForBody('media', 'incomplete');
        assert.ok(await page.isVisible('#chip-media'), 'staff see that media is incomplete');

        let from = 0;
        for (const id of ['008', '006']) {
            from = panel.lines.length;
            panel.write(`PRESS ${id}`);
            await panel.waitLine(`LEDSET ${id}`, from);
            await waitPlaying(Number(id));
            await page.locator('#placeholder').waitFor({ state: 'visible', timeout: 5000 });
            assert.ok(await page.isHidden('#image'), `no broken picture for ${id}`);
            assert.equal((await page.textContent('#placeholder-number')).trim(), id);
            await panel.waitLine('LEDCLR', from, 15_000);
        }

        from = panel.lines.length;
        panel.write('PRESS 009');
        await panel.waitLine('LEDSET 009', from);
        await page.waitForSelector('#sound-note', { state: 'visible', timeout: 10_000 });
        assert.ok(await page.isVisible('#image'), 'the picture still shows without its sound');
        await shot('browser-broken-sound.png');
        await panel.waitLine('LEDCLR', from, 15_000); // after the silent hold, not never
        await waitFor('the page\'s "ended" frame for 009', () => endedIds().length >= 6, 5000);
        assert.deepEqual(endedIds().slice(-3), [8, 6, 9]);
    });

    await step(t, 'a long sound served by the gateway plays and seeks through Range requests', async () => {
        const answers = [];
        const onResponse = (response) => {
            if (new URL(response.url()).pathname !== '/media/seek.wav')
                return;
            answers.push({ status: response.status(), range: response.request().headers().range ?? '',
                contentRange: response.headers()['content-range'] ?? '' });
        };
        page.on('response', onResponse);
        const played = await page.evaluate(async () => {
            const audio = new Audio('/media/seek.wav');
            const once = (name) => new Promise((resolve, reject) => {
                audio.addEventListener(name, resolve, { once: true });
                audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)), { once: true });
            });
            await audio.play();
            audio.currentTime = 50;
            await once('seeked');
            const seekedTo = audio.currentTime;
            await once('timeupdate'); // it goes on playing from there
            const playingAt = audio.currentTime;
            audio.pause();
            return { duration: audio.duration, seekedTo, playingAt };
        });
        page.off('response', onResponse);
        assert.ok(Math.abs(played.duration - 60) < 0.5, `duration ${played.duration}`);
        assert.ok(played.seekedTo >= 49.9 && played.playingAt >= played.seekedTo, JSON.stringify(played));
        // The seek was fetched as a range from the middle of the file, and answered as one.
        assert.ok(answers.some((a) => a.status === 206 && /^bytes=[1-9]/.test(a.range)
                && /^bytes [1-9]\d*-\d+\/\d+$/.test(a.contentRange)), JSON.stringify(answers));
    });

    let lateSet = -1;
    await step(t, 'a second Chromium page opened mid-sound plays from that offset', async () => {
        // A copy of the media whose 003 lasts 6 s; the gateway also pings the panel every
        // second from now on, for the next step.
        const longMedia = path.join(tmpDir, 'long-media');
        fs.cpSync(mediaDir, longMedia, { recursive: true });
        fs.writeFileSync(path.join(longMedia, '003.mp3'), silentMp3(6));
        await stopProcess(gateway);
        await waitForBody('server', 'lost', 5000);
        await startGateway(serialPath, longMedia, ['--ping-interval-s', '1']);
        await waitForBody('server', 'up', 15_000);
        await waitForBody('media', 'ok'); // the page has the new folder's `state`

        const from = panel.lines.length;
        panel.write('PRESS 003');
        lateSet = await panel.waitLine('LEDSET 003', from);
        await waitPlaying(3, 1.0); // the first page is a second into the sound
        const firstDuration = await page.evaluate(() => document.getElementById('audio').duration);
        assert.ok(Math.abs(firstDuration - 6) < 0.1, `003 is the 6 s sound: ${firstDuration}`);

        const late = await context.newPage();
        try {
            watchPage(late, 'browser-console-late.log');
            await late.goto(`http://127.0.0.1:${port}/`);
            // The late page's position the moment its sound really plays: a page that
            // ignored `elapsed_ms` would be a few frames into the sound here.
            const joinedAt = await (await late.waitForFunction(() => {
                const audio = document.getElementById('audio');
                const playing = document.body.dataset.current === '3' && !audio.paused && !audio.seeking
                    && audio.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA && audio.currentTime > 0;
                return playing && audio.currentTime;
            }, null, { timeout: 10_000, polling: 10 })).jsonValue();
            assert.ok(joinedAt >= 0.8, `the late page started 003 at ${joinedAt.toFixed(3)} s, not where the sound is`);
            await waitPlaying(3, joinedAt, late);

            // Both positions at one moment: the first page's, carried forward to the late page's sample time.
            const sample = (on) => on.evaluate(() => {
                const audio = document.getElementById('audio');
                return { time: audio.currentTime, paused: audio.paused, at: Date.now() };
            });
            const [a, b] = await Promise.all([sample(page), sample(late)]);
            assert.ok(!a.paused && !b.paused, `both pages play: ${JSON.stringify([a, b])}`);
            const drift = b.time - (a.time + (b.at - a.at) / 1000);
            assert.ok(Math.abs(drift) < 0.3, `the pages are ${drift.toFixed(3)} s apart: ${JSON.stringify([a, b])}`);

            // Both play on to the end; the first `ended` puts the LED out.
            await panel.waitLine('LEDCLR', lateSet + 1, 15_000);
            await late.waitForFunction(() => ['ended', 'idle'].includes(document.body.dataset.view),
                null, { timeout: 5000, polling: 50 });
            await waitFor('the first page\'s "ended" frame for 003', () => endedIds().at(-1) === 3, 5000);
        } finally {
            await late.close();
        }
    });

    await step(t, 'a panel that answered PING and then says nothing shows "Panel not responding" until its next line', async () => {
        const texts = {
            silent: { en: 'Panel not responding', de: 'Pult antwortet nicht' },
            up: { en: 'Panel', de: 'Pult' },
        };
        const chip = (on) => on.evaluate(() => ({
            panel: document.body.dataset.panel, lang: document.documentElement.lang,
            text: document.getElementById('chip-panel-text').textContent.trim(),
        }));
        // Quiet for many intervals since the press, and pinged, but it never answered: not silent.
        const pings = panel.lines.slice(lateSet).filter((line) => line === 'PING').length;
        assert.ok(pings >= 3, `the gateway pings a quiet panel every second (${pings} PINGs since the press)`);
        assert.equal(await body('panel'), 'up', 'a panel that never answered PING is never called silent');

        let from = panel.lines.length;
        await panel.waitLine('PING', from, 3000);
        panel.write('PONG');
        const answered = performance.now();
        await waitForBody('panel', 'silent', 6000);
        const silentAfter = performance.now() - answered;
        assert.ok(silentAfter >= 2900 && silentAfter < 5000,
            `silent ${Math.round(silentAfter)} ms after the PONG, expected three 1 s intervals`);
        let shown = await chip(page);
        assert.equal(shown.text, texts.silent[shown.lang], JSON.stringify(shown));
        assert.ok(await page.isVisible('#chip-panel'));
        await shot('browser-panel-silent.png');

        // A page that joins now learns it from `state` (serial_responding), here in German.
        const joiner = await context.newPage();
        try {
            watchPage(joiner, 'browser-console-silent.log');
            await joiner.goto(`http://127.0.0.1:${port}/?lang=de`);
            // `unknown` until the greeting has been read
            await joiner.waitForFunction(() => !['unknown', undefined].includes(document.body.dataset.panel),
                null, { timeout: 10_000, polling: 20 });
            assert.deepEqual(await chip(joiner), { panel: 'silent', lang: 'de', text: 'Pult antwortet nicht' });
        } finally {
            await joiner.close();
        }

        // Any line ends the silence; the LEDs are resynced (nothing plays: LEDCLR).
        from = panel.lines.length;
        panel.write('PONG');
        await waitForBody('panel', 'up', 2000);
        shown = await chip(page);
        assert.equal(shown.text, texts.up[shown.lang], JSON.stringify(shown));
        await panel.waitLine('LEDCLR', from, 2000);
    });

    await step(t, 'without the kiosk flag, one "tap to enable sound" overlay; a tap unlocks and preloads', async () => {
        await context.close();
        context = await chromium.launchPersistentContext(path.join(tmpDir, 'profile-2'), {
            executablePath: CHROMIUM,
            headless: true,
            viewport: { width: 1920, height: 1080 },
            args: [...CHROMIUM_ARGS],
        });
        page = context.pages()[0] || await context.newPage();
        watchPage(page, 'browser-console-2.log');
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.locator('#unlock-button').waitFor({ state: 'visible', timeout: 10_000 });
        assert.equal(await page.locator('#unlock-button').count(), 1);
        assert.equal(await body('preload'), 'waiting', 'nothing is preloaded before sound is allowed');
        await shot('browser-unlock.png');
        await page.click('#unlock-button');
        await page.locator('#unlock').waitFor({ state: 'hidden', timeout: 5000 });
        await waitForBody('preload', 'done', 20_000);
        assert.equal(await body('sound'), 'unlocked');
        assert.deepEqual(pageErrors, [], 'no uncaught script errors in the whole run');
    });
});
