/* POST /v1/calls/initiate {call_type, conversation_id, callee_ids?} - ring a
 * conversation's members.
 *
 * call_type: audio | video. conversation_id: a UUID. callee_ids: optional,
 * 1..100 UUIDs (an empty array is 400); absent: every other member of the
 * conversation except deleted users and those across a block with the caller.
 * The caller among callee_ids is ignored; duplicates count once.
 * 404 unknown conversation; 403 the caller is not a member, a direct
 * conversation with a block, a callee who is not a member, a named callee
 * across a block with the caller; 400 naming callee_ids when nobody is left to
 * ring or the callees and the caller exceed CALL_MAX_PARTICIPANTS; 409 a call
 * is already ringing or active there (error.call_id names it). 201 the call
 * object (sc_call.h) with ice_servers (sc_turn.h: possibly empty, never an
 * error); call.ringing {call_id, call} to the callees. */
#include "sc_app.h"
#include "sc_call.h"
#include "sc_ids.h"
#include "sc_turn.h"

#include <string.h>
#include <time.h>

/* $1 caller, $2 conversation, $3 call type, $4 callees (uuid[] or NULL), $5
 * cap, $6 ring seconds: one call_result row. */
static const char SQL_INITIATE[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_initiate($1::uuid, $2::uuid, $3::text, "
    "$4::uuid[], $5::int, $6::int)";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *type, *p[6];
	char conv[37];
	size_t n;
	int named;
	sc_ids callees;
	sc_call_cfg cfg;
	sc_call_res res;
	sc_verr e;
	json_object *o, *v;

	if (sc_json_get_str(req->json, "call_type", SC_REQUIRED, 1, 16, &type, &n, &e) < 0 ||
	    (strcmp(type, "audio") != 0 && strcmp(type, "video") != 0))
		return sc_verr_set(&e, "call_type", "must be \"audio\" or \"video\""),
		    sc_resp_verr(resp, &e);
	/* absent or null: the default callees; present: 1..100 ids */
	named = json_object_object_get_ex(req->json, "callee_ids", &v) && v != NULL;
	if (sc_json_get_uuid(req->json, "conversation_id", SC_REQUIRED, conv, &e) < 0 ||
	    (named && sc_ids_from_json(req->arena, req->json, "callee_ids", SC_REQUIRED, 1, 100,
	    &callees, &e) < 0))
		return sc_resp_verr(resp, &e);
	sc_call_cfg_load(&cfg);
	p[0] = req->user.user_id;
	p[1] = conv;
	p[2] = type;
	p[3] = named ? callees.pg : NULL;
	p[4] = cfg.cap;
	p[5] = cfg.ring;
	if (sc_call_transition(req, resp, SQL_INITIATE, 6, p, &res) < 0)
		return -1;
	sc_call_publish(req->redis, res.others, "call.ringing", &res, NULL, NULL);
	o = json_object_get(res.call);
	json_object_object_add(o, "ice_servers",
	    sc_turn_ice_servers(req->user.user_id, (long long)time(NULL)));
	sc_resp_json(resp, 201, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/initiate", .pattern = "/v1/calls/initiate", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
