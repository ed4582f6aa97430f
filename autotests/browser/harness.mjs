// What the browser tests (tst_browser.mjs, tst_console.mjs) share: the command line and the
// check for what they need, a run's temporary folder and the processes it starts (each
// logged into the artifacts folder, all stopped at the end whatever happens), the panel's
// end of a socat pseudo-terminal pair, polling instead of blind sleeps, page logs, and steps
// that stop at the first failure. Nothing here is kept between calls but in a TestRun or a
// stepper a test makes for itself.

import { after } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// Chromium's switches for every launch; a kiosk adds '--autoplay-policy=no-user-gesture-required'.
export const CHROMIUM_ARGS = Object.freeze(['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync']);

function die(testName, message) {
    console.error(`${testName}: ${message}`);
    process.exit(1);
}

// Reads "node TEST_NAME.mjs GATEWAY_BINARY MEDIA_DIR ARTIFACTS_DIR" (env CHROMIUM=/path/to/chromium,
// default /usr/bin/chromium), checks that playwright-core, Chromium and socat are there, else
// exits saying which is missing, and makes the artifacts folder.
export async function setUp(testName) {
    const [gatewayBin, mediaDir, artifactsDir] = process.argv.slice(2).map((p) => p && path.resolve(p));
    const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
    if (!gatewayBin || !mediaDir || !artifactsDir)
        die(testName, `usage: node ${testName}.mjs GATEWAY_BINARY MEDIA_DIR ARTIFACTS_DIR`);
    if (!fs.existsSync(path.join(HERE, 'node_modules', 'playwright-core')))
        die(testName, `node_modules is missing: run "npm ci" in autotests/browser (${HERE}) first`);
    if (!fs.existsSync(chromiumPath))
        die(testName, `no Chromium at ${chromiumPath} (install Debian's "chromium" package or set CHROMIUM=...)`);
    for (const tool of ['socat']) {
        if (!process.env.PATH.split(':').some((dir) => fs.existsSync(path.join(dir, tool))))
            die(testName, `"${tool}" is not installed`);
    }
    const { chromium } = await import('playwright-core');
    fs.mkdirSync(artifactsDir, { recursive: true });
    return { gatewayBin, mediaDir, artifactsDir, chromiumPath, chromium };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls a condition until it holds or the deadline passes (no blind sleeps).
export async function waitFor(what, condition, timeoutMs = 10_000, intervalMs = 50) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(intervalMs);
    }
}

export function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

export async function stopProcess(child, timeoutMs = 5000) {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await child.exited;
    clearTimeout(timer);
}

// Waits until `gateway` (a started process) answers /health on `port`: 200, or 503 while
// something is missing. Its output is in the error if it exits instead.
export async function waitForGateway(gateway, port) {
    await waitFor(`the gateway to answer /health on port ${port}`, async () => {
        if (gateway.exitCode !== null) throw new Error(`gateway exited with ${gateway.exitCode}:\n${gateway.output}`);
        try {
            const reply = await fetch(`http://127.0.0.1:${port}/health`);
            return reply.status === 200 || reply.status === 503;
        } catch {
            return false;
        }
    }, 15_000, 50);
}

