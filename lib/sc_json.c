/* sc_json.c - strict JSON validation (RFC 8259), parsing and typed getters. */
#include "sc_json.h"
#include "sc_uuid.h"
#include "sc_buf.h"
#include "sc_limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const unsigned char *p;
	size_t               n;
	size_t               i;
	const char          *why;
} vstate;

static int fail(vstate *s, const char *why)
{
	if (s->why == NULL)
		s->why = why;
	return -1;
}

static void skip_ws(vstate *s)
{
	while (s->i < s->n) {
		unsigned char c = s->p[s->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		s->i++;
	}
}

static int hex4(vstate *s, unsigned *out)
{
	unsigned v = 0;
	size_t k;
	if (s->n - s->i < 4)
		return fail(s, "truncated \\u escape");
	for (k = 0; k < 4; k++) {
		unsigned char c = s->p[s->i + k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(s, "bad \\u escape");
	}
	s->i += 4;
	*out = v;
	return 0;
}

static int v_string(vstate *s)
{
	s->i++; /* opening quote */
	while (s->i < s->n) {
		unsigned char c = s->p[s->i];
		if (c == '"') {
			s->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(s, "control character in string");
		if (c == '\\') {
			unsigned u, lo;
			if (++s->i >= s->n)
				return fail(s, "truncated escape");
			c = s->p[s->i++];
			switch (c) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				break;
			case 'u':
				if (hex4(s, &u) < 0)
					return -1;
				if (u == 0)
					return fail(s, "\\u0000 is not accepted");
				if (u >= 0xdc00 && u <= 0xdfff)
					return fail(s, "lone low surrogate");
				if (u >= 0xd800 && u <= 0xdbff) {
					if (s->n - s->i < 6 || s->p[s->i] != '\\' || s->p[s->i + 1] != 'u')
						return fail(s, "lone high surrogate");
					s->i += 2;
					if (hex4(s, &lo) < 0)
						return -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return fail(s, "lone high surrogate");
				}
				break;
			default:
				return fail(s, "bad escape");
			}
			continue;
		}
		if (c >= 0x80) {
			/* Validate this one sequence (at most 4 bytes). */
			size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			    (c & 0xf8) == 0xf0 ? 4 : 0;
			if (len == 0 || s->n - s->i < len ||
			    !sc_utf8_valid((const char *)s->p + s->i, len))
				return fail(s, "invalid UTF-8");
			s->i += len;
			continue;
		}
		s->i++;
	}
	return fail(s, "unterminated string");
}

static int digits(vstate *s)
{
	size_t start = s->i;
	while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
		s->i++;
	return s->i > start ? 0 : -1;
}

static int v_number(vstate *s)
{
	if (s->p[s->i] == '-')
		s->i++;
	if (s->i >= s->n)
		return fail(s, "bad number");
	if (s->p[s->i] == '0') {
		s->i++;
	} else if (digits(s) < 0) {
		return fail(s, "bad number");
	}
	if (s->i < s->n && s->p[s->i] == '.') {
		s->i++;
		if (digits(s) < 0)
			return fail(s, "bad number");
	}
	if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
		s->i++;
		if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-'))
			s->i++;
		if (digits(s) < 0)
			return fail(s, "bad number");
	}
	return 0;
}

static int v_literal(vstate *s, const char *lit)
{
	size_t l = strlen(lit);
	if (s->n - s->i < l || memcmp(s->p + s->i, lit, l) != 0)
		return fail(s, "unexpected character");
	s->i += l;
	return 0;
}

static int v_value(vstate *s, int depth);

static int v_container(vstate *s, int depth, int is_obj)
{
	unsigned char close = is_obj ? '}' : ']';
	if (depth >= SC_LIMIT_JSON_DEPTH)
		return fail(s, "nested too deeply");
	s->i++;
	skip_ws(s);
	if (s->i < s->n && s->p[s->i] == close) {
		s->i++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (is_obj) {
			if (s->i >= s->n || s->p[s->i] != '"')
				return fail(s, s->i >= s->n ? "truncated" : "expected a string key");
			if (v_string(s) < 0)
				return -1;
			skip_ws(s);
			if (s->i >= s->n || s->p[s->i] != ':')
				return fail(s, s->i >= s->n ? "truncated" : "expected ':'");
			s->i++;
		}
		if (v_value(s, depth + 1) < 0)
			return -1;
		skip_ws(s);
		if (s->i >= s->n)
			return fail(s, "truncated");
		if (s->p[s->i] == ',') {
			s->i++;
			continue;
		}
		if (s->p[s->i] == close) {
			s->i++;
			return 0;
		}
		return fail(s, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int v_value(vstate *s, int depth)
{
	skip_ws(s);
	if (s->i >= s->n)
		return fail(s, "truncated");
	switch (s->p[s->i]) {
	case '{': return v_container(s, depth, 1);
	case '[': return v_container(s, depth, 0);
	case '"': return v_string(s);
	case 't': return v_literal(s, "true");
	case 'f': return v_literal(s, "false");
	case 'n': return v_literal(s, "null");
	default:
		if (s->p[s->i] == '-' || (s->p[s->i] >= '0' && s->p[s->i] <= '9'))
			return v_number(s);
		return fail(s, "unexpected character");
	}
}

int sc_json_validate(const char *buf, size_t len, const char **why)
{
	vstate s = { (const unsigned char *)buf, len, 0, NULL };
	if (len == 0) {
		*why = "empty body";
		return -1;
	}
	if (v_value(&s, 0) < 0) {
		*why = s.why;
		return -1;
	}
	skip_ws(&s);
	if (s.i != s.n) {
		*why = "trailing characters after the value";
		return -1;
	}
	return 0;
}

static void put_json(void *p)
{
	json_object_put(p);
}

int sc_json_parse_object(sc_arena *a, const char *buf, size_t len,
    json_object **out, const char **why)
{
	json_tokener *tok;
	json_object *obj;

	size_t i = 0;

	*out = NULL;
	if (sc_json_validate(buf, len, why) < 0)
		return -1;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (buf[i] != '{') {
		*why = "the top level must be an object";
		return -1;
	}
	tok = json_tokener_new_ex(SC_LIMIT_JSON_DEPTH + 1);
	if (tok == NULL) {
		*why = "parser unavailable";
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		/* The validator accepted it; json-c should too. Be safe anyway. */
		if (obj)
			json_object_put(obj);
		json_tokener_free(tok);
		*why = "rejected by the parser";
		return -1;
	}
	json_tokener_free(tok);
	sc_arena_defer(a, put_json, obj);
	if (!json_object_is_type(obj, json_type_object)) {
		*why = "the top level must be an object";
		return -1;
	}
	*out = obj;
	return 0;
}

const char *sc_json_dump(json_object *obj, size_t *len)
{
	return json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

int sc_verr_set(sc_verr *e, const char *field, const char *fmt, ...)
{
	va_list ap;
	int n;
	e->field = field;
	n = snprintf(e->msg, sizeof(e->msg), "%s: ", field);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Look the key up; 0 absent (or null), 1 present. */
static int lookup(json_object *o, const char *key, int required, json_object **v, sc_verr *e)
{
	*v = NULL;
	if (o == NULL || !json_object_object_get_ex(o, key, v) || *v == NULL) {
		if (required)
			return sc_verr_set(e, key, "is required");
		return 0;
	}
	return 1;
}

int sc_json_get_str(json_object *o, const char *key, int required,
    size_t min_chars, size_t max_chars, const char **out, size_t *out_len, sc_verr *e)
{
	json_object *v;
	const char *s;
	size_t len, chars;
	int rc = lookup(o, key, required, &v, e);

	if (rc <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_string))
		goto bad;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	chars = sc_utf8_len(s, len);
	if (chars < min_chars || chars > max_chars)
		goto bad;
	*out = s;
	if (out_len)
		*out_len = len;
	return 1;
bad:
	return sc_verr_set(e, key, "must be a string of %zu..%zu characters", min_chars, max_chars);
}

int sc_json_get_int(json_object *o, const char *key, int required,
    long long min, long long max, long long *out, sc_verr *e)
{
	json_object *v;
	int64_t n;
	int rc = lookup(o, key, required, &v, e);

	if (rc <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		goto bad;
	n = json_object_get_int64(v);
	/* json-c clamps out-of-range values to INT64_MIN/MAX; our ranges are narrower. */
	if (n < min || n > max)
		goto bad;
	*out = n;
	return 1;
bad:
	return sc_verr_set(e, key, "must be an integer from %lld to %lld", min, max);
}

int sc_json_get_uuid(json_object *o, const char *key, int required, char *out, sc_verr *e)
{
	json_object *v;
	int x = lookup(o, key, required, &v, e);

	if (x <= 0)
		return x;
	if (!json_object_is_type(v, json_type_string) ||
	    !sc_uuid_parse(json_object_get_string(v), (size_t)json_object_get_string_len(v), out))
		return sc_verr_set(e, key, "must be a UUID");
	return 1;
}

int sc_json_get_bool(json_object *o, const char *key, int required, int *out, sc_verr *e)
{
	json_object *v;
	int rc = lookup(o, key, required, &v, e);

	if (rc <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_boolean))
		return sc_verr_set(e, key, "must be true or false");
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 1;
}

int sc_json_get_object(json_object *o, const char *key, int required,
    json_object **out, sc_verr *e)
{
	json_object *v;
	int rc = lookup(o, key, required, &v, e);

	if (rc <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_object))
		return sc_verr_set(e, key, "must be an object");
	*out = v;
	return 1;
}

int sc_json_get_array(json_object *o, const char *key, int required,
    size_t min_items, size_t max_items, json_object **out, sc_verr *e)
{
	json_object *v;
	size_t n;
	int rc = lookup(o, key, required, &v, e);

	if (rc <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_array))
		goto bad;
	n = json_object_array_length(v);
	if (n < min_items || n > max_items)
		goto bad;
	*out = v;
	return 1;
bad:
	return sc_verr_set(e, key, "must be an array of %zu..%zu items", min_items, max_items);
}
