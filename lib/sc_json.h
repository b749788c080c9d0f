/* sc_json.h - strict JSON input and typed field getters.
 *
 * json-c alone is lax even in strict mode (it accepts single quotes and NaN;
 * toolchain.md section 7), so sc_json_validate() checks RFC 8259 itself first:
 * grammar, valid UTF-8, no escaped lone surrogates, no \u0000 (our strings are
 * C strings), nesting depth <= SC_LIMIT_JSON_DEPTH, only whitespace after the
 * value. Only then is the buffer handed to json-c.
 *
 * Getters return 1 when the field is present and valid, 0 when it is absent
 * or null and optional, -1 when it is wrong; then the sc_verr names the field
 * and says what was expected, ready for a 400 VALIDATION_ERROR. Strings
 * returned point into the json-c object and live as long as it does. */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stddef.h>
#include <json-c/json.h>

#include "sc_arena.h"

typedef struct sc_verr {
	const char *field;      /* the offending field (static or arena) */
	char        msg[192];   /* "name: must be a string of 1..50 characters" */
} sc_verr;

enum { SC_OPTIONAL = 0, SC_REQUIRED = 1 };

/* 0 when buf[0..len) is one strict JSON value; else -1 and *why (static text). */
int sc_json_validate(const char *buf, size_t len, const char **why);

/* Validate and parse a request body whose top level must be an object. The
 * object is registered on the arena (put at reset). On failure *why is a static
 * text such as "unexpected character at byte 12". */
int sc_json_parse_object(sc_arena *a, const char *buf, size_t len,
    json_object **out, const char **why);

/* Serialize compactly, without escaping '/'. The string belongs to obj. */
const char *sc_json_dump(json_object *obj, size_t *len);

/* Lengths of strings are counted in Unicode characters. */
int sc_json_get_str(json_object *o, const char *key, int required,
    size_t min_chars, size_t max_chars, const char **out, size_t *out_len, sc_verr *e);
int sc_json_get_int(json_object *o, const char *key, int required,
    long long min, long long max, long long *out, sc_verr *e);
int sc_json_get_bool(json_object *o, const char *key, int required, int *out, sc_verr *e);
/* A UUID string, lower-cased into out (37 bytes); "must be a UUID" otherwise. */
int sc_json_get_uuid(json_object *o, const char *key, int required, char *out, sc_verr *e);
int sc_json_get_object(json_object *o, const char *key, int required,
    json_object **out, sc_verr *e);
int sc_json_get_array(json_object *o, const char *key, int required,
    size_t min_items, size_t max_items, json_object **out, sc_verr *e);

/* Fill e for a field the caller checked itself. Always returns -1. */
int sc_verr_set(sc_verr *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
