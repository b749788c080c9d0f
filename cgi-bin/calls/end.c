/* POST /v1/calls/:id/end - end a call for everyone.
 *
 * Only a participant who is in the call now: 404 unknown call; 403 a stranger
 * (neither a participant nor a member of the conversation), or a member or
 * participant who is not in the call; 409 the call is over already (checked
 * before "not in the call", so a former participant learns that). 200
 * {call_id, status:"ended", duration}; call.ended {call_id, status, duration,
 * ended_by} to every participant (the caller's other devices included). */
#include "sc_app.h"
#include "sc_call.h"

/* $1 caller, $2 call, $3 ring seconds: one call_result row. */
static const char SQL_END[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_end($1::uuid, $2::uuid, $3::int)";

static int handle(sc_req *req, sc_resp *resp)
{
	sc_call_res res;

	if (sc_call_act(req, resp, SQL_END, 0, &res) < 0)
		return -1;
	sc_call_publish_ended(req->redis, &res);
	sc_resp_json(resp, 200, sc_call_summary(res.call, 0));
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/end", .pattern = "/v1/calls/:id/end", .methods = SC_M_POST,
	.flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
