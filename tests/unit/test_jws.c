/* test_jws.c - lib/sc_jws: base64url, PEM key loading (PKCS#8, SEC1, PKCS#1;
 * refusals), ES256 with raw R||S signatures (RFC 7515 A.3 verifies; our own
 * signatures verify with plain EVP after converting back to DER), RS256
 * (checked with EVP directly), tampering and algorithm confusion refused. */
#include "t_common.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "sc_b64.h"
#include "sc_jws.h"

static EVP_PKEY *ec_key;     /* P-256, generated once */
static EVP_PKEY *rsa_key;    /* RSA-2048, generated once */

static int setup(void **state)
{
	(void)state;
	ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	return ec_key && rsa_key ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(rsa_key);
	return 0;
}

/* PEM text of k: PKCS#8 (traditional = 0) or SEC1/PKCS#1 (1). Caller frees. */
static char *pem_of(EVP_PKEY *k, int traditional, size_t *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long len;
	assert_non_null(b);
	if (traditional)
		assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
	len = BIO_get_mem_data(b, &p);
	out = malloc((size_t)len + 1);
	memcpy(out, p, (size_t)len);
	out[len] = '\0';
	*n = (size_t)len;
	BIO_free(b);
	return out;
}

static void test_b64url(void **state)
{
	unsigned char out[16];
	size_t n = 0;
	(void)state;
	assert_int_equal(sc_b64url_decode("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sc_b64url_decode("-_8", 3, out, sizeof(out), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xfb);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(sc_b64url_decode("AQID", 4, out, sizeof(out), &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\x01\x02\x03", 3);
	/* padding, the standard alphabet, a lone char, non-zero unused bits: refused */
	assert_int_equal(sc_b64url_decode("AQ==", 4, out, sizeof(out), &n), -1);
	assert_int_equal(sc_b64url_decode("+/8", 3, out, sizeof(out), &n), -1);
	assert_int_equal(sc_b64url_decode("AQIDB", 5, out, sizeof(out), &n), -1);
	assert_int_equal(sc_b64url_decode("AR", 2, out, sizeof(out), &n), -1);
	/* the cap */
	assert_int_equal(sc_b64url_decode("AQID", 4, out, 2, &n), -1);
}

static void test_key_loading(void **state)
{
	char err[256], *pem;
	size_t n;
	EVP_PKEY *k, *small;
	(void)state;
	pem = pem_of(ec_key, 0, &n);                      /* PKCS#8, like an APNs .p8 */
	assert_non_null(strstr(pem, "BEGIN PRIVATE KEY"));
	k = sc_jws_key_from_pem(pem, n, err, sizeof(err));
	assert_non_null(k);
	assert_string_equal(sc_jws_alg(k), "ES256");
	assert_int_equal(EVP_PKEY_eq(k, ec_key), 1);
	EVP_PKEY_free(k);
	free(pem);
	pem = pem_of(ec_key, 1, &n);                      /* SEC1 */
	assert_non_null(strstr(pem, "BEGIN EC PRIVATE KEY"));
	k = sc_jws_key_from_pem(pem, n, err, sizeof(err));
	assert_non_null(k);
	EVP_PKEY_free(k);
	free(pem);
	pem = pem_of(rsa_key, 0, &n);                     /* PKCS#8 RSA, a service account's */
	k = sc_jws_key_from_pem(pem, n, err, sizeof(err));
	assert_non_null(k);
	assert_string_equal(sc_jws_alg(k), "RS256");
	EVP_PKEY_free(k);
	free(pem);
	/* P-384 and RSA-1024 are refused */
	small = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	pem = pem_of(small, 0, &n);
	assert_null(sc_jws_key_from_pem(pem, n, err, sizeof(err)));
	assert_non_null(strstr(err, "P-256"));
	EVP_PKEY_free(small);
	free(pem);
	small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	pem = pem_of(small, 0, &n);
	assert_null(sc_jws_key_from_pem(pem, n, err, sizeof(err)));
	EVP_PKEY_free(small);
	free(pem);
	/* garbage, and a missing file */
	assert_null(sc_jws_key_from_pem("nope", 4, err, sizeof(err)));
	assert_null(sc_jws_key_load("/nonexistent/key.p8", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/key.p8"));
}

static void test_encrypted_pem_refused(void **state)
{
	BIO *b = BIO_new(BIO_s_mem());
	char err[256], *p;
	long len;
	(void)state;
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(b, ec_key, EVP_aes_128_cbc(), NULL, 0, NULL,
	    (void *)"secret"), 1);
	len = BIO_get_mem_data(b, &p);
	/* refused, not prompted for on the terminal */
	assert_null(sc_jws_key_from_pem(p, (size_t)len, err, sizeof(err)));
	BIO_free(b);
}

/* RFC 7515 appendix A.3: the ES256 example verifies with the JWK's public key. */
static void test_rfc7515_es256(void **state)
{
	static const char *x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
	static const char *y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
	static const char *jws = "eyJhbGciOiJFUzI1NiJ9"
	    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
	unsigned char pub[65];
	size_t n;
	char *claims = NULL, bad[400];
	EVP_PKEY *k;
	(void)state;
	pub[0] = 4;
	assert_int_equal(sc_b64url_decode(x, strlen(x), pub + 1, 32, &n), 0);
	assert_int_equal(sc_b64url_decode(y, strlen(y), pub + 33, 32, &n), 0);
	k = sc_jws_ec_from_raw(pub, NULL);
	assert_non_null(k);
	assert_int_equal(sc_jws_verify(k, jws, NULL, &claims), 0);
	assert_non_null(strstr(claims, "\"iss\":\"joe\""));
	free(claims);
	/* one flipped signature character */
	snprintf(bad, sizeof(bad), "%s", jws);
	bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(sc_jws_verify(k, bad, NULL, NULL), -1);
	/* a point off the curve is refused */
	pub[64] ^= 1;
	assert_null(sc_jws_ec_from_raw(pub, NULL));
	EVP_PKEY_free(k);
}

static void test_es256_sign(void **state)
{
	char err[128], *jws, *hdr = NULL, *claims = NULL, *sig;
	unsigned char raw[64], *der = NULL;
	size_t n;
	int derlen;
	ECDSA_SIG *es;
	EVP_MD_CTX *md;
	(void)state;
	jws = sc_jws_sign(ec_key, "ABC123DEFG", "{\"iss\":\"TEAM\",\"iat\":1700000000}", err, sizeof(err));
	assert_non_null(jws);
	assert_int_equal(sc_jws_verify(ec_key, jws, &hdr, &claims), 0);
	assert_string_equal(hdr, "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"ABC123DEFG\"}");
	assert_string_equal(claims, "{\"iss\":\"TEAM\",\"iat\":1700000000}");
	/* the signature is 64 raw bytes (86 base64url characters) ... */
	sig = strrchr(jws, '.') + 1;
	assert_int_equal(strlen(sig), 86);
	assert_int_equal(sc_b64url_decode(sig, 86, raw, sizeof(raw), &n), 0);
	/* ... that plain EVP verifies once turned into DER */
	es = ECDSA_SIG_new();
	ECDSA_SIG_set0(es, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
	derlen = i2d_ECDSA_SIG(es, &der);
	assert_true(derlen > 0);
	md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, ec_key), 1);
	assert_int_equal(EVP_DigestVerify(md, der, (size_t)derlen, (unsigned char *)jws,
	    (size_t)(sig - 1 - jws)), 1);
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	/* another key, a changed payload, an RSA key: refused */
	{
		EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		assert_int_equal(sc_jws_verify(other, jws, NULL, NULL), -1);
		EVP_PKEY_free(other);
	}
	assert_int_equal(sc_jws_verify(rsa_key, jws, NULL, NULL), -1);
	strchr(jws, '.')[2] ^= 1;                        /* a changed claims character */
	assert_int_equal(sc_jws_verify(ec_key, jws, NULL, NULL), -1);
	free(hdr);
	free(claims);
	free(jws);
}

static void test_rs256_sign(void **state)
{
	char err[128], *jws, *hdr = NULL, *sig;
	unsigned char raw[256];
	size_t n;
	EVP_MD_CTX *md;
	(void)state;
	jws = sc_jws_sign(rsa_key, NULL, "{\"scope\":\"x\"}", err, sizeof(err));
	assert_non_null(jws);
	assert_int_equal(sc_jws_verify(rsa_key, jws, &hdr, NULL), 0);
	assert_string_equal(hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
	/* RSASSA-PKCS1-v1_5 with SHA-256, checked by EVP itself */
	sig = strrchr(jws, '.') + 1;
	assert_int_equal(sc_b64url_decode(sig, strlen(sig), raw, sizeof(raw), &n), 0);
	assert_int_equal(n, 256);
	md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, rsa_key), 1);
	assert_int_equal(EVP_DigestVerify(md, raw, n, (unsigned char *)jws, (size_t)(sig - 1 - jws)), 1);
	EVP_MD_CTX_free(md);
	/* an EC key cannot verify an RS256 token (the header's alg must be the key's) */
	assert_int_equal(sc_jws_verify(ec_key, jws, NULL, NULL), -1);
	free(hdr);
	free(jws);
}

