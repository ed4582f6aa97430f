// End-to-end test of the staff console (/admin) in a real headless Chromium:
// the built gateway with a password set by its own --set-admin-password, a
// pseudo-terminal "panel", the console in one page and the dashboard in another.
// The plumbing it shares with tst_browser.mjs is in harness.mjs.
//
// usage: node tst_console.mjs GATEWAY_BINARY MEDIA_DIR ARTIFACTS_DIR
// env:   CHROMIUM=/path/to/chromium (default /usr/bin/chromium)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
    CHROMIUM_ARGS, PanelPort, TestRun, freePort, logPage, setUp, silentMp3, stepper, waitForGateway,
} from './harness.mjs';

const { gatewayBin, mediaDir, artifactsDir, chromiumPath: CHROMIUM, chromium } = await setUp('tst_console');
const TOTAL_BUDGET_MS = 85_000; // below ctest's TIMEOUT, so that we clean up ourselves
const PASSWORD = 'correct horse battery staple';
// A browser that says this about itself must show as text, not as a picture.
const HOSTILE_AGENT = '<img src=x onerror="window.injected=1">Evil/1.0';

const run = new TestRun('tst_console', artifactsDir);
const { tmpDir } = run;
const sockets = [];

// ------------------------------------------------------------------ helpers

