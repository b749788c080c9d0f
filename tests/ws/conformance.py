#!/usr/bin/python3
"""conformance.py - sc-ws-relay against Debian's python3-websockets (10.x, Sans-I/O client).

Talks to the relay directly (no web server, no PostgreSQL): tokens are minted for synthetic
users with the config's JWT_SECRET, tickets, revocations and events are written into Redis by
hand the way the FastCGI programs write them. Run by tests/ws/run.sh; by hand:

    SC_CONFIG=/path/sc.conf WS_CTL=/path/ctl /usr/bin/python3 tests/ws/conformance.py [GROUP...]

SC_CONFIG: RELAY_PORT, RELAY_ADMIN_PORT, REDIS_*, JWT_SECRET, JWT_ISSUER, CORS_ALLOWED_ORIGINS,
RELAY_MAX_MESSAGE_BYTES. WS_CTL: a script taking redis-stop | redis-start (the restart group).
SC_VERBOSE=1 prints every passed check. Last line: "python-websockets: N passed, M failed".
"""

import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from websockets.frames import Opcode  # noqa: E402

from wsutil import (WS, Redis, Refused, cfg, http_raw, mint_jwt, raw_frame,  # noqa: E402
                    upgrade_request)

NAME = "python-websockets"
CONF = cfg(os.environ["SC_CONFIG"])
HOST = CONF.get("RELAY_LISTEN", "127.0.0.1") or "127.0.0.1"
if HOST in ("0.0.0.0", "::"):
    HOST = "127.0.0.1"
PORT = int(CONF.get("RELAY_PORT", "8090"))
ADMIN = int(CONF.get("RELAY_ADMIN_PORT", "8091"))
SECRET = CONF["JWT_SECRET"]
ISSUER = CONF.get("JWT_ISSUER") or "secureconnect"
MAXMSG = int(CONF.get("RELAY_MAX_MESSAGE_BYTES") or 65536)
ORIGIN = (CONF.get("CORS_ALLOWED_ORIGINS") or "http://localhost:3000").split(",")[0].strip()
BAD_ORIGIN = "http://evil.example.test"
RE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

PASSED = 0
FAILED = 0
GROUP = "?"


def ok(name):
    global PASSED
    PASSED += 1
    if os.environ.get("SC_VERBOSE") == "1":
        print(f"ok    {GROUP}: {name}", flush=True)


def fail(name, detail):
    global FAILED
    FAILED += 1
    print(f"FAIL  {GROUP}: {name}\n      got: {str(detail)[:400]}", flush=True)


def check(name, cond, detail=""):
    if cond:
        ok(name)
    else:
        fail(name, detail)
    return bool(cond)


def redis():
    return Redis(CONF.get("REDIS_HOST") or "127.0.0.1", CONF.get("REDIS_PORT") or 6379,
                 CONF.get("REDIS_PASSWORD"))


R = None  # the shared Redis connection (reopened after the restart group)


def new_user():
    return str(uuid.uuid4()), str(uuid.uuid4())


def token(uid, sid, **kw):
    return mint_jwt(SECRET, ISSUER, uid, sid, **kw)


def bearer(uid, sid):
    return [("Authorization", f"Bearer {token(uid, sid)}")]


def connect(uid, sid, path="/v1/ws", origin=None, **kw):
    return WS(HOST, PORT, path, headers=bearer(uid, sid), origin=origin, **kw)


