/* t_http.h - render a response and look at its parts (tests/unit only). */
#ifndef T_HTTP_H
#define T_HTTP_H

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include "sc_log.h"
#include "sc_resp.h"

typedef struct {
	sc_buf      raw;
	char       *head;   /* headers, each line ending in \r\n (NUL-terminated copy) */
	const char *body;   /* after the blank line */
	size_t      body_len;
} t_rendered;


static inline void t_render(const sc_resp *r, const sc_req *req, t_rendered *out)
{
	char *sep;
	size_t hl;
	sc_buf_init(&out->raw, 1 << 20);
	assert_int_equal(sc_resp_render(r, req, &out->raw), 0);
	assert_non_null(out->raw.ptr);
	sep = strstr(out->raw.ptr, "\r\n\r\n");
	assert_non_null(sep);
	hl = (size_t)(sep - out->raw.ptr) + 2;
	out->head = malloc(hl + 1);
	assert_non_null(out->head);
	memcpy(out->head, out->raw.ptr, hl);
	out->head[hl] = '\0';
	out->body = sep + 4;
	out->body_len = out->raw.len - (size_t)(out->body - out->raw.ptr);
}

static inline void t_rendered_free(t_rendered *out)
{
	free(out->head);
	sc_buf_cleanup(&out->raw);
}

/* The value of header name (exact case as rendered), or NULL; the returned
 * string is static and valid until the next call. */
static inline const char *t_header(const t_rendered *r, const char *name)
{
	static char val[2048];
	size_t n = strlen(name);
	const char *p = r->head;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		if (e == NULL)
			break;
		if ((size_t)(e - p) > n + 1 && strncasecmp(p, name, n) == 0 && p[n] == ':' &&
		    p[n + 1] == ' ') {
			size_t vl = (size_t)(e - p) - n - 2;
			if (vl >= sizeof(val))
				vl = sizeof(val) - 1;
			memcpy(val, p + n + 2, vl);
			val[vl] = '\0';
			return val;
		}
		p = e + 2;
	}
	return NULL;
}

/* How many header lines start with name + ':'. */
static inline int t_header_count(const t_rendered *r, const char *name)
{
	size_t n = strlen(name);
	const char *p = r->head;
	int c = 0;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		if (e == NULL)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			c++;
		p = e + 2;
	}
	return c;
}

static inline json_object *t_body_json(const t_rendered *r)
{
	json_object *o;
	const char *why = NULL;
	if (sc_json_validate(r->body, r->body_len, &why) != 0)
		fail_msg("body is not JSON (%s): %.*s", why, (int)r->body_len, r->body);
	o = json_tokener_parse(r->body);
	assert_non_null(o);
	return o;
}

/* o["a"]["b"] as a string, or NULL. */
static inline const char *t_jstr(json_object *o, const char *a, const char *b)
{
	json_object *v;
	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b != NULL && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return v ? json_object_get_string(v) : NULL;
}

#endif
