/* sc_notif.h - the notification center: rows as JSON, preferences, and the SQL
 * the notification programs share (api.md "Push devices and notifications";
 * sql/009_push.sql). Rows are written by sc-notifyd; these programs read,
 * mark and delete them, and keep the preferences and mutes.
 *
 * unread_count is everywhere the caller's rows with read_at IS NULL. */
#ifndef SC_NOTIF_H
#define SC_NOTIF_H

#include <json-c/json.h>
#include <libpq-fe.h>

#include "sc_req.h"
#include "sc_resp.h"
#include "sc_user.h"

/* A notification, for SELECT ... FROM notifications n. */
#define SC_NOTIF_COLS \
	"n.notification_id, n.type, n.title, n.body, n.data, n.read_at IS NOT NULL, " \
	SC_SQL_TS("n.read_at") ", " SC_SQL_TS("n.created_at")
#define SC_NOTIF_NCOLS 8

/* {notification_id, type, title, body, data, read, read_at, created_at} from
 * the SC_NOTIF_COLS at (row, col). The caller owns the result. */
json_object *sc_notif_json(const PGresult *res, int row, int col);

/* The unread count of user u (an SQL expression, bigint). */
#define SC_SQL_NOTIF_UNREAD(u) \
	"(SELECT count(*) FROM notifications u_ WHERE u_.user_id = " u " AND u_.read_at IS NULL)"

/* One notification by id ($1): CTE `one` (notification_id, user_id, read_at),
 * no row when it does not exist. A statement on it writes only WHERE
 * one.user_id = the caller, and answers from one whether it may (403) or the
 * notification exists at all (404). */
#define SC_SQL_NOTIF_ONE \
	"one AS (SELECT notification_id, user_id, read_at FROM notifications " \
	"        WHERE notification_id = $1::uuid)"

/* 404 NOT_FOUND when !found, else 403 FORBIDDEN. Returns -1. */
int sc_notif_denied(sc_resp *resp, int found);

/* Run sql, a change to one notification ($1 the route's :id, $2 the caller;
 * safe to retry) whose one row starts with "is it the caller's" and which
 * has no row when the notification does not exist. 0 with *res when the
 * change was the caller's; -1 with resp answered (503, 404, 403) otherwise. */
int sc_notif_change(sc_req *req, sc_resp *resp, const char *sql, PGresult **res);

/* ---- preferences ------------------------------------------------------------ */

/* The boolean preferences, in column order. */
#define SC_NOTIF_NPREFS 6
extern const char *const sc_notif_pref_names[SC_NOTIF_NPREFS];

/* The preferences of user $1, defaults where the user has no row: the six
 * booleans (sc_notif_pref_names order), then muted conversation ids (uuid[],
 * oldest mute first). */
extern const char sc_notif_sql_prefs[];

/* {push_enabled, ..., system_enabled, muted_conversations:[ids]} from the
 * SC_NOTIF_NPREFS booleans and the uuid[] at (row, col). */
json_object *sc_notif_prefs_json(const PGresult *res, int row, int col);

#endif
