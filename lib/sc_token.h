/* sc_token.h - one-time tokens sent by mail (account_tokens, sql/008).
 *
 * A token is 32 random bytes in base64url without padding (43 characters of
 * A-Z a-z 0-9 - _), safe in a link's query string. Only its SHA-256 is stored
 * (account_tokens.token_hash, written as the bytea literal "\x<hex>"), so a
 * copy of the database lets nobody verify an address or reset a password.
 *
 * The statements that create or use a token are the programs' own; the
 * fragments below keep the rules in one place:
 *   - a new token of a purpose retires the user's older unused ones of the
 *     same purpose (SC_TOKEN_SQL_RETIRE, in the statement that inserts it);
 *   - a token is used by ONE statement that checks purpose, expiry and that it
 *     is unused, and marks it used (SC_TOKEN_SQL_USE): of two concurrent uses
 *     the second waits for the first's row lock, then finds used_at set and
 *     gets no row, so a token works exactly once. */
#ifndef SC_TOKEN_H
#define SC_TOKEN_H

#include <stddef.h>

#define SC_TOKEN_LEN   43
#define SC_TOKEN_HASH  (2 + 64 + 1)   /* "\x" + hex + NUL: a bytea parameter */

/* purposes, as the CHECK constraint of account_tokens.purpose spells them */
#define SC_TOKEN_VERIFY_EMAIL   "verify_email"
#define SC_TOKEN_RESET_PASSWORD "reset_password"
#define SC_TOKEN_CHANGE_EMAIL   "change_email"

/* A fresh token and its stored hash. */
void sc_token_new(char token[SC_TOKEN_LEN + 1], char hash[SC_TOKEN_HASH]);

/* The stored hash of a presented token: 0, or -1 when tok[0..len) cannot be
 * one of ours (wrong length or alphabet); answer that like an unknown token. */
int sc_token_hash(const char *tok, size_t len, char hash[SC_TOKEN_HASH]);

/* CTE body: retire the unused tokens of user `uid` (an SQL expression) for
 * `purpose` (a string literal in quotes). */
#define SC_TOKEN_SQL_RETIRE(uid, purpose) \
	"UPDATE account_tokens SET used_at = now() WHERE user_id = " uid \
	" AND purpose = " purpose " AND used_at IS NULL"

/* CTE body: use the token whose hash is `hash` (a parameter, "$1") for
 * `purpose`; returns (user_id, email) once, or no row when the token is
 * unknown, of another purpose, used or expired. */
#define SC_TOKEN_SQL_USE(hash, purpose) \
	"UPDATE account_tokens SET used_at = now() WHERE token_hash = " hash "::bytea" \
	" AND purpose = " purpose " AND used_at IS NULL AND expires_at > now()" \
	" RETURNING user_id, email"

#endif