def wait_subscribers(channel, n, timeout=10.0):
    """Until the relay has subscribed to channel (PUBSUB NUMSUB >= n); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            r = R.cmd("PUBSUB", "NUMSUB", channel)
            if int(r[1]) >= n:
                return True
        except Exception:  # pylint: disable=broad-except
            pass
        time.sleep(0.02)
    return False


def metric(name):
    """Sum of a Prometheus metric from the admin port; None when unreadable."""
    try:
        r = http_raw("127.0.0.1", ADMIN, b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    except OSError:
        return None
    if r.status != 200:
        return None
    total, seen = 0.0, False
    for line in r.body.decode("utf-8", "replace").splitlines():
        m = re.match(r"^" + re.escape(name) + r"(\{[^}]*\})?\s+([0-9.eE+-]+)\s*$", line)
        if m:
            total += float(m.group(2))
            seen = True
    return total if seen else None


def envelope(what, r, status, code=None):
    """A refusal before the upgrade: status, JSON content type and the error envelope."""
    check(f"{what}: HTTP {status}", r.status == status, r)
    ct = r.header("content-type") or ""
    check(f"{what}: Content-Type application/json", ct.split(";")[0].strip().lower() == "application/json", ct)
    b = r.json()
    good = (isinstance(b, dict) and b.get("success") is False and isinstance(b.get("error"), dict)
            and isinstance(b["error"].get("code"), str) and b["error"]["code"] != ""
            and isinstance(b["error"].get("message"), str) and b["error"]["message"] != ""
            and isinstance(b.get("meta"), dict) and "data" not in b)
    check(f"{what}: error envelope", good, r.body[:300])
    if code is not None:
        check(f"{what}: error.code {code}", isinstance(b, dict) and isinstance(b.get("error"), dict)
              and b["error"].get("code") == code, r.body[:300])


def refused_ws(what, status, code, fn):
    """fn() opens a WS through the library; it must be refused with status + envelope."""
    try:
        ws = fn()
    except Refused as e:
        resp = e.response
        headers = {k.lower(): [v] for k, v in resp.headers.raw_items()}
        from wsutil import HttpResponse  # pylint: disable=import-outside-toplevel
        envelope(what, HttpResponse(resp.status_code, headers, resp.body or b"", b""), status, code)
        return
    except Exception as e:  # pylint: disable=broad-except
        fail(f"{what}: HTTP {status}", f"{type(e).__name__}: {e}")
        return
    fail(f"{what}: HTTP {status}", "HTTP 101 (upgraded)")
    ws.shutdown()


def opened(what, fn):
    try:
        ws = fn()
    except Refused as e:
        fail(f"{what}: HTTP 101", f"HTTP {e.response.status_code} {(e.response.body or b'')[:200]!r}")
        return None
    except Exception as e:  # pylint: disable=broad-except
        fail(f"{what}: HTTP 101", f"{type(e).__name__}: {e}")
        return None
    ok(f"{what}: HTTP 101")
    return ws


def json_pong(ws, what):
    """A JSON ping is answered with a JSON pong on an open connection."""
    ws.send_json({"type": "ping"})
    m = ws.json(5)
    check(f"{what}: JSON ping answered with pong", isinstance(m, dict) and m.get("type") == "pong", m)


# ---------------------------------------------------------------- groups

def g_handshake():
    uid, sid = new_user()
    auth = bearer(uid, sid)
    req = lambda path="/v1/ws", headers=(), **kw: upgrade_request(HOST, PORT, path, headers, **kw)  # noqa: E731

    envelope("no credentials", http_raw(HOST, PORT, req()), 401, "UNAUTHORIZED")
    bad = mint_jwt("x" * 64, ISSUER, uid, sid)
    envelope("token signed with another key", http_raw(HOST, PORT, req(headers=[("Authorization", f"Bearer {bad}")])),
             401, "UNAUTHORIZED")
    old = token(uid, sid, now=int(time.time()) - 3600, ttl=600)
    envelope("expired token", http_raw(HOST, PORT, req(headers=[("Authorization", f"Bearer {old}")])),
             401, "UNAUTHORIZED")
    envelope("malformed Authorization", http_raw(HOST, PORT, req(headers=[("Authorization", "Bearer x.y.z")])),
             401, "UNAUTHORIZED")
    ruid, rsid = new_user()
    R.cmd("SET", f"revoked:sid:{rsid}", "1", "EX", 120)
    refused_ws("revoked session", 401, "UNAUTHORIZED", lambda: connect(ruid, rsid))
    refused_ws("wrong Origin", 403, "FORBIDDEN", lambda: connect(uid, sid, origin=BAD_ORIGIN))
    ws = opened("allowed Origin", lambda: connect(uid, sid, origin=ORIGIN))
    if ws:
        json_pong(ws, "allowed Origin")
        ws.shutdown()
    ws = opened("no Origin (native client)", lambda: connect(uid, sid))
    if ws:
        json_pong(ws, "no Origin")
        ws.shutdown()

    r = http_raw(HOST, PORT, req(headers=auth, version="8"))
    envelope("Sec-WebSocket-Version 8", r, 426)
    check("Sec-WebSocket-Version 8: the answer names version 13",
          "13" in [v.strip() for v in (r.header("sec-websocket-version") or "").split(",")], r.raw[:300])
    r = http_raw(HOST, PORT, req(headers=auth, method="POST"))
    envelope("POST instead of GET", r, 405)
    check("POST instead of GET: Allow names GET",
          "GET" in [v.strip() for v in (r.header("allow") or "").split(",")], r.raw[:300])
    envelope("unknown path", http_raw(HOST, PORT, req("/v1/nowhere", headers=auth)), 404, "NOT_FOUND")
    envelope("no Sec-WebSocket-Key", http_raw(HOST, PORT, req(headers=auth, key=False)), 400, "VALIDATION_ERROR")
    envelope("Sec-WebSocket-Key not 16 bytes",
             http_raw(HOST, PORT, req(headers=auth + [("Sec-WebSocket-Key", "c2hvcnQ=")], key=False)),
             400, "VALIDATION_ERROR")
    envelope("bad since", http_raw(HOST, PORT, req("/v1/ws?since=yesterday", headers=auth)), 400,
             "VALIDATION_ERROR")


def g_ticket():
    uid, sid = new_user()
    t = os.urandom(32).hex()[:43]
    exp = int(time.time()) + 600
    R.cmd("SET", f"wsticket:{t}", f"{uid}:{sid}:{exp}", "EX", 30)
    ws = opened("ticket with allowed Origin", lambda: WS(HOST, PORT, f"/v1/ws?ticket={t}", origin=ORIGIN))
    if ws:
        check("ticket consumed", R.cmd("EXISTS", f"wsticket:{t}") == 0, "wsticket key still there")
        if wait_subscribers(f"user:{uid}", 1):
            body = json.dumps({"id": "", "type": "typing", "ts": "2024-01-01T00:00:00Z",
                               "data": {"conversation_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4())}})
            R.cmd("PUBLISH", f"user:{uid}", body)
            check("ticket socket is the ticket's user's feed", ws.data(5) == body, "no event")
        else:
            fail("ticket socket subscribed to user:{id}", "PUBSUB NUMSUB stayed 0")
        ws.shutdown()
    refused_ws("ticket used twice", 401, "UNAUTHORIZED",
               lambda: WS(HOST, PORT, f"/v1/ws?ticket={t}", origin=ORIGIN))
    refused_ws("unknown ticket", 401, "UNAUTHORIZED",
               lambda: WS(HOST, PORT, "/v1/ws?ticket=" + "A" * 43, origin=ORIGIN))
    t2 = os.urandom(32).hex()[:43]
    R.cmd("SET", f"revoked:sid:{sid}", "1", "EX", 120)
    R.cmd("SET", f"wsticket:{t2}", f"{uid}:{sid}:{exp}", "EX", 30)
    refused_ws("ticket of a revoked session", 401, "UNAUTHORIZED",
               lambda: WS(HOST, PORT, f"/v1/ws?ticket={t2}", origin=ORIGIN))


def next_control(ws, opcode, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        f = ws.frame(max(0.01, deadline - time.monotonic()))
        if f is None or f.opcode == opcode or f.opcode == Opcode.CLOSE:
            return f


def g_ping():
    uid, sid = new_user()
    ws = connect(uid, sid)
    payload = b"\x00ping\xff" + bytes(range(20))
    ws.ping(payload)
    f = next_control(ws, Opcode.PONG)
    check("control ping -> pong with the same payload", f is not None and f.opcode == Opcode.PONG
          and f.data == payload, f)
    ws.ping(b"")
    f = next_control(ws, Opcode.PONG)
    check("empty ping -> empty pong", f is not None and f.opcode == Opcode.PONG and f.data == b"", f)
    ws.send_json({"type": "ping"})
    m = ws.json(5)
    check("JSON ping -> JSON pong", isinstance(m, dict) and m.get("type") == "pong", m)
    check("JSON pong has ts", isinstance(m, dict) and isinstance(m.get("ts"), str) and RE_TIME.match(m["ts"]), m)
    ws.send_text("not json")
    m = ws.json(5)
    check("bad client frame -> error VALIDATION_ERROR", isinstance(m, dict) and m.get("type") == "error"
          and isinstance(m.get("error"), dict) and m["error"].get("code") == "VALIDATION_ERROR", m)
    json_pong(ws, "after a bad frame the connection stays open")
    ws.shutdown()


def g_fragments():
    uid, sid = new_user()
    ws = connect(uid, sid)
    ws.send_frag(Opcode.TEXT, b'{"ty', False)
    ws.ping(b"p1")
    ws.send_frag(Opcode.CONT, b'pe":"pi', False)
    ws.ping(b"p2")
    ws.send_frag(Opcode.CONT, b'ng"}', True)
    got = []
    deadline = time.monotonic() + 5
    while len(got) < 3:
        f = ws.frame(max(0.01, deadline - time.monotonic()))
        if f is None or f.opcode == Opcode.CLOSE:
            break
        if f.opcode == Opcode.PONG:
            got.append(("pong", f.data))
        elif f.opcode == Opcode.TEXT:
            try:
                got.append(("text", json.loads(f.data).get("type")))
            except ValueError:
                got.append(("text", f.data))
    check("3 fragments with pings between: pong p1, pong p2, then the JSON pong",
          got == [("pong", b"p1"), ("pong", b"p2"), ("text", "pong")], got)
    # valid UTF-8 whose characters are cut by fragment boundaries
    msg = '{"type":"ping","note":"é€𝄞"}'.encode()
    cut1, cut2 = msg.index("é".encode()) + 1, msg.index("𝄞".encode()) + 2
    ws.send_frag(Opcode.TEXT, msg[:cut1], False)
    ws.send_frag(Opcode.CONT, msg[cut1:cut2], False)
    ws.send_frag(Opcode.CONT, msg[cut2:], True)
    m = ws.json(5)
    check("valid UTF-8 split inside characters is accepted (a text answer, no close)",
          isinstance(m, dict) and m.get("type") in ("pong", "error"), m)
    json_pong(ws, "after split UTF-8")
    ws.shutdown()


def g_close():
    uid, sid = new_user()
    ws = connect(uid, sid)
    ws.close(1000, "bye")
    code, eof = ws.wait_close(5)
    check("client close 1000 -> server close 1000", code == 1000, code)
    check("client close 1000 -> the server closes TCP", eof, "still open")
    ws = connect(uid, sid)
    ws.close(4000, "app")
    code, eof = ws.wait_close(5)
    check("client close 4000 -> server answers with a close frame", code is not None, code)


def expect_close(what, want, frames, sid_user=None, pre=None):
    """Fresh connection, pre(ws) optional, raw frames written, then the server's close code."""
    uid, sid = sid_user or new_user()
    try:
        ws = connect(uid, sid)
    except Exception as e:  # pylint: disable=broad-except
        fail(f"{what} -> close {want}", f"no connection: {e}")
        return
    if pre:
        pre(ws)
    for b in frames:
        ws.raw(b)
    code, eof = ws.wait_close(5)
    check(f"{what} -> close {want}", code == want, f"close code {code}, TCP closed: {eof}")
    check(f"{what} -> TCP closed", eof, "connection still open")
    ws.shutdown()


