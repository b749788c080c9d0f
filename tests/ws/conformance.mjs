#!/usr/bin/env node
// conformance.mjs - sc-ws-relay against the `ws` package from npm (pinned in package.json).
//
// The second, independent client of the relay's conformance run (the first is conformance.py):
// `ws` for well-formed traffic (its own handshake check, framing, fragments with { fin: false },
// ping/pong, close handshake; it also offers permessage-deflate, as browsers do), node's http for
// refused upgrades, and bytes written past ws onto its socket for the frames ws refuses to make.
// Tokens are minted with node's crypto; tickets, revocations and events are written into Redis by
// a small RESP client. Run by tests/ws/run.sh; by hand:
//
//     SC_CONFIG=/path/sc.conf WS_CTL=/path/ctl node tests/ws/conformance.mjs [GROUP...]
//
// SC_VERBOSE=1 prints every passed check. Last line: "node-ws: N passed, M failed".
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';

const NAME = 'node-ws';

// ---------------------------------------------------------------- config
function readConfig(path) {
  const out = {};
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (!line || line.trimStart().startsWith('#') || !line.includes('=')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i).trim()] = line.slice(i + 1);
  }
  for (const k of Object.keys(out)) {
    if (k.endsWith('_FILE') && !(k.slice(0, -5) in out)) {
      try { out[k.slice(0, -5)] = fs.readFileSync(out[k], 'utf8').trim(); } catch { /* absent */ }
    }
  }
  return out;
}

const CONF = readConfig(process.env.SC_CONFIG);
let HOST = CONF.RELAY_LISTEN || '127.0.0.1';
if (HOST === '0.0.0.0' || HOST === '::') HOST = '127.0.0.1';
const PORT = Number(CONF.RELAY_PORT || 8090);
const ADMIN = Number(CONF.RELAY_ADMIN_PORT || 8091);
const SECRET = CONF.JWT_SECRET;
const ISSUER = CONF.JWT_ISSUER || 'secureconnect';
const MAXMSG = Number(CONF.RELAY_MAX_MESSAGE_BYTES || 65536);
const ORIGIN = (CONF.CORS_ALLOWED_ORIGINS || 'http://localhost:3000').split(',')[0].trim();
const BAD_ORIGIN = 'http://evil.example.test';
const BASE = `ws://${HOST}:${PORT}`;
const RE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

// ---------------------------------------------------------------- checks
let passed = 0, failed = 0, group = '?';
const ok = (name) => {
  passed++;
  if (process.env.SC_VERBOSE === '1') console.log(`ok    ${group}: ${name}`);
};
const fail = (name, got) => {
  failed++;
  let s;
  try { s = typeof got === 'string' ? got : JSON.stringify(got); } catch { s = String(got); }
  console.log(`FAIL  ${group}: ${name}\n      got: ${String(s).slice(0, 400)}`);
};
const check = (name, cond, got = '') => { if (cond) ok(name); else fail(name, got); return !!cond; };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const uuid = () => crypto.randomUUID();
const b64url = (b) => Buffer.from(b).toString('base64url');

