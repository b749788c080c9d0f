/* sc_http.h - HTTP methods and status lines shared by requests and responses. */
#ifndef SC_HTTP_H
#define SC_HTTP_H

#include <stddef.h>

enum {
	SC_M_GET = 1u << 0, SC_M_HEAD = 1u << 1, SC_M_POST = 1u << 2, SC_M_PUT = 1u << 3,
	SC_M_PATCH = 1u << 4, SC_M_DELETE = 1u << 5, SC_M_OPTIONS = 1u << 6,
	SC_M_ANY = 0x7fu
};

/* The bit of a method name, or 0 for one we do not serve. */
unsigned    sc_http_method_bit(const char *name);
/* "GET, HEAD, OPTIONS" for a mask (HEAD and OPTIONS are added as the app
 * loop serves them). Writes into out (at least 64 bytes). */
const char *sc_http_allow(unsigned mask, char *out, size_t outlen);
/* "Not Found" etc.; "Unknown" for others. */
const char *sc_http_reason(int status);
/* The envelope error code of a status ("NOT_FOUND"...). */
const char *sc_http_code(int status);

#endif
