/* GET /v1/calls?conversation_id=&limit=&cursor= - the caller's call log.
 *
 * The calls the caller has a participant row in (made, rung for, joined),
 * newest first (started_at DESC, then call_id), keyset pages (sc_page.h):
 * {calls:[call object + direction + missed], next_cursor, has_more}.
 * direction: "outgoing" for the calls the caller made, else "incoming".
 * missed: an incoming call that is over, which the caller never joined and
 * did not decline (a ringing call past CALL_RING_SECONDS is over).
 * conversation_id (optional UUID) keeps the calls of one conversation; it
 * filters the caller's own log, so it needs no membership (a conversation the
 * caller left still lists its calls; any other id lists nothing). 400 naming
 * conversation_id, limit or cursor. */
#include "sc_app.h"
#include "sc_call.h"
#include "sc_contact.h"
#include "sc_db.h"
#include "sc_page.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

#define KIND "calls.log"
#define POS_MAX (1LL << 53)   /* microseconds; beyond anything we issue */

/* $1 caller, $2/$3 the position after which the page starts (microseconds,
 * call id; NULL on the first page), $4 rows, $5 ring seconds, $6 conversation
 * or NULL. Rows: position, call id, call object, outgoing, missed. The keyset
 * order and condition are the contact lists' (sc_contact.h). */
static const char SQL_LOG[] =
    "SELECT " SC_SQL_CONTACT_POS("c.started_at") ", c.call_id, call_json(c, $5::int), "
    "  c.caller_id = $1::uuid, "
    "  c.caller_id <> $1::uuid AND p.joined_at IS NULL AND p.declined_at IS NULL "
    "  AND call_status(c.status, c.started_at, $5::int) NOT IN ('ringing', 'active') "
    "FROM call_participants p JOIN calls c ON c.call_id = p.call_id "
    "WHERE p.user_id = $1::uuid AND ($6::uuid IS NULL OR c.conversation_id = $6::uuid) "
    "  AND " SC_SQL_CONTACT_AFTER("c.started_at", "c.call_id") " "
    "ORDER BY c.started_at DESC, c.call_id LIMIT $4";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *after[2] = { NULL, NULL }, *cv = sc_req_query(req, "conversation_id"), *p[6];
	char lim[24], conv[SC_UUID_STRLEN + 1];
	long long limit, pos;
	int rows, i;
	sc_call_cfg cfg;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *list, *c;

	if (cv != NULL && cv[0] == '\0')
		cv = NULL;   /* an empty conversation_id= is no filter, as in message search */
	if (cv != NULL && !sc_uuid_parse(cv, strlen(cv), conv))
		return sc_verr_set(&e, "conversation_id", "must be a UUID"), sc_resp_verr(resp, &e);
	if (sc_page_limit(req, &limit, &e) < 0 || sc_page_cursor(req, KIND, 2, after, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (after[0] != NULL && (sc_parse_i64(after[0], strlen(after[0]), 0, POS_MAX, &pos) < 0 ||
	    !sc_uuid_parse(after[1], strlen(after[1]), NULL)))
		return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	sc_call_cfg_load(&cfg);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = after[0];
	p[2] = after[1];
	p[3] = lim;
	p[4] = cfg.ring;
	p[5] = cv != NULL ? conv : NULL;
	if (sc_db_exec(req->db, req->arena, SQL_LOG, 6, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	list = json_object_new_array();
	for (i = 0; i < rows && i < limit; i++) {
		if ((c = sc_row_json(res, i, 2)) == NULL)
			continue;
		json_object_object_add(c, "direction", json_object_new_string(
		    sc_row_is_true(res, i, 3) ? "outgoing" : "incoming"));
		json_object_object_add(c, "missed", sc_row_bool(res, i, 4));
		json_object_array_add(list, c);
	}
	return sc_page_answer(req, resp, "calls", list, res, limit, KIND, 2, (const int[]){ 0, 1 });
}

static const sc_endpoint ep = {
	.name = "calls/calls", .pattern = "/v1/calls", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
