/* sc_lockout.h - failed-login counting and account lock (lock:login:{email}).
 *
 * LOGIN_MAX_FAILURES failures within LOGIN_LOCK_SECONDS lock the account for
 * LOGIN_LOCK_SECONDS from the last counted failure: while locked, every login
 * is refused (429 with Retry-After), even with the right password, and does
 * not count. A successful login clears the counter. */
#ifndef SC_LOCKOUT_H
#define SC_LOCKOUT_H

#include "sc_redis.h"

/* *locked_for_s = seconds left on a lock, 0 when not locked. 0 / -1. */
int sc_lockout_check(sc_redis *r, const char *email, long long *locked_for_s, int *unavailable);
/* Count a failure. 0 / -1. */
int sc_lockout_fail(sc_redis *r, const char *email, int *unavailable);
/* Forget the failures (successful login). 0 / -1. */
int sc_lockout_clear(sc_redis *r, const char *email, int *unavailable);

#endif
