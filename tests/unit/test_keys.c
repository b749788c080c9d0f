/* test_keys.c - lib/sc_keys.c parsing: identity key formats, upload and rotate
 * bodies built from libsignal's own keys and signatures (the XEdDSA fixtures:
 * per identity key, a signed 33-byte EC public key and a signed Kyber1024
 * public key) and from an OpenSSL Ed25519 key, and every refusal naming its
 * field. No database: sc_keys_store is covered by tests/integration/cases-keys.sh. */
#include "t_common.h"

#include <openssl/evp.h>

#include "sc_arena.h"
#include "sc_b64.h"
#include "sc_keys.h"

/* ------------------------------------------------------------------ fixtures */

static unsigned char ID[33], EC[33], EC_SIG[64], KY[1569], KY_SIG[64];

static int unhex(const char *s, unsigned char *out, size_t want)
{
	size_t i;
	if (strlen(s) != 2 * want)
		return -1;
	for (i = 0; i < want; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* The first identity of tests/unit/fixtures/xeddsa.txt with its EC and Kyber
 * messages (cwd-relative: make runs the tests from the repository root). */
static int load(void **state)
{
	static char line[8192];
	FILE *f = fopen("tests/unit/fixtures/xeddsa.txt", "r");
	int have_ec = 0, have_ky = 0;
	(void)state;
	if (f == NULL)
		fail_msg("tests/unit/fixtures/xeddsa.txt not found (run from the repository root)");
	while (fgets(line, sizeof(line), f) != NULL && !(have_ec && have_ky)) {
		char *pub, *msg, *sig, *save = NULL;
		if (line[0] == '#')
			continue;
		pub = strtok_r(line, " \n", &save);
		msg = strtok_r(NULL, " \n", &save);
		sig = strtok_r(NULL, " \n", &save);
		assert_non_null(sig);
		assert_int_equal(unhex(pub, ID, 33), 0);
		if (strlen(msg) == 66 && unhex(msg, EC, 33) == 0 && unhex(sig, EC_SIG, 64) == 0)
			have_ec = 1;
		else if (strlen(msg) == 2 * 1569 && unhex(msg, KY, 1569) == 0 && unhex(sig, KY_SIG, 64) == 0)
			have_ky = 1;
	}
	fclose(f);
	assert_true(have_ec && have_ky);
	return 0;
}

/* ------------------------------------------------------------------ body building */

static json_object *b64(const unsigned char *p, size_t n)
{
	char *s = malloc(SC_B64_LEN(n) + 1);
	json_object *o;
	sc_b64_encode(p, n, s);
	o = json_object_new_string(s);
	free(s);
	return o;
}

static json_object *key_obj(long long id, const unsigned char *pub, size_t n,
    const unsigned char *sig)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "key_id", json_object_new_int64(id));
	json_object_object_add(o, "public_key", b64(pub, n));
	if (sig != NULL)
		json_object_object_add(o, "signature", b64(sig, 64));
	return o;
}

/* an upload of the fixture identity: signed prekey, Kyber prekey, n one-time keys */
static json_object *upload_body(size_t n)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	size_t i;
	json_object_object_add(o, "identity_key", b64(ID, 33));
	json_object_object_add(o, "signed_pre_key", key_obj(1, EC, 33, EC_SIG));
	json_object_object_add(o, "kyber_pre_key", key_obj(2, KY, sizeof(KY), KY_SIG));
	for (i = 0; i < n; i++) {
		unsigned char k[33];
		memset(k, (int)i + 1, sizeof(k));
		k[0] = 0x05;
		json_object_array_add(arr, key_obj((long long)i + 10, k, 33, NULL));
	}
	json_object_object_add(o, "one_time_pre_keys", arr);
	return o;
}

static sc_keys_set SET;

/* parse; returns the error field, or NULL when accepted */
static const char *parse(sc_arena *a, json_object *body, int rotate, sc_verr *e)
{
	if (!rotate)
		memset(&SET, 0, sizeof(SET));
	memset(e, 0, sizeof(*e));
	if (sc_keys_parse(a, body, rotate, &SET, e) == 0)
		return NULL;
	assert_non_null(e->field);
	assert_true(strncmp(e->msg, e->field, strlen(e->field)) == 0);   /* "field: why" */
	return e->field;
}