def g_protocol():
    ping = b'{"type":"ping"}'
    expect_close("unmasked frame (masking required)", 1002, [raw_frame(1, ping, mask=False)])
    expect_close("RSV1 set", 1002, [raw_frame(1, ping, rsv=4)])
    expect_close("RSV2 set", 1002, [raw_frame(1, ping, rsv=2)])
    expect_close("RSV3 set", 1002, [raw_frame(1, ping, rsv=1)])
    expect_close("unknown data opcode 3", 1002, [raw_frame(3, ping)])
    expect_close("unknown control opcode 0xB", 1002, [raw_frame(0xB, b"")])
    expect_close("fragmented control frame (ping without FIN)", 1002, [raw_frame(9, b"abc", fin=False)])
    expect_close("control frame > 125 bytes", 1002, [raw_frame(9, b"x" * 126)])
    expect_close("continuation without a start", 1002, [raw_frame(0, ping)])
    expect_close("new text frame inside a fragmented message", 1002,
                 [raw_frame(1, b'{"type"', fin=False), raw_frame(1, ping)])
    expect_close("length not in minimal form", 1002, [raw_frame(1, ping, length_form=126)])
    big = struct.pack("!BBQ", 0x81, 0x80 | 127, 1 << 63) + os.urandom(4)
    expect_close("64-bit length with the top bit set", 1002, [big])
    expect_close("close with a 1-byte payload", 1002, [raw_frame(8, b"\x03")])
    expect_close("close with code 1005", 1002, [raw_frame(8, struct.pack("!H", 1005))])
    expect_close("close with code 999", 1002, [raw_frame(8, struct.pack("!H", 999))])


