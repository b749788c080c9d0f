// tests/push/fakepush.mjs - local FCM, APNs and Web Push services for the tests (Node 20, no npm
// packages). They check what the real ones check and record what they received.
//
// Start (keys first; PORT and CPORT from your own port range, e.g. scripts/svc.sh sc_free_port):
//   tests/push/keys.sh DIR PORT
//   node tests/push/fakepush.mjs --keys DIR --port PORT --control-port CPORT [--pid-file F] &
// Once both ports listen it writes its pid to F and prints one line on stdout,
// {"port":PORT,"control_port":CPORT,"pid":PID}, and it exits on SIGTERM (or SIGINT): stop it
// with `kill PID` (tests/push/run.sh shows the whole start and stop). Port 0 picks a free one.
//
// SecureConnect's configuration: every line of DIR/push.env (keys.sh writes it), that is
//   PUSH_CA_FILE=DIR/ca.pem                        the CA of the fake's certificate
//   FCM_CREDENTIALS_FILE=DIR/service-account.json  its token_uri is https://127.0.0.1:PORT/token
//   FCM_BASE_URL=https://127.0.0.1:PORT            (FCM_TOKEN_URL unset: token_uri is used; or
//                                                   set it to https://127.0.0.1:PORT/token)
//   APNS_KEY_FILE=DIR/AuthKey_TESTKEY123.p8  APNS_KEY_ID=TESTKEY123  APNS_TEAM_ID=TESTTEAM12
//   APNS_TOPIC=org.secureconnect.test        APNS_BASE_URL=https://127.0.0.1:PORT
//   VAPID_PRIVATE_KEY_FILE=DIR/vapid.pem     VAPID_SUBJECT=mailto:push-test@example.org
//
// The services, on https://127.0.0.1:PORT (HTTP/2 only: allowHTTP1 false, as APNs):
//   POST /token                               OAuth 2.0 JWT bearer grant (RFC 7523): the RS256
//        assertion verified with the service account's public key; iss = client_email, scope
//        includes firebase.messaging, aud = token_uri, iat/exp sane, exp - iat <= 3600.
//        -> 200 {access_token, expires_in, token_type:"Bearer"}; 400 invalid_grant otherwise.
//   POST /v1/projects/{project_id}/messages:send   FCM HTTP v1: Bearer = a token issued here (not
//        revoked, not expired) for that project; body {message:{token, data (strings only),
//        notification?{title,body}, android?{priority NORMAL|HIGH, ttl "Ns"}, apns?, webpush?}}.
//        -> 200 {name}; 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 400 INVALID_ARGUMENT.
//   POST /3/device/{hex token}                APNs: authorization bearer ES256 JWT verified with
//        the .p8's public key, kid = APNS_KEY_ID, iss = APNS_TEAM_ID, iat in the last hour;
//        apns-topic = APNS_TOPIC (+ ".voip" for voip), apns-push-type alert|background|voip,
//        apns-priority 5|10 (5 for background), apns-id a UUID when present, apns-expiration a
//        number, JSON body with "aps" of at most 4096 bytes. -> 200 with apns-id; else Apple's
//        status and {"reason": ...} (403 InvalidProviderToken, 400 BadTopic, ...).
//   POST /wp/{subscription id}                Web Push (RFC 8030): Authorization "vapid t=JWT,
//        k=KEY" (RFC 8292): ES256 verified with k, aud = https://127.0.0.1:PORT, exp in the
//        future and at most 24 h ahead, sub mailto: or https:, k = the subscription's
//        application server key when it was created with one (else 403); TTL header;
//        Content-Encoding aes128gcm; the body DECRYPTED (RFC 8291) with the subscription's
//        private key and auth secret -> 201 with Location; 400 when it does not decrypt.
//   Every refusal is recorded in the log with "error" set.
//
// The control API, plain HTTP/1.1 JSON on http://127.0.0.1:CPORT:
//   GET  /health                    {"ok":true}
//   POST /subscriptions             body {} or {"application_server_key": base64url} -> 201
//                                   {id, endpoint, keys:{p256dh, auth}} (base64url, as a browser's
//                                   PushSubscription.toJSON()); a fresh P-256 key pair and auth
//                                   secret that the fake keeps to decrypt
//   POST /script                    body {token, status, times?, retry_after?, reason?,
//                                   error_code?, delay_ms?}: the next `times` pushes (absent:
//                                   all) to token (an FCM/APNs device token or a subscription id
//                                   or endpoint) get `status` once they pass the checks; APNs
//                                   bodies say {"reason"} (default by status: 400 BadDeviceToken,
//                                   410 Unregistered, 429 TooManyRequests, 500
//                                   InternalServerError, 503 ServiceUnavailable), FCM bodies the
//                                   google.rpc error with FcmError errorCode (404 UNREGISTERED,
//                                   400 INVALID_ARGUMENT, 429 QUOTA_EXCEEDED, 503 UNAVAILABLE,
//                                   500 INTERNAL, 401 THIRD_PARTY_AUTH_ERROR); retry_after sets
//                                   Retry-After; status 200 with delay_ms only delays the answer.
//   POST /unscript                  body {token}: drop the scripts of token (pushes to it pass)
//   POST /revoke-fcm-tokens         every issued access token answers 401 from now on
//   GET  /log[?service=&token=&job_id=&status=]  {"entries":[...], "sessions": HTTP/2 sessions opened}
//        entry: {seq, service: "oauth"|"fcm"|"apns"|"web", token, status, error?, job_id,
//        headers (the ones the service reads), payload (the parsed JSON: FCM message, APNs body,
//        web plaintext), plaintext (web), at}
//   POST /reset                     clears the log and the scripts (subscriptions, issued tokens
//                                   stay)
import http from 'node:http';
import http2 from 'node:http2';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) =>
  (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
if (!args.keys || args.port === undefined || args['control-port'] === undefined) {
  console.error('usage: fakepush.mjs --keys DIR --port PORT --control-port CPORT');
  process.exit(2);
}
const DIR = args.keys;
const env = Object.fromEntries(fs.readFileSync(path.join(DIR, 'push.env'), 'utf8').split('\n')
  .filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const sa = JSON.parse(fs.readFileSync(env.FCM_CREDENTIALS_FILE, 'utf8'));
const saPublic = crypto.createPublicKey(sa.private_key);
const apnsPublic = crypto.createPublicKey(fs.readFileSync(env.APNS_KEY_FILE));

const b64u = (b) => Buffer.from(b).toString('base64url');
const unb64u = (s) => (/^[A-Za-z0-9_-]*$/.test(s) ? Buffer.from(s, 'base64url') : null);
const now = () => Math.floor(Date.now() / 1000);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let log = [];
let seq = 0;
let sessions = 0;
let scripts = [];                       // {token, status, times, retry_after, reason, error_code, delay_ms}
const issued = new Map();               // access token -> {project, exp, revoked}
const subs = new Map();                 // id -> {ecdh, pub, auth, ask}
let origin = '';                        // https://127.0.0.1:PORT once listening

function record(e) {
  const entry = { seq: ++seq, at: new Date().toISOString(), ...e };
  log.push(entry);
  return entry;
}

// A compact JWS: its parts decoded, or null.
function parseJws(t) {
  const p = typeof t === 'string' ? t.split('.') : [];
  if (p.length !== 3) return null;
  try {
    const header = JSON.parse(unb64u(p[0]).toString());
    const claims = JSON.parse(unb64u(p[1]).toString());
    const sig = unb64u(p[2]);
    if (!sig || typeof header !== 'object' || typeof claims !== 'object') return null;
    return { header, claims, sig, input: Buffer.from(`${p[0]}.${p[1]}`) };
  } catch { return null; }
}

function verifyJws(j, alg, key) {
  if (!j || j.header.alg !== alg) return false;
  if (alg === 'RS256') return crypto.verify('sha256', j.input, key, j.sig);
  // ES256: the raw 64-byte R||S of RFC 7518 3.4
  return j.sig.length === 64 && crypto.verify('sha256', j.input, { key, dsaEncoding: 'ieee-p1363' }, j.sig);
}

function takeScript(token) {
  const i = scripts.findIndex((s) => s.token === token);
  if (i < 0) return null;
  const s = scripts[i];
  if (s.times != null && --s.times <= 0) scripts.splice(i, 1);
  return s;
}

function send(res, status, body, headers = {}) {
  const data = body == null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...(body != null && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers });
  res.end(data);
}

// ---- OAuth token endpoint ----
function oauth(req, body, res) {
  const refuse = (why) => { record({ service: 'oauth', status: 400, error: why }); send(res, 400, { error: 'invalid_grant', error_description: why }); };
  if (!String(req.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded')) return refuse('content-type');
  const form = new URLSearchParams(body.toString());
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return refuse('grant_type');
  const j = parseJws(form.get('assertion'));
  if (!verifyJws(j, 'RS256', saPublic)) return refuse('Invalid JWT Signature.');
  const c = j.claims;
  if (j.header.kid !== undefined && j.header.kid !== sa.private_key_id) return refuse('kid');
  if (c.iss !== sa.client_email) return refuse('iss');
  if (typeof c.scope !== 'string' || !c.scope.split(' ').includes('https://www.googleapis.com/auth/firebase.messaging')) return refuse('scope');
  if (c.aud !== sa.token_uri) return refuse('aud');
  const t = now();
  if (!Number.isInteger(c.iat) || !Number.isInteger(c.exp) || c.iat > t + 60 || c.exp <= t || c.exp - c.iat > 3600 || c.exp <= c.iat) return refuse('iat/exp');
  const token = `ya29.fake-${crypto.randomBytes(24).toString('base64url')}`;
  issued.set(token, { project: sa.project_id, exp: t + 3600, revoked: false });
  record({ service: 'oauth', status: 200, token: token.slice(0, 16) });
  send(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
}

// ---- FCM HTTP v1 ----
const FCM_CODES = { 400: ['INVALID_ARGUMENT', 'INVALID_ARGUMENT'], 401: ['UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR'],
  403: ['PERMISSION_DENIED', 'SENDER_ID_MISMATCH'], 404: ['NOT_FOUND', 'UNREGISTERED'], 429: ['RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED'],
  500: ['INTERNAL', 'INTERNAL'], 503: ['UNAVAILABLE', 'UNAVAILABLE'] };
function fcmError(status, code, message) {
  const [st, ec] = FCM_CODES[status] || ['UNKNOWN', 'UNSPECIFIED_ERROR'];
  return { error: { code: status, message: message || st, status: st,
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: code || ec }] } };
}

function fcm(req, body, res, project) {
  const auth = String(req.headers.authorization || '');
  const tok = auth.startsWith('Bearer ') ? issued.get(auth.slice(7)) : undefined;
  const refuse = (status, why, token) => {
    record({ service: 'fcm', token, status, error: why });
    const e = fcmError(status, null, why);
    if (status === 401 || status === 403) delete e.error.details;
    send(res, status, e);
  };
  if (!tok || tok.revoked || tok.exp <= now()) return refuse(401, 'Request had invalid authentication credentials.');
  if (tok.project !== project) return refuse(403, 'Permission denied on the project');
  let m;
  try { m = JSON.parse(body.toString()).message; } catch { return refuse(400, 'Invalid JSON payload received.'); }
  if (!m || typeof m !== 'object') return refuse(400, 'message is required');
  const allowed = ['name', 'token', 'data', 'notification', 'android', 'apns', 'webpush', 'fcm_options'];
  const unknown = Object.keys(m).filter((k) => !allowed.includes(k));
  if (unknown.length) return refuse(400, `Unknown name "${unknown[0]}"`, m.token);
  if (typeof m.token !== 'string' || m.token === '') return refuse(400, 'token is required');
  if (m.data !== undefined && (typeof m.data !== 'object' || Object.values(m.data).some((v) => typeof v !== 'string')))
    return refuse(400, 'data values must be strings', m.token);
  if (m.notification !== undefined && (typeof m.notification !== 'object' ||
      Object.entries(m.notification).some(([k, v]) => !['title', 'body', 'image'].includes(k) || typeof v !== 'string')))
    return refuse(400, 'notification', m.token);
  const a = m.android;
  if (a !== undefined && (typeof a !== 'object' || (a.priority !== undefined && !['NORMAL', 'HIGH'].includes(a.priority)) ||
      (a.ttl !== undefined && !/^\d+(\.\d{1,9})?s$/.test(a.ttl))))
    return refuse(400, 'android', m.token);
  const entry = { service: 'fcm', token: m.token, job_id: m.data?.job_id ?? null, payload: m,
    headers: { 'content-type': req.headers['content-type'] } };
  reply(entry, res, m.token, (s) => send(res, s.status, fcmError(s.status, s.error_code),
    s.retry_after != null ? { 'retry-after': String(s.retry_after) } : {}),
  () => send(res, 200, { name: `projects/${project}/messages/${seq}` }));
}

// After the checks: a scripted answer, or the success one.
function reply(entry, res, token, fail, ok) {
  const s = takeScript(token) || (entry.subscription && takeScript(entry.subscription));
  const go = () => {
    if (s && s.status >= 300) { record({ ...entry, status: s.status }); fail(s); } else { record({ ...entry, status: entry.service === 'web' ? 201 : 200 }); ok(); }
  };
  if (s && s.delay_ms) setTimeout(go, s.delay_ms); else go();
}

// ---- APNs ----
const APNS_REASONS = { 400: 'BadDeviceToken', 403: 'InvalidProviderToken', 410: 'Unregistered', 413: 'PayloadTooLarge',
  429: 'TooManyRequests', 500: 'InternalServerError', 503: 'ServiceUnavailable' };
function apns(req, body, res, token) {
  const h = req.headers;
  const refuse = (status, reason) => {
    record({ service: 'apns', token, status, error: reason });
    send(res, status, { reason, ...(status === 410 ? { timestamp: Date.now() } : {}) });
  };
  if (req.httpVersionMajor !== 2) return refuse(400, 'BadPath');
  if (!/^[0-9a-fA-F]{1,200}$/.test(token)) return refuse(400, 'BadDeviceToken');
  const auth = String(h.authorization || '');
  if (!auth) return refuse(403, 'MissingProviderToken');
  const j = auth.startsWith('bearer ') ? parseJws(auth.slice(7)) : null;
  if (!verifyJws(j, 'ES256', apnsPublic) || j.header.kid !== env.APNS_KEY_ID || j.claims.iss !== env.APNS_TEAM_ID ||
      !Number.isInteger(j.claims.iat) || j.claims.iat > now() + 60) return refuse(403, 'InvalidProviderToken');
  if (j.claims.iat < now() - 3600) return refuse(403, 'ExpiredProviderToken');
  const type = h['apns-push-type'];
  if (!['alert', 'background', 'voip', 'complication', 'fileprovider', 'mdm', 'location', 'liveactivity'].includes(type)) return refuse(400, 'InvalidPushType');
  if (!h['apns-topic']) return refuse(400, 'MissingTopic');
  if (h['apns-topic'] !== env.APNS_TOPIC + (type === 'voip' ? '.voip' : '')) return refuse(400, 'BadTopic');
  const prio = h['apns-priority'];
  if (prio !== undefined && !['5', '10', '1'].includes(prio)) return refuse(400, 'BadPriority');
  if (type === 'background' && prio === '10') return refuse(400, 'BadPriority');
  if (h['apns-id'] !== undefined && !UUID.test(h['apns-id'])) return refuse(400, 'BadMessageId');
  if (h['apns-expiration'] !== undefined && !/^\d+$/.test(h['apns-expiration'])) return refuse(400, 'BadExpirationDate');
  if (body.length > (type === 'voip' ? 5120 : 4096)) return refuse(413, 'PayloadTooLarge');
  let p;
  try { p = JSON.parse(body.toString()); } catch { return refuse(400, 'PayloadEmpty'); }
  if (!p || typeof p.aps !== 'object') return refuse(400, 'PayloadEmpty');
  if (type === 'background' && p.aps['content-available'] !== 1) return refuse(400, 'PayloadEmpty');
  const headers = {};
  for (const k of ['apns-topic', 'apns-push-type', 'apns-priority', 'apns-expiration', 'apns-id', 'apns-collapse-id'])
    if (h[k] !== undefined) headers[k] = h[k];
  const id = h['apns-id'] || crypto.randomUUID();
  reply({ service: 'apns', token, job_id: p.job_id ?? null, payload: p, headers }, res, token,
    (s) => send(res, s.status, { reason: s.reason || APNS_REASONS[s.status] || 'InternalServerError', ...(s.status === 410 ? { timestamp: Date.now() } : {}) },
      { 'apns-id': id, ...(s.retry_after != null ? { 'retry-after': String(s.retry_after) } : {}) }),
    () => send(res, 200, null, { 'apns-id': id }));
}

// ---- Web Push ----
function hmac(key, data) { return crypto.createHmac('sha256', key).update(data).digest(); }

// RFC 8291 section 3.4 / RFC 8188: one record, as the receiving browser does it.
function decrypt(sub, body) {
  if (body.length < 21) throw new Error('short body');
  const salt = body.subarray(0, 16), rs = body.readUInt32BE(16), idlen = body[20];
  if (idlen !== 65 || rs < 18 || body.length < 21 + idlen + 17) throw new Error('bad header');
  const asPub = body.subarray(21, 86), ct = body.subarray(86);
  if (ct.length > rs) throw new Error('more than one record');
  const secret = sub.ecdh.computeSecret(asPub);
  const ikm = hmac(hmac(sub.auth, secret), Buffer.concat([Buffer.from('WebPush: info\0'), sub.pub, asPub, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const d = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(ct.subarray(ct.length - 16));
  const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0 || plain[end - 1] !== 2) throw new Error('no last-record delimiter');
  return plain.subarray(0, end - 1);
}

function web(req, body, res, id) {
  const h = req.headers;
  const sub = subs.get(id);
  const refuse = (status, why) => { record({ service: 'web', token: id, subscription: id, status, error: why }); send(res, status, why); };
  if (!sub) return refuse(404, 'no such subscription');
  const m = /^vapid (.*)$/i.exec(String(h.authorization || ''));
  if (!m) return refuse(401, 'Authorization: vapid t=..., k=... required');
  const params = Object.fromEntries(m[1].split(',').map((x) => x.trim().split('=')).filter((x) => x.length === 2));
  const k = unb64u(params.k || '');
  if (!k || k.length !== 65 || k[0] !== 4) return refuse(401, 'k is not an uncompressed P-256 key');
  let key;
  try { key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(k.subarray(1, 33)), y: b64u(k.subarray(33)) }, format: 'jwk' }); } catch { return refuse(401, 'k is not on P-256'); }
  const j = parseJws(params.t);
  if (!verifyJws(j, 'ES256', key)) return refuse(401, 'VAPID signature');
  const c = j.claims;
  if (c.aud !== origin) return refuse(401, `aud must be ${origin}`);
  if (!Number.isInteger(c.exp) || c.exp <= now() || c.exp > now() + 86400) return refuse(401, 'exp');
  if (typeof c.sub !== 'string' || !/^(mailto:|https:)/.test(c.sub)) return refuse(401, 'sub');
  if (sub.ask && !sub.ask.equals(k)) return refuse(403, 'k is not the subscription\'s application server key');
  if (h['content-encoding'] !== 'aes128gcm') return refuse(415, 'Content-Encoding must be aes128gcm');
  if (h.ttl === undefined || !/^\d+$/.test(h.ttl)) return refuse(400, 'TTL header required');
  if (h.urgency !== undefined && !['very-low', 'low', 'normal', 'high'].includes(h.urgency)) return refuse(400, 'Urgency');
  if (body.length > 4096 + 86) return refuse(413, 'payload too large');
  let plain;
  try { plain = decrypt(sub, body); } catch (e) { return refuse(400, `does not decrypt: ${e.message}`); }
  let payload = null;
  try { payload = JSON.parse(plain.toString()); } catch { /* recorded as plaintext only */ }
  const headers = { ttl: h.ttl, urgency: h.urgency, 'content-encoding': h['content-encoding'], topic: h.topic };
  reply({ service: 'web', token: `${origin}/wp/${id}`, subscription: id, job_id: payload?.job_id ?? null, payload,
    plaintext: plain.toString(), headers }, res, `${origin}/wp/${id}`,
  (s) => send(res, s.status, '', s.retry_after != null ? { 'retry-after': String(s.retry_after) } : {}),
  () => send(res, 201, null, { location: `${origin}/msg/${seq}` }));
}

// ---- servers ----
function readBody(req, cap = 65536) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let n = 0;
    req.on('data', (d) => { n += d.length; if (n > cap) reject(new Error('too big')); else parts.push(d); });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

const tlsServer = http2.createSecureServer({
  key: fs.readFileSync(path.join(DIR, 'server.key')),
  cert: fs.readFileSync(path.join(DIR, 'server.pem')),
  allowHTTP1: false,
}, async (req, res) => {
  let body;
  try { body = await readBody(req); } catch { return send(res, 413, ''); }
  const u = new URL(req.url, origin);
  let m;
  if (req.method !== 'POST') return send(res, 405, { reason: 'MethodNotAllowed' });
  if (u.pathname === '/token') return oauth(req, body, res);
  if ((m = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(u.pathname))) return fcm(req, body, res, m[1]);
  if ((m = /^\/3\/device\/([^/]+)$/.exec(u.pathname))) return apns(req, body, res, m[1]);
  if ((m = /^\/wp\/([A-Za-z0-9_-]+)$/.exec(u.pathname))) return web(req, body, res, m[1]);
  send(res, 404, { reason: 'BadPath' });
});
tlsServer.on('session', () => { sessions++; });

const control = http.createServer(async (req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  let body = {};
  try {
    const raw = await readBody(req);
    if (raw.length) body = JSON.parse(raw.toString());
  } catch { return send(res, 400, { error: 'bad JSON' }); }
  const route = `${req.method} ${u.pathname}`;
  if (route === 'GET /health') return send(res, 200, { ok: true });
  if (route === 'POST /subscriptions') {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const id = crypto.randomBytes(12).toString('base64url');
    const ask = body.application_server_key ? unb64u(body.application_server_key) : null;
    subs.set(id, { ecdh, pub: ecdh.getPublicKey(), auth: crypto.randomBytes(16), ask });
    const s = subs.get(id);
    return send(res, 201, { id, endpoint: `${origin}/wp/${id}`, keys: { p256dh: b64u(s.pub), auth: b64u(s.auth) } });
  }
  if (route === 'POST /script') {
    if (typeof body.token !== 'string' || !Number.isInteger(body.status)) return send(res, 400, { error: 'token and status required' });
    let token = body.token;
    if (subs.has(token)) token = `${origin}/wp/${token}`;
    scripts.push({ ...body, token, times: body.times ?? null });
    return send(res, 200, { scripted: scripts.length });
  }
  if (route === 'POST /unscript') {
    if (typeof body.token !== 'string') return send(res, 400, { error: 'token required' });
    const token = subs.has(body.token) ? `${origin}/wp/${body.token}` : body.token;
    const before = scripts.length;
    scripts = scripts.filter((x) => x.token !== token);
    return send(res, 200, { removed: before - scripts.length });
  }
  if (route === 'POST /revoke-fcm-tokens') {
    let n = 0;
    for (const t of issued.values()) if (!t.revoked) { t.revoked = true; n++; }
    return send(res, 200, { revoked: n });
  }
  if (route === 'GET /log') {
    const f = (e) => ['service', 'token', 'job_id', 'status'].every((k) => !u.searchParams.has(k) || String(e[k]) === u.searchParams.get(k));
    return send(res, 200, { entries: log.filter(f), sessions });
  }
  if (route === 'POST /reset') { log = []; scripts = []; return send(res, 200, { ok: true }); }
  send(res, 404, { error: 'no such control route' });
});

const listen = (srv, port) => new Promise((resolve, reject) => {
  srv.once('error', reject);
  srv.listen(Number(port), '127.0.0.1', () => resolve(srv.address().port));
});
const port = await listen(tlsServer, args.port);
origin = `https://127.0.0.1:${port}`;
const controlPort = await listen(control, args['control-port']);
if (args['pid-file']) fs.writeFileSync(args['pid-file'], `${process.pid}\n`);
process.stdout.write(`${JSON.stringify({ port, control_port: controlPort, pid: process.pid })}\n`);

const stop = () => {
  control.close();
  tlsServer.close();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
