/* sc_webpush.c - RFC 8291 encryption and RFC 8292 VAPID (see sc_webpush.h). */
#include "sc_webpush.h"

#include <ctype.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "sc_alloc.h"
#include "sc_b64.h"
#include "sc_buf.h"
#include "sc_jws.h"
#include "sc_rand.h"

/* HKDF-SHA256 (RFC 5869), extract then expand, through EVP_KDF. */
static int hkdf(const unsigned char *salt, size_t sl, const unsigned char *ikm, size_t il,
    const unsigned char *info, size_t nl, unsigned char *out, size_t ol)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[5];
	int rc = -1;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, sl);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, il);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, nl);
	p[4] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_KDF_derive(ctx, out, ol, p) == 1)
		rc = 0;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

static int ecdh(EVP_PKEY *priv, EVP_PKEY *peer, unsigned char secret[32])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
	size_t len = 32;
	int rc = -1;
	if (ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, secret, &len) == 1 && len == 32)
		rc = 0;
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int aes128gcm(const unsigned char key[16], const unsigned char nonce[12],
    const unsigned char *in, size_t n, unsigned char *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0, rc = -1;
	if (c != NULL && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) == 1 &&
	    EVP_EncryptUpdate(c, out, &l1, in, (int)n) == 1 &&
	    EVP_EncryptFinal_ex(c, out + l1, &l2) == 1 && (size_t)(l1 + l2) == n &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + n) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int sc_webpush_encrypt(const unsigned char ua_pub[65], const unsigned char auth[16],
    const void *plain, size_t n, const sc_webpush_fixed *fixed,
    unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
	static const char WP_INFO[] = "WebPush: info";           /* + NUL, RFC 8291 3.4 */
	static const char CEK_INFO[] = "Content-Encoding: aes128gcm";
	static const char NONCE_INFO[] = "Content-Encoding: nonce";
	unsigned char salt[16], as_pub[65], secret[32], ikm[32], cek[16], nonce[12];
	unsigned char key_info[sizeof(WP_INFO) + 130];
	unsigned char *rec = NULL, *body = NULL;
	EVP_PKEY *peer = NULL, *sender = NULL;
	int rc = -1;

	if (n > SC_WEBPUSH_MAX_PLAINTEXT) {
		snprintf(err, errlen, "web push: payload over %u bytes", SC_WEBPUSH_MAX_PLAINTEXT);
		return -1;
	}
	if ((peer = sc_jws_ec_from_raw(ua_pub, NULL)) == NULL) {
		snprintf(err, errlen, "web push: p256dh is not a P-256 point");
		return -1;
	}
	if (fixed != NULL) {
		memcpy(salt, fixed->salt, 16);
		sender = fixed->sender;
		EVP_PKEY_up_ref(sender);
	} else {
		sc_rand_bytes(salt, sizeof(salt));
		sender = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	}
	snprintf(err, errlen, "web push: encryption failed");
	if (sender == NULL || sc_jws_ec_public_raw(sender, as_pub) != 0 || ecdh(sender, peer, secret) != 0)
		goto out;
	/* IKM = HKDF(salt = auth, ikm = ECDH, info = "WebPush: info" 0 ua_pub as_pub, 32) */
	memcpy(key_info, WP_INFO, sizeof(WP_INFO));
	memcpy(key_info + sizeof(WP_INFO), ua_pub, 65);
	memcpy(key_info + sizeof(WP_INFO) + 65, as_pub, 65);
	if (hkdf(auth, 16, secret, 32, key_info, sizeof(key_info), ikm, 32) != 0 ||
	    hkdf(salt, 16, ikm, 32, (const unsigned char *)CEK_INFO, sizeof(CEK_INFO), cek, 16) != 0 ||
	    hkdf(salt, 16, ikm, 32, (const unsigned char *)NONCE_INFO, sizeof(NONCE_INFO), nonce, 12) != 0)
		goto out;
	/* one record: plaintext, delimiter 0x02 (last record), no padding */
	rec = sc_xmalloc(n + 1);
	memcpy(rec, plain, n);
	rec[n] = 0x02;
	body = sc_xmalloc(SC_WEBPUSH_HEADER_LEN + n + 1 + 16);
	memcpy(body, salt, 16);
	body[16] = (unsigned char)(SC_WEBPUSH_RS >> 24);
	body[17] = (unsigned char)(SC_WEBPUSH_RS >> 16);
	body[18] = (unsigned char)(SC_WEBPUSH_RS >> 8);
	body[19] = (unsigned char)SC_WEBPUSH_RS;
	body[20] = 65;
	memcpy(body + 21, as_pub, 65);
	if (aes128gcm(cek, nonce, rec, n + 1, body + SC_WEBPUSH_HEADER_LEN) != 0)
		goto out;
	*out = body;
	*outlen = SC_WEBPUSH_HEADER_LEN + n + 1 + 16;
	body = NULL;
	err[0] = '\0';
	rc = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(ikm, sizeof(ikm));
	OPENSSL_cleanse(cek, sizeof(cek));
	if (rec != NULL) {
		OPENSSL_cleanse(rec, n + 1);
		free(rec);
	}
	free(body);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(sender);
	return rc;
}

int sc_webpush_origin(const char *endpoint, char *out, size_t outlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int n, rc = -1;
	size_t i;
	if (u == NULL)
		abort();                      /* out of memory is fatal (style.md 4) */
	if (curl_url_set(u, CURLUPART_URL, endpoint, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || strcmp(scheme, "https") != 0 ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0')
		goto out;
	for (i = 0; host[i]; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) != CURLUE_OK)
		port = NULL;                  /* none, or the default 443 */
	n = port ? snprintf(out, outlen, "https://%s:%s", host, port)
		 : snprintf(out, outlen, "https://%s", host);
	if (n > 0 && (size_t)n < outlen)
		rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

int sc_webpush_vapid(EVP_PKEY *key, const char *endpoint, const char *subject, long long now,
    char *out, size_t outlen, char *err, size_t errlen)
{
	char origin[SC_WEBPUSH_ORIGIN_MAX], k[90];
	unsigned char pub[65];
	sc_buf claims;
	char *jwt = NULL;
	int n, rc = -1;
	if (sc_webpush_origin(endpoint, origin, sizeof(origin)) != 0) {
		snprintf(err, errlen, "web push: endpoint is not an https URL");
		return -1;
	}
	if (sc_jws_ec_public_raw(key, pub) != 0) {
		snprintf(err, errlen, "web push: the VAPID key is not a P-256 key");
		return -1;
	}
	sc_b64url_encode(pub, 65, k);
	sc_buf_init(&claims, 2048);
	if (sc_buf_puts(&claims, "{\"aud\":") != 0 ||
	    sc_buf_json_str(&claims, origin, strlen(origin)) != 0 ||
	    sc_buf_printf(&claims, ",\"exp\":%lld,\"sub\":", now + SC_WEBPUSH_VAPID_TTL) != 0 ||
	    sc_buf_json_str(&claims, subject, strlen(subject)) != 0 || sc_buf_putc(&claims, '}') != 0) {
		snprintf(err, errlen, "web push: VAPID claims too long");
		goto out;
	}
	if ((jwt = sc_jws_sign(key, NULL, claims.ptr, err, errlen)) == NULL)
		goto out;
	n = snprintf(out, outlen, "vapid t=%s, k=%s", jwt, k);
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "web push: VAPID header too long");
		goto out;
	}
	rc = 0;
out:
	free(jwt);
	sc_buf_cleanup(&claims);
	return rc;
}
