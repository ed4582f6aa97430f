// End-to-end test of captions and languages on the dashboard, in a real headless Chromium:
// the built gateway on a media folder of its own (silent sounds of known lengths, WebVTT
// files good and broken, German and English variants), presses through /test/play, and
// two pages, one German and one English. The plumbing is harness.mjs's.
//
// usage: node tst_captions.mjs GATEWAY_BINARY MEDIA_DIR ARTIFACTS_DIR
// env:   CHROMIUM=/path/to/chromium (default /usr/bin/chromium)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
    CHROMIUM_ARGS, TestRun, freePort, logPage, setUp, silentMp3, stepper, waitFor, waitForGateway,
} from './harness.mjs';

const { gatewayBin, mediaDir, artifactsDir, chromiumPath: CHROMIUM, chromium } = await setUp('tst_captions');
const TOTAL_BUDGET_MS = 90_000; // below ctest's TIMEOUT, so that we clean up ourselves

const run = new TestRun('tst_captions', artifactsDir);
const { tmpDir } = run;

const CUE_TEXT = 'Number one: where the story begins';
const LANGUAGE_BUTTON = 9;

// ------------------------------------------------------------------ the media

// The demo pictures, silent sounds, and for the IDs under test:
// 001: a 1.5 s sound with 001.vtt, one cue from 0.2 s to 0.8 s;
// 002: a broken 002.vtt (no signature): reported, and the sound plays all the same;
// 003: 003.de.mp3 and 003.en.mp3 (different lengths, so that they differ);
// 004: 004.de.mp3 only, so English falls back to it and is reported missing.
function makeMedia() {
    const folder = path.join(tmpDir, 'media');
    fs.mkdirSync(folder);
    for (let id = 0; id < 10; ++id) {
        const name = String(id).padStart(3, '0');
        fs.copyFileSync(path.join(mediaDir, `${name}.jpg`), path.join(folder, `${name}.jpg`));
        fs.writeFileSync(path.join(folder, `${name}.mp3`), silentMp3(1.5));
    }
    fs.writeFileSync(path.join(folder, '001.vtt'), `WEBVTT\n\n00:00.200 --> 00:00.800\n${CUE_TEXT}\n`);
    fs.writeFileSync(path.join(folder, '002.vtt'), '00:00.200 --> 00:00.800\nno signature\n');
    fs.writeFileSync(path.join(folder, '003.de.mp3'), silentMp3(1.2));
    fs.writeFileSync(path.join(folder, '003.en.mp3'), silentMp3(1.3));
    fs.writeFileSync(path.join(folder, '004.de.mp3'), silentMp3(1.1));
    return folder;
}

// ------------------------------------------------------------------ the world

let gateway = null;
let context = null;
let port = 0;
const pages = {}; // name -> page
const pageErrors = [];

async function openPage(name, query) {
    const page = await context.newPage();
    logPage(page, path.join(artifactsDir, `captions-${name}-console.log`), (error) => pageErrors.push(String(error)));
    await page.goto(`http://127.0.0.1:${port}/${query}`);
    await page.waitForFunction(() => document.body.dataset.server === 'up' && document.body.dataset.preload === 'done',
        null, { timeout: 20_000, polling: 20 });
    pages[name] = page;
    return page;
}

async function status() {
    return (await fetch(`http://127.0.0.1:${port}/status`)).json();
}

async function press(id) {
    const reply = await fetch(`http://127.0.0.1:${port}/test/play/${id}`, { method: 'POST' });
    const text = await reply.text();
    assert.equal(reply.status, 200, `press ${id}: ${text}`);
    return text;
}

// Resolves when `page` plays `file` (its gateway URL's path) and the sound advances.
async function waitPlayingFile(page, file) {
    await page.waitForFunction((wanted) => {
        const audio = document.getElementById('audio');
        return new URL(audio.dataset.url || '/', location.href).pathname === wanted
            && !audio.paused && audio.currentTime > 0;
    }, file, { timeout: 10_000, polling: 20 }).catch(async (error) => {
        const state = await page.evaluate(() => {
            const a = document.getElementById('audio');
            return { view: document.body.dataset.view, url: a.dataset.url, paused: a.paused, time: a.currentTime };
        });
        throw new Error(`${error.message}\nwaiting for ${file}; audio: ${JSON.stringify(state)}`);
    });
}

async function waitIdle(page) {
    await page.waitForFunction(() => document.body.dataset.view === 'idle', null, { timeout: 10_000, polling: 20 });
}

async function cleanup() {
    try { if (context) await context.close(); } catch { /* browser already gone */ }
    context = null;
    await run.close();
}

