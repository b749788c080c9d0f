/* fuzz_keys.c - libFuzzer target for the prekey parser (sc_keys_parse: the
 * bodies of POST /v1/keys/upload and /v1/keys/rotate) and the XEdDSA key
 * conversion.
 *
 * The input is a request body. It is parsed as JSON (sc_json_parse_object),
 * then by sc_keys_parse as an upload, and as a rotate under a fixed
 * Curve25519 identity and under a fixed Ed25519 identity. Invariants:
 *  - a refusal returns -1 with a field named and a message "<field>: ...";
 *  - an accepted set has an identity of a known kind and length, key ids in
 *    1..2^32-1, EC public keys of 33 bytes with 0x05 (or 32 bytes only under
 *    an Ed25519 identity), a Kyber key of 0x08 + 1568 bytes, at most 100
 *    one-time keys with distinct ids, and signatures that verify again with
 *    sc_keys_verify (nothing unsigned gets through);
 *  - sc_xeddsa_mont_to_ed and sc_xeddsa_verify on the first 96 raw bytes never
 *    misbehave, and mont_to_ed refuses exactly u = -1 mod p.
 * The seeds (tests/fuzz/corpus/fuzz_keys/) include accepted uploads made with
 * libsignal (tests/e2ee/keygen.mjs), so the paths past the signature checks
 * are reached. Everything is released (LeakSanitizer checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_arena.h"
#include "sc_json.h"
#include "sc_keys.h"
#include "sc_xeddsa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sc_keys_set set;

static int ec_ok(const unsigned char *p, size_t n, sc_keys_kind kind)
{
	return (n == 33 && p[0] == 0x05) || (n == 32 && kind == SC_KEYS_ED25519);
}

static void check_set(int rc, const sc_verr *e)
{
	size_t i, j;

	if (rc != 0) {
		if (rc != -1 || e->field == NULL || e->field[0] == '\0' ||
		    strncmp(e->msg, e->field, strlen(e->field)) != 0)
			abort();
		return;
	}
	if (!((set.identity.kind == SC_KEYS_ED25519 && set.identity.len == 32) ||
	    (set.identity.kind == SC_KEYS_CURVE25519 && set.identity.len == 33 &&
	    set.identity.key[0] == 0x05)))
		abort();
	if (set.signed_pre_key.key_id < 1 || set.signed_pre_key.key_id > SC_KEYS_ID_MAX ||
	    !ec_ok(set.signed_pre_key.pub, set.signed_pre_key.pub_len, set.identity.kind) ||
	    !sc_keys_verify(&set.identity, set.signed_pre_key.pub, set.signed_pre_key.pub_len,
	    set.signed_pre_key.sig))
		abort();
	if (set.has_kyber && (set.kyber_pre_key.key_id < 1 ||
	    set.kyber_pre_key.key_id > SC_KEYS_ID_MAX || set.kyber_pre_key.pub_len != 1569 ||
	    set.kyber_pre_key.pub[0] != 0x08 || !sc_keys_verify(&set.identity,
	    set.kyber_pre_key.pub, set.kyber_pre_key.pub_len, set.kyber_pre_key.sig)))
		abort();
	if (set.n_one_time > SC_KEYS_PER_REQUEST)
		abort();
	for (i = 0; i < set.n_one_time; i++) {
		if (set.one_time[i].key_id < 1 || set.one_time[i].key_id > SC_KEYS_ID_MAX ||
		    !ec_ok(set.one_time[i].pub, set.one_time[i].pub_len, set.identity.kind))
			abort();
		for (j = 0; j < i; j++)
			if (set.one_time[j].key_id == set.one_time[i].key_id)
				abort();
	}
}

static void raw_xeddsa(const uint8_t *data, size_t size)
{
	unsigned char u[32], ed[32], sig[64];
	int rc;

	if (size < 96)
		return;
	memcpy(u, data, 32);
	memcpy(sig, data + 32, 64);
	rc = sc_xeddsa_mont_to_ed(u, sig[63] >> 7, ed);
	/* u + 1 = 0 mod p exactly when the low 255 bits are p - 1 = 2^255 - 20 */
	{
		int minus_one = u[0] == 0xec && (u[31] & 0x7f) == 0x7f;
		for (size_t i = 1; i < 31; i++)
			minus_one &= u[i] == 0xff;
		if ((rc == -1) != minus_one || (rc == 0 && (ed[31] & 0x80) && !(sig[63] >> 7)))
			abort();
	}
	(void)sc_xeddsa_verify(u, data + 96, size - 96, sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	json_object *body = NULL;
	const char *why;
	sc_arena a;
	sc_verr e;

	if (size)
		memcpy(buf, data, size);
	raw_xeddsa(data, size);
	sc_arena_init(&a);
	if (sc_json_parse_object(&a, buf, size, &body, &why) == 0) {
		memset(&set, 0, sizeof(set));
		check_set(sc_keys_parse(&a, body, 0, &set, &e), &e);

		/* rotate under a Curve25519 identity (u = 9) and an Ed25519 one */
		memset(&set, 0, sizeof(set));
		set.identity.kind = SC_KEYS_CURVE25519;
		set.identity.len = 33;
		set.identity.key[0] = 0x05;
		set.identity.key[1] = 9;
		check_set(sc_keys_parse(&a, body, 1, &set, &e), &e);
		memset(&set, 0, sizeof(set));
		set.identity.kind = SC_KEYS_ED25519;
		set.identity.len = 32;
		memset(set.identity.key, 0x66, 32);
		set.identity.key[0] = 0x58;
		check_set(sc_keys_parse(&a, body, 1, &set, &e), &e);
	}
	sc_arena_cleanup(&a);
	free(buf);
	return 0;
}
