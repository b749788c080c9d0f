/* sc_jws.c - compact JWS with ES256 and RS256 over OpenSSL 3 EVP (see sc_jws.h). */
#include "sc_jws.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sc_alloc.h"
#include "sc_b64.h"

#define B64URL_LEN(n) ((4 * (n) + 2) / 3)

static int no_password(char *buf, int size, int rw, void *u)
{
	(void)buf; (void)size; (void)rw; (void)u;
	return -1;                        /* encrypted keys are refused, never prompted for */
}

const char *sc_jws_alg(const EVP_PKEY *k)
{
	char group[64];
	if (k == NULL)
		return NULL;
	if (EVP_PKEY_is_a(k, "RSA"))
		return EVP_PKEY_get_bits(k) >= 2048 ? "RS256" : NULL;
	if (EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL) == 1 &&
	    strcmp(group, "prime256v1") == 0)
		return "ES256";
	return NULL;
}

static EVP_PKEY *check_key(EVP_PKEY *k, const char *what, char *err, size_t errlen)
{
	if (k == NULL) {
		snprintf(err, errlen, "%s: not a PEM key (PKCS#8, SEC1 or PKCS#1, unencrypted)", what);
		return NULL;
	}
	if (sc_jws_alg(k) == NULL) {
		snprintf(err, errlen, "%s: only P-256 EC keys and RSA keys of 2048 bits or more", what);
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

EVP_PKEY *sc_jws_key_from_pem(const char *pem, size_t n, char *err, size_t errlen)
{
	BIO *b;
	EVP_PKEY *k;
	if (n > SC_JWS_MAX_PEM) {
		snprintf(err, errlen, "private key: more than %u bytes", SC_JWS_MAX_PEM);
		return NULL;
	}
	b = BIO_new_mem_buf(pem, (int)n);
	if (b == NULL)
		abort();                      /* out of memory is fatal (style.md 4) */
	k = PEM_read_bio_PrivateKey(b, NULL, no_password, NULL);
	BIO_free(b);
	return check_key(k, "private key", err, errlen);
}

EVP_PKEY *sc_jws_key_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;
	EVP_PKEY *k;
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	buf = sc_xmalloc(SC_JWS_MAX_PEM + 1);
	n = fread(buf, 1, SC_JWS_MAX_PEM + 1, f);
	fclose(f);
	if (n > SC_JWS_MAX_PEM) {
		snprintf(err, errlen, "%s: more than %u bytes", path, SC_JWS_MAX_PEM);
		k = NULL;
	} else if ((k = sc_jws_key_from_pem(buf, n, err, errlen)) == NULL) {
		char inner[160];
		snprintf(inner, sizeof(inner), "%s", err);
		snprintf(err, errlen, "%s: %s", path, inner);
	}
	OPENSSL_cleanse(buf, SC_JWS_MAX_PEM + 1);
	free(buf);
	return k;
}

/* ECDSA signatures come out of EVP as DER SEQUENCE{r, s}; JWS wants r and s
 * as two 32-byte big-endian numbers. */
static int der_to_raw(const unsigned char *der, size_t n, unsigned char raw[64])
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)n);
	int rc = -1;
	if (sig == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, 32) == 32 && BN_bn2binpad(s, raw + 32, 32) == 32)
		rc = 0;
	ECDSA_SIG_free(sig);
	return rc;
}

static unsigned char *raw_to_der(const unsigned char raw[64], size_t *n)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, 32, NULL), *s = BN_bin2bn(raw + 32, 32, NULL);
	unsigned char *der = NULL;
	int len = -1;
	if (sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;                 /* owned by sig now */
		len = i2d_ECDSA_SIG(sig, &der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	if (len <= 0)
		return NULL;
	*n = (size_t)len;
	return der;
}

char *sc_jws_sign(EVP_PKEY *k, const char *kid, const char *claims_json, char *err, size_t errlen)
{
	const char *alg = sc_jws_alg(k);
	char header[192];
	size_t hl, cl, in_len, siglen = 0;
	char *out = NULL, *p;
	unsigned char *sig = NULL, raw[64];
	EVP_MD_CTX *md = NULL;
	int n;
	if (alg == NULL) {
		snprintf(err, errlen, "jws: unsupported key");
		return NULL;
	}
	n = kid ? snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg, kid)
		: snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
	if (n < 0 || (size_t)n >= sizeof(header)) {
		snprintf(err, errlen, "jws: kid too long");
		return NULL;
	}
	hl = (size_t)n;
	cl = strlen(claims_json);
	/* header . claims . signature (at most 512 bytes for RSA-4096) */
	out = sc_xmalloc(B64URL_LEN(hl) + B64URL_LEN(cl) + B64URL_LEN(512) + 3);
	sc_b64url_encode((const unsigned char *)header, hl, out);
	p = out + strlen(out);
	*p++ = '.';
	sc_b64url_encode((const unsigned char *)claims_json, cl, p);
	in_len = strlen(out);
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (unsigned char *)out, in_len) != 1 || siglen > 4096)
		goto fail;
	sig = sc_xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (unsigned char *)out, in_len) != 1)
		goto fail;
	p = out + in_len;
	*p++ = '.';
	if (strcmp(alg, "ES256") == 0) {
		if (der_to_raw(sig, siglen, raw) != 0)
			goto fail;
		sc_b64url_encode(raw, 64, p);
	} else {
		if (siglen > 512)
			goto fail;
		sc_b64url_encode(sig, siglen, p);
	}
	EVP_MD_CTX_free(md);
	free(sig);
	return out;