static void expect_field(sc_arena *a, json_object *body, int rotate, const char *want)
{
	sc_verr e;
	const char *got = parse(a, body, rotate, &e);
	if (got == NULL)
		fail_msg("accepted; expected a refusal naming %s", want);
	if (strcmp(got, want) != 0)
		fail_msg("refusal names %s (%s), expected %s", got, e.msg, want);
}

/* ------------------------------------------------------------------ tests */

static void test_identity(void **state)
{
	sc_keys_identity id;
	sc_verr e;
	unsigned char k[34];
	char s[64];
	(void)state;
	memset(k, 7, sizeof(k));
	sc_b64_encode(k, 32, s);
	assert_int_equal(sc_keys_identity_parse(s, strlen(s), "identity_key", &id, &e), 0);
	assert_int_equal(id.kind, SC_KEYS_ED25519);
	assert_int_equal(id.len, 32);
	k[0] = 0x05;
	sc_b64_encode(k, 33, s);
	assert_int_equal(sc_keys_identity_parse(s, strlen(s), "identity_key", &id, &e), 0);
	assert_int_equal(id.kind, SC_KEYS_CURVE25519);
	assert_memory_equal(id.key, k, 33);
	/* unpadded is the same key */
	assert_int_equal(sc_keys_identity_parse(s, strlen(s) - 1, "identity_key", &id, &e), 0);
	k[0] = 0x06;
	sc_b64_encode(k, 33, s);
	assert_int_equal(sc_keys_identity_parse(s, strlen(s), "identity_key", &id, &e), -1);
	assert_string_equal(e.field, "identity_key");
	sc_b64_encode(k, 31, s);
	assert_int_equal(sc_keys_identity_parse(s, strlen(s), "identity_key", &id, &e), -1);
	k[0] = 0x05;
	sc_b64_encode(k, 34, s);
	assert_int_equal(sc_keys_identity_parse(s, strlen(s), "identity_key", &id, &e), -1);
	assert_int_equal(sc_keys_identity_parse("BQ$$", 4, "identity_key", &id, &e), -1);
	assert_int_equal(sc_keys_identity_parse("", 0, "identity_key", &id, &e), -1);
	/* far too long: refused without decoding */
	memset(s, 'A', sizeof(s));
	assert_int_equal(sc_keys_identity_parse(s, sizeof(s), "identity_key", &id, &e), -1);
}

static void test_upload_curve(void **state)
{
	sc_arena a;
	sc_verr e;
	json_object *b;
	(void)state;
	sc_arena_init(&a);
	b = upload_body(3);
	assert_null(parse(&a, b, 0, &e));
	assert_int_equal(SET.identity.kind, SC_KEYS_CURVE25519);
	assert_int_equal(SET.signed_pre_key.key_id, 1);
	assert_int_equal(SET.signed_pre_key.pub_len, 33);
	assert_true(SET.has_kyber);
	assert_int_equal(SET.kyber_pre_key.pub_len, 1569);
	assert_int_equal(SET.n_one_time, 3);
	assert_int_equal(SET.one_time[2].key_id, 12);
	json_object_put(b);

	/* no Kyber, no one-time keys: fine */
	b = upload_body(0);
	json_object_object_del(b, "kyber_pre_key");
	json_object_object_del(b, "one_time_pre_keys");
	assert_null(parse(&a, b, 0, &e));
	assert_false(SET.has_kyber);
	assert_int_equal(SET.n_one_time, 0);
	json_object_put(b);

	/* 100 is the most */
	b = upload_body(100);
	assert_null(parse(&a, b, 0, &e));
	json_object_put(b);
	b = upload_body(101);
	expect_field(&a, b, 0, "one_time_pre_keys");
	json_object_put(b);
	sc_arena_cleanup(&a);
}

/* body with one member of one object replaced (obj NULL: top level) */
static json_object *with(size_t n, const char *obj, const char *key, json_object *v)
{
	json_object *b = upload_body(n), *o = b;
	if (obj != NULL)
		assert_true(json_object_object_get_ex(b, obj, &o));
	if (v == NULL)
		json_object_object_del(o, key);
	else
		json_object_object_add(o, key, v);
	return b;
}