// One test's run: its temporary folder (tmpDir) and the processes it starts.
export class TestRun {
    constructor(testName, artifactsDir) {
        this.testName = testName;
        this.artifactsDir = artifactsDir;
        this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `${testName}-`));
        this.started = []; // child processes, killed on the way out whatever happens
    }

    // Starts `command`; its output is kept in child.output and written to ARTIFACTS_DIR/NAME.log.
    startProcess(name, command, args) {
        const log = fs.createWriteStream(path.join(this.artifactsDir, `${name}.log`));
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        child.output = '';
        const collect = (chunk) => { child.output += chunk; log.write(chunk); };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        child.exited = new Promise((resolve) => child.on('exit', (code, signal) => { log.end(); resolve({ code, signal }); }));
        child.name = name;
        this.started.push(child);
        return child;
    }

    // A pseudo-terminal pair from socat (logged as LOG_NAME), linked as tmpDir/panel for the
    // test's end and tmpDir/gw for the gateway's.
    async startPtyPair(logName) {
        const panelPath = path.join(this.tmpDir, 'panel');
        const gatewayPath = path.join(this.tmpDir, 'gw');
        const socat = this.startProcess(logName, 'socat', ['-d', '-d',
            `pty,raw,echo=0,link=${panelPath}`, `pty,raw,echo=0,link=${gatewayPath}`]);
        await waitFor('socat to create both pty links', () => {
            if (socat.exitCode !== null) throw new Error(`socat exited: ${socat.output}`);
            return fs.existsSync(panelPath) && fs.existsSync(gatewayPath);
        }, 5000, 20);
        return { socat, panelPath, gatewayPath };
    }

    // Stops every started process, newest first, and removes the temporary folder.
    async close() {
        for (const child of [...this.started].reverse()) await stopProcess(child);
        fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }

    // Runs `cleanup` (the test's own, ending with close()) after the tests, or when the run
    // has taken budgetMs (kept below ctest's TIMEOUT, so that it cleans up itself), then
    // fails; whatever still runs when node exits is killed.
    cleanUpAtEnd(cleanup, budgetMs) {
        after(cleanup);
        process.on('exit', () => {
            for (const child of this.started) if (child.exitCode === null) child.kill('SIGKILL');
        });
        setTimeout(async () => {
            console.error(`${this.testName}: gave up after ${budgetMs} ms`);
            await cleanup();
            process.exit(1);
        }, budgetMs).unref();
    }
}

// The panel's end of the pseudo-terminal pair: lines in, lines out. `explain`, if given,
// returns more to say when a line does not come.
export class PanelPort {
    constructor(devicePath, explain = () => '') {
        this.fd = fs.openSync(devicePath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
        this.explain = explain;
        this.lines = [];
        this.partial = '';
        this.stream = new tty.ReadStream(this.fd);
        this.stream.setEncoding('latin1');
        this.stream.on('data', (data) => {
            this.partial += data;
            let end;
            while ((end = this.partial.indexOf('\n')) >= 0) {
                this.lines.push(this.partial.slice(0, end).replace(/\r$/, ''));
                this.partial = this.partial.slice(end + 1);
            }
        });
    }

    write(line) {
        fs.writeSync(this.fd, `${line}\n`);
    }

    // Index of the first line at or after `from` equal to `line`.
    async waitLine(line, from = 0, timeoutMs = 10_000) {
        try {
            const found = await waitFor(`"${line}"`, () => this.lines.indexOf(line, from) + 1, timeoutMs);
            return found - 1;
        } catch (error) {
            throw new Error(`${error.message} on the panel port; got since then: ${JSON.stringify(this.lines.slice(from))}`
                + this.explain());
        }
    }

    close() {
        this.stream.destroy();
    }
}

// An MP3 of `seconds` of silence: MPEG-1 Layer III frames at 48 kHz, mono, 32 kbit/s,
// 96 bytes each (no padding at 48 kHz, so the length read from the bit rate is exact).
// All-zero side information holds no samples, which decodes to silence.
export function silentMp3(seconds) {
    const frame = Buffer.alloc(96);
    frame.set([0xff, 0xfb, 0x14, 0xc0]); // sync, MPEG-1 Layer III no CRC; 32 kbit/s, 48 kHz; mono
    return Buffer.concat(Array(Math.ceil((seconds * 48000) / 1152)).fill(frame));
}

// Writes a page's console messages and uncaught errors to `logFile`; each error is also
// handed to `onError`.
export function logPage(page, logFile, onError) {
    const consoleLog = fs.createWriteStream(logFile);
    page.on('console', (message) => consoleLog.write(`${message.type()}: ${message.text()}\n`));
    page.on('pageerror', (error) => {
        onError(error);
        consoleLog.write(`pageerror: ${error.stack || error}\n`);
    });
}

// Returns step(t, name, fn): a subtest of t; after one fails, the later ones are skipped
// and the page that page() returns then (if any) is pictured in `failureShot`.
export function stepper(page, failureShot) {
    let broken = false;
    return async function step(t, name, fn) {
        await t.test(name, { skip: broken ? 'an earlier step failed' : false }, async () => {
            try {
                await fn();
            } catch (error) {
                broken = true;
                const shown = page();
                if (shown) await shown.screenshot({ path: failureShot }).catch(() => {});
                throw error;
            }
        });
    };
}
