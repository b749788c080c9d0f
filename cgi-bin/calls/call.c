/* GET /v1/calls/:id - one call with its participants.
 *
 * Readable by its participants (anyone rung, joined or declined, even after
 * leaving the conversation) and by the current members of its conversation:
 * 403 otherwise, 404 for an unknown call. 200 the call object {call_id,
 * conversation_id, caller_id, call_type, status, started_at, answered_at,
 * ended_at, ended_by, duration, participants} (sql/006_calls.sql call_json: a
 * ringing call past CALL_RING_SECONDS reads as missed). */
#include "sc_app.h"
#include "sc_call.h"
#include "sc_db.h"
#include "sc_row.h"

/* $1 call, $2 caller, $3 ring seconds. One row when the call exists: may
 * read, the call object (NULL when refused). */
static const char SQL_GET[] =
    "SELECT a.ok, CASE WHEN a.ok THEN call_json(c, $3::int) END FROM calls c, "
    "LATERAL (SELECT EXISTS (SELECT 1 FROM call_participants p "
    "                        WHERE p.call_id = c.call_id AND p.user_id = $2::uuid) "
    "             OR EXISTS (SELECT 1 FROM conversation_participants m "
    "                        WHERE m.conversation_id = c.conversation_id "
    "                          AND m.user_id = $2::uuid) AS ok) a "
    "WHERE c.call_id = $1::uuid";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[3];
	sc_call_cfg cfg;
	PGresult *res;
	sc_db_err err;
	json_object *o;

	sc_call_cfg_load(&cfg);
	p[0] = sc_route_param(&req->params, "id");
	p[1] = req->user.user_id;
	p[2] = cfg.ring;
	if (sc_db_exec(req->db, req->arena, SQL_GET, 3, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "no such call");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "not a participant of this call or a member of its "
		    "conversation");
	if ((o = sc_row_json(res, 0, 1)) == NULL)
		return sc_resp_fail(resp, "call: no call object");
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/call", .pattern = "/v1/calls/:id", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
