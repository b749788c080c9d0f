/* sc_page.h - list parameters: limit and the opaque keyset cursor (api.md "Lists").
 *
 * limit: integer 1..100, default 20; a larger integer is clamped to 100;
 * anything else (empty, 0, negative, not a number) is 400 naming "limit".
 *
 * A cursor is the keyset position after the last row of a page: a few text
 * fields (e.g. rank and user_id) and a `kind` naming the list it belongs to,
 * encoded as base64url without padding. It is opaque, not secret: the list's
 * SQL re-applies every filter, so a hand-made cursor can only move the start
 * of the page. A cursor of another kind, with the wrong number of fields or
 * that does not decode is malformed: 400 naming "cursor". Lists never use
 * OFFSET.
 *
 * Typical handler:
 *     if (sc_page_limit(req, &limit, &e) < 0 ||
 *         (have = sc_page_cursor(req, "users.search", 2, after, &e)) < 0)
 *             return sc_resp_verr(resp, &e);
 *     ... SELECT ... LIMIT limit + 1 ...
 *     list = the first min(rows, limit) rows as JSON;
 *     return sc_page_answer(req, resp, "users", list, res, limit, "users.search", 2, cols);
 * (sc_page_answer encodes the cursor from row limit - 1 when there are more rows;
 * sc_page_cursor_encode and sc_page_finish are its parts, for lists shaped otherwise). */
#ifndef SC_PAGE_H
#define SC_PAGE_H

#include <json-c/json.h>
#include <libpq-fe.h>

#include "sc_arena.h"
#include "sc_json.h"
#include "sc_req.h"
#include "sc_resp.h"

#define SC_PAGE_DEFAULT      20
#define SC_PAGE_MAX          100
#define SC_PAGE_FIELDS_MAX   4      /* fields in one cursor */
#define SC_PAGE_CURSOR_MAX   512    /* characters of an encoded cursor */

/* The "limit" query parameter into *limit. 0, or -1 with e filled. */
int sc_page_limit(const sc_req *req, long long *limit, sc_verr *e);

/* Encode n (1..SC_PAGE_FIELDS_MAX) fields for list `kind`. Fields must be
 * valid UTF-8 without control characters (ids, numbers, timestamps). The
 * string lives on the arena; NULL when the result would exceed
 * SC_PAGE_CURSOR_MAX (a programming error: cursors are a few ids long). */
char *sc_page_cursor_encode(sc_arena *a, const char *kind, int n, const char *const *fields);

/* The "cursor" query parameter: 0 when absent or empty (first page), 1 when
 * it decoded into exactly n fields (arena strings in fields[0..n)), -1 with e
 * filled when malformed. The caller still checks the shape of each field
 * (UUID, number) and answers sc_page_bad_cursor() when one is wrong. */
int sc_page_cursor(const sc_req *req, const char *kind, int n, const char **fields,
    sc_verr *e);

/* Fill e for a malformed cursor. Always returns -1. */
int sc_page_bad_cursor(sc_verr *e);

/* Add "next_cursor" (the cursor, or "" when next is NULL: the last page) and
 * "has_more" to a list answer. */
void sc_page_finish(json_object *data, const char *next);

/* Answer a list page 200 {<key>: list, next_cursor, has_more}: res holds up
 * to limit + 1 rows (the extra one only says there are more); when it has
 * more than limit, the cursor of list `kind` is made of columns cols[0..n) of
 * row limit - 1. Takes list. 0, or -1 with a 500 in resp (a cursor too long
 * to encode: a programming error). */
int sc_page_answer(sc_req *req, sc_resp *resp, const char *key, json_object *list,
    const PGresult *res, long long limit, const char *kind, int n, const int *cols);

#endif