function mintJwt(secret, uid, sid, { now = Math.floor(Date.now() / 1000), ttl = 600 } = {}) {
  const claims = {
    iss: ISSUER, aud: 'secureconnect-api', sub: uid, user_id: uid, sid, jti: uuid(),
    typ: 'access', role: 'user', iat: now, nbf: now, exp: now + ttl,
  };
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
const token = (uid, sid, o) => mintJwt(SECRET, uid, sid, o);
const newUser = () => [uuid(), uuid()];

// ---------------------------------------------------------------- Redis (RESP2)
class Redis {
  constructor() {
    this.buf = Buffer.alloc(0);
    this.queue = [];
  }

  async open() {
    await new Promise((resolve, reject) => {
      this.sock = net.connect(Number(CONF.REDIS_PORT || 6379), CONF.REDIS_HOST || '127.0.0.1', resolve);
      this.sock.once('error', reject);
    });
    this.sock.on('error', () => {});
    this.sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.drain(); });
    this.sock.on('close', () => { for (const q of this.queue.splice(0)) q.reject(new Error('redis closed')); });
    if (CONF.REDIS_PASSWORD) await this.cmd('AUTH', CONF.REDIS_PASSWORD);
    return this;
  }

  close() { this.sock.destroy(); }

  // parse one reply at pos: [value, next] or null when incomplete
  parse(pos) {
    const eol = this.buf.indexOf('\r\n', pos);
    if (eol < 0) return null;
    const kind = String.fromCharCode(this.buf[pos]);
    const rest = this.buf.toString('utf8', pos + 1, eol);
    if (kind === '+') return [rest, eol + 2];
    if (kind === '-') return [new Error(rest), eol + 2];
    if (kind === ':') return [Number(rest), eol + 2];
    if (kind === '$') {
      const n = Number(rest);
      if (n < 0) return [null, eol + 2];
      if (this.buf.length < eol + 2 + n + 2) return null;
      return [this.buf.toString('utf8', eol + 2, eol + 2 + n), eol + 2 + n + 2];
    }
    if (kind === '*') {
      const n = Number(rest);
      if (n < 0) return [null, eol + 2];
      const arr = [];
      let p = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = this.parse(p);
        if (!r) return null;
        arr.push(r[0]);
        p = r[1];
      }
      return [arr, p];
    }
    throw new Error(`bad RESP ${kind}`);
  }

  drain() {
    while (this.queue.length) {
      const r = this.parse(0);
      if (!r) return;
      this.buf = this.buf.subarray(r[1]);
      const q = this.queue.shift();
      if (r[0] instanceof Error) q.reject(r[0]); else q.resolve(r[0]);
    }
  }

  cmd(...args) {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) {
      const b = Buffer.from(String(a));
      parts.push(`$${b.length}\r\n`, b, '\r\n');
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.sock.write(Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)))));
    });
  }

  // XADD + PUBLISH the way lib/sc_events.c does; returns the stream id
  async publishEvent(uid, type, data) {
    const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const id = await this.cmd('XADD', `events:user:${uid}`, 'MAXLEN', '~', 1000, '*',
      'type', type, 'ts', ts, 'data', JSON.stringify(data));
    await this.cmd('PUBLISH', `user:${uid}`, `{"id":"${id}","type":"${type}","ts":"${ts}","data":${JSON.stringify(data)}}`);
    return id;
  }
}
let R;

async function waitSubscribers(channel, n, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await R.cmd('PUBSUB', 'NUMSUB', channel);
      if (Number(r[1]) >= n) return true;
    } catch { /* Redis coming back */ }
    await sleep(20);
  }
  return false;
}

function metric(name) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: ADMIN, path: '/metrics', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        let total = 0, seen = false;
        for (const line of body.split('\n')) {
          const m = line.match(new RegExp(`^${name}(\\{[^}]*\\})?\\s+([0-9.eE+-]+)\\s*$`));
          if (m) { total += Number(m[2]); seen = true; }
        }
        resolve(res.statusCode === 200 && seen ? total : null);
      });
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => { req.destroy(); resolve(null); });
  });
}