def g_utf8():
    expect_close("invalid UTF-8 in a text frame", 1007, [raw_frame(1, b'{"type":"ping","x":"\xff"}')])
    expect_close("overlong UTF-8", 1007, [raw_frame(1, b'{"x":"\xc0\xaf"}')])
    expect_close("UTF-16 surrogate in UTF-8", 1007, [raw_frame(1, b'{"x":"\xed\xa0\x80"}')])
    expect_close("invalid UTF-8 across fragments", 1007,
                 [raw_frame(1, b'{"x":"\xe2\x82', fin=False), raw_frame(0, b'\x28"}')])
    expect_close("message ending inside a character", 1007,
                 [raw_frame(1, b'{"x":"', fin=False), raw_frame(0, b'\xe2\x82')])
    expect_close("invalid UTF-8 in a close reason", 1007, [raw_frame(8, struct.pack("!H", 1000) + b"bye\xff")])


def g_size():
    expect_close(f"text frame of {MAXMSG + 1} bytes", 1009, [raw_frame(1, b"x" * (MAXMSG + 1))])
    half = MAXMSG // 2 + 1
    expect_close(f"3 fragments of {half} bytes (sum above {MAXMSG})", 1009,
                 [raw_frame(1, b"x" * half, fin=False), raw_frame(0, b"x" * half, fin=False),
                  raw_frame(0, b"x" * half)])
    uid, sid = new_user()
    ws = connect(uid, sid)
    head, tail = b'{"type":"ping","pad":"', b'"}'
    msg = head + b"a" * (MAXMSG - len(head) - len(tail)) + tail
    ws.send_text(msg)
    m = ws.json(5)
    check(f"a message of exactly {MAXMSG} bytes is accepted", isinstance(m, dict)
          and m.get("type") in ("pong", "error"), m if m else f"close {ws.close_frame}")
    ws.shutdown()


