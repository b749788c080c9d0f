/* sc_file.c - the file object, name and content-type rules, Content-Disposition. */
#include "sc_file.h"
#include "sc_buf.h"
#include "sc_config.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

json_object *sc_file_json(const PGresult *res, int row, int col)
{
	json_object *o = json_object_new_object();
	long long size = 0;
	const char *sz = PQgetvalue(res, row, col + 2);

	if (sc_parse_i64(sz, strlen(sz), 0, (long long)9e18, &size) < 0)
		size = 0;
	json_object_object_add(o, "file_id", sc_row_text(res, row, col));
	json_object_object_add(o, "file_name", sc_row_text(res, row, col + 1));
	json_object_object_add(o, "file_size", json_object_new_int64(size));
	json_object_object_add(o, "content_type", sc_row_text(res, row, col + 3));
	json_object_object_add(o, "is_encrypted", sc_row_bool(res, row, col + 4));
	json_object_object_add(o, "status", sc_row_text(res, row, col + 5));
	json_object_object_add(o, "sha256", sc_row_text(res, row, col + 6));
	json_object_object_add(o, "conversation_id", sc_row_text(res, row, col + 7));
	json_object_object_add(o, "created_at", sc_row_text(res, row, col + 8));
	json_object_object_add(o, "completed_at", sc_row_text(res, row, col + 9));
	return o;
}

/* ------------------------------------------------------------------ names */

/* The code point of the valid UTF-8 sequence at s (len bytes). */
static unsigned cp_at(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	}
	*len = 4;
	return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
	    (s[3] & 0x3fu);
}

int sc_file_name_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, len;

	if (s == NULL || n < 1 || n > SC_FILE_NAME_MAX || !sc_utf8_valid(s, n))
		return 0;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (i = 0; i < n; i += len) {
		unsigned c = cp_at(u + i, &len);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '/' || c == '\\')
			return 0;
		if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ types */

/* RFC 9110 tchar */
static int tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

int sc_file_type_parse(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0, slash = 0;

	if (s == NULL || n == 0 || n > SC_FILE_TYPE_MAX)
		return -1;
	for (; i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '/') {
			if (slash || o == 0)
				return -1;
			slash = o + 1;
		} else if (!tchar(c)) {
			return -1;
		}
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[o] = '\0';
	if (!slash || slash == o)            /* no '/', or nothing after it */
		return -1;
	/* optional white space, then nothing or ";" and parameters: printable ASCII */
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] != ';')
		return -1;
	for (; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return -1;
		else if ((unsigned char)s[i] >= 0x7f)
			return -1;
	return 0;
}

int sc_file_type_in_list(const char *type, const char *list)
{
	size_t tl = strlen(type);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, ','), *end = e ? e : p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - p) == tl && strncasecmp(p, type, tl) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int sc_file_type_allowed(const char *type)
{
	return sc_file_type_in_list(type, sc_config_str(SC_CFG_STORAGE_ALLOWED_TYPES));
}

int sc_file_type_sniffed(const char *declared)
{
	return strcmp(declared, "application/octet-stream") != 0;
}

/* Aliases: the first name of each line is the canonical one. */
static const char *const ALIASES[][4] = {
	{ "audio/mpeg", "audio/mp3", "audio/x-mp3", "audio/mpeg3" },
	{ "application/zip", "application/x-zip-compressed", "application/x-zip", NULL },
	{ "application/gzip", "application/x-gzip", NULL, NULL },
	{ "application/vnd.rar", "application/x-rar-compressed", "application/x-rar", NULL },
	{ "application/x-tar", "application/x-gtar", "application/x-ustar", NULL },
	{ "application/x-7z-compressed", NULL, NULL, NULL },
	{ "image/jpeg", "image/jpg", "image/pjpeg", NULL },
	{ "application/json", "text/json", NULL, NULL },
};