fail:
	snprintf(err, errlen, "jws: signing failed");
	EVP_MD_CTX_free(md);
	free(sig);
	free(out);
	return NULL;
}

/* Decode one base64url segment into a fresh NUL-terminated buffer. */
static unsigned char *seg_decode(const char *s, size_t n, size_t *outlen)
{
	unsigned char *b = sc_xmalloc(n * 3 / 4 + 2);
	if (sc_b64url_decode(s, n, b, n * 3 / 4 + 1, outlen) != 0) {
		free(b);
		return NULL;
	}
	b[*outlen] = '\0';
	return b;
}

int sc_jws_verify(EVP_PKEY *key, const char *jws, char **header, char **claims)
{
	const char *alg = sc_jws_alg(key), *d1, *d2, *halg;
	size_t len, hl, cl, sl, derlen = 0;
	unsigned char *h = NULL, *c = NULL, *s = NULL, *der = NULL;
	json_object *ho = NULL, *v;
	EVP_MD_CTX *md = NULL;
	int rc = -1;
	if (alg == NULL || jws == NULL || (len = strlen(jws)) > SC_JWS_MAX)
		return -1;
	if ((d1 = strchr(jws, '.')) == NULL || (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.'))
		return -1;
	if ((h = seg_decode(jws, (size_t)(d1 - jws), &hl)) == NULL ||
	    (c = seg_decode(d1 + 1, (size_t)(d2 - d1 - 1), &cl)) == NULL ||
	    (s = seg_decode(d2 + 1, len - (size_t)(d2 + 1 - jws), &sl)) == NULL)
		goto out;
	ho = json_tokener_parse((const char *)h);
	if (ho == NULL || !json_object_object_get_ex(ho, "alg", &v) ||
	    !json_object_is_type(v, json_type_string) || (halg = json_object_get_string(v)) == NULL ||
	    strcmp(halg, alg) != 0)
		goto out;
	if (strcmp(alg, "ES256") == 0) {
		if (sl != 64 || (der = raw_to_der(s, &derlen)) == NULL)
			goto out;
	} else {
		der = s;
		derlen = sl;
		s = NULL;
	}
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestVerify(md, der, derlen, (const unsigned char *)jws, (size_t)(d2 - jws)) != 1)
		goto out;
	rc = 0;
	if (header) { *header = (char *)h; h = NULL; }
	if (claims) { *claims = (char *)c; c = NULL; }
out:
	EVP_MD_CTX_free(md);
	json_object_put(ho);
	if (der != NULL && strcmp(alg, "ES256") == 0)
		OPENSSL_free(der);
	else
		free(der);
	free(h);
	free(c);
	free(s);
	return rc;
}

int sc_jws_ec_public_raw(const EVP_PKEY *k, unsigned char out[65])
{
	BIGNUM *x = NULL, *y = NULL;
	int rc = -1;
	if (k == NULL || !EVP_PKEY_is_a(k, "EC"))
		return -1;
	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
	    BN_bn2binpad(x, out + 1, 32) == 32 && BN_bn2binpad(y, out + 33, 32) == 32) {
		out[0] = 0x04;
		rc = 0;
	}
	BN_free(x);
	BN_free(y);
	return rc;
}

EVP_PKEY *sc_jws_ec_from_raw(const unsigned char pub65[65], const unsigned char *priv32)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	BIGNUM *d = NULL;
	if (bld == NULL || pub65[0] != 0x04)
		goto out;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub65, 65) != 1)
		goto out;
	if (priv32 != NULL && ((d = BN_bin2bn(priv32, 32, NULL)) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1))
		goto out;
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, priv32 ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	return k;
}