def g_events():
    uid, sid = new_user()
    other, _ = new_user()
    ws = connect(uid, sid)
    if not check("relay subscribes user:{id}", wait_subscribers(f"user:{uid}", 1), "PUBSUB NUMSUB stayed 0"):
        ws.shutdown()
        return
    body = ('{"id":"","type":"typing","ts":"2024-05-06T07:08:09Z","data":{"conversation_id":"'
            + str(uuid.uuid4()) + '","user_id":"' + other + '","note":"\\u00fc ü \\"q\\" </script>"}}')
    R.cmd("PUBLISH", f"user:{other}", '{"id":"","type":"typing","ts":"x","data":{"wrong":"user"}}')
    R.cmd("PUBLISH", f"user:{uid}", body)
    got = ws.data(5)
    check("PUBLISH user:{id} arrives unchanged as a text frame (and not another user's)", got == body, got)
    eid = R.publish_event(uid, "message.new", {"message_id": str(uuid.uuid4()), "content": "hi"})
    m = ws.json(5)
    check("an event published like sc_events_publish arrives with its stream id",
          isinstance(m, dict) and m.get("id") == eid and m.get("type") == "message.new", m)
    ws.shutdown()

    # since: the events after that id, in order, then live ones, nothing twice
    uid, sid = new_user()
    ids = [R.publish_event(uid, "message.new", {"n": i}) for i in range(5)]
    ws = connect(uid, sid, path=f"/v1/ws?since={ids[1]}")
    got = [ws.json(5) for _ in range(3)]
    check("since: exactly the later events, in order",
          [g.get("id") if isinstance(g, dict) else g for g in got] == ids[2:], got)
    check("since: replayed events keep type, ts and data",
          all(isinstance(g, dict) and g.get("type") == "message.new" and g.get("data") == {"n": i + 2}
              and isinstance(g.get("ts"), str) for i, g in enumerate(got)), got)
    wait_subscribers(f"user:{uid}", 1)
    live = R.publish_event(uid, "message.new", {"n": 5})
    m = ws.json(5)
    check("since: then live events", isinstance(m, dict) and m.get("id") == live, m)
    live2 = R.publish_event(uid, "message.new", {"n": 6})
    m = ws.json(5)
    check("since: no duplicate before the next live event", isinstance(m, dict) and m.get("id") == live2, m)
    ws.shutdown()

    # since while events are being published: the ids received are exactly the stream's
    uid, sid = new_user()
    pub = redis()
    ids, stop = [], threading.Event()

    def publisher():
        for i in range(60):
            if stop.is_set():
                break
            ids.append(pub.publish_event(uid, "message.new", {"n": i}))
            time.sleep(0.003)

    th = threading.Thread(target=publisher)
    th.start()
    while len(ids) < 10 and th.is_alive():
        time.sleep(0.001)
    since = ids[4]
    ws = connect(uid, sid, path=f"/v1/ws?since={since}")
    th.join()
    pub.close()
    want = [e[0].decode() for e in R.cmd("XRANGE", f"events:user:{uid}", "(" + since, "+")]
    got = []
    while not got or got[-1] != want[-1]:
        m = ws.json(3)
        if not isinstance(m, dict):
            break
        got.append(m.get("id"))
    check(f"since during a burst: {len(want)} events, no gap, no duplicate, in order", got == want,
          f"{len(got)} ids; first difference at {next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))}")
    ws.shutdown()

    # no since: an event written right after the 101 arrived is delivered (the feed starts at
    # the upgrade answer). Fresh users, so each socket makes the relay subscribe anew.
    lost = []
    for i in range(20):
        uid, sid = new_user()
        ws = connect(uid, sid)
        eid = R.publish_event(uid, "message.new", {"n": i})
        # markers until the socket is live: the event, if delivered, came before them
        seen = []
        sync_feed(ws, uid, seen=seen)
        if [m.get("id") for m in seen] != [eid]:
            lost.append(seen)
        ws.shutdown()
    check("no since: an event published right after the 101 arrives (20 fresh sockets)", not lost,
          f"{len(lost)} of 20 lost")

    # no since, while events are being published: every event written after the upgrade
    # answer arrived is delivered (the feed starts at the 101, not at some later moment),
    # in stream order, nothing twice. Several sockets, to meet the moments between the 101,
    # the relay's SUBSCRIBE and its first look at the stream.
    uid, sid = new_user()
    pub = redis()
    log, opened_at = [], []
    done = threading.Event()

    def publisher2():
        i = 0
        while not done.is_set() and i < 400:
            t = time.monotonic()
            log.append((t, pub.publish_event(uid, "message.new", {"n": i})))
            i += 1
            time.sleep(0.001)

    th = threading.Thread(target=publisher2)
    th.start()
    socks = []
    for _ in range(6):
        socks.append(connect(uid, sid))
        opened_at.append(time.monotonic())
        time.sleep(0.02)
    time.sleep(0.05)
    done.set()
    th.join()
    pub.close()
    stream = [e[0].decode() for e in R.cmd("XRANGE", f"events:user:{uid}", "-", "+")]
    bad = []
    for ws, t_open in zip(socks, opened_at):
        want = [i for t, i in log if t > t_open]
        got = []
        while not got or got[-1] != stream[-1]:
            m = ws.json(3)
            if not isinstance(m, dict):
                break
            got.append(m.get("id"))
        missing = [i for i in want if i not in got]
        contiguous = got == stream[stream.index(got[0]):] if got and got[0] in stream else not got
        if missing or not contiguous:
            bad.append(f"{len(missing)} of {len(want)} events written after the 101 missing "
                       f"(first {missing[:1]}), contiguous: {contiguous}")
        ws.shutdown()
    check("no since during a burst: every event written after the 101 arrives, in order, once",
          not bad, "; ".join(bad))

    # more events after since than RELAY_REPLAY_MAX: the client is told (replay.truncated)
    rmax = int(CONF.get("RELAY_REPLAY_MAX") or 1000)
    if rmax <= 200:
        uid, sid = new_user()
        ids = [R.publish_event(uid, "message.new", {"n": i}) for i in range(rmax + 2)]
        ws = connect(uid, sid, path=f"/v1/ws?since={ids[0]}")
        m = ws.json(5)
        check(f"since with {rmax + 1} newer events (RELAY_REPLAY_MAX {rmax}): replay.truncated first",
              isinstance(m, dict) and m.get("type") == "replay.truncated"
              and m.get("data", {}).get("since") == ids[0], m)
        ws.shutdown()

    # a revoked session is closed with 1008
    uid, sid = new_user()
    ws = connect(uid, sid)
    json_pong(ws, "before revocation")
    R.cmd("SET", f"revoked:sid:{sid}", "1", "EX", 120)
    R.cmd("PUBLISH", "sc:revoked", sid)
    code, _ = ws.wait_close(5)
    check("session revoked while connected -> close 1008", code == 1008, code)
    ws.shutdown()