static const char *canonical(const char *t)
{
	size_t i, j;
	for (i = 0; i < sizeof(ALIASES) / sizeof(ALIASES[0]); i++)
		for (j = 0; j < 4 && ALIASES[i][j] != NULL; j++)
			if (strcmp(t, ALIASES[i][j]) == 0)
				return ALIASES[i][0];
	return t;
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* text libmagic reports under other names (JSON, CSV, scripts, markup) */
static int is_text(const char *t)
{
	static const char *const TEXTY[] = { "application/json", "application/csv",
		"application/javascript", "application/x-javascript", "application/xml",
		"application/x-ndjson", "application/x-subrip", "application/x-wine-extension-ini" };
	size_t i;
	if (starts(t, "text/"))
		return 1;
	for (i = 0; i < sizeof(TEXTY) / sizeof(TEXTY[0]); i++)
		if (strcmp(t, TEXTY[i]) == 0)
			return 1;
	return 0;
}

/* zip containers libmagic names by what is inside (OOXML, ODF, EPUB, JAR, APK) */
static int is_zip(const char *t)
{
	return strcmp(t, "application/zip") == 0 || ends(t, "+zip") ||
	    starts(t, "application/vnd.openxmlformats-officedocument.") ||
	    starts(t, "application/vnd.oasis.opendocument.") ||
	    strcmp(t, "application/java-archive") == 0 ||
	    strcmp(t, "application/vnd.android.package-archive") == 0;
}

int sc_file_type_matches(const char *declared, const char *sniffed)
{
	const char *d = canonical(declared), *s = canonical(sniffed);

	if (strcmp(d, s) == 0)
		return 1;
	if (strcmp(d, "text/plain") == 0)
		return is_text(s);
	if (strcmp(d, "application/json") == 0)
		return strcmp(s, "text/plain") == 0;
	if (strcmp(d, "application/zip") == 0)
		return is_zip(s);
	if (strcmp(d, "video/mp4") == 0)
		return strcmp(s, "video/x-m4v") == 0 || strcmp(s, "audio/mp4") == 0 ||
		    strcmp(s, "audio/x-m4a") == 0 || strcmp(s, "video/3gpp") == 0 ||
		    strcmp(s, "video/quicktime") == 0;
	if (strcmp(d, "video/webm") == 0)
		return strcmp(s, "audio/webm") == 0 || strcmp(s, "video/x-matroska") == 0;
	return 0;
}

/* ------------------------------------------------------------------ downloads */

/* RFC 8187 attr-char */
static int attr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL);
}

int sc_file_disposition(const char *name, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)name;
	size_t i, len, o;
	int same = 1;

	if (!sc_file_name_valid(name, n))
		return -1;
	o = (size_t)snprintf(out, SC_FILE_DISPOSITION_MAX, "attachment; filename=\"");
	for (i = 0; i < n; i += len) {
		unsigned c = cp_at(u + i, &len);
		int keep = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
		out[o++] = keep ? (char)c : '_';
		same &= keep;
	}
	out[o++] = '"';
	if (!same) {
		static const char star[] = "; filename*=UTF-8''";
		memcpy(out + o, star, sizeof(star) - 1);
		o += sizeof(star) - 1;
		for (i = 0; i < n; i++) {
			if (attr_char(u[i])) {
				out[o++] = (char)u[i];
			} else {
				out[o++] = '%';
				out[o++] = hex[u[i] >> 4];
				out[o++] = hex[u[i] & 15];
			}
		}
	}
	out[o] = '\0';
	return 0;
}

/* ------------------------------------------------------------------ keys */

static int lower_uuid(const char *s)
{
	char tmp[SC_UUID_STRLEN + 1];
	return s != NULL && strlen(s) == SC_UUID_STRLEN && sc_uuid_parse(s, SC_UUID_STRLEN, tmp) &&
	    strcmp(tmp, s) == 0;
}

int sc_file_object_key(const char *user_id, const char *file_id, char *out)
{
	if (!lower_uuid(user_id) || !lower_uuid(file_id))
		return -1;
	memcpy(out, user_id, SC_UUID_STRLEN);
	out[SC_UUID_STRLEN] = '/';
	memcpy(out + SC_UUID_STRLEN + 1, file_id, SC_UUID_STRLEN + 1);
	return 0;
}

int sc_file_object_key_valid(const char *key)
{
	char u[SC_UUID_STRLEN + 1];
	if (key == NULL || strlen(key) != SC_FILE_KEY_LEN || key[SC_UUID_STRLEN] != '/')
		return 0;
	memcpy(u, key, SC_UUID_STRLEN);
	u[SC_UUID_STRLEN] = '\0';
	return lower_uuid(u) && lower_uuid(key + SC_UUID_STRLEN + 1);
}
