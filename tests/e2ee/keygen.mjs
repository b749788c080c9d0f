// tests/e2ee/keygen.mjs: request bodies for POST /v1/keys/upload and /v1/keys/rotate with real
// keys and signatures, for tests/integration/cases-keys.sh (which mutates them with jq for the
// error cases) and for the committed examples (docs/examples/keys-*.json).
//
//     node tests/e2ee/keygen.mjs OUT-DIR < SPEC
//
// SPEC, one command a line (# comments):
//   ident NAME curve|ed25519
//       an identity key pair: curve = libsignal IdentityKeyPair (33-byte 0x05 public key,
//       XEdDSA signatures), ed25519 = node:crypto (32-byte public key, Ed25519 signatures)
//   body FILE IDENT upload|rotate [spk=ID] [kyber=ID] [otk=START:COUNT] [raw32]
//       OUT-DIR/FILE: an upload {identity_key, signed_pre_key, one_time_pre_keys,
//       kyber_pre_key?} or a rotate {new_signed_pre_key, new_one_time_keys, new_kyber_pre_key?}
//       body signed by IDENT. spk: the signed prekey's id (default 1); kyber: add a Kyber1024
//       prekey with that id; otk: COUNT one-time prekeys with ids START.. (default none); raw32:
//       EC prekeys as 32 raw bytes instead of 0x05 + 32 (only meaningful for ed25519).
// Prints nothing; exits 1 with a message on a bad line.
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as S from '@signalapp/libsignal-client';

const b64 = (u8) => Buffer.from(u8).toString('base64');
const die = (m) => { process.stderr.write(`keygen: ${m}\n`); process.exit(1); };

const out = process.argv[2] || die('usage: keygen.mjs OUT-DIR < SPEC');
const idents = new Map();

function mkIdent(kind) {
    if (kind === 'curve') {
        const kp = S.IdentityKeyPair.generate();
        return { pub: kp.publicKey.serialize(), sign: (m) => kp.privateKey.sign(m) };
    }
    if (kind === 'ed25519') {
        const { publicKey, privateKey } = generateKeyPairSync('ed25519');
        const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
        return { pub: new Uint8Array(raw), sign: (m) => new Uint8Array(edSign(null, Buffer.from(m), privateKey)) };
    }
    return die(`unknown identity kind ${kind}`);
}

function ecPub(raw32) {
    const p = S.PrivateKey.generate().getPublicKey().serialize();
    return raw32 ? p.subarray(1) : p;
}

for (const line of readFileSync(0, 'utf8').split('\n')) {
    const w = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (w.length === 0) continue;
    if (w[0] === 'ident') {
        if (w.length !== 3) die(`bad line: ${line}`);
        idents.set(w[1], mkIdent(w[2]));
        continue;
    }
    if (w[0] !== 'body' || w.length < 4) die(`bad line: ${line}`);
    const id = idents.get(w[2]) || die(`unknown identity ${w[2]}`);
    const rotate = w[3] === 'rotate' ? true : w[3] === 'upload' ? false : die(`bad kind ${w[3]}`);
    const opt = Object.fromEntries(w.slice(4).map((x) => (x.includes('=') ? x.split('=') : [x, true])));
    const spkPub = ecPub(opt.raw32);
    const spk = { key_id: Number(opt.spk || 1), public_key: b64(spkPub), signature: b64(id.sign(spkPub)) };
    const body = rotate ? { new_signed_pre_key: spk } : { identity_key: b64(id.pub), signed_pre_key: spk };
    const otks = [];
    if (opt.otk) {
        const [start, count] = opt.otk.split(':').map(Number);
        for (let i = 0; i < count; i++) otks.push({ key_id: start + i, public_key: b64(ecPub(opt.raw32)) });
    }
    body[rotate ? 'new_one_time_keys' : 'one_time_pre_keys'] = otks;
    if (opt.kyber) {
        const kp = S.KEMKeyPair.generate().getPublicKey().serialize();
        body[rotate ? 'new_kyber_pre_key' : 'kyber_pre_key'] =
            { key_id: Number(opt.kyber), public_key: b64(kp), signature: b64(id.sign(kp)) };
    }
    writeFileSync(join(out, w[1]), JSON.stringify(body) + '\n');
}
