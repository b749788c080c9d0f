/* sc_mfa.h - what the two-factor programs share (auth/2fa_*, auth/login,
 * auth/login_2fa): recovery codes, the sealed TOTP secret as it is stored,
 * the second-factor check with its replay and rate-limit rules, and the
 * decision after a correct password.
 *
 * Stored forms: bytea values go to and come from PostgreSQL as the hex text
 * "\x<hex>". A recovery code is 10 characters of an alphabet without 0 1 I O,
 * shown as XXXXX-XXXXX, accepted with or without the dash and in any case;
 * only its SHA-256 is stored (recovery_codes.code_hash), used once. */
#ifndef SC_MFA_H
#define SC_MFA_H

#include <json-c/json.h>
#include <stddef.h>

#include "sc_json.h"
#include "sc_req.h"
#include "sc_resp.h"
#include "sc_seal.h"
#include "sc_totp.h"

#define SC_MFA_RECOVERY_N     10
#define SC_MFA_RECOVERY_CHARS 10
#define SC_MFA_RECOVERY_LEN   11                /* "XXXXX-XXXXX" */
#define SC_MFA_HASH_TEXT      (2 + 64 + 1)      /* "\x" + hex of SHA-256 + NUL */
#define SC_MFA_SEALED_LEN     (SC_TOTP_SECRET_LEN + SC_SEAL_OVERHEAD)
#define SC_MFA_SEALED_TEXT    (2 + 2 * SC_MFA_SEALED_LEN + 1)
#define SC_MFA_MAX_ATTEMPTS   5                 /* codes tried per login challenge */

/* A new recovery code (shown form) and its stored hash. */
void sc_mfa_recovery_new(char code[SC_MFA_RECOVERY_LEN + 1], char hash[SC_MFA_HASH_TEXT]);
/* The stored hash of a presented code; -1 when it cannot be one. */
int  sc_mfa_recovery_hash(const char *s, size_t n, char hash[SC_MFA_HASH_TEXT]);

/* "\x<hex>" of in[0..n) into out (2n + 3 bytes). */
void sc_mfa_bytea_text(const unsigned char *in, size_t n, char *out);
/* Decode "\x<hex>" into out (cap bytes); 0 / -1. */
int  sc_mfa_bytea_decode(const char *text, unsigned char *out, size_t cap, size_t *len);

/* A new secret: the raw bytes (wipe them), its base32 and its sealed stored
 * form for user_id. 0 / -1 (sealing failed). */
int  sc_mfa_secret_new(const char *user_id, unsigned char secret[SC_TOTP_SECRET_LEN],
    char b32[SC_TOTP_B32_LEN + 1], char sealed[SC_MFA_SEALED_TEXT]);
/* Open the stored form of user_id's secret; 0 / -1. */
int  sc_mfa_secret_open(const char *stored, const char *user_id,
    unsigned char secret[SC_TOTP_SECRET_LEN]);

/* What a login does after a correct password. */
enum { SC_LOGIN_SESSION, SC_LOGIN_UNVERIFIED, SC_LOGIN_MFA };
int  sc_mfa_login_next(int require_verified, int email_verified, int two_factor);

/* The second factor of a request body: "code" (6 digits) or "recovery_code",
 * exactly one. 0, or -1 with e naming the field. */
int  sc_mfa_get_factor(json_object *o, const char **code, size_t *clen, const char **rec,
    size_t *rlen, sc_verr *e);

/* Check a second factor of user_id (2FA on): rate limited per account
 * (rl:mfa:{user_id}, MFA_PER_MINUTE / MFA_BURST: 429), then a TOTP code is
 * accepted only for a time step later than the last accepted one, recorded
 * in the same statement (a replay, or the loser of two concurrent uses, gets
 * 401); a recovery code is marked used in the statement that finds it.
 * 0 when accepted; else -1 having answered 401 `wrong`, 429, 503 or 500. */
int  sc_mfa_check(sc_req *req, sc_resp *resp, const char *user_id, const char *code,
    size_t clen, const char *rec, size_t rlen, const char *wrong);

/* After a correct password for an account with 2FA: store a login challenge
 * (the SHA-256 of a new mfa_token, MFA_TOKEN_SECONDS, the User-Agent and
 * address) and, when new_hash is not NULL, the password's new hash, in one
 * statement; answer 200 {mfa_required: true, mfa_token, expires_in}. 0, or
 * -1 having answered 503/500. */
int  sc_mfa_challenge(sc_req *req, sc_resp *resp, const char *user_id, const char *new_hash);

#endif
