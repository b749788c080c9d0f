// tests/e2ee/interop.mjs: the prekey server against a real Signal client library
// (@signalapp/libsignal-client, pinned in package.json), through the web server.
//
//     SC_BASE=http://127.0.0.1:PORT SC_TOKEN_A=... SC_TOKEN_B=... SC_USER_A=<uuid> node interop.mjs
//
// A (SC_TOKEN_A, user id SC_USER_A) makes a real identity key pair, signed prekey, Kyber prekey
// and three one-time prekeys with libsignal and uploads them (uploads with a corrupted signed
// prekey or Kyber signature are refused with 400 first, and leave nothing stored). B
// (SC_TOKEN_B) fetches A's bundle, builds a PreKeyBundle from it, processPreKeyBundle,
// signalEncrypt; A decrypts with signalDecryptPreKey and gets the text, and answers over the
// session. Then A's one-time prekeys are used up and a second sender (another device of B)
// starts a session from a bundle without one_time_pre_key; then A rotates its signed and Kyber
// prekeys (POST /v1/keys/rotate) and a third sender starts a session with the new ones.
// Prints one line per check; the last line is "interop: N passed, M failed"; exit 1 on any
// failure.
import * as S from '@signalapp/libsignal-client';

const BASE = process.env.SC_BASE;
const TOKEN_A = process.env.SC_TOKEN_A;
const TOKEN_B = process.env.SC_TOKEN_B;
const USER_A = process.env.SC_USER_A;
if (!BASE || !TOKEN_A || !TOKEN_B || !USER_A) {
    console.error('interop: SC_BASE, SC_TOKEN_A, SC_TOKEN_B and SC_USER_A must be set');
    console.log('interop: 0 passed, 1 failed');
    process.exit(1);
}

let passed = 0, failed = 0;
function check(name, cond, detail = '') {
    if (cond) { passed++; if (process.env.SC_VERBOSE === '1') console.log(`ok    ${name}`); }
    else { failed++; console.log(`FAIL  ${name}${detail ? `\n      ${detail}` : ''}`); }
    return cond;
}

const b64 = (u8) => Buffer.from(u8).toString('base64');
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
const te = new TextEncoder(), td = new TextDecoder();

async function api(method, path, token, body) {
    const r = await fetch(BASE + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
    });
    let json = null;
    try { json = await r.json(); } catch { /* not JSON */ }
    return { status: r.status, json, text: JSON.stringify(json).slice(0, 300) };
}

// ------------------------------------------------------------------ in-memory stores
class Sessions extends S.SessionStore {
    m = new Map();
    async saveSession(a, r) { this.m.set(a.toString(), r.serialize()); }
    async getSession(a) { const v = this.m.get(a.toString()); return v ? S.SessionRecord.deserialize(v) : null; }
    async getExistingSessions(as) { return Promise.all(as.map((a) => this.getSession(a))); }
}
class Identities extends S.IdentityKeyStore {
    m = new Map();
    constructor(kp, reg) { super(); this.kp = kp; this.reg = reg; }
    async getIdentityKey() { return this.kp.privateKey; }
    async getLocalRegistrationId() { return this.reg; }
    async saveIdentity(a, k) {
        const old = this.m.get(a.toString());
        this.m.set(a.toString(), k.serialize());
        return old && Buffer.compare(Buffer.from(old), Buffer.from(k.serialize())) !== 0
            ? S.IdentityChange.ReplacedExisting : S.IdentityChange.NewOrUnchanged;
    }
    async isTrustedIdentity() { return true; }
    async getIdentity(a) { const v = this.m.get(a.toString()); return v ? S.PublicKey.deserialize(v) : null; }
}
class PreKeys extends S.PreKeyStore {
    m = new Map();
    async savePreKey(id, r) { this.m.set(id, r.serialize()); }
    async getPreKey(id) { const v = this.m.get(id); if (!v) throw new Error(`no prekey ${id}`); return S.PreKeyRecord.deserialize(v); }
    async removePreKey(id) { this.m.delete(id); }
}
class SignedPreKeys extends S.SignedPreKeyStore {
    m = new Map();
    async saveSignedPreKey(id, r) { this.m.set(id, r.serialize()); }
    async getSignedPreKey(id) { const v = this.m.get(id); if (!v) throw new Error(`no signed prekey ${id}`); return S.SignedPreKeyRecord.deserialize(v); }
}
class KyberPreKeys extends S.KyberPreKeyStore {
    m = new Map();
    async saveKyberPreKey(id, r) { this.m.set(id, r.serialize()); }
    async getKyberPreKey(id) { const v = this.m.get(id); if (!v) throw new Error(`no kyber prekey ${id}`); return S.KyberPreKeyRecord.deserialize(v); }
    async markKyberPreKeyUsed() { /* a last-resort key stays */ }
}

