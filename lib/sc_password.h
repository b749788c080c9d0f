/* sc_password.h - password hashing: Argon2id, and legacy bcrypt verification.
 *
 * New hashes are Argon2id in the PHC string format with the cost from the
 * config (PASSWORD_ARGON2_MEMORY_KIB >= 19456, PASSWORD_ARGON2_TIME >= 2,
 * PASSWORD_ARGON2_LANES >= 1). Hashes imported from the original system
 * ($2a$, $2b$, $2y$ bcrypt) verify through libcrypt's crypt_r and are reported
 * as needing a rehash, as are Argon2id hashes weaker than the config. The
 * caller wipes the password; these functions never keep it. */
#ifndef SC_PASSWORD_H
#define SC_PASSWORD_H

#include <stddef.h>

#define SC_PASSWORD_MIN      8
#define SC_PASSWORD_MAX      1024
#define SC_PASSWORD_HASH_MAX 160

/* 1 when pw is 8..1024 bytes of valid UTF-8 without NUL. */
int sc_password_acceptable(const char *pw, size_t len);

/* Hash with a fresh salt into out (SC_PASSWORD_HASH_MAX bytes). 0 / -1. */
int sc_password_hash(const char *pw, size_t len, char *out);

/* 1 match, 0 no match (also for an unknown hash format), -1 error.
 * *rehash is set to 1 on a match whose hash should be replaced. */
int sc_password_verify(const char *pw, size_t len, const char *hash, int *rehash);

/* Spend the time of one verification against a dummy hash (unknown users), so
 * "no such user" and "wrong password" cannot be told apart by timing. */
void sc_password_verify_dummy(const char *pw, size_t len);

#endif
