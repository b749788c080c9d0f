/* sc_call.c - call transitions, refusals, events, the participants set (sc_call.h). */
#include "sc_call.h"
#include "sc_app.h"
#include "sc_buf.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_log.h"
#include "sc_row.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* the columns of SC_CALL_RESULT_COLS */
enum { COL_CODE, COL_ID, COL_CALL, COL_OTHERS, COL_EVERYONE, COL_MEMBERS, COL_LIVE, COL_REV,
	COL_TTL, COL_CHANGED, COL_ENDED, NCOLS };

void sc_call_cfg_load(sc_call_cfg *cfg)
{
	snprintf(cfg->ring, sizeof(cfg->ring), "%lld", sc_config_int(SC_CFG_CALL_RING_SECONDS));
	snprintf(cfg->cap, sizeof(cfg->cap), "%lld", sc_config_int(SC_CFG_CALL_MAX_PARTICIPANTS));
}

static const struct refusal {
	const char *code;
	int         status;
	const char *msg;
} refusals[] = {
	{ "no_conversation",   404, "no such conversation" },
	{ "no_call",           404, "no such call" },
	{ "not_member",        403, "not a member of this conversation" },
	{ "blocked",           403, "a block stands between you and the other participant" },
	{ "callee_not_member", 403, "a callee is not a member of this conversation" },
	{ "callee_blocked",    403, "a block stands between you and a callee" },
	{ "forbidden",         403, "not a participant of this call" },
	{ "not_participant",   403, "not a participant of this call" },
	{ "not_invited",       403, "only an invited callee can decline a call" },
	{ "not_in_call",       403, "only a participant who is in the call can end it" },
	{ "busy",              409, "a call is already active in this conversation" },
	{ "over",              409, "the call is over" },
	{ "already_joined",    409, "you are already in this call" },
	{ "full",              409, "the call is full" },
	{ "not_joined",        409, "you are not in this call" },
	{ "answered",          409, "you already joined this call" },
	{ "declined",          409, "you already declined this call" },
};

int sc_call_refuse(sc_resp *resp, const char *code, const char *call_id)
{
	char msg[96];
	size_t i;

	if (strcmp(code, "no_callees") == 0)
		return sc_resp_bad(resp, "callee_ids", "nobody to call: name at least one other "
		    "member of the conversation you may call");
	if (strcmp(code, "too_many") == 0) {
		snprintf(msg, sizeof(msg), "a call has at most %lld participants, "
		    "the caller included", sc_config_int(SC_CFG_CALL_MAX_PARTICIPANTS));
		return sc_resp_bad(resp, "callee_ids", msg);
	}
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		if (strcmp(code, refusals[i].code) != 0)
			continue;
		if (strcmp(code, "busy") == 0 && call_id != NULL)
			return sc_resp_error_with(resp, 409, refusals[i].msg, "call_id", call_id);
		return sc_resp_error(resp, refusals[i].status, refusals[i].msg);
	}
	sc_log(SC_LOG_ERROR, "unknown call transition code", "\"code\":\"%.40s\"", code);
	return sc_resp_error(resp, 500, "internal server error");
}

static void put_json(void *p)
{
	json_object_put(p);
}

/* a cell as a number, 0 when NULL or not one */
static long long cell_int(const PGresult *res, int col)
{
	const char *s = PQgetvalue(res, 0, col);
	long long v;

	if (PQgetisnull(res, 0, col) || sc_parse_i64(s, strlen(s), LLONG_MIN, LLONG_MAX, &v) < 0)
		return 0;
	return v;
}