// A WebSocket "screen" opened by hand, to choose its User-Agent header.
function connectScreen(port, userAgent) {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
            socket.write(['GET /ws HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
                `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13',
                `User-Agent: ${userAgent}`, '', ''].join('\r\n'));
        });
        sockets.push(socket);
        let head = '';
        socket.on('data', (chunk) => {
            if (head.includes('\r\n\r\n')) return; // frames after the handshake are not read
            head += chunk.toString('latin1');
            if (head.includes('\r\n\r\n')) {
                if (head.startsWith('HTTP/1.1 101')) resolve(socket);
                else reject(new Error(`no WebSocket upgrade: ${head.split('\r\n')[0]}`));
            }
        });
        socket.on('error', reject);
    });
}

const api = (port, route, init) => fetch(`http://127.0.0.1:${port}${route}`, init);

async function cleanup() {
    try { if (context) await context.close(); } catch { /* browser already gone */ }
    context = null;
    for (const socket of sockets) socket.destroy();
    if (panel) panel.close();
    panel = null;
    await run.close();
}

run.cleanUpAtEnd(cleanup, TOTAL_BUDGET_MS);

// ------------------------------------------------------------------ the world

let panel = null;
let context = null;
let admin = null;
let dashboard = null;
let port = 0;
const pageErrors = [];

function watchPage(page, name) {
    logPage(page, path.join(artifactsDir, `console-${name}.log`), (error) => pageErrors.push(`${name}: ${error}`));
}

const step = stepper(() => admin, path.join(artifactsDir, 'console-failure.png'));

const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent.trim() ?? null, selector);

async function waitText(page, selector, pattern, timeoutMs = 10_000) {
    await page.waitForFunction(([s, source]) => new RegExp(source).test(document.querySelector(s)?.textContent ?? ''),
        [selector, pattern.source], { timeout: timeoutMs, polling: 50 })
        .catch(async (error) => {
            throw new Error(`${error.message}\n${selector} says ${JSON.stringify(await text(page, selector))}, not ${pattern}`);
        });
}

// ------------------------------------------------------------------ steps

test('staff console in headless Chromium', async (t) => {
    let config;
    let ledSet3 = -1;

    await step(t, 'the password is set with --set-admin-password; gateway, pty panel and Chromium start', async () => {
        port = await freePort();
        const media = path.join(tmpDir, 'media');
        fs.cpSync(mediaDir, media, { recursive: true });
        // 003 plays long enough here that the console's Stop, not the sound's end, puts the LED out.
        fs.writeFileSync(path.join(media, '003.mp3'), silentMp3(30));

        const { panelPath, gatewayPath } = await run.startPtyPair('console-socat');
        panel = new PanelPort(panelPath);

        config = path.join(tmpDir, 'console.conf');
        fs.writeFileSync(config, [
            `serial_port = ${gatewayPath}`,
            'http_host = 127.0.0.1',
            `http_port = ${port}`,
            `media_dir = ${media}`,
            'mode = prototype',
            'first_id = 0',
            `stats_db = ${path.join(tmpDir, 'stats.sqlite')}`,
            '',
        ].join('\n'));

        // Read from standard input when it is not a terminal: one line.
        const set = spawnSync(gatewayBin, ['--config', config, '--set-admin-password'],
            { input: `${PASSWORD}\n`, encoding: 'utf8', timeout: 30_000 });
        assert.equal(set.status, 0, `--set-admin-password: ${set.error ?? ""}${set.stdout}${set.stderr}`);
        const stored = fs.readFileSync(path.join(tmpDir, 'admin-password'), 'utf8');
        assert.ok(stored.trim().length > 0 && !stored.includes(PASSWORD), 'a hash is stored, never the password');

        await waitForGateway(run.startProcess('console-gateway', gatewayBin, ['--config', config]), port);

        context = await chromium.launchPersistentContext(path.join(tmpDir, 'profile'), {
            executablePath: CHROMIUM,
            headless: true,
            viewport: { width: 1280, height: 1000 },
            args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
        });
        dashboard = context.pages()[0] || await context.newPage();
        watchPage(dashboard, 'dashboard');
        await dashboard.goto(`http://127.0.0.1:${port}/`);
        await dashboard.waitForFunction(() => document.body.dataset.server === 'up' && document.body.dataset.panel === 'up',
            null, { timeout: 10_000 });

        // Without a session the staff API changes nothing.
        assert.equal((await api(port, '/api/admin/press/3', { method: 'POST' })).status, 401);
        assert.equal((await api(port, '/api/admin/state')).status, 401);
        assert.deepEqual(panel.lines.filter((line) => line.startsWith('LEDSET')), []);
    });

    await step(t, 'the console asks for the password, refuses a wrong one and shows the gateway after the right one', async () => {
        admin = await context.newPage();
        watchPage(admin, 'admin');
        await admin.goto(`http://127.0.0.1:${port}/admin`);
        await admin.locator('#login-form').waitFor({ state: 'visible', timeout: 10_000 });
        assert.ok(await admin.isHidden('#console'), 'nothing of the console before the login');

        await admin.fill('#password', 'not the password');
        await admin.click('#login-submit');
        await waitText(admin, '#login-message', /Wrong password/);
        assert.ok(await admin.isHidden('#console'));

        await admin.fill('#password', PASSWORD);
        await admin.click('#login-submit');
        await admin.locator('#console').waitFor({ state: 'visible', timeout: 10_000 });
        assert.ok(await admin.isHidden('#login'));
        const cookie = (await context.cookies()).find((c) => c.name === 'sp_admin');
        assert.ok(cookie, 'a session cookie');
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, 'Strict');
        assert.equal(await admin.evaluate(() => document.cookie.includes('sp_admin')), false, 'not readable by scripts');

        // The panel's link as /status has it, and the real panel's grid: 10 buttons, 5 a row.
        await admin.waitForFunction(() => document.getElementById('serial-state').dataset.state === 'connected',
            null, { timeout: 10_000 });
        assert.equal(await text(admin, '#serial-state'), 'Connected');
        const keys = await admin.evaluate(() => [...document.querySelectorAll('#virtual-panel .key')]
            .map((key) => key.textContent));
        assert.deepEqual(keys, ['000', '001', '002', '003', '004', '005', '006', '007', '008', '009']);
        assert.equal(await admin.evaluate(() => getComputedStyle(document.getElementById('virtual-panel'))
            .gridTemplateColumns.split(' ').length), 5);
        await waitText(admin, '#media-state', /^Complete$/);
        await waitText(admin, '#now-id', /^—$/);
        // The last log lines, as text, newest at the bottom.
        await admin.waitForFunction(() => document.querySelectorAll('#log-box li').length > 0, null, { timeout: 10_000 });
        assert.equal(await admin.evaluate(() => document.querySelectorAll('#log-box *:not(li)').length), 0);
    });

    await step(t, 'button 3 on the virtual panel: LEDSET 003 on the pty, 003 plays on the dashboard and is lit in the console', async () => {
        const from = panel.lines.length;
        await admin.click('#virtual-panel .key[data-id="3"]');
        ledSet3 = await panel.waitLine('LEDSET 003', from);
        await dashboard.waitForFunction(() => {
            const audio = document.getElementById('audio');
            return document.body.dataset.current === '3'
                && new URL(audio.dataset.url || '', location.href).pathname === '/media/003.mp3'
                && !audio.paused && audio.currentTime > 0;
        }, null, { timeout: 10_000, polling: 20 });
        await waitText(admin, '#action-message', /003: plays/);
        await admin.waitForFunction(() => document.querySelector('#virtual-panel .key.lit')?.dataset.id === '3',
            null, { timeout: 5000 });
        await waitText(admin, '#now-id', /^003$/);
        // The 30 s sound counts down in m:ss.
        await waitText(admin, '#now-remaining', /^−0:[23]\d$/);
        assert.match(await text(admin, '#now-elapsed'), /^0:\d\d$/);
        assert.equal((await (await api(port, '/status')).json()).current_button, 3);
    });

    await step(t, 'the volume slider reaches the dashboard; Stop puts the LED out', async () => {
        await admin.evaluate(() => {
            const slider = document.getElementById('volume');
            slider.value = '40';
            slider.dispatchEvent(new Event('input', { bubbles: true }));
            slider.dispatchEvent(new Event('change', { bubbles: true }));
        });
        await dashboard.waitForFunction(() => document.getElementById('audio').volume === 0.4, null, { timeout: 5000 });
        assert.equal((await (await api(port, '/status')).json()).volume, 40);

        await admin.click('#action-stop');
        await panel.waitLine('LEDCLR', ledSet3 + 1);
        await dashboard.waitForFunction(() => document.body.dataset.current === undefined
            && document.getElementById('audio').paused, null, { timeout: 5000 });
        await waitText(admin, '#now-id', /^—$/);
        assert.equal(await admin.locator('#virtual-panel .key.lit').count(), 0);
    });

    await step(t, 'screens are listed, a hostile user agent as text; the press is in the charts and the CSV', async () => {
        await connectScreen(port, HOSTILE_AGENT);
        await admin.waitForFunction((agent) => [...document.querySelectorAll('#screen-list [title]')]
            .some((element) => element.title === agent), HOSTILE_AGENT, { timeout: 10_000 });
        assert.equal(await admin.evaluate(() => document.querySelectorAll('#screen-list img, #log-box img').length), 0);
        assert.equal(await admin.evaluate(() => window.injected ?? null), null);
        assert.match(await text(admin, '#screen-list'), /Chrome \d+ on Linux/, 'the dashboard, named shortly');
        assert.match(await text(admin, '#screen-list'), /<img src=x/);

        // The charts are fetched at login and every minute: a reload (the session
        // stays) shows the press at once.
        await admin.reload();
        await admin.locator('#console').waitFor({ state: 'visible', timeout: 10_000 });
        // One bar per button of the panel, 003's counting the press.
        await admin.waitForFunction(() => ['chart-today', 'chart-week'].every((chart) => {
            const titles = [...document.querySelectorAll(`#${chart} svg rect.bar title`)].map((t) => t.textContent);
            return titles.length === 10 && /^003: [1-9]/.test(titles[3]);
        }), null, { timeout: 10_000 });
        const csv = await admin.evaluate(async () => {
            const reply = await fetch(document.getElementById('stats-csv').href);
            return { status: reply.status, type: reply.headers.get('content-type'), body: await reply.text() };
        });
        assert.equal(csv.status, 200);
        assert.match(csv.type, /^text\/csv/);
        const lines = csv.body.trim().split(/\r?\n/);
        assert.equal(lines[0], 'time,id,event,detail,listened_ms');
        assert.ok(lines.some((line) => /,3,press,played,/.test(`${line},`)), csv.body);
        await admin.screenshot({ path: path.join(artifactsDir, 'console.png'), fullPage: true });
        await admin.setViewportSize({ width: 390, height: 844 });
        assert.equal(await admin.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling on a phone');
        await admin.screenshot({ path: path.join(artifactsDir, 'console-phone.png') });
        await admin.setViewportSize({ width: 1280, height: 1000 });
    });

    await step(t, 'logging out brings the login back, here and in a second console page; the API is closed again', async () => {
        const second = await context.newPage();
        try {
            watchPage(second, 'admin-2');
            await second.goto(`http://127.0.0.1:${port}/admin`);
            await second.locator('#console').waitFor({ state: 'visible', timeout: 10_000 }); // the same session

            await admin.click('#logout');
            await admin.locator('#login-form').waitFor({ state: 'visible', timeout: 5000 });
            assert.ok(await admin.isHidden('#console'));
            assert.equal((await context.cookies()).some((c) => c.name === 'sp_admin' && c.value), false, 'cookie cleared');
            assert.equal(await admin.evaluate(async () => (await fetch('/api/admin/state')).status), 401);

            // The other page's next poll gets 401 and shows the login too.
            await second.locator('#login-form').waitFor({ state: 'visible', timeout: 6000 });
            assert.ok(await second.isHidden('#console'));
        } finally {
            await second.close();
        }
        const from = panel.lines.length;
        assert.equal(await admin.evaluate(async () => (await fetch('/api/admin/press/5', { method: 'POST' })).status), 401);
        assert.equal(await admin.evaluate(async () => (await fetch('/api/stats')).status), 401);
        // A press from the test route after it: its LED comes after any the refused one caused.
        assert.equal((await api(port, '/test/play/7')).status, 200);
        const ledSet7 = await panel.waitLine('LEDSET 007', from);
        assert.deepEqual(panel.lines.slice(from, ledSet7).filter((line) => line.startsWith('LEDSET')), []);
    });

    await step(t, 'without a password file the login says how to turn the console on; too many wrong passwords are counted down', async () => {
        const login = async (password) => {
            await admin.fill('#password', password);
            const [reply] = await Promise.all([
                admin.waitForResponse((r) => new URL(r.url()).pathname === '/admin/login'),
                admin.click('#login-submit'),
            ]);
            return reply;
        };

        // The file is read at each login: no restart either way.
        const passwordFile = path.join(tmpDir, 'admin-password');
        const hash = fs.readFileSync(passwordFile);
        fs.rmSync(passwordFile);
        assert.equal((await login(PASSWORD)).status(), 404);
        await waitText(admin, '#login-message', /console is off/);
        assert.equal(await text(admin, '#login-message code'), 'sudo selection-panel --set-admin-password');
        fs.writeFileSync(passwordFile, hash);

        // Five wrong ones are answered; then the address waits (1 s, doubling).
        let reply;
        for (let tries = 1; tries <= 10; tries += 1) {
            reply = await login(`wrong ${tries}`);
            if (reply.status() === 429) break;
            assert.equal(reply.status(), 403);
            await waitText(admin, '#login-message', /Wrong password/);
        }
        assert.equal(reply.status(), 429);
        const wait = (await reply.json()).retry_after_s;
        assert.ok(Number.isInteger(wait) && wait >= 1, `retry_after_s ${wait}`);
        await waitText(admin, '#login-message', /^Too many wrong passwords\. Try again in \d+:\d\d\.$/);
        assert.equal(await admin.isDisabled('#login-submit'), true, 'no login while the gateway would refuse it');
        await waitText(admin, '#login-message', /try again now/, (wait + 3) * 1000);
        assert.equal(await admin.isDisabled('#login-submit'), false);
        assert.ok(await admin.isHidden('#console'));
        assert.deepEqual(pageErrors, [], 'no uncaught script errors');
    });
});
