/* test_webpush.c - lib/sc_webpush: the RFC 8291 section 5 example byte for
 * byte; a round trip through a decryption written here from the RFC with
 * HMAC and EVP (not the library's EVP_KDF path); the size limit; the origin
 * of an endpoint; the VAPID header (RFC 8292) verified with the key it
 * carries in k=. */
#include "t_common.h"

#include <json-c/json.h>
#include <openssl/hmac.h>

#include "sc_b64.h"
#include "sc_jws.h"
#include "sc_webpush.h"

static void b64d(const char *s, unsigned char *out, size_t cap, size_t want)
{
	size_t n = 0;
	assert_int_equal(sc_b64url_decode(s, strlen(s), out, cap, &n), 0);
	assert_int_equal(n, want);
}

/* RFC 8291 section 5 (and appendix A): "When I grow up, I want to be a watermelon". */
static void test_rfc8291_vector(void **state)
{
	static const char *plain = "When I grow up, I want to be a watermelon";
	static const char *expect =
	    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
	    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
	    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
	unsigned char as_pub[65], as_priv[32], ua_pub[65], salt[16], auth[16], *out = NULL;
	char err[128], enc[400];
	size_t n = 0;
	sc_webpush_fixed fx;
	(void)state;
	b64d("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
	    as_pub, sizeof(as_pub), 65);
	b64d("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw", as_priv, sizeof(as_priv), 32);
	b64d("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
	    ua_pub, sizeof(ua_pub), 65);
	b64d("DGv6ra1nlYgDCS1FRnbzlw", salt, sizeof(salt), 16);
	b64d("BTBZMqHH6r4Tts7J_aSIgg", auth, sizeof(auth), 16);
	fx.salt = salt;
	fx.sender = sc_jws_ec_from_raw(as_pub, as_priv);
	assert_non_null(fx.sender);
	assert_int_equal(sc_webpush_encrypt(ua_pub, auth, plain, strlen(plain), &fx, &out, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 86 + strlen(plain) + 17);
	sc_b64url_encode(out, n, enc);
	assert_string_equal(enc, expect);
	free(out);
	EVP_PKEY_free(fx.sender);
}

/* The receiving side, from RFC 8291 section 3.4 and RFC 8188 section 2, with
 * one-shot HMAC for HKDF. Returns the plaintext length or -1. */
static int decrypt(EVP_PKEY *ua, const unsigned char ua_pub[65], const unsigned char auth[16],
    const unsigned char *body, size_t n, unsigned char *plain)
{
	unsigned char secret[32], prk[32], ikm[32], prk2[32], t[32], info[200];
	unsigned char rec[SC_WEBPUSH_RS];
	unsigned int ml = 32;
	size_t sl = 32, il, ct;
	uint32_t rs;
	int l1 = 0, l2 = 0, ok;
	EVP_PKEY *as;
	EVP_PKEY_CTX *dc;
	EVP_CIPHER_CTX *c;
	if (n < 86 + 17 || body[20] != 65)
		return -1;
	rs = (uint32_t)body[16] << 24 | (uint32_t)body[17] << 16 | (uint32_t)body[18] << 8 | body[19];
	if (rs != 4096 || n - 86 > rs)
		return -1;
	as = sc_jws_ec_from_raw(body + 21, NULL);
	dc = EVP_PKEY_CTX_new(ua, NULL);
	ok = as && dc && EVP_PKEY_derive_init(dc) == 1 && EVP_PKEY_derive_set_peer(dc, as) == 1 &&
	    EVP_PKEY_derive(dc, secret, &sl) == 1;
	EVP_PKEY_CTX_free(dc);
	if (!ok) {
		EVP_PKEY_free(as);
		return -1;
	}
	/* PRK_key = HMAC(auth, ecdh); IKM = HMAC(PRK_key, "WebPush: info" 0 ua as 1) */
	HMAC(EVP_sha256(), auth, 16, secret, 32, prk, &ml);
	memcpy(info, "WebPush: info", 14);
	memcpy(info + 14, ua_pub, 65);
	memcpy(info + 79, body + 21, 65);
	info[144] = 1;
	HMAC(EVP_sha256(), prk, 32, info, 145, ikm, &ml);
	EVP_PKEY_free(as);
	/* PRK = HMAC(salt, IKM); CEK = HMAC(PRK, "Content-Encoding: aes128gcm" 0 1)[0..16);
	 * NONCE = HMAC(PRK, "Content-Encoding: nonce" 0 1)[0..12) */
	HMAC(EVP_sha256(), body, 16, ikm, 32, prk2, &ml);
	il = sizeof("Content-Encoding: aes128gcm");
	memcpy(info, "Content-Encoding: aes128gcm", il);
	info[il] = 1;
	HMAC(EVP_sha256(), prk2, 32, info, il + 1, t, &ml);
	memcpy(secret, t, 16);                            /* CEK */
	il = sizeof("Content-Encoding: nonce");
	memcpy(info, "Content-Encoding: nonce", il);
	info[il] = 1;
	HMAC(EVP_sha256(), prk2, 32, info, il + 1, t, &ml);  /* t[0..12) = nonce */
	ct = n - 86 - 16;
	c = EVP_CIPHER_CTX_new();
	ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, secret, t) == 1 &&
	    EVP_DecryptUpdate(c, rec, &l1, body + 86, (int)ct) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(body + n - 16)) == 1 &&
	    EVP_DecryptFinal_ex(c, rec + l1, &l2) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok || (size_t)(l1 + l2) != ct)
		return -1;
	/* strip padding zeros, then the last-record delimiter 0x02 */
	while (ct > 0 && rec[ct - 1] == 0)
		ct--;
	if (ct == 0 || rec[ct - 1] != 2)
		return -1;
	memcpy(plain, rec, ct - 1);
	return (int)(ct - 1);
}