// ---------------------------------------------------------------- WebSocket client on `ws`
class Client {
  // opts: { path, token, origin, headers }
  constructor({ path = '/v1/ws', token: tok, origin, headers = {} } = {}) {
    const h = { ...headers };
    if (tok) h.Authorization = `Bearer ${tok}`;
    this.items = [];
    this.waiter = null;
    this.closed = null;
    this.ws = new WebSocket(BASE + path, { headers: h, origin, handshakeTimeout: 5000, maxPayload: 0 });
    this.ready = new Promise((resolve) => {
      this.ws.on('open', () => resolve({ open: true }));
      this.ws.on('unexpected-response', (req, res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => { resolve({ open: false, status: res.statusCode, headers: res.headers, body }); req.destroy(); });
        res.on('error', () => resolve({ open: false, status: res.statusCode, headers: res.headers, body }));
      });
      this.ws.on('error', (e) => { this.error = e; resolve({ open: false, status: 0, error: String(e) }); });
    });
    this.ws.on('message', (d, bin) => this.push({ kind: bin ? 'binary' : 'text', data: bin ? d : d.toString('utf8') }));
    this.ws.on('pong', (d) => this.push({ kind: 'pong', data: d }));
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.push({ kind: 'close', code });
    });
  }

  push(item) {
    this.items.push(item);
    if (this.waiter) { const w = this.waiter; this.waiter = null; w(); }
  }

  async next(ms = 5000) {
    const end = Date.now() + ms;
    while (!this.items.length) {
      if (this.closed && !this.items.length) return null;
      const left = end - Date.now();
      if (left <= 0) return null;
      let timer;
      await new Promise((r) => { this.waiter = r; timer = setTimeout(r, left); });
      clearTimeout(timer);
    }
    return this.items.shift();
  }

  async text(ms = 5000) {
    for (;;) {
      const it = await this.next(ms);
      if (!it || it.kind === 'close') return null;
      if (it.kind === 'text') return it.data;
    }
  }

  async json(ms = 5000) {
    const t = await this.text(ms);
    if (t === null) return null;
    try { return JSON.parse(t); } catch { return { _not_json: t }; }
  }

  async closeCode(ms = 5000) {
    const end = Date.now() + ms;
    while (!this.closed && Date.now() < end) await this.next(end - Date.now());
    return this.closed ? this.closed.code : null;
  }

  raw(buf) { this.ws._socket.write(buf); } // eslint-disable-line no-underscore-dangle

  end() { try { this.ws.terminate(); } catch { /* gone */ } }
}

async function open(what, opts) {
  const c = new Client(opts);
  const r = await c.ready;
  if (!check(`${what}: HTTP 101`, r.open, r)) { c.end(); return null; }
  return c;
}

function envelope(what, r, status, code) {
  check(`${what}: HTTP ${status}`, r.status === status, r);
  const ct = String((r.headers || {})['content-type'] || '');
  check(`${what}: Content-Type application/json`, ct.split(';')[0].trim().toLowerCase() === 'application/json', ct);
  let b = null;
  try { b = JSON.parse(r.body); } catch { /* not JSON */ }
  const good = b && typeof b === 'object' && b.success === false && b.error && typeof b.error === 'object'
    && typeof b.error.code === 'string' && b.error.code !== '' && typeof b.error.message === 'string'
    && b.error.message !== '' && b.meta && typeof b.meta === 'object' && !('data' in b);
  check(`${what}: error envelope`, good, r.body);
  if (code) check(`${what}: error.code ${code}`, b && b.error && b.error.code === code, r.body);
}

async function refused(what, status, code, opts) {
  const c = new Client(opts);
  const r = await c.ready;
  if (r.open) { fail(`${what}: HTTP ${status}`, 'HTTP 101 (upgraded)'); c.end(); return; }
  envelope(what, r, status, code);
  c.end();
}

// an upgrade request by node's http (for what ws never sends)
function upgradeHttp({ path = '/v1/ws', method = 'GET', headers = {}, version = '13', key = true } = {}) {
  const h = { Connection: 'Upgrade', Upgrade: 'websocket', ...headers };
  if (key) h['Sec-WebSocket-Key'] = crypto.randomBytes(16).toString('base64');
  if (version !== null) h['Sec-WebSocket-Version'] = version;
  return new Promise((resolve) => {
    const req = http.request({ host: HOST, port: PORT, path, method, headers: h, timeout: 5000 });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('upgrade', (res, sock) => { sock.destroy(); resolve({ status: 101, headers: res.headers, body: '' }); });
    req.on('error', (e) => resolve({ status: 0, headers: {}, body: String(e) }));
    req.on('timeout', () => { req.destroy(); resolve({ status: 0, headers: {}, body: 'timeout' }); });
    req.end();
  });
}

