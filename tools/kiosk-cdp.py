#!/usr/bin/env python3
"""The browser half of tools/kiosk-check.sh: over Chromium's DevTools port, shows
that the kiosk's page is the dashboard, connected to the gateway, with sound
allowed and the screen turned as configured, and that a press makes it play.

usage: kiosk-cdp.py DEVTOOLS_PORT GATEWAY_URL ROTATION TIMEOUT_S
Only the standard library: a minimal WebSocket client (RFC 6455, text frames)
is enough for the DevTools protocol.
"""

import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.request
from urllib.parse import urlparse


def fail(message):
    print(f"kiosk-check: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def step(message):
    print(f"kiosk-check: {message}", flush=True)


class DevTools:
    """One page's DevTools WebSocket; evaluate() runs an expression in it."""

    def __init__(self, ws_url, timeout):
        url = urlparse(ws_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                fail("DevTools closed the WebSocket handshake")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            fail(f"DevTools refused the WebSocket: {head.splitlines()[0]!r}")
        self.buffer = head.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                fail("DevTools closed the WebSocket")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = first & 0x0F
            if opcode == 8:
                fail("DevTools closed the WebSocket")
            if opcode in (0, 1):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def evaluate(self, expression):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": "Runtime.evaluate",
                               "params": {"expression": expression, "returnByValue": True}}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                result = reply.get("result", {})
                if "exceptionDetails" in result:
                    return None
                return result.get("result", {}).get("value")


def wait_for(what, condition, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def http_json(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return json.load(reply)
    except OSError:
        return None


def main():
    if len(sys.argv) != 5:
        fail(__doc__.strip().splitlines()[3])
    devtools_port, gateway, rotation, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    urllib.request.install_opener(no_proxy)

    def dashboard_target():
        targets = http_json(f"http://127.0.0.1:{devtools_port}/json/list") or []
        return next((t for t in targets if t.get("type") == "page" and t.get("url", "").startswith(gateway)), None)

    target = wait_for(f"a page on {gateway} in the DevTools list", dashboard_target, timeout, 0.25)
    step(f"Chromium shows {target['url']}")
    page = DevTools(target["webSocketDebuggerUrl"], timeout)

    wait_for("the dashboard's WebSocket (body data-server=\"up\")",
             lambda: page.evaluate("document.body.dataset.server") == "up", timeout)
    step("dashboard connected to the gateway")

    # The kiosk flag lets sound start without a tap: no overlay.
    wait_for("sound unlocked without a gesture (body data-sound=\"unlocked\")",
             lambda: page.evaluate("document.body.dataset.sound") == "unlocked", timeout)
    step("sound allowed without a tap")

    size = page.evaluate("[innerWidth, innerHeight, document.fullscreenElement !== null || "
                         "matchMedia('(display-mode: fullscreen)').matches]")
    portrait = size[0] < size[1]
    if portrait != (rotation in (90, 270)):
        fail(f"window is {size[0]}x{size[1]}, which does not match rotation = {rotation}")
    step(f"window {size[0]}x{size[1]} (rotation = {rotation})")

    with urllib.request.urlopen(f"{gateway}test/play/3", timeout=5) as reply:
        if reply.status != 200:
            fail(f"GET /test/play/3 answered {reply.status}")
    step("pressed 3 (GET /test/play/3)")

    # The dashboard may play a preloaded copy (a blob: URL); data-url names
    # the sound it stands for.
    audio = ("(a => a.paused || a.currentTime <= 0 ||"
             " !/003\\.mp3/.test(a.dataset.url || a.currentSrc) ? null"
             " : a.currentTime)(document.getElementById('audio'))")
    first = wait_for("the audio element playing 003.mp3", lambda: page.evaluate(audio), timeout, 0.02)
    later = wait_for("the sound's currentTime to advance",
                     lambda: (lambda t: t if t and t > first else None)(page.evaluate(audio)), 2, 0.02)
    current = page.evaluate("document.body.dataset.current")
    if current != "3":
        fail(f"the dashboard shows {current!r}, not 3")
    step(f"playing 003.mp3: currentTime {first:.3f} s -> {later:.3f} s, picture 3 shown")


if __name__ == "__main__":
    main()
