/* t_jwt.h - hand-made JWTs for the sc_jwt and sc_auth tests (tests/unit only).
 *
 * Every byte of a token is under the test's control: the header and payload
 * are given as JSON text (or a json-c object), base64url-encoded without
 * padding, and signed with OpenSSL's HMAC() over "header.payload". */
#ifndef T_JWT_H
#define T_JWT_H

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <time.h>

#include "t_common.h"

#define T_NOW      ((time_t)1700000000)
#define T_USER     "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
#define T_SESSION  "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"
#define T_JTI      "11111111-2222-4333-8444-555555555555"
#define T_HS256_HEADER "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

/* base64url of in[0..n) without padding; out needs 4*n/3 + 3 bytes. */
static inline size_t t_b64url(const unsigned char *in, size_t n, char *out)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = ((unsigned)in[i] << 16) | ((unsigned)in[i + 1] << 8) | in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned v = ((unsigned)in[i] << 16) | ((unsigned)in[i + 1] << 8);
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

/* Decode base64url (no padding) into out; returns the length, or -1. */
static inline long t_b64url_decode(const char *in, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (i = 0; i < n; i++) {
		const char c = in[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-')
			v = 62;
		else if (c == '_')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)          /* non-canonical: leftover bits must be zero */
		return -1;
	return (long)o;
}

/* header.payload[.signature]: md NULL gives "h.p." (an empty signature
 * part); key is the HMAC key (strlen). The result is malloc'd. */
static inline char *t_jwt_raw(const char *header, const char *payload, const EVP_MD *md,
    const char *key)
{
	size_t hl = strlen(header), pl = strlen(payload);
	char *out = malloc(2 * (hl + pl) + 200);
	size_t o;
	assert_non_null(out);
	o = t_b64url((const unsigned char *)header, hl, out);
	out[o++] = '.';
	o += t_b64url((const unsigned char *)payload, pl, out + o);
	out[o++] = '.';
	out[o] = '\0';
	if (md != NULL) {
		unsigned char mac[EVP_MAX_MD_SIZE];
		unsigned int ml = 0;
		assert_non_null(HMAC(md, key, (int)strlen(key), (const unsigned char *)out, o - 1,
		    mac, &ml));
		t_b64url(mac, ml, out + o);
	}
	return out;
}

/* The claims sc_jwt_issue writes, as of T_NOW, for T_USER / T_SESSION. */
static inline json_object *t_claims(void)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "iss", json_object_new_string("secureconnect"));
	json_object_object_add(o, "aud", json_object_new_string("secureconnect-api"));
	json_object_object_add(o, "sub", json_object_new_string(T_USER));
	json_object_object_add(o, "user_id", json_object_new_string(T_USER));
	json_object_object_add(o, "sid", json_object_new_string(T_SESSION));
	json_object_object_add(o, "jti", json_object_new_string(T_JTI));
	json_object_object_add(o, "typ", json_object_new_string("access"));
	json_object_object_add(o, "role", json_object_new_string("user"));
	json_object_object_add(o, "iat", json_object_new_int64((int64_t)T_NOW));
	json_object_object_add(o, "nbf", json_object_new_int64((int64_t)T_NOW));
	json_object_object_add(o, "exp", json_object_new_int64((int64_t)T_NOW + 900));
	return o;
}

/* Sign claims (consumed) with HS256 and key. malloc'd. */
static inline char *t_jwt_sign(json_object *claims, const char *key)
{
	char *t = t_jwt_raw(T_HS256_HEADER,
	    json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN), EVP_sha256(), key);
	json_object_put(claims);
	return t;
}

/* Replace (or with v NULL, remove) one claim; returns o for chaining. */
static inline json_object *t_set(json_object *o, const char *k, json_object *v)
{
	json_object_object_del(o, k);
	if (v != NULL)
		json_object_object_add(o, k, v);
	return o;
}

#endif