// a client frame built by hand: rsv as 3 bits (RSV1 = 4), lengthForm forces 126/127
function rawFrame(opcode, payload, { fin = true, rsv = 0, mask = true, lengthForm = null } = {}) {
  const p = Buffer.from(payload);
  const n = p.length;
  const b1 = (fin ? 0x80 : 0) | (rsv << 4) | (opcode & 0x0f);
  const m = mask ? 0x80 : 0;
  let head;
  if (lengthForm === 127 || (lengthForm === null && n >= 65536)) {
    head = Buffer.alloc(10); head[0] = b1; head[1] = m | 127; head.writeBigUInt64BE(BigInt(n), 2);
  } else if (lengthForm === 126 || (lengthForm === null && n >= 126)) {
    head = Buffer.alloc(4); head[0] = b1; head[1] = m | 126; head.writeUInt16BE(n, 2);
  } else {
    head = Buffer.from([b1, m | n]);
  }
  if (!mask) return Buffer.concat([head, p]);
  const key = crypto.randomBytes(4);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = p[i] ^ key[i % 4];
  return Buffer.concat([head, key, body]);
}
const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };

async function jsonPong(c, what) {
  c.ws.send('{"type":"ping"}');
  const m = await c.json();
  check(`${what}: JSON ping answered with pong`, m && m.type === 'pong', m);
}

// ---------------------------------------------------------------- groups
async function gHandshake() {
  const [uid, sid] = newUser();
  const auth = { Authorization: `Bearer ${token(uid, sid)}` };
  await refused('no credentials', 401, 'UNAUTHORIZED', {});
  await refused('token signed with another key', 401, 'UNAUTHORIZED', { token: mintJwt('y'.repeat(64), uid, sid) });
  await refused('expired token', 401, 'UNAUTHORIZED', { token: token(uid, sid, { now: Math.floor(Date.now() / 1000) - 3600 }) });
  const [ruid, rsid] = newUser();
  await R.cmd('SET', `revoked:sid:${rsid}`, '1', 'EX', 120);
  await refused('revoked session', 401, 'UNAUTHORIZED', { token: token(ruid, rsid) });
  await refused('wrong Origin', 403, 'FORBIDDEN', { token: token(uid, sid), origin: BAD_ORIGIN });
  let c = await open('allowed Origin', { token: token(uid, sid), origin: ORIGIN });
  if (c) {
    check('allowed Origin: no extension negotiated (permessage-deflate was offered)', c.ws.extensions === '', c.ws.extensions);
    await jsonPong(c, 'allowed Origin'); c.end();
  }
  c = await open('no Origin (native client)', { token: token(uid, sid) });
  if (c) { await jsonPong(c, 'no Origin'); c.end(); }

  let r = await upgradeHttp({ headers: auth, version: '12' });
  envelope('Sec-WebSocket-Version 12', r, 426);
  check('Sec-WebSocket-Version 12: the answer names version 13',
    String(r.headers['sec-websocket-version'] || '').split(',').map((s) => s.trim()).includes('13'), r.headers);
  r = await upgradeHttp({ headers: auth, method: 'PUT' });
  envelope('PUT instead of GET', r, 405);
  await refused('unknown path', 404, 'NOT_FOUND', { path: '/v1/ws/nowhere', token: token(uid, sid) });
  r = await upgradeHttp({ headers: auth, key: false });
  envelope('no Sec-WebSocket-Key', r, 400, 'VALIDATION_ERROR');
  r = await upgradeHttp({ headers: { ...auth, Upgrade: 'h2c' } });
  envelope('Upgrade: h2c', r, 400, 'VALIDATION_ERROR');
}

