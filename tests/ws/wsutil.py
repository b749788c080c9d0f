"""wsutil.py - helpers shared by tests/ws/conformance.py and tests/ws/client.py.

Runs on Debian's /usr/bin/python3 with python3-websockets (10.x). Blocking sockets with
deadlines: every wait is bounded, nothing here asserts a timing.

  cfg(path)                          the KEY=VALUE config (last one wins, KEY_FILE followed)
  mint_jwt(secret, iss, uid, sid, ...)  an HS256 access token shaped like lib/sc_jwt.c's
  Redis(host, port, password)        a minimal RESP2 client: cmd(*args), close()
  http_raw(host, port, request)      one raw HTTP exchange -> HttpResponse(status, headers, body)
  WS(host, port, path, ...)          a client WebSocket on websockets' Sans-I/O ClientConnection:
                                     the library builds the upgrade request, checks the 101 and
                                     Sec-WebSocket-Accept, encodes our frames (masked) and parses
                                     the server's (unmasked, valid opcodes, no reserved bits);
                                     raw(bytes) writes bytes the library would refuse to make.
"""

import base64
import hashlib
import hmac
import json
import os
import socket
import time
import uuid

from websockets.client import ClientConnection
from websockets.exceptions import InvalidStatus
from websockets.frames import Close, Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

EVENTS_SCRIPT = (
    # the same script as lib/sc_events.c: XADD events:user:{u} and PUBLISH user:{u} with the id
    "local seen = {}\n"
    "local n = 0\n"
    "for u in string.gmatch(ARGV[5], '[^,]+') do\n"
    "  if not seen[u] then\n"
    "    seen[u] = true\n"
    "    local id = redis.call('XADD', 'events:user:' .. u, 'MAXLEN', '~', ARGV[1], '*',\n"
    "                          'type', ARGV[2], 'ts', ARGV[3], 'data', ARGV[4])\n"
    "    redis.call('PUBLISH', 'user:' .. u, '{\"id\":\"' .. id .. '\",\"type\":\"' .. ARGV[2] ..\n"
    "               '\",\"ts\":\"' .. ARGV[3] .. '\",\"data\":' .. ARGV[4] .. '}')\n"
    "    n = n + 1\n"
    "  end\n"
    "end\n"
    "return n\n"
)