int sc_call_transition(sc_req *req, sc_resp *resp, const char *sql, int nparams,
    const char *const *params, sc_call_res *out)
{
	const char *code, *id;
	PGresult *res;
	sc_db_err err;

	memset(out, 0, sizeof(*out));
	if (sc_db_exec(req->db, req->arena, sql, nparams, params, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || PQnfields(res) != NCOLS || PQgetisnull(res, 0, COL_CODE))
		return sc_resp_fail(resp, "call transition: unexpected result");
	code = PQgetvalue(res, 0, COL_CODE);
	id = PQgetisnull(res, 0, COL_ID) ? NULL : PQgetvalue(res, 0, COL_ID);
	if (id != NULL && sc_row_is_true(res, 0, COL_CHANGED))
		sc_call_cache(req->redis, id, PQgetvalue(res, 0, COL_LIVE),
		    PQgetvalue(res, 0, COL_MEMBERS), cell_int(res, COL_REV), cell_int(res, COL_TTL),
		    0);
	if (strcmp(code, "ok") != 0)
		return sc_call_refuse(resp, code, id);
	out->call_id = id;
	out->call = sc_row_json(res, 0, COL_CALL);
	if (id == NULL || out->call == NULL)
		return sc_resp_fail(resp, "call transition: no call in the result");
	sc_arena_defer(req->arena, put_json, out->call);
	out->others = PQgetvalue(res, 0, COL_OTHERS);
	out->everyone = PQgetvalue(res, 0, COL_EVERYONE);
	out->ended = sc_row_is_true(res, 0, COL_ENDED);
	return 0;
}

int sc_call_act(sc_req *req, sc_resp *resp, const char *sql, int with_cap, sc_call_res *out)
{
	const char *p[4];
	sc_call_cfg cfg;

	sc_call_cfg_load(&cfg);
	p[0] = req->user.user_id;
	p[1] = sc_route_param(&req->params, "id");
	p[2] = cfg.ring;
	p[3] = cfg.cap;
	return sc_call_transition(req, resp, sql, with_cap ? 4 : 3, p, out);
}

void sc_call_publish(sc_redis *r, const char *recipients, const char *type,
    const sc_call_res *res, const char *user_id, const char *reason)
{
	json_object *d = json_object_new_object();
	const char *errstr;

	json_object_object_add(d, "call_id", json_object_new_string(res->call_id));
	if (user_id != NULL)
		json_object_object_add(d, "user_id", json_object_new_string(user_id));
	if (reason != NULL)
		json_object_object_add(d, "reason", json_object_new_string(reason));
	json_object_object_add(d, "call", json_object_get(res->call));
	sc_events_publish(r, recipients, type, d, &errstr);
	json_object_put(d);
}

json_object *sc_call_summary(json_object *call, int with_ended_by)
{
	json_object *o = json_object_new_object(), *v;
	static const char *const keys[] = { "call_id", "status", "duration", "ended_by" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) - (with_ended_by ? 0 : 1); i++) {
		v = NULL;
		json_object_object_get_ex(call, keys[i], &v);
		json_object_object_add(o, keys[i], json_object_get(v));
	}
	return o;
}

void sc_call_publish_ended(sc_redis *r, const sc_call_res *res)
{
	json_object *d = sc_call_summary(res->call, 1);
	const char *errstr;

	sc_events_publish(r, res->everyone, "call.ended", d, &errstr);
	json_object_put(d);
}

/* KEYS: the set, the revision. ARGV: rev, live, ttl, members (comma list),
 * force ("1": equal revisions are written again, for sc-admin rebuild-redis). */
static sc_redis_script cache_script = { .text =
	"local rev = tonumber(ARGV[1])\n"
	"local cur = tonumber(redis.call('GET', KEYS[2]) or '0') or 0\n"
	"if cur > rev or (cur == rev and ARGV[5] ~= '1') then return 0 end\n"
	"redis.call('DEL', KEYS[1])\n"
	"if ARGV[2] == 'over' then\n"
	"  redis.call('SET', KEYS[2], ARGV[1], 'EX', 600)\n"
	"  return 1\n"
	"end\n"
	"for u in string.gmatch(ARGV[4], '[^,]+') do redis.call('SADD', KEYS[1], u) end\n"
	"if ARGV[2] == 'ringing' then\n"
	"  redis.call('EXPIRE', KEYS[1], ARGV[3])\n"
	"  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])\n"
	"else\n"
	"  redis.call('SET', KEYS[2], ARGV[1])\n"
	"end\n"
	"return 1\n",
};

int sc_call_cache(sc_redis *r, const char *call_id, const char *live, const char *members,
    long long rev, long long ttl, int force)
{
	char set[96], revkey[96], revs[24], ttls[24];
	const char *keys[2] = { set, revkey }, *args[5], *errstr = NULL;
	redisReply *reply = NULL;
	int unavailable = 0;

	if (strlen(call_id) > 64 || (strcmp(live, "ringing") != 0 && strcmp(live, "active") != 0 &&
	    strcmp(live, "over") != 0))
		return -1;
	snprintf(set, sizeof(set), "call:%s:participants", call_id);
	snprintf(revkey, sizeof(revkey), "call:%s:rev", call_id);
	snprintf(revs, sizeof(revs), "%lld", rev);
	snprintf(ttls, sizeof(ttls), "%lld", ttl > 0 ? ttl : 1);
	args[0] = revs;
	args[1] = live;
	args[2] = ttls;
	args[3] = members != NULL ? members : "";
	args[4] = force ? "1" : "0";
	if (sc_redis_eval(r, &cache_script, 2, keys, 5, args, &reply, &unavailable, &errstr) < 0) {
		sc_log(SC_LOG_WARN, "call participants set not written",
		    "\"call_id\":\"%s\",\"unavailable\":%s", call_id,
		    unavailable ? "true" : "false");
		return -1;
	}
	freeReplyObject(reply);
	return 0;
}