async function gTicket() {
  const [uid, sid] = newUser();
  const t = crypto.randomBytes(32).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 600;
  await R.cmd('SET', `wsticket:${t}`, `${uid}:${sid}:${exp}`, 'EX', 30);
  const c = await open('ticket with allowed Origin', { path: `/v1/ws?ticket=${t}`, origin: ORIGIN });
  if (c) {
    check('ticket consumed', (await R.cmd('EXISTS', `wsticket:${t}`)) === 0, 'key still there');
    if (check('ticket socket subscribed', await waitSubscribers(`user:${uid}`, 1), 'NUMSUB 0')) {
      const body = JSON.stringify({ id: '', type: 'typing', ts: '2024-01-01T00:00:00Z', data: { conversation_id: uuid(), user_id: uuid() } });
      await R.cmd('PUBLISH', `user:${uid}`, body);
      check("ticket socket is the ticket's user's feed", (await c.text()) === body, 'no event');
    }
    c.end();
  }
  await refused('ticket used twice', 401, 'UNAUTHORIZED', { path: `/v1/ws?ticket=${t}`, origin: ORIGIN });
  const t2 = crypto.randomBytes(32).toString('base64url');
  await R.cmd('SET', `wsticket:${t2}`, `${uid}:${sid}:${exp}`, 'EX', 30);
  await refused('ticket with a wrong Origin', 403, 'FORBIDDEN', { path: `/v1/ws?ticket=${t2}`, origin: BAD_ORIGIN });
}

async function gPing() {
  const [uid, sid] = newUser();
  const c = await open('connect', { token: token(uid, sid) });
  if (!c) return;
  const payload = Buffer.from([0, 1, 2, 0xff, 0x41, 0x42]);
  c.ws.ping(payload);
  const it = await c.next();
  check('control ping -> pong with the same payload', it && it.kind === 'pong' && Buffer.compare(it.data, payload) === 0, it);
  c.ws.send(JSON.stringify({ type: 'ping' }));
  const m = await c.json();
  check('JSON ping -> JSON pong with ts', m && m.type === 'pong' && RE_TIME.test(String(m.ts)), m);
  c.ws.send('{"type":"no-such-frame"}');
  const e = await c.json();
  check('unknown client frame type -> error VALIDATION_ERROR, stays open',
    e && e.type === 'error' && e.error && e.error.code === 'VALIDATION_ERROR', e);
  await jsonPong(c, 'after an error frame');
  c.end();
}

async function gFragments() {
  const [uid, sid] = newUser();
  const c = await open('connect', { token: token(uid, sid) });
  if (!c) return;
  c.ws.send('{"ty', { fin: false });
  c.ws.ping('p1');
  c.ws.send('pe":"pi', { fin: false });
  c.ws.ping('p2');
  c.ws.send('ng"}', { fin: true });
  const got = [];
  for (let i = 0; i < 3; i++) {
    const it = await c.next();
    if (!it) break;
    got.push(it.kind === 'pong' ? `pong:${it.data.toString()}` : it.kind === 'text' ? `text:${JSON.parse(it.data).type}` : `${it.kind}:${it.code}`);
  }
  check('3 fragments with pings between: pong p1, pong p2, then the JSON pong',
    JSON.stringify(got) === JSON.stringify(['pong:p1', 'pong:p2', 'text:pong']), got);
  c.end();
}

async function gClose() {
  const [uid, sid] = newUser();
  const c = await open('connect', { token: token(uid, sid) });
  if (!c) return;
  c.ws.close(1000, 'bye');
  check('client close 1000 -> server close 1000', (await c.closeCode()) === 1000, c.closed);
}

async function expectClose(what, want, frames, pre) {
  const [uid, sid] = newUser();
  const c = new Client({ token: token(uid, sid) });
  const r = await c.ready;
  if (!r.open) { fail(`${what} -> close ${want}`, r); return; }
  if (pre) await pre(c);
  for (const f of frames) c.raw(f);
  const code = await c.closeCode();
  check(`${what} -> close ${want}`, code === want, c.closed || 'still open');
  c.end();
}