def cfg(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.lstrip().startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            out[k.strip()] = v
    for k in list(out):
        if k.endswith("_FILE") and k[:-5] not in out:
            try:
                with open(out[k], encoding="utf-8") as f:
                    out[k[:-5]] = f.read().strip()
            except OSError:
                pass
    return out


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def mint_jwt(secret, iss, user_id, sid, ttl=600, now=None, **override):
    """An access token as sc_jwt_issue makes it; override changes or drops (None) claims."""
    now = int(time.time()) if now is None else now
    claims = {
        "iss": iss, "aud": "secureconnect-api", "sub": user_id, "user_id": user_id,
        "sid": sid, "jti": str(uuid.uuid4()), "typ": "access", "role": "user",
        "iat": now, "nbf": now, "exp": now + ttl,
    }
    for k, v in override.items():
        if v is None:
            claims.pop(k, None)
        else:
            claims[k] = v
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


# ---------------------------------------------------------------- Redis (RESP2)

class RedisError(Exception):
    pass


class Redis:
    def __init__(self, host, port, password=None, timeout=5.0):
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.buf = b""
        if password:
            self.cmd("AUTH", password)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RedisError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RedisError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RedisError(f"bad reply {line!r}")

    @staticmethod
    def _encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def cmd(self, *args):
        self.sock.sendall(self._encode(args))
        r = self._reply()
        if isinstance(r, RedisError):
            raise r
        return r

    def pipeline(self, cmds):
        self.sock.sendall(b"".join(self._encode(c) for c in cmds))
        out = [self._reply() for _ in cmds]
        for r in out:
            if isinstance(r, RedisError):
                raise r
        return out

    def publish_event(self, user_id, etype, data, maxlen=1000):
        """XADD + PUBLISH as lib/sc_events.c does; returns the event JSON published."""
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        data_json = json.dumps(data, separators=(",", ":"))
        self.cmd("EVAL", EVENTS_SCRIPT, 0, maxlen, etype, ts, data_json, user_id)
        last = self.cmd("XREVRANGE", f"events:user:{user_id}", "+", "-", "COUNT", 1)
        return last[0][0].decode() if last else None


# ---------------------------------------------------------------- raw HTTP

class HttpResponse:
    def __init__(self, status, headers, body, raw):
        self.status = status
        self.headers = headers      # lower-case name -> list of values
        self.body = body
        self.raw = raw

    def header(self, name):
        v = self.headers.get(name.lower())
        return ", ".join(v) if v else None

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def __repr__(self):
        return f"HTTP {self.status} {self.body[:200]!r}"


def http_raw(host, port, request, timeout=5.0):
    """Send request bytes; read the status, headers and a Content-Length body (or to EOF)."""
    deadline = time.monotonic() + timeout
    s = socket.create_connection((host, int(port)), timeout=timeout)
    try:
        s.sendall(request)
        buf = b""
        while b"\r\n\r\n" not in buf:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers.setdefault(k.strip().lower(), []).append(v.strip())
        want = None
        if "content-length" in headers:
            try:
                want = int(headers["content-length"][0])
            except ValueError:
                want = None
        if status != 101:
            while want is None or len(body) < want:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                body += chunk
        return HttpResponse(status, headers, body, buf)
    finally:
        s.close()


def upgrade_request(host, port, path, headers=(), method="GET", version="13", key=True):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
             "Connection: Upgrade"]
    if key:
        lines.append("Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode())
    if version is not None:
        lines.append(f"Sec-WebSocket-Version: {version}")
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# ---------------------------------------------------------------- WebSocket client

class Refused(Exception):
    def __init__(self, response):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class WS:
    """One client connection; every wait has a deadline (seconds)."""

    def __init__(self, host, port, path, headers=(), origin=None, timeout=5.0, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            # before connect(): a small window that stays small (no autotuning)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = ClientConnection(parse_uri(f"ws://{host}:{port}{path}"), origin=origin,
                                     max_size=None)
        self.pending = []
        self.eof = False
        self.close_frame = None     # websockets.frames.Close received from the server
        req = self.conn.connect()
        for k, v in headers:
            req.headers[k] = v
        self.conn.send_request(req)
        self._flush()
        deadline = time.monotonic() + timeout
        while True:
            ev = self._next(deadline)
            if ev is None:
                raise TimeoutError("no handshake response")
            if isinstance(ev, Response):
                break
        self.response = ev
        if self.conn.handshake_exc is not None:
            self.sock.close()
            if isinstance(self.conn.handshake_exc, InvalidStatus):
                raise Refused(ev)
            raise self.conn.handshake_exc

    # -- I/O
    def _flush(self):
        for chunk in self.conn.data_to_send():
            try:
                if chunk == b"":
                    self.sock.shutdown(socket.SHUT_WR)
                else:
                    self.sock.sendall(chunk)
            except OSError:
                pass

    def _next(self, deadline):
        """The next event (Response or Frame), None at the deadline or at EOF."""
        while not self.pending:
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            except OSError:
                data = b""
            if data:
                self.conn.receive_data(data)
            else:
                self.eof = True
                self.conn.receive_eof()
            self.pending.extend(self.conn.events_received())
            self._flush()
        ev = self.pending.pop(0)
        if isinstance(ev, Frame) and ev.opcode == Opcode.CLOSE:
            self.close_frame = Close.parse(ev.data)
        return ev

    def frame(self, timeout=5.0):
        """The next frame (control frames included), None on timeout or EOF."""
        return self._next(time.monotonic() + timeout)

    def data(self, timeout=5.0):
        """The next data message as text (fragments joined; pings answered by the library),
        None on timeout/EOF/close. Binary messages come back as bytes."""
        deadline = time.monotonic() + timeout
        parts, kind = [], None
        while True:
            f = self._next(deadline)
            if f is None or f.opcode == Opcode.CLOSE:
                return None
            if f.opcode in (Opcode.TEXT, Opcode.BINARY):
                kind, parts = f.opcode, [f.data]
            elif f.opcode == Opcode.CONT:
                parts.append(f.data)
            else:
                continue
            if f.fin:
                raw = b"".join(parts)
                return raw.decode("utf-8") if kind == Opcode.TEXT else raw

    def json(self, timeout=5.0):
        t = self.data(timeout)
        if t is None:
            return None
        try:
            return json.loads(t)
        except ValueError:
            return {"_not_json": t}

    def wait_close(self, timeout=5.0):
        """Read until the server's close frame; returns its code (None: no close frame) and
        whether the TCP connection then ended."""
        deadline = time.monotonic() + timeout
        while self.close_frame is None:
            if self._next(deadline) is None:
                break
        code = self.close_frame.code if self.close_frame else None
        while not self.eof and self._next(deadline) is not None:
            pass
        if not self.eof:
            # the events may be used up: look for EOF on the socket itself
            self._next(deadline)
        return code, self.eof

    def send_text(self, text):
        self.conn.send_text(text.encode() if isinstance(text, str) else text)
        self._flush()

    def send_json(self, obj):
        self.send_text(json.dumps(obj, separators=(",", ":")))

    def send_frag(self, opcode, data, fin):
        if opcode == Opcode.TEXT:
            self.conn.send_text(data, fin)
        else:
            self.conn.send_continuation(data, fin)
        self._flush()

    def ping(self, payload):
        self.conn.send_ping(payload)
        self._flush()

    def close(self, code=1000, reason=""):
        self.conn.send_close(code, reason)
        self._flush()

    def raw(self, data):
        """Bytes straight to the socket, past the library's checks."""
        try:
            self.sock.sendall(data)
        except OSError:
            pass

    def shutdown(self):
        try:
            self.sock.close()
        except OSError:
            pass


def raw_frame(opcode, payload, fin=True, rsv=0, mask=True, length_form=None):
    """Build a client frame by hand. rsv: the three RSV bits as 0..7 (RSV1 = 4);
    length_form: force the 126/127 extended length encoding."""
    import struct
    b1 = (0x80 if fin else 0) | (rsv << 4) | (opcode & 0x0F)
    n = len(payload)
    mbit = 0x80 if mask else 0
    if length_form == 127 or (length_form is None and n >= 65536):
        head = struct.pack("!BBQ", b1, mbit | 127, n)
    elif length_form == 126 or (length_form is None and n >= 126):
        head = struct.pack("!BBH", b1, mbit | 126, n)
    else:
        head = struct.pack("!BB", b1, mbit | n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))
