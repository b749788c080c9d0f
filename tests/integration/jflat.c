/* jflat - the integration suites' JSON table (tests/integration/lib.sh _jload)
 * without a jq start: a jq start costs ~25 ms of CPU and the suites read
 * thousands of bodies; this costs ~2 ms.
 *
 * Reads one JSON value on stdin and prints what lib.sh's J_PROG prints with
 * `jq -rs`: "!true\t<verdict>", "!false\t<verdict>", then "<path>\t<value>"
 * for the value itself (path ".") and for everything reachable through object
 * keys that are identifiers (.data.user.user_id), each value as `jq -c` would
 * print it. Exit 1, printing nothing, for anything it cannot answer exactly as
 * jq would (not exactly one strict JSON value, a number that is not an integer
 * of at most 2^53, invalid UTF-8, more than 1 MiB): lib.sh then asks jq.
 * SC_JCHECK=1 compares every answer of the table with jq. */
#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_MAX (1u << 20)

static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], len, cp, k;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
		else return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/* jq 1.6's string form: \" \\ \b \t \r \n \f, other controls and DEL as \u00xx. */
static int put_str(FILE *o, const char *s, size_t n)
{
	size_t i;
	if (!utf8_ok((const unsigned char *)s, n))
		return -1;
	fputc('"', o);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", o); break;
		case '\\': fputs("\\\\", o); break;
		case '\b': fputs("\\b", o); break;
		case '\t': fputs("\\t", o); break;
		case '\r': fputs("\\r", o); break;
		case '\n': fputs("\\n", o); break;
		case '\f': fputs("\\f", o); break;
		default:
			if (c < 32 || c == 127)
				fprintf(o, "\\u%04x", c);
			else
				fputc(c, o);
		}
	}
	fputc('"', o);
	return 0;
}

/* The value as `jq -c` prints it, into o; -1 when jq might print it otherwise. */
static int put_json(FILE *o, json_object *v)
{
	size_t i, n;
	int first = 1;

	switch (json_object_get_type(v)) {
	case json_type_null: fputs("null", o); return 0;
	case json_type_boolean: fputs(json_object_get_boolean(v) ? "true" : "false", o); return 0;
	case json_type_int: {
		/* jq holds numbers as doubles: beyond 2^53 its digits are not these */
		int64_t x = json_object_get_int64(v);
		if (x > 9007199254740992LL || x < -9007199254740992LL)
			return -1;
		fprintf(o, "%lld", (long long)x);
		return 0;
	}
	case json_type_string:
		return put_str(o, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	case json_type_array:
		fputc('[', o);
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				fputc(',', o);
			if (put_json(o, json_object_array_get_idx(v, i)) < 0)
				return -1;
		}
		fputc(']', o);
		return 0;
	case json_type_object: {
		fputc('{', o);
		json_object_object_foreach(v, key, val) {
			if (!first)
				fputc(',', o);
			first = 0;
			if (put_str(o, key, strlen(key)) < 0)
				return -1;
			fputc(':', o);
			if (put_json(o, val) < 0)
				return -1;
		}
		fputc('}', o);
		return 0;
	}
	default:
		return -1;   /* doubles: jq's shortest form is not ours */
	}
}

static int ident(const char *k)
{
	size_t i;
	if (!((k[0] >= 'A' && k[0] <= 'Z') || (k[0] >= 'a' && k[0] <= 'z') || k[0] == '_'))
		return 0;
	for (i = 1; k[i] != '\0'; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

static int flat(FILE *o, const char *path, json_object *v)
{
	fputs(path[0] != '\0' ? path : ".", o);
	fputc('\t', o);
	if (put_json(o, v) < 0)
		return -1;
	fputc('\n', o);
	if (json_object_get_type(v) != json_type_object)
		return 0;
	json_object_object_foreach(v, key, val) {
		char *p;
		int rc;
		if (!ident(key))
			continue;
		if (asprintf(&p, "%s.%s", path, key) < 0)
			return -1;
		rc = flat(o, p, val);
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* lib.sh's RE_TIME: ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ */
static int rfc3339_utc(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return 0;
	if (s[i] == '.') {
		size_t d = ++i;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	return s[i] == 'Z' && s[i + 1] == '\0';
}

/* lib.sh's envelope verdict for success == s ("" when all is right). */
static const char *verdict(json_object *r, int s)
{
	json_object *succ, *err, *msg, *meta, *ts;
	const char *want = s ? "true" : "false", *got;

	if (!json_object_is_type(r, json_type_object))
		return "a JSON object body";
	/* (.success | tostring): a string is itself, anything else its JSON text */
	if (!json_object_object_get_ex(r, "success", &succ))
		got = "null";
	else if (json_object_is_type(succ, json_type_string))
		got = json_object_get_string(succ);
	else
		got = json_object_to_json_string_ext(succ, JSON_C_TO_STRING_PLAIN);
	if (strcmp(got, want) != 0)
		return s ? "success == true" : "success == false";
	if (s && !(json_object_object_get_ex(r, "data", NULL) && !json_object_object_get_ex(r, "error", NULL)))
		return "data and no error";
	if (!s && !(json_object_object_get_ex(r, "error", &err) && !json_object_object_get_ex(r, "data", NULL) &&
	    json_object_is_type(err, json_type_object) && json_object_object_get_ex(err, "message", &msg) &&
	    json_object_is_type(msg, json_type_string) && json_object_get_string_len(msg) > 0))
		return "error{code,message} and no data";
	if (!(json_object_object_get_ex(r, "meta", &meta) && json_object_is_type(meta, json_type_object) &&
	    json_object_object_get_ex(meta, "timestamp", &ts) && json_object_is_type(ts, json_type_string) &&
	    rfc3339_utc(json_object_get_string(ts))))
		return "meta.timestamp in RFC 3339 UTC";
	return "";
}

int main(void)
{
	static char in[IN_MAX + 1];
	size_t n = fread(in, 1, sizeof(in), stdin), off;
	struct json_tokener *tok = json_tokener_new();
	json_object *root;
	char *out = NULL;
	size_t outlen = 0;
	FILE *o;

	if (n > IN_MAX || tok == NULL || memchr(in, '\0', n) != NULL)
		return 1;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, in, (int)n);
	if (json_tokener_get_error(tok) != json_tokener_success)
		return 1;
	for (off = json_tokener_get_parse_end(tok); off < n; off++)
		if (in[off] != ' ' && in[off] != '\t' && in[off] != '\n' && in[off] != '\r')
			return 1;   /* a second value: jq -s has length != 1 */
	/* one buffer, printed only when every value could be printed as jq does */
	o = open_memstream(&out, &outlen);
	if (o == NULL)
		return 1;
	fprintf(o, "!true\t%s\n!false\t%s\n", verdict(root, 1), verdict(root, 0));
	if (flat(o, "", root) < 0 || fclose(o) != 0)
		return 1;
	fwrite(out, 1, outlen, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
