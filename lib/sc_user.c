/* sc_user.c - user JSON and input rules. */
#include "sc_user.h"
#include "sc_row.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define text_or_null sc_row_text
#define boolean      sc_row_bool

json_object *sc_user_json(const PGresult *res, int row, int c, int view)
{
	json_object *o = json_object_new_object();

	if (view == SC_USER_PUBLIC) {
		json_object_object_add(o, "user_id", text_or_null(res, row, c));
		json_object_object_add(o, "username", text_or_null(res, row, c + 1));
		json_object_object_add(o, "display_name", text_or_null(res, row, c + 2));
		json_object_object_add(o, "avatar_url", text_or_null(res, row, c + 3));
		json_object_object_add(o, "status", text_or_null(res, row, c + 4));
		return o;
	}
	json_object_object_add(o, "user_id", text_or_null(res, row, c));
	json_object_object_add(o, "email", text_or_null(res, row, c + 1));
	json_object_object_add(o, "username", text_or_null(res, row, c + 2));
	json_object_object_add(o, "display_name", text_or_null(res, row, c + 3));
	json_object_object_add(o, "avatar_url", text_or_null(res, row, c + 4));
	json_object_object_add(o, "status", text_or_null(res, row, c + 5));
	json_object_object_add(o, "role", text_or_null(res, row, c + 6));
	json_object_object_add(o, "email_verified", boolean(res, row, c + 7));
	json_object_object_add(o, "two_factor_enabled", boolean(res, row, c + 8));
	json_object_object_add(o, "searchable", boolean(res, row, c + 9));
	json_object_object_add(o, "read_receipts", boolean(res, row, c + 10));
	json_object_object_add(o, "created_at", text_or_null(res, row, c + 11));
	json_object_object_add(o, "updated_at", text_or_null(res, row, c + 12));
	return o;
}

int sc_user_email_normalize(const char *in, size_t n, char *out)
{
	size_t i, o = 0, at = 0, ats = 0;
	const char *e;

	while (n > 0 && (*in == ' ' || *in == '\t')) {
		in++;
		n--;
	}
	e = in + n;
	while (e > in && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - in);
	if (n < 3 || n > 254)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' ||
		    c == '"' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']')
			return -1;
		if (c == '@') {
			ats++;
			at = o;
		}
		out[o++] = (char)(c < 0x80 ? tolower(c) : c);
	}
	out[o] = '\0';
	/* one '@', a non-empty local part, a domain with a dot not at either end */
	if (ats != 1 || at == 0 || at + 1 >= o)
		return -1;
	e = strchr(out + at + 1, '.');
	if (e == NULL || e == out + at + 1 || out[o - 1] == '.' || strstr(out + at, "..") != NULL)
		return -1;
	return 0;
}

int sc_user_username_valid(const char *s, size_t n)
{
	size_t i;
	if (n < 3 || n > 30)
		return 0;
	for (i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

int sc_user_https_url_valid(const char *s, size_t n)
{
	size_t i;
	if (n <= 8 || n > 2048 || strncasecmp(s, "https://", 8) != 0 || s[8] == '/')
		return 0;
	for (i = 8; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int sc_user_status_valid(const char *s)
{
	return strcmp(s, "online") == 0 || strcmp(s, "away") == 0 ||
	    strcmp(s, "busy") == 0 || strcmp(s, "offline") == 0;
}