static void test_upload_refused(void **state)
{
	unsigned char bad[64], k32[32], ky[1569];
	sc_arena a;
	json_object *b, *arr, *item;
	(void)state;
	sc_arena_init(&a);

#define REFUSED(body, field) do { b = (body); expect_field(&a, b, 0, field); json_object_put(b); } while (0)
	REFUSED(with(1, NULL, "identity_key", NULL), "identity_key");
	REFUSED(with(1, NULL, "identity_key", json_object_new_int(3)), "identity_key");
	REFUSED(with(1, NULL, "signed_pre_key", NULL), "signed_pre_key");
	REFUSED(with(1, NULL, "signed_pre_key", json_object_new_string("x")), "signed_pre_key");
	REFUSED(with(1, "signed_pre_key", "key_id", json_object_new_int(0)), "signed_pre_key.key_id");
	REFUSED(with(1, "signed_pre_key", "key_id", json_object_new_int64(4294967296LL)),
	    "signed_pre_key.key_id");
	REFUSED(with(1, "signed_pre_key", "key_id", json_object_new_double(1.5)), "signed_pre_key.key_id");
	REFUSED(with(1, "signed_pre_key", "key_id", NULL), "signed_pre_key.key_id");
	REFUSED(with(1, "signed_pre_key", "public_key", b64(EC + 1, 32)), "signed_pre_key.public_key");
	REFUSED(with(1, "signed_pre_key", "public_key", json_object_new_string("BQ==!")),
	    "signed_pre_key.public_key");
	REFUSED(with(1, "signed_pre_key", "public_key", json_object_new_int(5)),
	    "signed_pre_key.public_key");
	memcpy(bad, EC_SIG, 64);
	bad[3] ^= 1;
	REFUSED(with(1, "signed_pre_key", "signature", b64(bad, 64)), "signed_pre_key.signature");
	memcpy(bad, EC_SIG, 64);
	bad[63] ^= 0x80;   /* the Edwards sign bit */
	REFUSED(with(1, "signed_pre_key", "signature", b64(bad, 64)), "signed_pre_key.signature");
	REFUSED(with(1, "signed_pre_key", "signature", b64(EC_SIG, 63)), "signed_pre_key.signature");
	REFUSED(with(1, "signed_pre_key", "signature", b64(KY_SIG, 64)), "signed_pre_key.signature");
	REFUSED(with(1, "kyber_pre_key", "public_key", b64(KY + 1, 1568)), "kyber_pre_key.public_key");
	memcpy(ky, KY, sizeof(ky));
	ky[0] = 0x07;
	REFUSED(with(1, "kyber_pre_key", "public_key", b64(ky, sizeof(ky))), "kyber_pre_key.public_key");
	ky[0] = 0x08;
	ky[1000] ^= 0x40;
	REFUSED(with(1, "kyber_pre_key", "public_key", b64(ky, sizeof(ky))), "kyber_pre_key.signature");
	REFUSED(with(1, "kyber_pre_key", "signature", b64(EC_SIG, 64)), "kyber_pre_key.signature");
	REFUSED(with(1, "kyber_pre_key", "key_id", json_object_new_int(0)), "kyber_pre_key.key_id");
	REFUSED(with(1, NULL, "one_time_pre_keys", json_object_new_object()), "one_time_pre_keys");

	/* one-time key items */
	b = upload_body(3);
	assert_true(json_object_object_get_ex(b, "one_time_pre_keys", &arr));
	json_object_object_add(json_object_array_get_idx(arr, 2), "key_id", json_object_new_int(10));
	expect_field(&a, b, 0, "one_time_pre_keys[2].key_id");   /* 10 twice */
	json_object_put(b);
	b = upload_body(3);
	assert_true(json_object_object_get_ex(b, "one_time_pre_keys", &arr));
	memset(k32, 9, sizeof(k32));
	json_object_object_add(json_object_array_get_idx(arr, 1), "public_key", b64(k32, 32));
	expect_field(&a, b, 0, "one_time_pre_keys[1].public_key");   /* 32 raw bytes, Curve identity */
	json_object_put(b);
	b = upload_body(2);
	assert_true(json_object_object_get_ex(b, "one_time_pre_keys", &arr));
	json_object_array_put_idx(arr, 1, json_object_new_int(4));
	expect_field(&a, b, 0, "one_time_pre_keys[1]");
	json_object_put(b);
	b = upload_body(2);
	assert_true(json_object_object_get_ex(b, "one_time_pre_keys", &arr));
	item = json_object_array_get_idx(arr, 0);
	json_object_object_del(item, "public_key");
	expect_field(&a, b, 0, "one_time_pre_keys[0].public_key");
	json_object_put(b);
#undef REFUSED
	sc_arena_cleanup(&a);
}

