/* GET /v1/messages/search?q=&conversation_id=&limit=&cursor= - full-text
 * search over the caller's messages.
 *
 * q: 1..200 characters after trimming white space (the original's name
 * `query` is accepted when q is absent), read by websearch_to_tsquery with
 * the `simple` configuration ("quoted phrases", or, -word). Only
 * conversations the caller is a member of, only unencrypted and undeleted
 * messages: the generated column messages.search is NULL for the others and
 * its GIN index answers `search @@ query`. conversation_id (optional, a UUID;
 * 400 when malformed) narrows it to one conversation: 403 not a member, 404
 * unknown. Newest first, keyset on message_id (cursor kind messages.search).
 * {messages:[message + snippet], next_cursor, has_more}; snippet is a short
 * plain-text excerpt around the matches (ts_headline without markers: content
 * is not HTML-escaped, so markup in it would be unsafe to render). */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_msg.h"
#include "sc_page.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

#define KIND "messages.search"
#define Q_MAX 200

/* The hits' filter: $1 caller (via the caller's conversations or acc), $2 q,
 * $3 the last message_id of the previous page (NULL for the first). */
#define HIT_FILTER \
	"m.search IS NOT NULL AND m.search @@ websearch_to_tsquery('simple', $2) " \
	"AND NOT m.is_encrypted AND m.deleted_at IS NULL " \
	"AND ($3::uuid IS NULL OR m.message_id < $3::uuid) "

/* the snippet of a hit h (computed for the page's rows only) */
#define SNIPPET \
	"left(ts_headline('simple', h.content, websearch_to_tsquery('simple', $2), " \
	"  'MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=\" ... \", " \
	"   StartSel=\"\", StopSel=\"\"'), 300)"

/* Every conversation of $1; $4 rows. Columns: SC_MSG_COLS, snippet. */
static const char SQL_ALL[] =
    "SELECT h.*, " SNIPPET " FROM ("
    "  SELECT " SC_MSG_COLS " FROM messages m "
    "  WHERE m.conversation_id IN (SELECT p.conversation_id FROM conversation_participants p "
    "                              WHERE p.user_id = $1::uuid) "
    "    AND " HIT_FILTER
    "  ORDER BY m.message_id DESC LIMIT $4) h "
    "ORDER BY h.message_id DESC";

/* Conversation $5 only. No row when it does not exist; else member, then
 * SC_MSG_COLS and snippet (NULL in the single row of a member without hits). */
static const char SQL_ONE[] =
    "WITH " SC_SQL_CONV_ACCESS("$5::uuid", "$1::uuid") ", "
    "hits AS (SELECT " SC_MSG_COLS " FROM messages m "
    "         WHERE (SELECT acc.member FROM acc) AND m.conversation_id = $5::uuid "
    "           AND " HIT_FILTER
    "         ORDER BY m.message_id DESC LIMIT $4) "
    "SELECT acc.member, h.*, " SNIPPET " FROM acc LEFT JOIN hits h ON true "
    "ORDER BY h.message_id DESC";

/* q (or query) trimmed, into the arena; NULL when not 1..Q_MAX characters */
static char *query_text(sc_req *req)
{
	const char *q = sc_req_query(req, "q"), *end;
	size_t chars;

	if (q == NULL)
		q = sc_req_query(req, "query");
	if (q == NULL)
		return NULL;
	while (*q == ' ' || (*q >= '\t' && *q <= '\r'))
		q++;
	end = q + strlen(q);
	while (end > q && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
		end--;
	chars = sc_utf8_len(q, (size_t)(end - q));
	return chars < 1 || chars > Q_MAX ? NULL :
	    sc_arena_strndup(req->arena, q, (size_t)(end - q));
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *after[1] = { NULL }, *cv = sc_req_query(req, "conversation_id"), *p[5];
	char *q = query_text(req), lim[24], conv[SC_UUID_STRLEN + 1];
	long long limit;
	int rows, i, c0, rc;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *list, *m;

	if (q == NULL)
		return sc_verr_set(&e, "q", "must be 1..%d characters", Q_MAX), sc_resp_verr(resp, &e);
	if (cv != NULL && cv[0] != '\0' && !sc_uuid_parse(cv, strlen(cv), conv))
		return sc_verr_set(&e, "conversation_id", "must be a UUID"), sc_resp_verr(resp, &e);
	if (sc_page_limit(req, &limit, &e) < 0 || sc_page_cursor(req, KIND, 1, after, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (after[0] != NULL && !sc_uuid_parse(after[0], strlen(after[0]), NULL))
		return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = q;
	p[2] = after[0];
	p[3] = lim;
	p[4] = conv;
	if (cv != NULL && cv[0] != '\0') {
		rc = sc_db_exec(req->db, req->arena, SQL_ONE, 5, p, SC_DB_RETRY, &res, &err);
		c0 = 1;
	} else {
		rc = sc_db_exec(req->db, req->arena, SQL_ALL, 4, p, SC_DB_RETRY, &res, &err);
		c0 = 0;
	}
	if (rc < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	if (c0 == 1) {
		if (rows == 0 || !sc_row_is_true(res, 0, 0))
			return sc_conv_denied(resp, rows > 0, "conversation");
		if (PQgetisnull(res, 0, c0))
			rows = 0;   /* a member without hits */
	}
	list = json_object_new_array();
	for (i = 0; i < rows && i < limit; i++) {
		m = sc_msg_json(res, i, c0);
		json_object_object_add(m, "snippet", sc_row_text(res, i, c0 + SC_MSG_NCOLS));
		json_object_array_add(list, m);
	}
	return sc_page_answer(req, resp, "messages", list, res, limit, KIND, 1, (const int[]){ c0 });
}

static const sc_endpoint ep = {
	.name = "messages/search", .pattern = "/v1/messages/search", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
