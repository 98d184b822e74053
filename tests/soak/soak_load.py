"""HTTP and WebSocket load on the gateway's API, with counters.

  background  always on: GET /api/status twice a second (every 5th /metrics), and one WebSocket
              subscribed to status, alerts and can; both reconnect after a failure.
  burst       for a while: HTTP_THREADS threads reading every read route back to back, a
              thread opening and dropping WebSockets, and a thread logging in and out with the
              admin password (cookie session + CSRF).

An error while the driver knows the gateway is down (killed, restarting) is counted apart
(`*_while_down`): it says nothing about the gateway. `target` is the driver's view of the
running gateway: .port, .token, .password, .up.
"""
import http.client
import json
import random
import socket
import threading
import time

from soak_ws import WsClient, WsClosed

HTTP_THREADS = 4
WS_CHURN_CLIENTS = 8
READ_ROUTES = ["/api/status", "/metrics", "/api/can/frames", "/api/diagnostics", "/api/alerts",
               "/api/energy", "/api/config", "/api/session", "/api/history?tier=raw",
               "/api/history?tier=minute&max_points=500", "/api/bms/settings"]


class Counters:
    def __init__(self):
        self._lock = threading.Lock()
        self.c = {k: 0 for k in (
            "http_requests", "http_2xx", "http_4xx", "http_5xx", "http_errors",
            "http_keepalive_retries",
            "http_errors_while_down", "ws_connects", "ws_messages", "ws_errors",
            "ws_errors_while_down", "logins", "config_patches_ok", "config_patches_refused")}
        self.status_codes = {}
        self.examples = []  # a few error texts, for the report

    def add(self, key, n=1):
        with self._lock:
            self.c[key] += n

    def code(self, status):
        with self._lock:
            self.c["http_requests"] += 1
            self.status_codes[status] = self.status_codes.get(status, 0) + 1
            bucket = "http_2xx" if status < 400 else "http_4xx" if status < 500 else "http_5xx"
            self.c[bucket] += 1

    def error(self, key, text):
        with self._lock:
            self.c[key] += 1
            if len(self.examples) < 12:
                self.examples.append(f"{time.strftime('%H:%M:%S')} {key}: {text}")


class _Stale(Exception):
    """A kept-alive connection was closed by the server before it answered."""


class Api:
    """One keep-alive HTTP connection to the current gateway; reconnects when needed."""

    def __init__(self, target, counters, timeout_s=10.0):
        self.target = target
        self.counters = counters
        self.timeout_s = timeout_s
        self._conn = None
        self._port = None

    def request(self, method, path, body=None, headers=None, count=True):
        """(status, body bytes, response headers) or None after a transport error.

        Like every HTTP client, a request that finds its kept-alive connection closed by the
        server before any answer (the server may close an idle or old connection at any time,
        RFC 9112 9.3.1) is sent once more on a new connection; counted apart."""
        if self._conn is not None and self._port == self.target.port:
            try:
                return self._request(method, path, body, headers, count, reused=True)
            except _Stale:
                self.counters.add("http_keepalive_retries")
        return self._request(method, path, body, headers, count, reused=False)

    def _request(self, method, path, body, headers, count, reused):
        headers = dict(headers or {})
        if "Cookie" not in headers:
            headers.setdefault("Authorization", "Bearer " + self.target.token)
        if body is not None:
            headers["Content-Type"] = "application/json"
        was_up = self.target.up
        try:
            if self._conn is None or self._port != self.target.port:
                self.close()
                self._port = self.target.port
                self._conn = http.client.HTTPConnection("127.0.0.1", self._port,
                                                        timeout=self.timeout_s)
            self._conn.request(method, path, body=body, headers=headers)
            r = self._conn.getresponse()
            data = r.read()
            if count:
                self.counters.code(r.status)
            if r.getheader("Connection", "").lower() == "close":
                self.close()
            return r.status, data, r
        except (OSError, http.client.HTTPException) as e:
            self.close()
            stale = isinstance(e, (http.client.RemoteDisconnected, ConnectionResetError,
                                   BrokenPipeError))
            if reused and stale:
                raise _Stale() from e
            if count:
                down = not (was_up and self.target.up)
                self.counters.error("http_errors_while_down" if down else "http_errors",
                                    f"{method} {path}: {e!r}")
            return None

    def close(self):
        if self._conn is not None:
            self._conn.close()
        self._conn = None