function party(name, deviceId) {
    const kp = S.IdentityKeyPair.generate();
    return {
        kp, addr: S.ProtocolAddress.new(name, deviceId),
        sessions: new Sessions(), ids: new Identities(kp, 1 + Math.floor(Math.random() * 16380)),
        pre: new PreKeys(), spk: new SignedPreKeys(), kyber: new KyberPreKeys(),
    };
}

// ------------------------------------------------------------------ A's keys
const A = party(USER_A, 1);
const now = Date.now();
function signedPreKey(id) {
    const priv = S.PrivateKey.generate();
    const sig = A.kp.privateKey.sign(priv.getPublicKey().serialize());
    A.spk.saveSignedPreKey(id, S.SignedPreKeyRecord.new(id, now, priv.getPublicKey(), priv, sig));
    return { key_id: id, public_key: b64(priv.getPublicKey().serialize()), signature: b64(sig) };
}
function kyberPreKey(id) {
    const kp = S.KEMKeyPair.generate();
    const sig = A.kp.privateKey.sign(kp.getPublicKey().serialize());
    A.kyber.saveKyberPreKey(id, S.KyberPreKeyRecord.new(id, now, kp, sig));
    return { key_id: id, public_key: b64(kp.getPublicKey().serialize()), signature: b64(sig) };
}
const otks = [];
for (const id of [101, 102, 103]) {
    const priv = S.PrivateKey.generate();
    await A.pre.savePreKey(id, S.PreKeyRecord.new(id, priv.getPublicKey(), priv));
    otks.push({ key_id: id, public_key: b64(priv.getPublicKey().serialize()) });
}
const upload = {
    identity_key: b64(A.kp.publicKey.serialize()),
    signed_pre_key: signedPreKey(7),
    one_time_pre_keys: otks,
    kyber_pre_key: kyberPreKey(8),
};

// ------------------------------------------------------------------ corrupted signatures
function flipped(s, byte) { const u = unb64(s); u[byte] ^= 0x01; return b64(u); }
let r = await api('POST', '/v1/keys/upload', TOKEN_A,
    { ...upload, signed_pre_key: { ...upload.signed_pre_key, signature: flipped(upload.signed_pre_key.signature, 10) } });
check('corrupted signed prekey signature: 400', r.status === 400, `got ${r.status} ${r.text}`);
check('... VALIDATION_ERROR naming signed_pre_key.signature',
    r.json?.error?.code === 'VALIDATION_ERROR' && r.json?.error?.field === 'signed_pre_key.signature', r.text);
r = await api('POST', '/v1/keys/upload', TOKEN_A,
    { ...upload, kyber_pre_key: { ...upload.kyber_pre_key, signature: flipped(upload.kyber_pre_key.signature, 40) } });
check('corrupted Kyber prekey signature: 400 naming kyber_pre_key.signature',
    r.status === 400 && r.json?.error?.field === 'kyber_pre_key.signature', `got ${r.status} ${r.text}`);
r = await api('POST', '/v1/keys/upload', TOKEN_A,
    { ...upload, kyber_pre_key: { ...upload.kyber_pre_key, signature: upload.signed_pre_key.signature } });
check('the signed prekey signature under the Kyber key: 400', r.status === 400 && r.json?.error?.field === 'kyber_pre_key.signature', `got ${r.status} ${r.text}`);
r = await api('GET', '/v1/keys/count', TOKEN_A);
check('refused uploads stored nothing', r.status === 200 && r.json?.data?.one_time_keys === 0 &&
    r.json?.data?.signed_pre_key_id === null, `got ${r.status} ${r.text}`);

// ------------------------------------------------------------------ upload, fetch, session
r = await api('POST', '/v1/keys/upload', TOKEN_A, upload);
check('upload of libsignal keys: 201 {one_time_keys: 3}', r.status === 201 && r.json?.data?.one_time_keys === 3, `got ${r.status} ${r.text}`);

