/* sc_seal.c - AES-256-GCM with OpenSSL's EVP interface. */
#include "sc_seal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <string.h>

#include "sc_config.h"
#include "sc_rand.h"

static const char DERIVE_LABEL[] = "secureconnect totp seal key v1";

void sc_seal_key(unsigned char key[32])
{
	sc_str k = sc_config_secret(SC_CFG_TOTP_KEY);
	unsigned int len = 0;

	if (k.len > 0) {
		SHA256((const unsigned char *)k.ptr, k.len, key);
		return;
	}
	k = sc_config_secret(SC_CFG_JWT_SECRET);
	HMAC(EVP_sha256(), k.ptr, (int)k.len, (const unsigned char *)DERIVE_LABEL,
	    sizeof(DERIVE_LABEL) - 1, key, &len);
}

int sc_seal_with(const unsigned char key[32], const unsigned char *pt, size_t n,
    const char *aad, unsigned char *out)
{
	EVP_CIPHER_CTX *c;
	int len = 0, fin = 0, rc = -1;

	if (n > SC_SEAL_MAX || (c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	sc_rand_bytes(out, SC_SEAL_NONCE);
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, SC_SEAL_NONCE, NULL) != 1 ||
	    EVP_EncryptInit_ex(c, NULL, NULL, key, out) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, out + SC_SEAL_NONCE, &len, pt, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(c, out + SC_SEAL_NONCE + len, &fin) != 1 ||
	    (size_t)(len + fin) != n ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SC_SEAL_TAG, out + SC_SEAL_NONCE + n) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int sc_seal_open_with(const unsigned char key[32], const unsigned char *in, size_t n,
    const char *aad, unsigned char *pt, size_t cap, size_t *len)
{
	EVP_CIPHER_CTX *c;
	unsigned char tag[SC_SEAL_TAG];
	size_t clen;
	int l = 0, fin = 0, rc = -1;

	if (n < SC_SEAL_OVERHEAD || (clen = n - SC_SEAL_OVERHEAD) > cap || clen > SC_SEAL_MAX ||
	    (c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	memcpy(tag, in + n - SC_SEAL_TAG, SC_SEAL_TAG);
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, SC_SEAL_NONCE, NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, key, in) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &l, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(c, pt, &l, in + SC_SEAL_NONCE, (int)clen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SC_SEAL_TAG, tag) != 1 ||
	    EVP_DecryptFinal_ex(c, pt + l, &fin) != 1 || (size_t)(l + fin) != clen) {
		OPENSSL_cleanse(pt, clen);
		goto out;
	}
	*len = clen;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int sc_seal(const unsigned char *pt, size_t n, const char *aad, unsigned char *out)
{
	unsigned char key[32];
	int rc;

	sc_seal_key(key);
	rc = sc_seal_with(key, pt, n, aad, out);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int sc_seal_open(const unsigned char *in, size_t n, const char *aad, unsigned char *pt,
    size_t cap, size_t *len)
{
	unsigned char key[32];
	int rc;

	sc_seal_key(key);
	rc = sc_seal_open_with(key, in, n, aad, pt, cap, len);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}