async function gProtocol() {
  const ping = '{"type":"ping"}';
  await expectClose('unmasked frame (masking required)', 1002, [rawFrame(1, ping, { mask: false })]);
  await expectClose('RSV1 set', 1002, [rawFrame(1, ping, { rsv: 4 })]);
  await expectClose('RSV3 set', 1002, [rawFrame(1, ping, { rsv: 1 })]);
  await expectClose('unknown opcode 7', 1002, [rawFrame(7, ping)]);
  await expectClose('unknown opcode 0xF', 1002, [rawFrame(0xf, '')]);
  await expectClose('fragmented control frame (pong without FIN)', 1002, [rawFrame(0xa, 'x', { fin: false })]);
  await expectClose('control frame > 125 bytes (close of 126)', 1002, [rawFrame(8, Buffer.concat([u16(1000), Buffer.alloc(124, 0x61)]))]);
  await expectClose('continuation without a start', 1002, [rawFrame(0, 'abc')]);
  await expectClose('new text frame inside a fragmented message', 1002, [],
    async (c) => { c.ws.send('{"type"', { fin: false }); c.raw(rawFrame(1, ping)); });
  await expectClose('close code 1006 sent by the client', 1002, [rawFrame(8, u16(1006))]);
}

async function gUtf8() {
  await expectClose('invalid UTF-8 in a text frame', 1007, [rawFrame(1, Buffer.from([0x7b, 0xfe, 0x7d]))]);
  await expectClose('invalid UTF-8 across fragments', 1007,
    [rawFrame(1, Buffer.from('{"x":"\xf0\x9f', 'latin1'), { fin: false }), rawFrame(0, Buffer.from('\x98"}', 'latin1'))]);
  await expectClose('code point above U+10FFFF', 1007, [rawFrame(1, Buffer.from([0xf4, 0x90, 0x80, 0x80]))]);
  await expectClose('invalid UTF-8 in a close reason', 1007, [rawFrame(8, Buffer.concat([u16(1000), Buffer.from([0xc3, 0x28])]))]);
}

async function gSize() {
  await expectClose(`text of ${MAXMSG + 1} bytes`, 1009, [], async (c) => { c.ws.send('x'.repeat(MAXMSG + 1)); });
  const q = Math.floor(MAXMSG / 3) + 1;
  await expectClose(`3 fragments of ${q} bytes (sum above ${MAXMSG})`, 1009, [], async (c) => {
    c.ws.send('x'.repeat(q), { fin: false });
    c.ws.send('x'.repeat(q), { fin: false });
    c.ws.send('x'.repeat(q), { fin: true });
  });
}

async function gEvents() {
  let [uid, sid] = newUser();
  let c = await open('connect', { token: token(uid, sid) });
  if (!c) return;
  if (!check('relay subscribes user:{id}', await waitSubscribers(`user:${uid}`, 1), 'NUMSUB 0')) { c.end(); return; }
  const body = `{"id":"","type":"presence","ts":"2024-05-06T07:08:09Z","data":{"user_id":"${uuid()}","online":true,"last_seen":"2024-05-06T07:08:09Z","x":"\u00e9\\n"}}`;
  await R.cmd('PUBLISH', `user:${uuid()}`, '{"id":"","type":"typing","ts":"x","data":{}}');
  await R.cmd('PUBLISH', `user:${uid}`, body);
  check('PUBLISH user:{id} arrives unchanged (and not another user\'s)', (await c.text()) === body, 'other');
  c.end();

  [uid, sid] = newUser();
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await R.publishEvent(uid, 'message.new', { n: i }));
  c = await open('since', { path: `/v1/ws?since=${ids[2]}`, token: token(uid, sid) });
  if (!c) return;
  const got = [];
  for (let i = 0; i < 3; i++) { const m = await c.json(); got.push(m && m.id); }
  check('since: exactly the later events, in order', JSON.stringify(got) === JSON.stringify(ids.slice(3)), got);
  await waitSubscribers(`user:${uid}`, 1);
  const live = await R.publishEvent(uid, 'message.new', { n: 6 });
  const live2 = await R.publishEvent(uid, 'message.new', { n: 7 });
  const m1 = await c.json(); const m2 = await c.json();
  check('since: then live, no duplicate', m1 && m2 && m1.id === live && m2.id === live2, [m1, m2]);
  c.end();

  // no since: an event written right after the 101 arrived is delivered (the feed starts at the
  // upgrade answer); fresh users, so each socket makes the relay subscribe anew
  let lost = 0;
  for (let i = 0; i < 20; i++) {
    [uid, sid] = newUser();
    const s = new Client({ token: token(uid, sid) });
    if (!(await s.ready).open) { lost++; continue; }
    const id = await R.publishEvent(uid, 'message.new', { n: i });
    const seen = []; // markers until the socket is live: the event, if delivered, came before them
    await syncFeed(s, uid, 10000, seen);
    if (!(seen.length === 1 && seen[0].id === id)) lost++;
    s.end();
  }
  check('no since: an event published right after the 101 arrives (20 fresh sockets)', lost === 0, `${lost} of 20 lost`);

  // a since id beyond the stream's end: nothing replayed, then live
  [uid, sid] = newUser();
  const first = await R.publishEvent(uid, 'message.new', { n: 0 });
  c = await open('since at the end', { path: `/v1/ws?since=${first}`, token: token(uid, sid) });
  if (!c) return;
  await waitSubscribers(`user:${uid}`, 1);
  const next = await R.publishEvent(uid, 'message.new', { n: 1 });
  const m = await c.json();
  check('since at the last id: only the new event', m && m.id === next, m);
  c.end();

  [uid, sid] = newUser();
  c = await open('revocation', { token: token(uid, sid) });
  if (!c) return;
  await jsonPong(c, 'before revocation');
  await R.cmd('SET', `revoked:sid:${sid}`, '1', 'EX', 120);
  await R.cmd('PUBLISH', 'sc:revoked', sid);
  check('session revoked while connected -> close 1008', (await c.closeCode()) === 1008, c.closed);
  c.end();
}

