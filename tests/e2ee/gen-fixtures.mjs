// tests/e2ee/gen-fixtures.mjs: XEdDSA vectors made by the real Signal library, for the C unit
// test tests/unit/test_xeddsa.c (lib/sc_xeddsa.c). Run once; its output is committed:
//     node tests/e2ee/gen-fixtures.mjs > tests/unit/fixtures/xeddsa.txt
// Each line: identity public key (33 bytes, libsignal's 0x05 + Curve25519 u), message, signature
// (64 bytes), all hex ("-" for the empty message). Keys are drawn until at least three have the
// sign bit of their Edwards form set and three clear (libsignal keeps that bit in signature[63]),
// so both conversions are covered. Messages: empty, text, a signed prekey's public key as it is
// uploaded (33 bytes), a Kyber prekey's (1569 bytes: 0x08 + Kyber1024), 1000 random bytes.
// The negative cases (a bit flipped in R, in s, in the message, the wrong key, the sign bit
// flipped) are derived from these in the C test.
import { randomBytes } from 'node:crypto';
import * as S from '@signalapp/libsignal-client';

const hex = (b) => (b.length === 0 ? '-' : Buffer.from(b).toString('hex'));
const version = JSON.parse(
    (await import('node:fs')).readFileSync(new URL('./node_modules/@signalapp/libsignal-client/package.json', import.meta.url))).version;

const keys = [];
let set = 0, clear = 0;
for (let tries = 0; (set < 3 || clear < 3) && tries < 1000; tries++) {
    const ik = S.IdentityKeyPair.generate();
    const bit = ik.privateKey.sign(new Uint8Array([0]))[63] >> 7;
    if (bit ? set >= 3 : clear >= 3) continue;
    bit ? set++ : clear++;
    keys.push(ik);
}
if (set < 3 || clear < 3) throw new Error('could not draw keys of both signs');

const out = [
    `# XEdDSA signatures by @signalapp/libsignal-client ${version} (tests/e2ee/gen-fixtures.mjs); do not edit.`,
    '# public-key(33, 0x05 + u) message signature(64), hex; "-" is the empty message',
];
for (const ik of keys) {
    const msgs = [
        new Uint8Array(0),
        new TextEncoder().encode('SecureConnect XEdDSA fixture'),
        S.PrivateKey.generate().getPublicKey().serialize(),
        S.KEMKeyPair.generate().getPublicKey().serialize(),
        new Uint8Array(randomBytes(1000)),
    ];
    for (const m of msgs) {
        const sig = ik.privateKey.sign(m);
        if (!ik.publicKey.verify(m, sig)) throw new Error('libsignal refused its own signature');
        out.push(`${hex(ik.publicKey.serialize())} ${hex(m)} ${hex(sig)}`);
    }
}
process.stdout.write(out.join('\n') + '\n');
