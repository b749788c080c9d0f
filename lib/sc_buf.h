/* sc_buf.h - length-carrying strings and capped growable buffers (style.md 6, 7).
 *
 * sc_str is a view: it does not own its bytes. sc_buf owns its bytes (heap),
 * grows on demand up to the cap given to sc_buf_init(), and refuses to grow past
 * it: the append functions then return -1 and set b->toobig, so the caller can
 * answer 413 or close 1009. The bytes are always NUL-terminated for
 * convenience; len does not count the NUL. */
#ifndef SC_BUF_H
#define SC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sc_str {
	const char *ptr;
	size_t      len;
} sc_str;

#define SC_LIT(s)   ((sc_str){ (s), sizeof(s) - 1 })
#define SC_STR_NULL ((sc_str){ NULL, 0 })

sc_str sc_str_c(const char *s);                 /* view of a C string (NULL ok) */
int    sc_str_eq(sc_str a, sc_str b);
int    sc_str_eq_nocase(sc_str a, sc_str b);

typedef struct sc_buf {
	char  *ptr;
	size_t len;
	size_t size;     /* allocated bytes */
	size_t cap;      /* hard limit on len */
	int    toobig;   /* set when an append hit the cap */
} sc_buf;

void sc_buf_init(sc_buf *b, size_t cap);
void sc_buf_cleanup(sc_buf *b);
void sc_buf_reset(sc_buf *b);                   /* len = 0, keeps memory */
int  sc_buf_append(sc_buf *b, const void *p, size_t n);
int  sc_buf_puts(sc_buf *b, const char *s);
int  sc_buf_putc(sc_buf *b, char c);
int  sc_buf_printf(sc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int  sc_buf_vprintf(sc_buf *b, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included. Bytes must be valid
 * UTF-8 (invalid bytes are replaced by U+FFFD); control characters, quotes
 * and backslashes are escaped, as are U+2028/U+2029. */
int  sc_buf_json_str(sc_buf *b, const char *s, size_t n);
sc_str sc_buf_str(const sc_buf *b);

/* Number parsing with ranges: the whole string must be the number
 * (no sign for unsigned, no spaces, no trailing bytes). 0 ok, -1 otherwise. */
int sc_parse_i64(const char *s, size_t n, long long min, long long max, long long *out);

/* UTF-8: 1 when p[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int    sc_utf8_valid(const char *p, size_t n);
/* Number of code points in valid UTF-8. */
size_t sc_utf8_len(const char *p, size_t n);

#endif