def sync_feed(ws, uid, timeout=10.0, seen=None):
    """Publish ephemeral markers on user:{uid} until ws receives one: from then on the socket
    is live (a raw PUBLISH reaches only sockets already subscribed). Markers have type
    test.sync; readers skip them. Other messages read meanwhile go to the list seen."""
    tag = uuid.uuid4().hex
    deadline = time.monotonic() + timeout
    k = -1
    while time.monotonic() < deadline:
        k += 1
        R.cmd("PUBLISH", f"user:{uid}", json.dumps({"id": "", "type": "test.sync", "ts": "2024-01-01T00:00:00Z",
                                                     "data": {"tag": tag, "k": k}}))
        inner = time.monotonic() + 0.2
        while True:
            m = ws.json(max(0.01, inner - time.monotonic()))
            if not isinstance(m, dict):
                break
            if m.get("type") == "test.sync":
                if m.get("data", {}).get("tag") == tag and m["data"]["k"] == k:
                    return True
            elif seen is not None:
                seen.append(m)
    return False


def next_event(ws, timeout=5.0):
    """The next JSON frame that is not a test.sync marker."""
    while True:
        m = ws.json(timeout)
        if not (isinstance(m, dict) and m.get("type") == "test.sync"):
            return m


def g_slow():
    uid, sid = new_user()
    fast = connect(uid, sid)
    slow = connect(uid, sid, rcvbuf=4096)
    if not (check("fast socket live", sync_feed(fast, uid), "no marker")
            and check("stalling socket live", sync_feed(slow, uid), "no marker")):
        return
    base = metric("sc_relay_slow_consumer_closes_total")
    check("metrics: sc_relay_slow_consumer_closes_total present", base is not None, "no metric")
    pad = "x" * 8000
    n, got_all, closed = 0, True, False
    limit = 4000   # 32 MB at most, then give up
    # the slow socket is never read from here on, until the relay has closed it
    while n < limit and not closed:
        batch = [("PUBLISH", f"user:{uid}", json.dumps({"id": "", "type": "typing", "ts": "2024-01-01T00:00:00Z",
                                                        "data": {"n": n + i, "pad": pad}}))
                 for i in range(50)]
        R.pipeline(batch)
        for i in range(50):
            m = next_event(fast)
            if not (isinstance(m, dict) and m.get("data", {}).get("n") == n + i):
                got_all = False
                break
        n += 50
        if not got_all:
            break
        cur = metric("sc_relay_slow_consumer_closes_total")
        closed = base is not None and cur is not None and cur > base
    check("the reading client got every event in order while the other stalled", got_all, f"stopped at {n}")
    check(f"the stalled client was closed (slow-consumer metric rose after {n} events)", closed, "metric unchanged")
    # the stalled client now reads what is left: events, then a close frame 1013
    code, eof = slow.wait_close(10)
    check("the stalled client's stream ends with close 1013", code == 1013, f"close code {code}, TCP closed {eof}")
    R.cmd("PUBLISH", f"user:{uid}", '{"id":"","type":"typing","ts":"x","data":{"n":"after"}}')
    m = next_event(fast)
    check("the reading client still receives after the slow one was closed",
          isinstance(m, dict) and m.get("data", {}).get("n") == "after", m)
    fast.shutdown()
    slow.shutdown()