// Publish ephemeral markers (type test.sync) on user:{uid} until c receives one: from then on
// the socket is live (a raw PUBLISH reaches only sockets already subscribed).
async function syncFeed(c, uid, ms = 10000, seen = null) {
  const tag = crypto.randomBytes(8).toString('hex');
  const end = Date.now() + ms;
  for (let k = 0; Date.now() < end; k++) {
    await R.cmd('PUBLISH', `user:${uid}`, JSON.stringify({ id: '', type: 'test.sync', ts: '2024-01-01T00:00:00Z', data: { tag, k } }));
    const inner = Date.now() + 200;
    for (;;) {
      const m = await c.json(Math.max(10, inner - Date.now()));
      if (!m) break;
      if (m.type === 'test.sync') {
        if (m.data && m.data.tag === tag && m.data.k === k) return true;
      } else if (seen) {
        seen.push(m);
      }
    }
  }
  return false;
}

async function nextEvent(c, ms = 5000) {
  for (;;) {
    const m = await c.json(ms);
    if (!(m && m.type === 'test.sync')) return m;
  }
}

async function gSlow() {
  const [uid, sid] = newUser();
  const fast = await open('fast consumer', { token: token(uid, sid) });
  const slow = await open('stalling consumer', { token: token(uid, sid) });
  if (!fast || !slow) return;
  if (!(check('fast socket live', await syncFeed(fast, uid), 'no marker')
      && check('stalling socket live', await syncFeed(slow, uid), 'no marker'))) { fast.end(); slow.end(); return; }
  slow.ws.pause();           // ws stops reading its socket: the kernel buffers fill, then the relay queue
  const base = await metric('sc_relay_slow_consumer_closes_total');
  const pad = 'y'.repeat(16000);
  let n = 0, gotAll = true, closed = false;
  while (n < 3000 && !closed) {   // 48 MB at most
    const sent = [];
    for (let i = 0; i < 25; i++) sent.push(R.cmd('PUBLISH', `user:${uid}`, JSON.stringify({ id: '', type: 'typing', ts: '2024-01-01T00:00:00Z', data: { n: n + i, pad } })));
    await Promise.all(sent);
    for (let i = 0; i < 25; i++) {
      const m = await nextEvent(fast);
      if (!(m && m.data && m.data.n === n + i)) { gotAll = false; break; }
    }
    n += 25;
    if (!gotAll) break;
    const cur = await metric('sc_relay_slow_consumer_closes_total');
    closed = base !== null && cur !== null && cur > base;
  }
  check('the reading client got every event in order', gotAll, `stopped at ${n}`);
  check(`the stalled client was closed (slow-consumer metric rose after ${n} events)`, closed, 'metric unchanged');
  slow.ws.resume();
  check("the stalled client's stream ends with close 1013", (await slow.closeCode(10000)) === 1013, slow.closed);
  await R.cmd('PUBLISH', `user:${uid}`, '{"id":"","type":"typing","ts":"x","data":{"n":"after"}}');
  const m = await nextEvent(fast);
  check('the reading client still receives', m && m.data && m.data.n === 'after', m);
  fast.end();
  slow.end();
}

