/* sc_xeddsa.c - Ed25519 verification with OpenSSL, and XEdDSA verification by
 * way of it.
 *
 * XEdDSA ("The XEdDSA and VXEdDSA Signature Schemes", Trevor Perrin, rev. 1,
 * 2016-10-20) signs with an X25519 key pair. Verification (section 3,
 * xeddsa_verify) converts the Montgomery public key u to the Edwards point A
 * with convert_mont (section 2.3: clear the unused top bit of u, y =
 * u_to_y(u), sign bit of x = 0) and then checks the ordinary EdDSA equation
 * with A; for Curve25519 (section 5) u_to_y is the birational map
 *     y = (u - 1) * inv(u + 1) mod p,  p = 2^255 - 19,
 * and "XEd25519 signatures are valid Ed25519 signatures ... provided the
 * public keys are converted with the birational map".
 *
 * libsignal departs from the spec in one place: the spec's
 * calculate_key_pair (section 2.3) negates the private scalar so that A's
 * sign bit is always 0, while libsignal keeps the scalar and stores A's sign
 * bit in the otherwise unused top bit of s, i.e. of signature[63]
 * (rust/core/src/curve/curve25519.rs: calculate_signature, verify_signature).
 * So the check here is: take that bit as A's sign bit, clear it in the
 * signature, encode A = (y, sign), and let OpenSSL verify the Ed25519
 * signature (R, s) of the message under A.
 *
 * Where this is stricter than libsignal: OpenSSL refuses s >= q (the group
 * order) where libsignal accepts any s < 2^253; a signer following either
 * spec never makes such an s (section 3: s = r + ha mod q). A u at or above p
 * is reduced mod p, as libsignal's field decoding does; u = p - 1 (u + 1 = 0)
 * has no Edwards point and never verifies. */
#include "sc_xeddsa.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

int sc_xeddsa_ed25519_verify(const unsigned char pub[SC_XEDDSA_KEY],
    const unsigned char *msg, size_t len, const unsigned char sig[SC_XEDDSA_SIG])
{
	EVP_PKEY *key;
	EVP_MD_CTX *ctx = NULL;
	int ok = 0;

	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, SC_XEDDSA_KEY);
	if (key == NULL)
		goto out;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		goto out;
	/* Ed25519 is one-shot: no digest, the whole message to EVP_DigestVerify */
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) != 1)
		goto out;
	ok = EVP_DigestVerify(ctx, sig, SC_XEDDSA_SIG, msg, len) == 1;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok;
}

/* p = 2^255 - 19, big-endian */
static const unsigned char P25519[32] = {
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xed,
};

int sc_xeddsa_mont_to_ed(const unsigned char u[SC_XEDDSA_KEY], int sign,
    unsigned char ed[SC_XEDDSA_KEY])
{
	unsigned char be[SC_XEDDSA_KEY];
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p, *bu, *num, *den, *y;
	int rc = -1, i;

	if (ctx == NULL)
		abort();    /* out of memory is fatal (style.md rule 4) */
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	bu = BN_CTX_get(ctx);
	num = BN_CTX_get(ctx);
	den = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	if (y == NULL)
		abort();
	/* section 2.3 convert_mont: u masked to |p| = 255 bits; little-endian in */
	for (i = 0; i < SC_XEDDSA_KEY; i++)
		be[i] = u[SC_XEDDSA_KEY - 1 - i];
	be[0] &= 0x7f;
	if (BN_bin2bn(P25519, sizeof(P25519), p) == NULL || BN_bin2bn(be, sizeof(be), bu) == NULL ||
	    !BN_nnmod(bu, bu, p, ctx))
		abort();
	/* section 5 u_to_y: y = (u - 1) * inv(u + 1) mod p */
	if (!BN_add(den, bu, BN_value_one()) || !BN_nnmod(den, den, p, ctx))
		abort();
	if (BN_is_zero(den))
		goto out;    /* u = -1: inv(0) would be 0 and y = 0 is not this key */
	if (!BN_sub(num, bu, BN_value_one()) || !BN_nnmod(num, num, p, ctx) ||
	    BN_mod_inverse(den, den, p, ctx) == NULL || !BN_mod_mul(y, num, den, p, ctx) ||
	    BN_bn2lebinpad(y, ed, SC_XEDDSA_KEY) != SC_XEDDSA_KEY)
		abort();
	/* y < p < 2^255: bit 255 is free for the sign of x. u = 0 is the point
	 * (0, -1), whose x has no sign: libsignal's compressed A has the bit 0. */
	if (sign && !BN_is_zero(bu))
		ed[SC_XEDDSA_KEY - 1] |= 0x80;
	rc = 0;
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return rc;
}

int sc_xeddsa_verify(const unsigned char u[SC_XEDDSA_KEY], const unsigned char *msg,
    size_t len, const unsigned char sig[SC_XEDDSA_SIG])
{
	unsigned char a[SC_XEDDSA_KEY], s[SC_XEDDSA_SIG];

	/* libsignal: A's sign bit rides in the top bit of signature[63] */
	if (sc_xeddsa_mont_to_ed(u, sig[SC_XEDDSA_SIG - 1] >> 7, a) < 0)
		return 0;
	memcpy(s, sig, SC_XEDDSA_SIG);
	s[SC_XEDDSA_SIG - 1] &= 0x7f;
	return sc_xeddsa_ed25519_verify(a, msg, len, s);
}