/* An Ed25519 identity made with OpenSSL: 32-byte prekeys allowed, 0x05 ones too. */
static void test_ed25519(void **state)
{
	EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *mc;
	unsigned char pub[32], spk[33], sig[64];
	size_t n = sizeof(pub), sl = sizeof(sig);
	json_object *b, *arr;
	sc_arena a;
	sc_verr e;
	(void)state;
	sc_arena_init(&a);
	assert_non_null(kc);
	assert_int_equal(EVP_PKEY_keygen_init(kc), 1);
	assert_int_equal(EVP_PKEY_keygen(kc, &key), 1);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &n), 1);
	memset(spk, 0x42, sizeof(spk));
	spk[0] = 0x05;
	mc = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(mc, NULL, NULL, NULL, key), 1);
	assert_int_equal(EVP_DigestSign(mc, sig, &sl, spk + 1, 32), 1);   /* over 32 raw bytes */

	b = json_object_new_object();
	json_object_object_add(b, "identity_key", b64(pub, 32));
	json_object_object_add(b, "signed_pre_key", key_obj(5, spk + 1, 32, sig));
	arr = json_object_new_array();
	json_object_array_add(arr, key_obj(1, spk + 1, 32, NULL));
	json_object_array_add(arr, key_obj(2, spk, 33, NULL));
	json_object_object_add(b, "one_time_pre_keys", arr);
	assert_null(parse(&a, b, 0, &e));
	assert_int_equal(SET.identity.kind, SC_KEYS_ED25519);
	assert_int_equal(SET.signed_pre_key.pub_len, 32);
	assert_int_equal(SET.one_time[0].pub_len, 32);
	assert_int_equal(SET.one_time[1].pub_len, 33);
	assert_true(sc_keys_verify(&SET.identity, spk + 1, 32, sig));
	assert_false(sc_keys_verify(&SET.identity, spk, 33, sig));
	/* the signature is over the bytes as uploaded: with the 0x05 byte it fails */
	json_object_object_add(b, "signed_pre_key", key_obj(5, spk, 33, sig));
	expect_field(&a, b, 0, "signed_pre_key.signature");
	json_object_put(b);
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(kc);
	sc_arena_cleanup(&a);
}

static void test_rotate(void **state)
{
	sc_arena a;
	sc_verr e;
	json_object *b;
	(void)state;
	sc_arena_init(&a);
	memset(&SET, 0, sizeof(SET));
	assert_int_equal(sc_keys_identity_parse("BQ==", 4, "x", &SET.identity, &e), -1);
	SET.identity.kind = SC_KEYS_CURVE25519;
	memcpy(SET.identity.key, ID, 33);
	SET.identity.len = 33;

	b = json_object_new_object();
	json_object_object_add(b, "new_signed_pre_key", key_obj(3, EC, 33, EC_SIG));
	json_object_object_add(b, "new_kyber_pre_key", key_obj(4, KY, sizeof(KY), KY_SIG));
	assert_null(parse(&a, b, 1, &e));
	assert_int_equal(SET.signed_pre_key.key_id, 3);
	assert_true(SET.has_kyber);
	json_object_object_add(b, "new_kyber_pre_key", key_obj(4, KY, sizeof(KY), EC_SIG));
	expect_field(&a, b, 1, "new_kyber_pre_key.signature");
	json_object_object_add(b, "new_one_time_keys", json_object_new_string("x"));
	json_object_object_del(b, "new_kyber_pre_key");
	expect_field(&a, b, 1, "new_one_time_keys");
	json_object_object_del(b, "new_signed_pre_key");
	expect_field(&a, b, 1, "new_signed_pre_key");
	/* identity_key in a rotate body is ignored: the stored one counts */
	json_object_put(b);
	b = json_object_new_object();
	json_object_object_add(b, "identity_key", json_object_new_string("garbage"));
	json_object_object_add(b, "new_signed_pre_key", key_obj(3, EC, 33, EC_SIG));
	assert_null(parse(&a, b, 1, &e));
	json_object_put(b);
	sc_arena_cleanup(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test_setup(test_upload_curve, load),
		cmocka_unit_test_setup(test_upload_refused, load),
		cmocka_unit_test(test_ed25519),
		cmocka_unit_test_setup(test_rotate, load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