def ctl(what):
    c = os.environ.get("WS_CTL")
    if not c:
        return False
    return subprocess.run([c, what], stdout=subprocess.DEVNULL, check=False, timeout=60).returncode == 0


def g_restart():
    global R
    if not os.environ.get("WS_CTL"):
        fail("Redis restart", "WS_CTL is not set")
        return
    uid, sid = new_user()
    ws = connect(uid, sid)
    wait_subscribers(f"user:{uid}", 1)
    last = R.publish_event(uid, "message.new", {"n": "before"})
    m = ws.json(5)
    check("before the restart: event delivered", isinstance(m, dict) and m.get("id") == last, m)
    R.close()
    if not check("redis-stop", ctl("redis-stop"), "ctl failed"):
        return
    refused_ws("Redis down: new connection", 503, None, lambda: connect(uid, sid))
    if not check("redis-start", ctl("redis-start"), "ctl failed"):
        return
    R = redis()
    # the old socket: either still open (the relay resubscribed) or closed with a close frame
    still_open = ws.close_frame is None and not ws.eof
    if still_open:
        if check("after the restart the relay resubscribes user:{id}", wait_subscribers(f"user:{uid}", 1, 15),
                 "PUBSUB NUMSUB stayed 0"):
            e1 = R.publish_event(uid, "message.new", {"n": "after-1"})
            m = ws.json(5)
            if isinstance(m, dict) and m.get("id") == e1:
                ok("after the restart: a live event reaches the open socket")
            elif ws.close_frame is not None:
                e1 = None
                ok(f"after the restart: the open socket was closed with {ws.close_frame.code}")
            else:
                fail("after the restart: a live event reaches the open socket", m)
    else:
        check("the socket closed during the outage got a close frame", ws.close_frame is not None, "TCP closed only")
    ws.shutdown()
    # resume with since from the last id seen before the restart
    e1 = R.publish_event(uid, "message.new", {"n": "after-2"})
    ws = None
    deadline = time.monotonic() + 15
    while ws is None and time.monotonic() < deadline:
        try:
            ws = connect(uid, sid, path=f"/v1/ws?since={last}")
        except Refused:
            time.sleep(0.1)   # the relay may answer 503 until its Redis connection is back
    if not check("after the restart: connection with since accepted", ws is not None, "refused for 15 s"):
        return
    want = [e[0].decode() for e in R.cmd("XRANGE", f"events:user:{uid}", "(" + last, "+")]
    got = [ws.json(5) for _ in want]
    check("after the restart: since replays the events written after it",
          [g.get("id") if isinstance(g, dict) else g for g in got] == want and e1 in want, (got, want))
    wait_subscribers(f"user:{uid}", 1)
    e2 = R.publish_event(uid, "message.new", {"n": "after-3"})
    m = ws.json(5)
    check("after the restart: then live", isinstance(m, dict) and m.get("id") == e2, m)
    ws.shutdown()


