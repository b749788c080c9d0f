#!/usr/bin/python3
"""client.py - a WebSocket client for shell tests (tests/integration/cases-relay.sh).

    client.py URL [-H 'Name: value']... [--origin ORIGIN] [--timeout SECONDS]

Connects (ws://host:port/path?query), then prints one JSON line per happening, flushed:
    {"ev":"open"}                                  the upgrade succeeded (101)
    {"ev":"refused","status":403,"body":{...}}     the upgrade was refused (body parsed if JSON)
    {"ev":"error","error":"..."}                   no connection / no valid handshake
    {"ev":"text","data":<JSON or string>}          a text message (fragments joined)
    {"ev":"close","code":1008,"reason":"..."}      the server's close frame
    {"ev":"end"}                                   the TCP connection ended
    {"ev":"timeout"}                               --timeout (default 30) reached
Every line also has "t", the wall-clock time (for reading a failure; tests never check it).
Standard input, one line each: a JSON text to send; `close [CODE]` starts the close handshake;
`ping` sends a control ping. End of input leaves the connection open (until --timeout).
Exit status 0 whatever the server did (the caller checks the lines), 2 on bad usage.
Runs on Debian's /usr/bin/python3 with python3-websockets (see wsutil.py).
"""

import argparse
import json
import os
import select
import sys
import time
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from websockets.frames import Opcode  # noqa: E402

from wsutil import WS, Refused  # noqa: E402


def out(obj):
    obj["t"] = round(time.time(), 3)   # for the reader of a failure, never checked
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def command(ws, line):
    try:
        if line.startswith("close"):
            bits = line.split()
            ws.close(int(bits[1]) if len(bits) > 1 else 1000)
        elif line == "ping":
            ws.ping(b"client.py")
        elif line:
            ws.send_text(line)
    except Exception as e:  # pylint: disable=broad-except
        out({"ev": "error", "error": f"send: {type(e).__name__}: {e}"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("-H", "--header", action="append", default=[])
    ap.add_argument("--origin")
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()
    u = urlsplit(a.url)
    if u.scheme != "ws" or not u.hostname:
        print("client.py: URL must be ws://host:port/path", file=sys.stderr)
        return 2
    headers = []
    for h in a.header:
        k, _, v = h.partition(":")
        headers.append((k.strip(), v.strip()))
    path = u.path + (("?" + u.query) if u.query else "")
    deadline = time.monotonic() + a.timeout
    try:
        ws = WS(u.hostname, u.port or 80, path, headers=headers, origin=a.origin, timeout=10)
    except Refused as e:
        body = e.response.body or b""
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = body.decode("utf-8", "replace")
        out({"ev": "refused", "status": e.response.status_code, "body": parsed})
        return 0
    except Exception as e:  # pylint: disable=broad-except
        out({"ev": "error", "error": f"{type(e).__name__}: {e}"})
        return 0
    out({"ev": "open"})

    stdin_open = True
    inbuf = b""
    parts, kind = [], None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            out({"ev": "timeout"})
            break
        rlist = [ws.sock] + ([0] if stdin_open else [])
        # frames already parsed (they came with the 101, or in one read with others) first
        ready, _, _ = select.select(rlist, [], [], 0 if ws.pending else left)
        if 0 in ready:
            # raw reads: a buffered readline would hide lines from select()
            chunk = os.read(0, 65536)
            if chunk == b"":
                stdin_open = False
            inbuf += chunk
            while b"\n" in inbuf:
                line, inbuf = inbuf.split(b"\n", 1)
                command(ws, line.decode("utf-8", "replace"))
        if ws.sock in ready or ws.pending:
            f = ws.frame(0.05)
            while f is not None:
                if f.opcode in (Opcode.TEXT, Opcode.BINARY):
                    kind, parts = f.opcode, [f.data]
                elif f.opcode == Opcode.CONT:
                    parts.append(f.data)
                elif f.opcode == Opcode.CLOSE:
                    c = ws.close_frame
                    out({"ev": "close", "code": c.code if c else None, "reason": c.reason if c else ""})
                if f.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT) and f.fin:
                    raw = b"".join(parts)
                    if kind == Opcode.TEXT:
                        try:
                            text = raw.decode("utf-8")
                        except UnicodeDecodeError:
                            out({"ev": "error", "error": "invalid UTF-8 in a text message"})
                            text = raw.decode("utf-8", "replace")
                        try:
                            out({"ev": "text", "data": json.loads(text)})
                        except ValueError:
                            out({"ev": "text", "data": text})
                    else:
                        out({"ev": "binary", "bytes": len(raw)})
                if not ws.pending:
                    break
                f = ws.frame(0)
            if ws.eof:
                out({"ev": "end"})
                break
    ws.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