function ctl(what) {
  try { execFileSync(process.env.WS_CTL, [what], { stdio: 'ignore', timeout: 60000 }); return true; } catch { return false; }
}

async function gRestart() {
  if (!process.env.WS_CTL) { fail('Redis restart', 'WS_CTL is not set'); return; }
  const [uid, sid] = newUser();
  const c = await open('connect', { token: token(uid, sid) });
  if (!c) return;
  await waitSubscribers(`user:${uid}`, 1);
  const last = await R.publishEvent(uid, 'message.new', { n: 'before' });
  const m0 = await c.json();
  check('before the restart: event delivered', m0 && m0.id === last, m0);
  R.close();
  if (!check('redis-stop', ctl('redis-stop'), 'ctl failed')) return;
  await refused('Redis down: new connection', 503, null, { token: token(uid, sid) });
  if (!check('redis-start', ctl('redis-start'), 'ctl failed')) return;
  R = await new Redis().open();
  if (!c.closed) {
    if (check('after the restart the relay resubscribes user:{id}', await waitSubscribers(`user:${uid}`, 1, 15000), 'NUMSUB 0')) {
      const e1 = await R.publishEvent(uid, 'message.new', { n: 'after-1' });
      const m = await c.json();
      check('after the restart: a live event reaches the open socket', (m && m.id === e1) || (c.closed && c.closed.code !== 1006), m || c.closed);
    }
  } else {
    check('the socket closed during the outage got a close frame', c.closed.code !== 1006, c.closed);
  }
  c.end();
  const e2 = await R.publishEvent(uid, 'message.new', { n: 'after-2' });
  let c2 = null;
  const end = Date.now() + 15000;
  while (!c2 && Date.now() < end) {
    const t = new Client({ path: `/v1/ws?since=${last}`, token: token(uid, sid) });
    if ((await t.ready).open) c2 = t; else { t.end(); await sleep(100); }
  }
  if (!check('after the restart: connection with since accepted', c2, 'refused for 15 s')) return;
  const want = (await R.cmd('XRANGE', `events:user:${uid}`, `(${last}`, '+')).map((e) => e[0]);
  const got = [];
  for (let i = 0; i < want.length; i++) { const m = await c2.json(); got.push(m && m.id); }
  check('after the restart: since replays what was written after it', JSON.stringify(got) === JSON.stringify(want) && want.includes(e2), { got, want });
  await waitSubscribers(`user:${uid}`, 1);
  const e3 = await R.publishEvent(uid, 'message.new', { n: 'after-3' });
  const m3 = await c2.json();
  check('after the restart: then live', m3 && m3.id === e3, m3);
  c2.end();
}

const GROUPS = { handshake: gHandshake, ticket: gTicket, ping: gPing, fragments: gFragments, close: gClose,
  protocol: gProtocol, utf8: gUtf8, size: gSize, events: gEvents, slow: gSlow, restart: gRestart };

async function main() {
  const only = process.argv.slice(2);
  const t0 = Date.now();
  R = await new Redis().open();
  for (const [name, fn] of Object.entries(GROUPS)) {
    if (only.length && !only.includes(name)) continue;
    group = name;
    const t = Date.now();
    try {
      await fn();
    } catch (e) {
      fail('the group ran to its end', e && e.stack ? e.stack : String(e));
      try { R.close(); R = await new Redis().open(); } catch { /* Redis gone */ }
    }
    if (process.env.SC_VERBOSE === '1') console.log(`      ${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  R.close();
  console.log(`${NAME}: the run took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${NAME}: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();