GROUPS = [("handshake", g_handshake), ("ticket", g_ticket), ("ping", g_ping), ("fragments", g_fragments),
          ("close", g_close), ("protocol", g_protocol), ("utf8", g_utf8), ("size", g_size),
          ("events", g_events), ("slow", g_slow), ("restart", g_restart)]


def main():
    global R, GROUP
    only = sys.argv[1:]
    R = redis()
    t0 = time.monotonic()
    for name, fn in GROUPS:
        if only and name not in only:
            continue
        GROUP = name
        t = time.monotonic()
        try:
            fn()
        except Exception as e:  # pylint: disable=broad-except
            import traceback  # pylint: disable=import-outside-toplevel
            fail("the group ran to its end", f"{type(e).__name__}: {e} {traceback.format_exc(limit=3)}")
            try:
                R.close()
                R = redis()
            except OSError:
                pass
        if os.environ.get("SC_VERBOSE") == "1":
            print(f"      {name}: {time.monotonic() - t:.1f} s", flush=True)
    print(f"{NAME}: the run took {time.monotonic() - t0:.1f} s")
    print(f"{NAME}: {PASSED} passed, {FAILED} failed")
    return 0 if FAILED == 0 and PASSED > 0 else 1


if __name__ == "__main__":
    socket.setdefaulttimeout(10)
    sys.exit(main())
