'use strict';
// bench/peers/node-relay/relay.js: the Node.js peer of sc-ws-relay in `make bench` (bench/lib/ws.sh).
// What a team would write instead of the C relay: the `ws` server and an `ioredis` subscriber.
//   GET /v1/ws with `Authorization: Bearer <access JWT>` (or ?ticket=<same JWT>, no ticket store):
//   the token is verified like the relay does (HS256 with JWT_SECRET, alg, typ "access", aud
//   "secureconnect-api", iss, exp/nbf with 30 s leeway, sub and sid present), then one EXISTS
//   revoked:sid:<sid> on a command connection; a revoked or bad token gets 401 before the upgrade.
//   Each connection is added to the set of its user; the first one subscribes user:{id} on the
//   process's one subscriber connection, the last one to close unsubscribes. Every message on
//   user:{id} is sent unchanged as one text frame to every socket of that user.
//   Client frames: {"type":"ping"} answered with {"type":"pong","ts":...}; others ignored.
//   Protocol pings every 30 s; a socket that missed the previous pong is terminated.
// Environment: PORT, WORKERS (1: this process serves; N > 1: node:cluster primary forking N
// workers that share the port), REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, JWT_SECRET, JWT_ISSUER.
// Prints "node-relay: listening" (once per worker) when it accepts connections.

const cluster = require('node:cluster');
const http = require('node:http');
const crypto = require('node:crypto');
const { WebSocketServer } = require('ws');
const Redis = require('ioredis');

const PORT = Number(process.env.PORT || 0);
const WORKERS = Math.max(1, Number(process.env.WORKERS || 1));
const SECRET = Buffer.from(process.env.JWT_SECRET || '', 'utf8');
const ISSUER = process.env.JWT_ISSUER || 'secureconnect';
const LEEWAY = 30;
if (!PORT || SECRET.length < 32) {
  console.error('node-relay: PORT and JWT_SECRET (32+ bytes) are required');
  process.exit(2);
}

if (WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('exit', (w, code) => {
    console.error(`node-relay: worker ${w.process.pid} exited (${code})`);
  });
  const stop = () => {
    for (const id in cluster.workers) cluster.workers[id].kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  serve();
}

function b64urlJSON(s) {
  return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
}

// -> claims, or null
function verify(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const mac = crypto.createHmac('sha256', SECRET).update(parts[0] + '.' + parts[1]).digest();
  const sig = Buffer.from(parts[2], 'base64url');
  if (sig.length !== mac.length || !crypto.timingSafeEqual(sig, mac)) return null;
  let h, c;
  try {
    h = b64urlJSON(parts[0]);
    c = b64urlJSON(parts[1]);
  } catch (e) {
    return null;
  }
  const now = Math.floor(Date.now() / 1000);
  if (h.alg !== 'HS256' || c.typ !== 'access' || c.aud !== 'secureconnect-api' || c.iss !== ISSUER) return null;
  if (typeof c.exp !== 'number' || c.exp + LEEWAY < now) return null;
  if (typeof c.nbf === 'number' && c.nbf - LEEWAY > now) return null;
  if (typeof c.sub !== 'string' || typeof c.sid !== 'string' || typeof c.iat !== 'number') return null;
  return c;
}

function refuse(socket, status, text, code) {
  const body = JSON.stringify({ success: false, error: { code, message: text }, meta: {} });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function serve() {
  const redisOpts = {
    host: process.env.REDIS_HOST || '127.0.0.1',
    port: Number(process.env.REDIS_PORT || 6379),
    password: process.env.REDIS_PASSWORD || undefined,
    enableAutoPipelining: true,
  };
  const cmd = new Redis(redisOpts);
  const sub = new Redis(redisOpts);
  const users = new Map(); // user id -> Set of sockets

  sub.on('messageBuffer', (channel, message) => {
    const set = users.get(channel.toString('latin1').slice(5)); // "user:" prefix
    if (!set) return;
    for (const ws of set) ws.send(message, { binary: false });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 65536, clientTracking: true });
  const server = http.createServer((req, res) => {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"success":false,"error":{"code":"NOT_FOUND","message":"not found"},"meta":{}}');
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path !== '/v1/ws') return refuse(socket, 404, 'Not Found', 'NOT_FOUND');
    let token = '';
    const auth = req.headers.authorization || '';
    if (auth.startsWith('Bearer ')) token = auth.slice(7);
    else if (q >= 0) token = new URLSearchParams(req.url.slice(q + 1)).get('ticket') || '';
    const c = token ? verify(token) : null;
    if (!c) return refuse(socket, 401, 'Unauthorized', 'UNAUTHORIZED');
    cmd.exists('revoked:sid:' + c.sid).then((revoked) => {
      if (revoked) return refuse(socket, 401, 'Unauthorized', 'UNAUTHORIZED');
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, c.sub));
    }, () => refuse(socket, 503, 'Service Unavailable', 'SERVICE_UNAVAILABLE'));
  });

  function attach(ws, user) {
    let set = users.get(user);
    if (!set) {
      set = new Set();
      users.set(user, set);
      sub.subscribe('user:' + user).catch(() => {});
    }
    set.add(ws);
    ws.alive = true;
    ws.on('pong', () => { ws.alive = true; });
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let m;
      try { m = JSON.parse(data); } catch (e) { return; }
      if (m && m.type === 'ping') ws.send(JSON.stringify({ type: 'pong', ts: new Date().toISOString() }));
    });
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0 && users.get(user) === set) {
        users.delete(user);
        sub.unsubscribe('user:' + user).catch(() => {});
      }
    });
  }

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!ws.alive) { ws.terminate(); continue; }
      ws.alive = false;
      ws.ping();
    }
  }, 30000);

  server.listen({ port: PORT, host: '127.0.0.1', backlog: 4096 }, () => {
    console.error('node-relay: listening');
  });
  const stop = () => {
    clearInterval(pinger);
    for (const ws of wss.clients) ws.close(1001);
    server.close();
    cmd.disconnect();
    sub.disconnect();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
