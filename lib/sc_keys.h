/* sc_keys.h - the prekey server's shared part (api.md "End-to-end encryption
 * keys", sql/005_keys.sql): parsing and verifying uploaded keys, and the one
 * statement that stores them for POST /v1/keys/upload and /v1/keys/rotate.
 *
 * Formats (docs/decisions.md "Prekey server"): keys are standard base64
 * (sc_b64_decode: strict, padding optional) of the bytes libsignal
 * serializes.
 *   identity key   32 bytes (Ed25519) or 33 bytes 0x05 + Curve25519 u
 *   EC prekey      33 bytes 0x05 + u; with an Ed25519 identity also 32 raw
 *                  bytes (signed prekey and one-time prekeys alike)
 *   Kyber prekey   0x08 + 1568 bytes (libsignal KEMPublicKey.serialize(),
 *                  Kyber1024, the only KEM key libsignal 0.103.0 makes or reads)
 *   signature      64 bytes by the identity key over the prekey's bytes
 *                  exactly as uploaded: Ed25519 for an Ed25519 identity,
 *                  XEdDSA (sc_xeddsa.h) for a Curve25519 one
 *   key_id         integer 1..4294967295 (libsignal's u32; 0 refused)
 * Every signature is verified before anything is stored. Parsed sets live in
 * the caller's storage (they are a few KiB: keep them static or on the heap
 * of the program, not on a small stack). */
#ifndef SC_KEYS_H
#define SC_KEYS_H

#include <json-c/json.h>
#include <stddef.h>

#include "sc_arena.h"
#include "sc_json.h"
#include "sc_req.h"
#include "sc_resp.h"

#define SC_KEYS_ID_MAX        4294967295LL
#define SC_KEYS_PER_REQUEST   100          /* one-time prekeys in one upload or rotate */
#define SC_KEYS_LOW           10           /* a claim leaving fewer: keys.low to the owner */
#define SC_KEYS_EC_LEN        33           /* 0x05 + 32 */
#define SC_KEYS_KYBER_LEN     1569         /* 0x08 + 1568 */
#define SC_KEYS_SIG_LEN       64
/* Body cap of upload and rotate: 100 one-time prekeys of about 80 bytes each
 * ({"key_id":4294967295,"public_key":"<44 characters>"}), a Kyber prekey
 * (2,092 base64 characters), two signatures and an identity key come to
 * about 11 KiB; 32 KiB leaves room for pretty-printed JSON. */
#define SC_KEYS_BODY_CAP      (32u * 1024u)

/* A bytea column as padded standard base64 on one line (encode() breaks
 * lines every 76 characters). */
#define SC_KEYS_SQL_B64(col) "replace(encode(" col ", 'base64'), E'\\n', '')"

typedef enum { SC_KEYS_ED25519 = 1, SC_KEYS_CURVE25519 = 2 } sc_keys_kind;

typedef struct sc_keys_identity {
	sc_keys_kind  kind;
	unsigned char key[SC_KEYS_EC_LEN];   /* as uploaded: 32 or 33 bytes */
	size_t        len;
} sc_keys_identity;

/* A signed prekey (EC) or a Kyber prekey. */
typedef struct sc_keys_signed {
	long long     key_id;
	unsigned char pub[SC_KEYS_KYBER_LEN];
	size_t        pub_len;
	unsigned char sig[SC_KEYS_SIG_LEN];
} sc_keys_signed;

typedef struct sc_keys_one_time {
	long long     key_id;
	unsigned char pub[SC_KEYS_EC_LEN];
	size_t        pub_len;
} sc_keys_one_time;

typedef struct sc_keys_set {
	sc_keys_identity identity;
	sc_keys_signed   signed_pre_key;
	int              has_kyber;
	sc_keys_signed   kyber_pre_key;
	size_t           n_one_time;
	sc_keys_one_time one_time[SC_KEYS_PER_REQUEST];
} sc_keys_set;

/* Decode the identity key b64[0..n) (from JSON field `field`, for the error).
 * 0, or -1 with e naming the field. */
int sc_keys_identity_parse(const char *b64, size_t n, const char *field, sc_keys_identity *out,
    sc_verr *e);

/* 1 when sig is a valid signature of msg[0..len) by the identity key. */
int sc_keys_verify(const sc_keys_identity *id, const unsigned char *msg, size_t len,
    const unsigned char sig[SC_KEYS_SIG_LEN]);

/* Parse an upload body {identity_key, signed_pre_key, one_time_pre_keys?,
 * kyber_pre_key?} (rotate == 0), or a rotate body {new_signed_pre_key,
 * new_one_time_keys?, new_kyber_pre_key?} (rotate == 1, out->identity already
 * holding the stored identity key). Checks every format, the uniqueness of
 * the one-time key ids, and every signature. 0, or -1 with e naming the
 * field ("signed_pre_key.signature", "one_time_pre_keys[3].key_id"); the
 * field names are allocated on a. */
int sc_keys_parse(sc_arena *a, json_object *body, int rotate, sc_keys_set *out, sc_verr *e);

typedef struct sc_keys_stored {
	long long one_time_keys;    /* unclaimed after the write */
	long long signed_key_id;
	long long kyber_key_id;     /* 0 when there is none */
} sc_keys_stored;

/* Store a parsed set for the caller in one statement: upload (rotate == 0)
 * creates or replaces (a different identity key is a re-install: every old
 * prekey goes); rotate (1) requires the stored identity key to be
 * s->identity still. The signed prekey is replaced, the Kyber prekey when one
 * was sent (else kept, unless the identity changed), one-time prekeys are
 * added: an id already stored with the same key is skipped, with another key
 * 409 naming the id; an id already handed out with the same key is skipped.
 * More than KEYS_MAX_ONE_TIME unclaimed after it: 409, nothing stored.
 * Returns 0 with out filled, or -1 having answered (404, 409, 503, 500). */
int sc_keys_store(sc_req *req, sc_resp *resp, const sc_keys_set *s, int rotate,
    sc_keys_stored *out);

#endif
