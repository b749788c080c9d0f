/* sc_user.h - the user object: its columns, its JSON, and the input rules.
 *
 * SC_USER_SELF_COLS / SC_USER_PUBLIC_COLS are SELECT lists over a table
 * aliased `u`, in the order sc_user_json() reads them. Times come out of
 * PostgreSQL already in RFC 3339 UTC (SC_SQL_TS). */
#ifndef SC_USER_H
#define SC_USER_H

#include <json-c/json.h>
#include <libpq-fe.h>
#include <stddef.h>

#define SC_SQL_TS(col) \
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define SC_USER_SELF_COLS \
	"u.user_id, u.email, u.username, u.display_name, u.avatar_url, u.status, u.role, " \
	"u.email_verified, u.two_factor_enabled, u.searchable, u.read_receipts, " \
	SC_SQL_TS("u.created_at") ", " SC_SQL_TS("u.updated_at")
#define SC_USER_SELF_NCOLS 13

#define SC_USER_PUBLIC_COLS \
	"u.user_id, u.username, u.display_name, u.avatar_url, u.status"
#define SC_USER_PUBLIC_NCOLS 5

enum { SC_USER_SELF, SC_USER_PUBLIC };

/* The user at (row, first column col) of res as a new JSON object. */
json_object *sc_user_json(const PGresult *res, int row, int col, int view);

/* Normalize an e-mail address into out (at least n+1 bytes): trimmed, lower
 * case. 0 when it looks like local@domain.tld (<= 254 bytes, no spaces or
 * control characters), -1 otherwise. */
int sc_user_email_normalize(const char *in, size_t n, char *out);
/* 3..30 of [A-Za-z0-9_.] */
int sc_user_username_valid(const char *s, size_t n);
/* 1 when s[0..n) is an https:// URL with a host, up to 2048 bytes of
 * printable ASCII without spaces (avatar URLs). */
int sc_user_https_url_valid(const char *s, size_t n);
/* The allowed values of status. */
int sc_user_status_valid(const char *s);

#endif