class Load:
    def __init__(self, target, counters, seed):
        self.target = target
        self.counters = counters
        self.rng = random.Random(seed)
        self._stop = threading.Event()
        self._burst_until = 0.0
        self._threads = []

    def start(self):
        for fn in (self._status_poller, self._ws_listener):
            t = threading.Thread(target=fn, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=15)

    # --- background --------------------------------------------------------------------------

    def _status_poller(self):
        api = Api(self.target, self.counters)
        n = 0
        while not self._stop.wait(0.5):
            if self.target.port is None:
                continue
            n += 1
            api.request("GET", "/metrics" if n % 5 == 0 else "/api/status")
        api.close()

    def _ws_listener(self):
        while not self._stop.is_set():
            if not self.target.up:
                self._stop.wait(0.5)
                continue
            self._ws_session(forever=True)
            self._stop.wait(1.0)

    def _ws_session(self, forever, messages=2):
        was_up = self.target.up
        ws = None
        try:
            ws = WsClient(self.target.port, self.target.token)
            self.counters.add("ws_connects")
            ws.send_text(json.dumps({"subscribe": ["status", "alerts", "can"]}))
            got = 0
            while (forever and not self._stop.is_set()) or got < messages:
                ws.recv_text(timeout_s=10.0)
                self.counters.add("ws_messages")
                got += 1
        except (OSError, WsClosed) as e:
            down = not (was_up and self.target.up)
            self.counters.error("ws_errors_while_down" if down else "ws_errors", repr(e))
        finally:
            if ws is not None:
                ws.close()

    # --- burst -------------------------------------------------------------------------------

    def burst(self, seconds):
        """Starts a burst that ends by itself after `seconds`; returns at once."""
        self._burst_until = time.monotonic() + seconds
        self._threads = [t for t in self._threads if t.is_alive()]
        fns = [self._burst_reader] * HTTP_THREADS + [self._burst_ws, self._burst_logins]
        for fn in fns:
            t = threading.Thread(target=fn, args=(random.Random(self.rng.random()),), daemon=True)
            t.start()
            self._threads.append(t)

    def _bursting(self):
        return time.monotonic() < self._burst_until and not self._stop.is_set()

    def _burst_reader(self, rng):
        api = Api(self.target, self.counters)
        while self._bursting():
            api.request("GET", rng.choice(READ_ROUTES))
        api.close()

    def _burst_ws(self, rng):
        while self._bursting():
            threads = [threading.Thread(target=self._ws_session, args=(False, 2), daemon=True)
                       for _ in range(WS_CHURN_CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)

    def _burst_logins(self, rng):
        while self._bursting():
            self.login_logout()
            time.sleep(rng.uniform(0.5, 1.5))

    def login_logout(self):
        """Logs in with the admin password, reads the session, logs out (a cookie session)."""
        if not self.target.password:
            return
        api = Api(self.target, self.counters, timeout_s=30.0)
        r = api.request("POST", "/api/login",
                        json.dumps({"username": "admin", "password": self.target.password}))
        if r and r[0] == 200:
            self.counters.add("logins")
            cookie = (r[2].getheader("Set-Cookie") or "").split(";", 1)[0]
            csrf = json.loads(r[1]).get("csrf_token", "")
            api.request("GET", "/api/session", headers={"Cookie": cookie})
            api.request("POST", "/api/logout", headers={"Cookie": cookie, "X-CSRF-Token": csrf})
        api.close()

    # --- configuration changes ---------------------------------------------------------------

    def patch_config(self, settings, timeout_s=10.0):
        """PATCH /api/config with the token; returns the HTTP status or None."""
        api = Api(self.target, self.counters, timeout_s=timeout_s)
        r = api.request("PATCH", "/api/config", json.dumps(settings))
        api.close()
        if r is None:
            return None
        self.counters.add("config_patches_ok" if r[0] == 200 else "config_patches_refused")
        return r[0]


def fire_and_forget_patch(port, token, settings):
    """Sends a config PATCH without waiting for the answer (the kill -9 races it)."""
    body = json.dumps(settings).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"PATCH /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
              token.encode() + b"\r\nContent-Type: application/json\r\nContent-Length: " +
              str(len(body)).encode() + b"\r\n\r\n" + body)
    return s
