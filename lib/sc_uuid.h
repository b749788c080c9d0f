/* sc_uuid.h - UUID text form. */
#ifndef SC_UUID_H
#define SC_UUID_H

#include <stddef.h>

#define SC_UUID_STRLEN 36

/* 1 when s[0..n) is 8-4-4-4-12 hex digits (either case). When out is not
 * NULL, the lower-case form and a NUL are written to it (37 bytes). */
int  sc_uuid_parse(const char *s, size_t n, char *out);
/* A random (version 4) UUID in lower case; out has 37 bytes. */
void sc_uuid_v4(char *out);

/* A time-ordered (version 7, RFC 9562 section 5.7) UUID in lower case; out
 * has 37 bytes. The first 48 bits are the Unix time in milliseconds, stored
 * into *ms when ms is not NULL. Within one process the ids only grow: ids
 * made in the same millisecond count up in the 12-bit rand_a field (method 1
 * of RFC 9562 section 6.2), and the clock is never allowed to step back. Ids
 * from different processes in the same millisecond order by their random
 * bits. */
void sc_uuid_v7(char *out, long long *ms);

#endif