static void test_malformed(void **state)
{
	(void)state;
	assert_int_equal(sc_jws_verify(ec_key, "", NULL, NULL), -1);
	assert_int_equal(sc_jws_verify(ec_key, "a.b", NULL, NULL), -1);
	assert_int_equal(sc_jws_verify(ec_key, "a.b.c.d", NULL, NULL), -1);
	assert_int_equal(sc_jws_verify(ec_key, "eyJhbGciOiJub25lIn0.e30.", NULL, NULL), -1);  /* alg none */
	assert_int_equal(sc_jws_verify(NULL, "a.b.c", NULL, NULL), -1);
}

static void test_ec_raw_round_trip(void **state)
{
	unsigned char pub[65], again[65];
	EVP_PKEY *k;
	(void)state;
	assert_int_equal(sc_jws_ec_public_raw(ec_key, pub), 0);
	assert_int_equal(pub[0], 4);
	k = sc_jws_ec_from_raw(pub, NULL);
	assert_non_null(k);
	assert_int_equal(sc_jws_ec_public_raw(k, again), 0);
	assert_memory_equal(pub, again, 65);
	assert_int_equal(EVP_PKEY_eq(k, ec_key), 1);
	EVP_PKEY_free(k);
	assert_int_equal(sc_jws_ec_public_raw(rsa_key, pub), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_key_loading),
		cmocka_unit_test(test_encrypted_pem_refused),
		cmocka_unit_test(test_rfc7515_es256),
		cmocka_unit_test(test_es256_sign),
		cmocka_unit_test(test_rs256_sign),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_ec_raw_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