run.cleanUpAtEnd(cleanup, TOTAL_BUDGET_MS);

const step = stepper(() => pages.en ?? null, path.join(artifactsDir, 'captions-failure.png'));

test('captions and languages in headless Chromium', async (t) => {
    await step(t, 'gateway with languages de,en and a language button; an English page', async () => {
        port = await freePort();
        const config = path.join(tmpDir, 'empty.conf');
        fs.writeFileSync(config, '');
        gateway = run.startProcess('captions-gateway', gatewayBin, [
            '--config', config, '--serial-port', 'none', '--http-host', '127.0.0.1', '--http-port', String(port),
            '--media-dir', makeMedia(), '--mode', 'prototype', '--stats-db', 'none',
            '--languages', 'de,en', '--language-button', String(LANGUAGE_BUTTON),
        ]);
        await waitForGateway(gateway, port);
        context = await chromium.launchPersistentContext(path.join(tmpDir, 'profile'), {
            executablePath: CHROMIUM,
            headless: true,
            viewport: { width: 1280, height: 720 },
            ignoreDefaultArgs: ['--mute-audio'],
            args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
        });
        await openPage('en', '?lang=en');
        // Every change of the captions' text, with the sound's position then.
        await pages.en.evaluate(() => {
            window.captionLog = [];
            const captions = document.getElementById('captions');
            new MutationObserver(() => window.captionLog.push({
                text: captions.hidden ? '' : captions.textContent,
                time: document.getElementById('audio').currentTime,
            })).observe(captions, { childList: true, subtree: true, characterData: true, attributes: true });
        });
    });

    await step(t, 'the cue is on screen while it is active and gone after its end', async () => {
        const page = pages.en;
        await press(1);
        await waitPlayingFile(page, '/media/001.mp3');
        const shown = await page.waitForFunction((text) => {
            const captions = document.getElementById('captions');
            return !captions.hidden && captions.textContent === text && captions.checkVisibility()
                && document.getElementById('audio').currentTime;
        }, CUE_TEXT, { timeout: 5000, polling: 20 });
        const shownAt = await shown.jsonValue();
        assert.ok(shownAt >= 0.15 && shownAt < 0.8, `cue shown at ${shownAt} s, it runs from 0.2 s to 0.8 s`);
        // Gone once the sound is past the cue's end, and after the sound.
        await page.waitForFunction(() => document.getElementById('audio').currentTime > 0.95
            || document.body.dataset.view !== 'play', null, { timeout: 5000, polling: 20 });
        assert.equal(await page.evaluate(() => document.getElementById('captions').hidden), true, 'no text after the cue');
        const log = await page.evaluate(() => window.captionLog);
        const on = log.find((entry) => entry.text === CUE_TEXT);
        const off = log.find((entry) => entry.text === '' && entry.time > on.time);
        assert.ok(on && on.time >= 0.15, `shown from ${JSON.stringify(on)}: ${JSON.stringify(log)}`);
        assert.ok(off && off.time >= 0.75, `hidden from ${JSON.stringify(off)}: ${JSON.stringify(log)}`);
        await waitIdle(page);
    });

    await step(t, 'a picture of the captions (docs/captions.png)', async () => {
        const page = pages.en;
        await press(1);
        await page.waitForFunction(() => !document.getElementById('captions').hidden, null, { timeout: 5000, polling: 20 });
        await page.evaluate(() => document.getElementById('audio').pause());
        await page.waitForFunction(() => document.getElementById('image').complete);
        const file = path.join(artifactsDir, 'captions.png');
        await page.screenshot({ path: file, animations: 'disabled' });
        assert.ok(fs.statSync(file).size > 10_000, 'captions.png looks empty');
        await page.evaluate(() => document.getElementById('audio').play());
        await waitIdle(page);
    });

    await step(t, 'a broken .vtt is reported in /status and its sound still plays', async () => {
        const now = await status();
        assert.deepEqual(now.captions_invalid, ['002.vtt']);
        await press(2);
        await waitPlayingFile(pages.en, '/media/002.mp3');
        assert.equal(await pages.en.evaluate(() => document.getElementById('captions').hidden), true);
        assert.equal(await pages.en.evaluate(() => document.querySelector('#audio track')), null,
            'no track for captions that failed the check');
        await waitIdle(pages.en);
    });

    await step(t, 'the same press plays .de on a German page and .en on an English one', async () => {
        await openPage('de', '?lang=de');
        await press(3);
        await Promise.all([waitPlayingFile(pages.de, '/media/003.de.mp3'), waitPlayingFile(pages.en, '/media/003.en.mp3')]);
        await Promise.all([waitIdle(pages.de), waitIdle(pages.en)]);
    });

    await step(t, 'a missing variant falls back to the default language and is in /status', async () => {
        const now = await status();
        assert.deepEqual(now.languages, ['de', 'en']);
        assert.ok(now.languages_missing.en.includes(4), JSON.stringify(now.languages_missing));
        assert.ok(!(now.languages_missing.de ?? []).includes(4), JSON.stringify(now.languages_missing));
        await press(4);
        await Promise.all([waitPlayingFile(pages.de, '/media/004.de.mp3'), waitPlayingFile(pages.en, '/media/004.de.mp3')]);
        await Promise.all([waitIdle(pages.de), waitIdle(pages.en)]);
    });

    await step(t, 'a touch screen shows a language switch; a visitor\'s choice plays from the next press', async () => {
        // A page of its own, told it has a touch screen before it loads.
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
        logPage(page, path.join(artifactsDir, 'captions-touch-console.log'), (error) => pageErrors.push(String(error)));
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.waitForFunction(() => document.body.dataset.server === 'up' && document.body.dataset.preload === 'done',
            null, { timeout: 20_000, polling: 20 });
        pages.touch = page;
        assert.ok(await pages.en.isHidden('#language-switch'), 'no switch without a touch screen');
        await page.waitForSelector('#language-switch button', { state: 'visible', timeout: 5000 });
        const buttons = await page.$$eval('#language-switch button', (list) => list.map((b) => ({
            lang: b.dataset.lang, text: b.textContent, pressed: b.getAttribute('aria-pressed') })));
        assert.deepEqual(buttons, [
            { lang: 'de', text: 'Deutsch', pressed: 'true' }, { lang: 'en', text: 'English', pressed: 'false' }]);
        await press(3);
        await waitPlayingFile(page, '/media/003.de.mp3'); // the default, without ?lang=
        await waitIdle(page);
        await page.click('#language-switch button[data-lang="en"]');
        assert.equal(await page.getAttribute('#language-switch button[data-lang="en"]', 'aria-pressed'), 'true');
        await press(3);
        await Promise.all([waitPlayingFile(page, '/media/003.en.mp3'), waitPlayingFile(pages.de, '/media/003.de.mp3')]);
        await Promise.all([waitIdle(page), waitIdle(pages.de), waitIdle(pages.en)]);
    });

    await step(t, 'the language button: both pages show the choice, and the next press plays it everywhere', async () => {
        assert.equal(await press(LANGUAGE_BUTTON), 'OK: language en\n');
        for (const page of [pages.de, pages.en, pages.touch]) {
            await page.waitForFunction(() => {
                const note = document.getElementById('language-note');
                return !note.hidden && note.lang === 'en' && note.textContent.length > 0;
            }, null, { timeout: 5000, polling: 20 });
        }
        assert.equal((await status()).language, 'en');
        await press(3);
        await Promise.all([waitPlayingFile(pages.de, '/media/003.en.mp3'), waitPlayingFile(pages.en, '/media/003.en.mp3')]);
        await Promise.all([waitIdle(pages.de), waitIdle(pages.en)]);
    });

    await step(t, 'a visitor\'s volume lasts until the sound ends', async () => {
        const page = pages.en;
        const volume = () => page.evaluate(() => ({
            element: Math.round(document.getElementById('audio').volume * 100), shown: document.body.dataset.volume }));
        assert.deepEqual(await volume(), { element: 100, shown: '100' });
        await press(1);
        await waitPlayingFile(page, '/media/001.mp3');
        // Held while the visitor turns it down, however slow this machine is today.
        await page.evaluate(() => document.getElementById('audio').pause());
        // The control is a touch screen's; shown here by hand, used as a visitor would.
        await page.evaluate(() => { document.getElementById('volume-control').hidden = false; });
        await page.click('#volume-control button[data-step="-1"]');
        await page.click('#volume-control button[data-step="-1"]');
        assert.deepEqual(await volume(), { element: 80, shown: '80' });
        await page.evaluate(() => document.getElementById('audio').play());
        await page.waitForFunction(() => document.body.dataset.view !== 'play', null, { timeout: 10_000, polling: 20 });
        assert.deepEqual(await volume(), { element: 100, shown: '100' }, 'back to the gateway\'s volume');
        await waitIdle(page);
    });

    await step(t, 'no uncaught script errors', async () => {
        assert.deepEqual(pageErrors, []);
        await waitFor('the gateway to keep running', () => gateway.exitCode === null, 100);
    });
});
