/* sc_fsign.h - signed URLs of the local storage backend (design.md 7).
 *
 * An upload or download URL carries ?expires=<unix seconds>&sig=<signature>:
 *     sig = base64url(HMAC-SHA256(key, METHOD "\n" file_id "\n" expires))
 * (43 characters, no padding), so a URL for PUT cannot be used for GET, nor
 * for another file, nor after its expiry, nor with a changed expiry. The key
 * is STORAGE_URL_KEY, or when that is empty HMAC-SHA256(JWT_SECRET,
 * "secureconnect storage url key v1") so that a deployment needs no new
 * secret. Signatures are compared in constant time. */
#ifndef SC_FSIGN_H
#define SC_FSIGN_H

#define SC_FSIGN_LEN 43

/* The signature of (method, file_id, expires) into out (SC_FSIGN_LEN + 1). */
void sc_fsign_make(const char *method, const char *file_id, long long expires, char *out);

enum { SC_FSIGN_OK = 0, SC_FSIGN_BAD = -1, SC_FSIGN_EXPIRED = -2 };

/* Check the query values expires (decimal) and sig of a request: SC_FSIGN_OK,
 * SC_FSIGN_BAD (missing, malformed or forged: also for a wrong method or
 * file), or SC_FSIGN_EXPIRED (a genuine signature whose time has passed). */
int sc_fsign_check(const char *method, const char *file_id, const char *expires,
    const char *sig, long long now);

#endif
