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

#endif
