/* sc_conv.h - what the conversation and message programs share: the
 * conversation object, the access test that every statement on a
 * conversation embeds, and the Redis membership cache conv:{id}:members.
 *
 * Access is decided inside the statement that reads or writes (design.md 7):
 * SC_SQL_CONV_ACCESS is a CTE `acc` with at most one row, present when the
 * conversation exists. Its columns:
 *     conversation_id, type, role (the caller's, NULL when not a member),
 *     member (bool), blocked (bool: a direct conversation whose other
 *     participant and the caller are on either side of a block)
 * and the writing CTEs of the statement select FROM acc WHERE acc.member
 * (AND NOT acc.blocked ...). The program then answers from what came back:
 * no acc row -> 404, not a member -> 403 (sc_conv_denied). */
#ifndef SC_CONV_H
#define SC_CONV_H

#include <json-c/json.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "sc_redis.h"
#include "sc_resp.h"
#include "sc_user.h"

#define SC_SQL_CONV_ACCESS(c, u) \
	"acc AS (SELECT c.conversation_id, c.type, p.role, p.user_id IS NOT NULL AS member, " \
	"  (c.type = 'direct' AND EXISTS (SELECT 1 FROM conversation_participants o " \
	"    JOIN blocked_users b_ ON (b_.blocker_id = o.user_id AND b_.blocked_id = " u ") " \
	"                          OR (b_.blocker_id = " u " AND b_.blocked_id = o.user_id) " \
	"    WHERE o.conversation_id = c.conversation_id AND o.user_id <> " u ")) AS blocked " \
	"  FROM conversations c LEFT JOIN conversation_participants p " \
	"    ON p.conversation_id = c.conversation_id AND p.user_id = " u " " \
	"  WHERE c.conversation_id = " c ")"

/* The conversation object's columns over a table aliased `c`, in the order
 * sc_conv_json() reads them. */
#define SC_CONV_COLS \
	"c.conversation_id, c.type, c.title, c.avatar_url, c.created_by, c.is_e2ee_enabled, " \
	"c.message_retention_days, " SC_SQL_TS("c.created_at") ", " SC_SQL_TS("c.updated_at")
#define SC_CONV_NCOLS 9

/* {conversation_id, type, title, avatar_url, created_by, is_e2ee_enabled,
 *  message_retention_days, created_at, updated_at} from (row, col...). */
json_object *sc_conv_json(const PGresult *res, int row, int col);

/* Answer 404 ("no such <what>") when !found, else 403 ("not a member of
 * this conversation"). Returns -1. */
int sc_conv_denied(sc_resp *resp, int found, const char *what);

/* 1 when s[0..n) is a title: 1..100 characters of valid UTF-8, no control
 * characters (C0, DEL or C1), not only white space. */
int sc_conv_title_valid(const char *s, size_t n);

/* The membership cache conv:{id}:members (a Redis set of user ids), written
 * through after every membership change in PostgreSQL; `sc-admin
 * rebuild-redis` rebuilds it. members: user ids separated by commas.
 *   SC_CONV_CACHE_SET     replace the set with members (creation)
 *   SC_CONV_CACHE_ADD     add members
 *   SC_CONV_CACHE_REMOVE  remove members
 *   SC_CONV_CACHE_DROP    delete the set (the conversation is gone)
 * Best effort like events: 0, or -1 with a warning logged. */
enum { SC_CONV_CACHE_SET, SC_CONV_CACHE_ADD, SC_CONV_CACHE_REMOVE, SC_CONV_CACHE_DROP };
int sc_conv_cache(sc_redis *r, int op, const char *conversation_id, const char *members);

/* A new JSON array of the strings in csv (items separated by commas, as
 * string_agg makes them); NULL or "" gives []. */
json_object *sc_conv_ids_json(const char *csv);

/* A change to a conversation's own fields (PATCH /v1/conversations/:id and
 * PUT /v1/conversations/:id/settings). set_x says that x was given; a NULL
 * title, avatar_url or retention (decimal text) writes SQL NULL. The
 * strings are the caller's and only read during the call. */
typedef struct sc_conv_change {
	int         set_title;
	const char *title;
	int         set_avatar_url;
	const char *avatar_url;
	int         set_e2ee;
	int         e2ee;
	int         set_retention;
	const char *retention;
} sc_conv_change;

/* Apply ch to conversation conv_id (a lower-case UUID) as the caller, in one
 * statement that also decides: 404 no such conversation, 403 not a member,
 * 403 a group and the caller is not an admin, 403 a direct conversation with
 * a block between its two users. On success conversation.updated (data: the
 * conversation) goes to every member, *out is the updated conversation
 * (sc_conv_json; the caller owns it) and 0 is returned; otherwise resp holds
 * the answer and -1 is returned. */
int sc_conv_update(sc_req *req, sc_resp *resp, const char *conv_id,
    const sc_conv_change *ch, json_object **out);

#endif