static void test_round_trip(void **state)
{
	EVP_PKEY *ua = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char ua_pub[65], auth[16], *out = NULL, *out2 = NULL, got[SC_WEBPUSH_RS];
	static char big[SC_WEBPUSH_MAX_PLAINTEXT + 1];
	const char *msg = "{\"type\":\"message.new\",\"job_id\":\"1700000000000-0\",\"title\":\"Ada\"}";
	char err[128];
	size_t n = 0, n2 = 0;
	(void)state;
	assert_int_equal(sc_jws_ec_public_raw(ua, ua_pub), 0);
	memcpy(auth, "0123456789abcdef", 16);
	assert_int_equal(sc_webpush_encrypt(ua_pub, auth, msg, strlen(msg), NULL, &out, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(decrypt(ua, ua_pub, auth, out, n, got), (int)strlen(msg));
	assert_memory_equal(got, msg, strlen(msg));
	/* fresh salt and sender key each time */
	assert_int_equal(sc_webpush_encrypt(ua_pub, auth, msg, strlen(msg), NULL, &out2, &n2, err,
	    sizeof(err)), 0);
	assert_int_not_equal(memcmp(out, out2, 16), 0);
	assert_int_not_equal(memcmp(out + 21, out2 + 21, 65), 0);
	/* a changed byte or another auth secret does not decrypt */
	out[n - 1] ^= 1;
	assert_int_equal(decrypt(ua, ua_pub, auth, out, n, got), -1);
	out[n - 1] ^= 1;
	auth[0] ^= 1;
	assert_int_equal(decrypt(ua, ua_pub, auth, out, n, got), -1);
	auth[0] ^= 1;
	free(out);
	free(out2);
	/* the largest plaintext that fits one 4096-byte record, and one byte more */
	memset(big, 'x', sizeof(big));
	assert_int_equal(sc_webpush_encrypt(ua_pub, auth, big, SC_WEBPUSH_MAX_PLAINTEXT, NULL, &out, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 86 + 4096);
	assert_int_equal(decrypt(ua, ua_pub, auth, out, n, got), (int)SC_WEBPUSH_MAX_PLAINTEXT);
	free(out);
	out = NULL;
	assert_int_equal(sc_webpush_encrypt(ua_pub, auth, big, SC_WEBPUSH_MAX_PLAINTEXT + 1, NULL, &out,
	    &n, err, sizeof(err)), -1);
	assert_null(out);
	/* a p256dh off the curve */
	ua_pub[64] ^= 1;
	assert_int_equal(sc_webpush_encrypt(ua_pub, auth, msg, strlen(msg), NULL, &out, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "p256dh"));
	EVP_PKEY_free(ua);
}

static void test_origin(void **state)
{
	char o[SC_WEBPUSH_ORIGIN_MAX];
	(void)state;
	assert_int_equal(sc_webpush_origin("https://fcm.googleapis.com/fcm/send/abc:def", o, sizeof(o)), 0);
	assert_string_equal(o, "https://fcm.googleapis.com");
	assert_int_equal(sc_webpush_origin("https://Push.Example.NET:8443/wp/1?x=y", o, sizeof(o)), 0);
	assert_string_equal(o, "https://push.example.net:8443");
	assert_int_equal(sc_webpush_origin("https://push.example.net:443/wp/1", o, sizeof(o)), 0);
	assert_string_equal(o, "https://push.example.net");
	assert_int_equal(sc_webpush_origin("https://127.0.0.1:63501/wp/x", o, sizeof(o)), 0);
	assert_string_equal(o, "https://127.0.0.1:63501");
	assert_int_equal(sc_webpush_origin("https://[::1]:9/wp", o, sizeof(o)), 0);
	assert_string_equal(o, "https://[::1]:9");
	assert_int_equal(sc_webpush_origin("http://push.example.net/wp/1", o, sizeof(o)), -1);
	assert_int_equal(sc_webpush_origin("push.example.net/wp/1", o, sizeof(o)), -1);
	assert_int_equal(sc_webpush_origin("", o, sizeof(o)), -1);
	assert_int_equal(sc_webpush_origin("https://push.example.net/", o, 10), -1);   /* too small */
}

static void test_vapid(void **state)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), *fromk;
	char hdr[SC_WEBPUSH_VAPID_MAX], err[128], jwt[SC_WEBPUSH_VAPID_MAX], *claims = NULL, *hj = NULL;
	unsigned char pub[65], mine[65];
	const char *t, *k;
	json_object *o, *v;
	(void)state;
	assert_int_equal(sc_webpush_vapid(key, "https://push.example.net:8443/wp/abc",
	    "mailto:ops@example.org", 1700000000LL, hdr, sizeof(hdr), err, sizeof(err)), 0);
	/* "vapid t=<jwt>, k=<key>" */
	assert_int_equal(strncmp(hdr, "vapid t=", 8), 0);
	t = hdr + 8;
	k = strstr(hdr, ", k=");
	assert_non_null(k);
	memcpy(jwt, t, (size_t)(k - t));
	jwt[k - t] = '\0';
	k += 4;
	/* k= is the uncompressed public key of the VAPID key, and verifies t= */
	b64d(k, pub, sizeof(pub), 65);
	assert_int_equal(sc_jws_ec_public_raw(key, mine), 0);
	assert_memory_equal(pub, mine, 65);
	fromk = sc_jws_ec_from_raw(pub, NULL);
	assert_non_null(fromk);
	assert_int_equal(sc_jws_verify(fromk, jwt, &hj, &claims), 0);
	assert_string_equal(hj, "{\"alg\":\"ES256\",\"typ\":\"JWT\"}");
	o = json_tokener_parse(claims);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "aud", &v));
	assert_string_equal(json_object_get_string(v), "https://push.example.net:8443");
	assert_true(json_object_object_get_ex(o, "exp", &v));
	assert_int_equal(json_object_get_int64(v), 1700000000LL + 12 * 3600);
	assert_true(json_object_object_get_ex(o, "sub", &v));
	assert_string_equal(json_object_get_string(v), "mailto:ops@example.org");
	json_object_put(o);
	free(claims);
	free(hj);
	/* another key does not verify it */
	{
		EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		assert_int_equal(sc_jws_verify(other, jwt, NULL, NULL), -1);
		EVP_PKEY_free(other);
	}
	/* not an https endpoint; not an EC key */
	assert_int_equal(sc_webpush_vapid(key, "http://x/wp", "mailto:a@b", 1, hdr, sizeof(hdr), err,
	    sizeof(err)), -1);
	EVP_PKEY_free(fromk);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8291_vector),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_vapid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
