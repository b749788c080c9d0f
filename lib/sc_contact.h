/* sc_contact.h - what the contact programs share (api.md "Contacts and
 * blocking"): the friendship pair test, the caller-is-the-target check, and
 * the keyset lists of users (friends, friend requests, blocked users).
 *
 * friendships holds one row per pair of users, requester first, status
 * pending | accepted (sql/003_contacts.sql); a refused, withdrawn or ended
 * friendship deletes the row. blocked_users holds one row per direction. */
#ifndef SC_CONTACT_H
#define SC_CONTACT_H

#include <json-c/json.h>
#include <libpq-fe.h>

#include "sc_req.h"
#include "sc_resp.h"
#include "sc_user.h"

/* A SQL condition over friendships aliased `f`: the row of the pair (a, b),
 * whichever of the two asked (SQL expressions, parameters cast: "$1::uuid"). */
#define SC_SQL_FRIEND_PAIR(a, b) \
	"((f.requester_id = " a " AND f.addressee_id = " b ") OR " \
	"(f.requester_id = " b " AND f.addressee_id = " a "))"

/* ---- Lists ------------------------------------------------------------------
 * A list statement takes $1 the caller, $2 the position after which the page
 * starts (microseconds since the Unix epoch as bigint text, NULL on the first
 * page), $3 the user id at that position (NULL on the first page), $4 the
 * number of rows to return (limit + 1). Its columns are SC_USER_PUBLIC_COLS
 * (0..4), SC_SQL_CONTACT_POS of the list's time (5), then the item's own
 * columns (6...). Order: time DESC, user_id ASC (newest first). */
#define SC_CONTACT_COL_POS  SC_USER_PUBLIC_NCOLS
#define SC_CONTACT_COL_ITEM (SC_USER_PUBLIC_NCOLS + 1)

/* A timestamptz as whole microseconds since the epoch (exact: extract()
 * returns numeric), the cursor's time field. */
#define SC_SQL_CONTACT_POS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

/* The keyset condition: (time, id) comes after the cursor ($2, $3) in the
 * order time DESC, id ASC; true on the first page. */
#define SC_SQL_CONTACT_AFTER(col, id) \
	"($2::bigint IS NULL OR " col " < timestamptz 'epoch' + $2::bigint * interval '1 microsecond' " \
	"OR (" col " = timestamptz 'epoch' + $2::bigint * interval '1 microsecond' " \
	"AND " id " > $3::uuid))"

/* Build one list item from row `row` of a list statement's result. */
typedef json_object *(*sc_contact_item_fn)(const PGresult *res, int row);

/* Answer a list: read limit and cursor (400 naming them), run sql with the
 * parameters above, build {<key>:[item...], next_cursor, has_more} and answer
 * 200. kind names the list in its cursors ("contacts.friends"); a cursor of
 * another list is malformed. Returns 0, or -1 having answered the error. */
int sc_contact_list(sc_req *req, sc_resp *resp, const char *kind, const char *sql,
    const char *key, sc_contact_item_fn item);

/* ---- Targets ----------------------------------------------------------------
 * 0 when the user id `target` (the route parameter :id, a lower-case UUID)
 * is not the caller; else -1 having answered 400 VALIDATION_ERROR naming the
 * field "id" with the message `what` ("cannot block yourself"). */
int sc_contact_not_self(const sc_req *req, sc_resp *resp, const char *target,
    const char *what);

#endif