// one sender: fetch A's bundle as B, start a session, send; A decrypts. Returns the one-time key id used.
async function session(label, sender, expectOtk, spkId, kyberId) {
    const g = await api('GET', `/v1/keys/${USER_A}`, TOKEN_B);
    if (!check(`${label}: GET bundle 200`, g.status === 200, `got ${g.status} ${g.text}`)) return;
    const d = g.json.data;
    check(`${label}: identity key is A's`, d.identity_key === upload.identity_key, d.identity_key);
    check(`${label}: signed prekey ${spkId}`, d.signed_pre_key?.key_id === spkId, JSON.stringify(d.signed_pre_key));
    check(`${label}: Kyber prekey ${kyberId}`, d.kyber_pre_key?.key_id === kyberId, JSON.stringify(d.kyber_pre_key)?.slice(0, 80));
    check(`${label}: one_time_pre_key ${expectOtk ? 'present' : 'absent'}`, ('one_time_pre_key' in d) === expectOtk, JSON.stringify(d.one_time_pre_key));
    const otk = d.one_time_pre_key;
    let bundle;
    try {
        bundle = S.PreKeyBundle.new(1, 1, otk ? otk.key_id : null, otk ? S.PublicKey.deserialize(unb64(otk.public_key)) : null,
            d.signed_pre_key.key_id, S.PublicKey.deserialize(unb64(d.signed_pre_key.public_key)), unb64(d.signed_pre_key.signature),
            S.PublicKey.deserialize(unb64(d.identity_key)),
            d.kyber_pre_key.key_id, S.KEMPublicKey.deserialize(unb64(d.kyber_pre_key.public_key)), unb64(d.kyber_pre_key.signature));
        await S.processPreKeyBundle(bundle, A.addr, sender.addr, sender.sessions, sender.ids);
        check(`${label}: processPreKeyBundle accepts the served bundle`, true);
    } catch (e) {
        check(`${label}: processPreKeyBundle accepts the served bundle`, false, String(e));
        return;
    }
    const text = `hello A, ${label}, ${Math.random()}`;
    const ct = await S.signalEncrypt(te.encode(text), A.addr, sender.addr, sender.sessions, sender.ids);
    check(`${label}: first message is a PreKey message`, ct.type() === S.CiphertextMessageType.PreKey, `type ${ct.type()}`);
    const pm = S.PreKeySignalMessage.deserialize(ct.serialize());
    check(`${label}: message names the served one-time key`, pm.preKeyId() === (otk ? otk.key_id : null), `${pm.preKeyId()}`);
    let plain;
    try {
        plain = await S.signalDecryptPreKey(pm, sender.addr, A.addr, A.sessions, A.ids, A.pre, A.spk, A.kyber);
    } catch (e) {
        check(`${label}: A decrypts with signalDecryptPreKey`, false, String(e));
        return;
    }
    check(`${label}: A decrypts with signalDecryptPreKey`, td.decode(plain) === text, td.decode(plain));
    // and back: A answers over the session, the sender reads it
    const back = await S.signalEncrypt(te.encode(`re: ${text}`), sender.addr, A.addr, A.sessions, A.ids);
    const got = await S.signalDecrypt(S.SignalMessage.deserialize(back.serialize()), A.addr, sender.addr, sender.sessions, sender.ids);
    check(`${label}: the answer decrypts`, td.decode(got) === `re: ${text}`);
    return otk?.key_id;
}

const B1 = party('b-device', 1);
const used = await session('session 1', B1, true, 7, 8);
check('session 1 used the first one-time key (101)', used === 101, `${used}`);

// use up the other two one-time keys
const rest = [];
for (let i = 0; i < 2; i++) {
    const g = await api('GET', `/v1/keys/${USER_A}`, TOKEN_B);
    rest.push(g.json?.data?.one_time_pre_key?.key_id);
}
check('the next fetches hand out 102 and 103', rest[0] === 102 && rest[1] === 103, JSON.stringify(rest));
r = await api('GET', '/v1/keys/count', TOKEN_A);
check('count: 0 one-time keys left, signed 7, Kyber 8', r.json?.data?.one_time_keys === 0 &&
    r.json?.data?.signed_pre_key_id === 7 && r.json?.data?.kyber_pre_key_id === 8, r.text);

const B2 = party('b-device', 2);
await session('session 2 (no one-time key left)', B2, false, 7, 8);

// rotate: new signed and Kyber prekeys, signed with A's identity key (XEdDSA, verified by the server)
r = await api('POST', '/v1/keys/rotate', TOKEN_A, { new_signed_pre_key: signedPreKey(17), new_kyber_pre_key: kyberPreKey(18) });
check('rotate: 200 {signed_pre_key_id 17, kyber_pre_key_id 18}', r.status === 200 && r.json?.data?.signed_pre_key_id === 17 &&
    r.json?.data?.kyber_pre_key_id === 18, `got ${r.status} ${r.text}`);
const bad = signedPreKey(19);
r = await api('POST', '/v1/keys/rotate', TOKEN_A, { new_signed_pre_key: { ...bad, signature: flipped(bad.signature, 50) } });
check('rotate with a corrupted signature: 400 naming new_signed_pre_key.signature',
    r.status === 400 && r.json?.error?.field === 'new_signed_pre_key.signature', `got ${r.status} ${r.text}`);
const B3 = party('b-device', 3);
await session('session 3 (rotated prekeys)', B3, false, 17, 18);

console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
